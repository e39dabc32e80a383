"""The case application: schema, build, run, checks, sweeps and distribution.

A case directory holds ``case.toml``; :mod:`.schema` validates it, :mod:`.build`
turns it into meshes, profiles and models, :mod:`.run` solves it, :mod:`.checks`
judges the results, :mod:`.sweep` scans parameters and :mod:`.distributed` maps the
work onto Dask.
"""
