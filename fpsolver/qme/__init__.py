"""Discrete quantum master equations (docs/physics/quantum.md).

A generic microscopic Lindblad builder (:func:`build_master_equation`), steady
states by sparse Liouvillian solve or Pauli rate equations (:func:`steady_state`),
time evolution (:func:`evolve`), the systems of the two quantum papers (Lambda, V,
N-site chain, quantum dot; :mod:`fpsolver.qme.systems`, with the registry of systems
qme cases can run) and their closed forms (:mod:`fpsolver.qme.analytic`). Results carry
their provenance in ``metadata`` and convert with ``to_xarray()``.
"""

from fpsolver.qme import analytic
from fpsolver.qme._builder import MasterEquation, block_eigenbasis, build_master_equation
from fpsolver.qme._evolution import evolve
from fpsolver.qme._records import Observable
from fpsolver.qme._steady import QMESteadyState, steady_state
from fpsolver.qme.baths import Bath
from fpsolver.qme.systems import SYSTEMS, System, register_system
from fpsolver.qme.systems.chain import ChainResult, chain, chain_master_equation, chain_site_populations
from fpsolver.qme.systems.dot import QuantumDot, quantum_dot, quantum_dot_lindblad
from fpsolver.qme.systems.three_level import ThreeLevelResult, lambda_system, v_system

__all__ = [
    "analytic",
    "Bath",
    "MasterEquation",
    "build_master_equation",
    "block_eigenbasis",
    "QMESteadyState",
    "steady_state",
    "evolve",
    "Observable",
    "ThreeLevelResult",
    "lambda_system",
    "v_system",
    "ChainResult",
    "chain",
    "chain_master_equation",
    "chain_site_populations",
    "QuantumDot",
    "quantum_dot",
    "quantum_dot_lindblad",
    "SYSTEMS",
    "System",
    "register_system",
]
