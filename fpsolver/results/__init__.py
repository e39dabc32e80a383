"""Result objects: frozen, with provenance and ``to_xarray()``.

:mod:`.field` (1D steady and transient), :mod:`.field_nd` (any-dimension fields) and
:mod:`.ensemble` (Langevin ensembles).
"""
