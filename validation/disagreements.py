"""Where the papers and fpsolver's numbers disagree: one entry per disagreement, each tied to its report row.

Every entry names the study and the beginning of the metric of the report row that shows it
(:attr:`Disagreement.metric`); the validation report gives that row the entry's :attr:`~Disagreement.id`
as its row id (the HTML anchor ``REPORT.html#<id>``) and lists the entries in its "Paper
disagreements" section, so a README or a docs page can link each statement to the number behind it.
``python -m validation.disagreements`` writes ``validation/DISAGREEMENTS.md`` from this list.

Papers: *gCLm* = "Thermoforesis from generalized Caldeira-Leggett models" (arXiv:2603.26980);
*QT* = "Quantum thermophoresis" (Matos, Werlang, Valente); *QD* = "Anomalous thermodiffusion,
absolute negative mobility and reverse heat transport in a single quantum dot" (Zhang, Lü).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpsolver.analysis.checks import Check


@dataclass(frozen=True)
class Disagreement:
    """One statement of a paper that the report's numbers contradict (or read differently).

    ``kind`` is ``"error"`` (the printed result is wrong), ``"typo"`` (a misprint whose intended form is
    right) or ``"reading"`` (right, but only in the sense the report states).
    """

    id: str
    paper: str
    where: str
    kind: str
    claim: str
    finding: str
    study: str
    metric: str

    def matches(self, check: Check) -> bool:
        """Whether ``check`` is this entry's report row."""
        return check.subject == self.study and check.metric.startswith(self.metric)


DISAGREEMENTS: tuple[Disagreement, ...] = (
    Disagreement(
        "gclm-eq31-normalisation",
        "gCLm",
        "Eq. 31",
        "typo",
        "A = (2 k_B T0/kappa T0') sinh(kappa T0' L/k_B T0)",
        "the integral over [-L/2, L/2] is (2 k_B T0/kappa T0') sinh(kappa T0' L/(2 k_B T0)): the printed A is 2 cosh(cL/2) times too large",
        "gclm1_eq31",
        "kappa=1, T0'=0.3: paper's printed A",
    ),
    Disagreement(
        "gclm-eq29-noise",
        "gCLm",
        "Eq. 29",
        "typo",
        "overdamped noise sqrt(2 D0/eta_eff)",
        "that noise gives D = D0/eta_eff, not Eq. 30's D0/eta_eff^2 (its steady state is L1 = 0.28 from Eq. 30 in a curved profile); fpsolver implements Eq. 30",
        "gclm_paper_text",
        "same: L1 distance of the state of Eq. 29's noise",
    ),
    Disagreement(
        "gclm-eq28-constant",
        "gCLm",
        "text after Eq. 28",
        "error",
        "sum c^2/(m omega^2) = pi K(0)/2 = pi eta/tau_R",
        "Eqs. 22-23 give sum c^2/(m omega^2) = K(0) = 2 eta/(pi tau_R): the printed constant is pi^2/2 = 4.93 times larger, and alpha_tilde from physical constants depends on which is used",
        "gclm_paper_text",
        "printed sum c^2/(m omega^2)",
    ),
    Disagreement(
        "gclm-qt-force-factor-2",
        "gCLm and QT",
        "gCLm Eq. 4, QT Eq. 1",
        "reading",
        "<f> = -(T'/T) pV/2 (gCLm) and <f> = -(T'/T) pV (QT) for the same two-sided force",
        "with the same V = 2rA the QT force is twice gCLm's: the papers define V differently (QT's V is rA)",
        "gclm_paper_text",
        "quantum paper's Eq. 1 force",
    ),
    Disagreement(
        "gclm-eq58-typo",
        "gCLm",
        "Eq. 58",
        "typo",
        "second term with k_B T(t)",
        "the derivative of D = k_B T(x)/eta2(x) has k_B T(x); Eq. 59 follows from the corrected form",
        "gclm_paper_text",
        "Eq. 58 as printed",
    ),
    Disagreement(
        "gclm2-constant-friction",
        "gCLm",
        "gCLm-II, text before Eq. 60",
        "error",
        "eta2 ≈ eta sqrt(pi) sigma/L, approximately constant for sigma << L",
        "eta2 = eta sqrt(pi)(sigma + x^2/(2 sigma))/L: constant only for |x| << sigma (9 times larger at x = 4 sigma, 6.3 times at the walls of the test domain)",
        "gclm2_eq60_and_approximations",
        "max over the domain of eta2(x)",
    ),
    Disagreement(
        "gclm2-eq60-ito-reading",
        "gCLm",
        "Eqs. 57-60",
        "reading",
        "the full gCLm-II departs from Eq. 60 (P ∝ 1/T)",
        "only in the Eq. 57 (Ito) reading (L1 = 0.43); in the Kramers (small-mass) reading local temperature gives Eq. 60 exactly and non-local temperature is L1 = 0.054 away",
        "gclm2_eq60_and_approximations",
        "friction=full, temperature=nonlocal: L1 from Eq. 60 under the Kramers reading",
    ),
    Disagreement(
        "gclm-small-mass-limit",
        "gCLm",
        "Eqs. 27/30 and 48/57",
        "error",
        "the overdamped forms Eqs. 30 and 57 as the overdamped limit of the inertial Eqs. 27 and 48",
        "the small-mass limit of the inertial ensembles follows the Kramers form (noise-induced drift) whenever the friction "
        "depends on x: the Ito forms are 13.5 (gCLm-II) and 19 (gCLm-I) noise units away",
        "small_mass_limit",
        "gclm2: interior L1(histogram, Ito form",
    ),
    Disagreement(
        "qt-eq11-rescaled",
        "QT",
        "Eqs. 11-12",
        "reading",
        "F_q^(high T) = -(dn/3 nbar) Gamma^2 d/2, the high-temperature thermophoretic force",
        "Eq. 11 is Eq. 10 rescaled by 4/3 so that its damping term is Gamma: its force is 4/3 of Eq. 10's F_q (and its stiffness 4/3 of m* Omega^2); the steady <X> is the same",
        "quantum_thermophoresis",
        "F_q^highT (Eq. 12) / F_q (Eq. 10)",
    ),
    Disagreement(
        "qt-delocalisation-onset",
        "QT",
        "Fig. 2(d), text",
        "error",
        "the ground state delocalises at large couplings, g/h >~ 1",
        "for N = 10 it delocalises at g = h/(2 cos(pi/11)) = 0.521h; g = h is the N = 2 crossing",
        "quantum_thermophoresis",
        "paper's onset 'g/h >~ 1'",
    ),
    Disagreement(
        "qt-zero-frequency-jumps",
        "QT",
        "text after Eq. 5",
        "error",
        "in our models all the operators A_(omega=0) vanish",
        "false at the isolated g where an excited level h + 2g cos(j pi/11) reaches 0 (0.521, 0.594, 0.764, 1.204h below 1.3h): ||A_k(0)|| >= 0.6 and the flat-J rate diverges there",
        "quantum_thermophoresis",
        "chain: min over the",
    ),
    Disagreement(
        "qt-fig2e-size",
        "QT",
        "Fig. 2(e), text after Eq. 14",
        "error",
        "a tiny bit of negative thermophoresis at g/h = 0.7 and 0.9, far less pronounced than in (d) at g/h = 1.3",
        "the sign is reproduced, the size is not: the hot-half excess at 0.7h is 1.5 times (0.9h: 2.2 times) that of (d) at "
        "1.3h in the global reading; ohmic baths give 0.94 and 1.46; the local master equation has no hot-ward excess at all",
        "quantum_thermophoresis",
        "hot-half excess of (e) at g = 0.7h over (d) at 1.3h",
    ),
    Disagreement(
        "qd-eq6-current",
        "QD",
        "Eq. 6",
        "typo",
        "J_L = W_10^L p_0 - W_01^R p_1 = gamma (f_L - f_R)",
        "W_01^L is meant in the second term: with it the form equals gamma (f_L - f_R) to 1e-16; as printed it is off by up to 0.197",
        "quantum_dot",
        "Eq. 6 as printed (W_01^R",
    ),
    Disagreement(
        "qd-eq6-right-current",
        "QD",
        "text after Eq. 6",
        "typo",
        "J_R = W_01^R p_1 - W_10^L p_0 = J_L",
        "the printed J_R is minus the printed J_L; W_01^R p_1 - W_10^R p_0 equals J_L to 1e-16",
        "quantum_dot",
        "Eq. 6, J_R as printed",
    ),
    Disagreement(
        "qd-duplicated-w10",
        "QD",
        "Eqs. 2-3",
        "typo",
        "Eq. 3 printed twice, the first time as W_10 = sum gamma (1 - f)",
        "that W_10 is Eq. 3's W_01; read literally Eq. 5 gives p_1 = 1/2; Eq. 2's W_10 = sum gamma f is meant",
        "quantum_dot",
        "Eqs. 2-3: the first Eq. 3",
    ),
)
"""The disagreements, in report order of their studies."""


def locate(results: Iterable, entries: Sequence[Disagreement] = DISAGREEMENTS) -> dict[str, Check]:
    """Map each entry's id to its report row among the checks of ``results`` (StudyResult objects).

    An entry whose study is not among ``results`` is left out; an entry whose study ran but
    has no row, or several, raises ``ValueError`` (the list and the studies must agree).
    """
    checks = {}
    studies = {result.name: result for result in results}
    for entry in entries:
        if entry.study not in studies or studies[entry.study].error is not None:
            continue
        rows = [c for c in studies[entry.study].checks if entry.matches(c)]
        if len(rows) != 1:
            raise ValueError(f"disagreement {entry.id!r}: {len(rows)} rows of study {entry.study!r} start with {entry.metric!r}, expected 1")
        checks[entry.id] = rows[0]
    return checks


def markdown(entries: Sequence[Disagreement] = DISAGREEMENTS) -> str:
    """DISAGREEMENTS.md: one section per entry with its report row id."""
    lines = [
        "# Where the papers and the numbers disagree",
        "",
        "Generated by `python -m validation.disagreements` from `validation/disagreements.py`; do not edit.",
        "Each entry's row id is the anchor of its row in `validation/report/REPORT.html` (`REPORT.html#<row id>`)",
        "and appears in the row column of REPORT.md. Kinds: *error* (the printed result is wrong), *typo* (a misprint",
        "whose intended form is right), *reading* (right only in the sense stated).",
        "",
        'Papers: gCLm = "Thermoforesis from generalized Caldeira-Leggett models"; QT = "Quantum thermophoresis";',
        'QD = "Anomalous thermodiffusion, absolute negative mobility and reverse heat transport in a single quantum dot".',
        "",
        "| row id | paper | where | kind | the paper says | the report finds | study |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in entries:
        cells = [f"`{entry.id}`", entry.paper, entry.where, entry.kind, entry.claim, entry.finding, f"`{entry.study}`"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


DEFAULT_PATH = Path(__file__).resolve().parent / "DISAGREEMENTS.md"


def main(argv: list[str] | None = None) -> int:
    """Write DISAGREEMENTS.md (or the path given as the only argument); ``--check`` exits 1 when it is stale."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else DEFAULT_PATH
    text = markdown()
    if check:
        current = path.read_text() if path.exists() else ""
        if current != text:
            print(f"{path} is stale: run python -m validation.disagreements", file=sys.stderr)
            return 1
        return 0
    temporary = path.with_suffix(".md.tmp")
    temporary.write_text(text)
    temporary.replace(path)
    print(f"wrote {path} ({len(DISAGREEMENTS)} disagreements)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
