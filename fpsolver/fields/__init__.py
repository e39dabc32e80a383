"""Inputs of the models: temperature fields (1D profiles and 2D/3D fields) and potentials.

:mod:`.base` holds the :class:`~fpsolver.fields.base.TemperatureField` protocol the
models use in any dimension (T, gradient, Laplacian; 1D is dimension 1),
:mod:`.profiles` the 1D profiles T(x), :mod:`.potentials` U(x), and :mod:`.nd`
temperatures and potentials in two or three dimensions (formulas in x, y, z and
tabulated grids).
"""
