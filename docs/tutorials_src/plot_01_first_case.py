"""
Your first case
===============

A case is a directory with a ``case.toml``. ``fpsolver run`` reads it, solves the
steady state (and transient, ensembles) and writes results; here we do the same from
Python and read the results with xarray.
"""

print("placeholder")
