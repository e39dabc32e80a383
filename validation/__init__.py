"""fpsolver's validation reports (issue 6).

Each ``study_*.py`` module is one study: ``NAME``, ``TITLE`` and
``run(fast, out_dir) -> StudyResult`` (see :mod:`validation._report`). The driver
``python -m validation [--fast] [--only NAME ...] [--out DIR]`` (or
``validation.__main__.main(argv)``) runs them and writes ``report/REPORT.md`` and a
self-contained ``report/REPORT.html`` (contents, a summary per study, the paper
disagreements of :mod:`validation.disagreements` linked to their rows, then the
detailed tables per study). The other scripts in this folder
(benchmarks, ensemble and QME scripts) are standalone and not part of the driver.
"""

STUDIES: dict[str, str] = {
    "gclm_soret_and_conventions": "validation.study_soret_conventions",
    "gclm1_eq31": "validation.study_gclm1_eq31",
    "gclm1_curvature": "validation.study_gclm1_curvature",
    "gclm2_eq60_and_approximations": "validation.study_gclm2_approximations",
    "gclm_paper_text": "validation.study_gclm_text",
    "convergence": "validation.study_convergence",
    "soret_across_families": "validation.study_soret_families",
    "quantum_thermophoresis": "validation.study_quantum_thermophoresis",
    "quantum_dot": "validation.study_quantum_dot",
    "pde_vs_sde": "validation.study_pde_vs_sde",
    "shipped_cases": "validation.study_shipped_cases",
    "moment_relaxation": "validation.study_moment_relaxation",
    "sde_weak_order": "validation.study_sde_weak_order",
    "small_mass_limit": "validation.study_small_mass_limit",
    "fitting": "validation.study_fitting",
    "verification_matrix": "validation.study_verification_matrix",
}
"""Study name -> module, in report order (an explicit registry, no import side effects)."""
