"""Result objects: frozen, with provenance and ``to_xarray()``.

:mod:`.field` holds the PDE results for any dimension (:class:`SteadyState`,
:class:`TransientSolution`: ``P``, ``points``, ``x`` in 1D, ``volumes``, ``mass``,
``mean``, ``J``, ``metadata``) and :mod:`.ensemble` the Langevin ensemble results.
"""

from fpsolver.results.field import SteadyState, TransientSolution

__all__ = ["SteadyState", "TransientSolution"]
