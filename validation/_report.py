"""Study results and the REPORT.md / REPORT.html writer of the validation studies.

A *study* is a module with ``NAME``, ``TITLE``, optionally ``SHOWS`` (one sentence:
what it shows) and ``run(fast, out_dir)`` returning a :class:`StudyResult`: its checks
(the package's :class:`~fpsolver.analysis.checks.Check`, one per number the report
claims, with its reference, tolerance, comparison kind and pass/fail), PNG figures
(the first is its headline figure), the parameters used, a short markdown paragraph
and a table of numbers. :func:`write_report` lays a list of results out as a
:class:`~fpsolver.io.report.Report`: header lines, contents, a summary with one row
per study (what it shows, checks passed/total, headline figure), the paper
disagreements (:mod:`validation.disagreements`) linked to their rows, then one
section per study with its table of checks, each row with an id (``<study>.<n>``, or
the disagreement's id) that is its anchor in the HTML. It writes ``REPORT.md``
(figures linked from ``figures/``) and a self-contained ``REPORT.html`` (figures
embedded as base64 PNG).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from fpsolver.analysis.checks import Check
from fpsolver.io.report import Link, Report, Thumbnail, criterion, format_number
from validation.disagreements import DISAGREEMENTS, locate


@dataclass
class StudyResult:
    """What one study returns: checks, figures, parameters, paragraph, table."""

    name: str
    title: str
    checks: list[Check] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    parameters: dict[str, object] = field(default_factory=dict)
    paragraph: str = ""
    table: list[list[object]] = field(default_factory=list)
    """First row: header; further rows: numbers (rendered by :func:`fpsolver.io.report.format_number`)."""
    error: str | None = None
    seconds: float = 0.0
    shows: str = ""
    """One sentence: what the study shows (the summary table's second column; the driver fills it from ``SHOWS``)."""

    def check(self, quantity: str, value: float, reference: float, tolerance: float, comparison: str, note: str = "") -> Check:
        """Record a :class:`~fpsolver.analysis.checks.Check` (subject: this study, metric:
        ``quantity``, limit: ``tolerance``) and return it."""
        record = Check(self.name, quantity, float(value), float(tolerance), comparison, reference=float(reference), note=note)
        self.checks.append(record)
        return record

    @property
    def failed(self) -> bool:
        """A study fails when it raised or when any of its gating checks failed."""
        return self.error is not None or any(c.passed is False for c in self.checks)


class Study(Protocol):
    """A study module: ``NAME``, ``TITLE`` and ``run``."""

    NAME: str
    TITLE: str

    def run(self, fast: bool, out_dir: Path) -> StudyResult: ...


CHECK_HEADER = ["row", "quantity", "fpsolver value", "reference value", "tolerance", "pass/fail"]
STUDY_HEADER = ["study", "what it shows", "checks passed", "time (s)", "headline figure"]


def check_cells(check: Check) -> list[str]:
    """Value, reference, tolerance and verdict of one row (10 digits where a relative or absolute gap is judged)."""
    precise = check.comparison in ("absolute", "relative") and check.reference != 0
    value, reference = (f"{v:.10g}" if precise else format_number(v) for v in (check.value, check.reference))
    return [value, reference, criterion(check), check.verdict]


def row_ids(result: StudyResult, disagreements: dict[str, Check]) -> list[str]:
    """Row id of each check of ``result``: the disagreement's id for its row, else ``<study>.<n>`` (n from 1)."""
    by_check = {id(check): key for key, check in disagreements.items()}
    return [by_check.get(id(check), f"{result.name}.{n}") for n, check in enumerate(result.checks, start=1)]


def summary_rows(results: list[StudyResult]) -> list[list[object]]:
    """One row per study: link to its section, what it shows, checks passed/total, run time, headline figure."""
    rows: list[list[object]] = []
    for result in results:
        count = totals([result])
        passed = f"{count['passed']}/{count['checks']}" + (" (raised)" if result.error else "") + (f" + {count['info']} info" if count["info"] else "")
        headline = Thumbnail(result.figures[0], f"#{result.figures[0].stem}") if result.figures else "—"
        verdict = "FAIL" if result.failed else "PASS"
        rows.append([Link(result.name, f"#{result.name}"), result.shows or result.title, passed, f"{result.seconds:.1f}", headline, verdict])
    return rows


def totals(results: list[StudyResult]) -> dict[str, int]:
    """Counts of gating checks, passes, failures, info lines and errored studies."""
    checks = [c for r in results for c in r.checks]
    return {
        "checks": sum(c.gating for c in checks),
        "passed": sum(c.passed is True for c in checks),
        "failed": sum(c.passed is False for c in checks),
        "info": sum(not c.gating for c in checks),
        "errors": sum(r.error is not None for r in results),
    }


def _header_lines(version: str, stamp: str, mode: str, results: list[StudyResult]) -> list[str]:
    count = totals(results)
    status = "ALL CHECKS PASS" if not any(r.failed for r in results) else "FAILURES"
    failing = [r.name for r in results if r.failed]
    lines = [
        f"fpsolver version **{version}**, generated {stamp}, mode **{mode}**.",
        (
            f"**{status}**: {count['passed']} of {count['checks']} gating checks pass, {count['failed']} fail, "
            f"{count['errors']} studies raised; {count['info']} non-gating lines report papers' printed values."
        ),
    ]
    if failing:
        lines.append("Failing studies: " + ", ".join(f"**{name}**" for name in failing) + ".")
    return lines


def _disagreement_rows(results: list[StudyResult], located: dict[str, Check]) -> list[list[object]]:
    rows: list[list[object]] = []
    for entry in DISAGREEMENTS:
        check = located.get(entry.id)
        if check is None:
            continue
        rows.append([Link(entry.id, f"#{entry.id}"), f"{entry.paper}, {entry.where}", entry.kind, entry.claim, entry.finding, format_number(check.value), check.verdict])
    return rows


def validation_report(results: list[StudyResult], *, version: str, stamp: str, mode: str) -> Report:
    """The report: header lines, contents, the per-study summary, the paper disagreements, then one section per study."""
    report = Report("fpsolver validation report")
    for line in _header_lines(version, stamp, mode, results):
        report.paragraph(line)
    report.contents()
    report.heading("Summary", anchor="summary")
    report.paragraph(
        "One row per study: what it shows, its gating checks passed out of their total (and its non-gating rows), its run "
        "time and its headline figure. The detailed tables follow, one section per study."
    )
    report.table([*STUDY_HEADER, "verdict"], summary_rows(results), verdict_column=len(STUDY_HEADER))
    located = locate(results)
    disagreements = _disagreement_rows(results, located)
    if disagreements:
        report.heading("Paper disagreements", anchor="paper-disagreements")
        report.paragraph(
            "Where a paper and the numbers disagree (*error*: the printed result is wrong; *typo*: a misprint whose intended form is "
            "right; *reading*: right only in the sense stated). Each row id links to the report row that shows it; the list is "
            "`validation/disagreements.py` (also `validation/DISAGREEMENTS.md`)."
        )
        report.table(["row id", "paper, where", "kind", "the paper says", "the report finds", "row value", "row verdict"], disagreements, verdict_column=6)
    for result in results:
        report.heading(f"{result.title} (`{result.name}`)", anchor=result.name)
        count = totals([result])
        report.paragraph(f"{count['passed']} of {count['checks']} gating checks pass ({count['info']} non-gating rows); run time {result.seconds:.1f} s.")
        if result.error is not None:
            report.paragraph("**The study raised an exception and is reported as failed:**")
            report.code(result.error)
        if result.paragraph:
            report.paragraph(result.paragraph)
        if result.checks:
            cells = [[identifier, check.metric, *check_cells(check)] for identifier, check in zip(row_ids(result, located), result.checks)]
            report.table(CHECK_HEADER, cells, verdict_column=CHECK_HEADER.index("pass/fail"), row_ids=row_ids(result, located))
        if result.parameters:
            report.paragraph("Parameters:")
            report.paragraph("\n".join(f"- `{key}` = {format_number(value)}" for key, value in result.parameters.items()))
        if result.table:
            report.table(result.table[0], result.table[1:])
        for figure in result.figures:
            report.figure(figure)
    return report


def write_report(results: list[StudyResult], out_dir: Path, *, version: str, mode: str) -> tuple[Path, Path]:
    """Write ``REPORT.md`` and ``REPORT.html`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return validation_report(results, version=version, stamp=stamp, mode=mode).write(out_dir, stem="REPORT")
