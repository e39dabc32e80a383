"""The FiPy finite-volume core: operator assembly, steady and transient solvers, exact references.

:mod:`.operator` assembles div[A P + grad(D P)] with exact per-face velocities,
:mod:`.steady` solves for the zero-flux steady state, :mod:`.transient` relaxes a
density in time and :mod:`.exact` gives the closed-form zero-flux references.
"""
