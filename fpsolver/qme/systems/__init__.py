"""Quantum systems of qme cases: one module per system and one registry.

Each module builds H_S and its baths, solves the steady state and defines a
:class:`System` entry (solve function, observables, scaffold example, figures);
registering it below makes it a ``[system] kind`` of case files. A new system is one
module plus one :func:`register_system` line. Its result derives from :class:`Recorded`
(lists its :class:`Observable` s, gets ``to_xarray``) and its solve function is decorated
with :func:`with_provenance` (records version, parameters, method and wall time).
"""

from fpsolver.qme._records import Observable, Recorded, with_provenance
from fpsolver.qme.systems import chain, dot, three_level
from fpsolver.qme.systems._registry import HEAT_CURRENTS_FIGURE, SYSTEMS, ZERO_LINE, Curve, ReferenceLine, ScanFigure, System, register_system

register_system(chain.CHAIN)
register_system(three_level.LAMBDA)
register_system(three_level.V)
register_system(dot.DOT)

__all__ = ["HEAT_CURRENTS_FIGURE", "SYSTEMS", "ZERO_LINE", "Curve", "Observable", "Recorded", "ReferenceLine", "ScanFigure", "System", "register_system", "with_provenance"]
