"""Discrete quantum master equations (PHYSICS.md section 4).

A generic microscopic Lindblad builder (:func:`build_master_equation`), steady
states by sparse Liouvillian solve or Pauli rate equations (:func:`steady_state`),
time evolution (:func:`evolve`), the systems of the two quantum papers (Lambda, V,
N-site chain, quantum dot) and their closed forms (:mod:`fpsolver.qme.analytic`).
"""

from fpsolver.qme import analytic
from fpsolver.qme._builder import MasterEquation, block_eigenbasis, build_master_equation
from fpsolver.qme._evolution import evolve
from fpsolver.qme._steady import SteadyState, steady_state
from fpsolver.qme.baths import Bath
from fpsolver.qme.dot import QuantumDot, quantum_dot, quantum_dot_lindblad
from fpsolver.qme.systems import (
    ChainResult,
    ThreeLevelResult,
    chain,
    chain_master_equation,
    chain_site_populations,
    lambda_system,
    v_system,
)

__all__ = [
    "analytic",
    "Bath",
    "MasterEquation",
    "build_master_equation",
    "block_eigenbasis",
    "SteadyState",
    "steady_state",
    "evolve",
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
]
