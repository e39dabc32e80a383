"""Inputs of the models: temperature profiles (1D), potentials and nD fields.

:mod:`.profiles` holds T(x) in 1D, :mod:`.potentials` U(x), and :mod:`.nd`
temperatures and potentials in two or three dimensions (formulas in x, y, z and
tabulated grids).
"""
