"""fpsolver: thermophoresis of Brownian particles, classical and quantum.

Fokker-Planck equations in the canonical form dP/dt = div[A P + grad(D P)] on FiPy
meshes, Langevin ensembles that cross-validate them, and discrete quantum master
equations. See ``README.md`` and ``../shared/spec/PHYSICS.md`` for the physics.
"""

from fpsolver._version import __version__

__all__ = ["__version__"]
