"""Study results and the REPORT.md / REPORT.html writer of the validation studies.

A *study* is a module with ``NAME``, ``TITLE`` and ``run(fast, out_dir)`` returning
a :class:`StudyResult`: its checks (the package's
:class:`~fpsolver.analysis.checks.Check`, one per number the report claims, with
its reference, tolerance, comparison kind and pass/fail), PNG figures, the
parameters used, a short markdown paragraph and a table of numbers.
:func:`write_report` lays a list of results out as a
:class:`~fpsolver.io.report.Report` (header lines, summary table of every check,
one section per study) and writes ``REPORT.md`` (figures linked from
``figures/``) and a self-contained ``REPORT.html`` (figures embedded as base64 PNG).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from fpsolver.analysis.checks import Check
from fpsolver.io.report import Report, criterion, format_number


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


def summary_rows(results: list[StudyResult]) -> list[list[str]]:
    """Rows of the summary table, one per check plus one per study that raised."""
    rows = []
    for result in results:
        if result.error is not None:
            rows.append([result.name, "study raised an exception", "—", "—", "—", "FAIL (error)"])
        for c in result.checks:
            precise = c.comparison in ("absolute", "relative") and c.reference != 0
            value, reference = (f"{v:.10g}" if precise else format_number(v) for v in (c.value, c.reference))
            rows.append([c.subject, c.metric, value, reference, criterion(c), c.verdict])
    return rows


SUMMARY_HEADER = ["study", "quantity", "fpsolver value", "reference value", "tolerance", "pass/fail"]


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


def validation_report(results: list[StudyResult], *, version: str, stamp: str, mode: str) -> Report:
    """The report: header lines, the summary table, then one section per study."""
    report = Report("fpsolver validation report")
    for line in _header_lines(version, stamp, mode, results):
        report.paragraph(line)
    report.heading("Summary")
    report.table(SUMMARY_HEADER, summary_rows(results), verdict_column=SUMMARY_HEADER.index("pass/fail"))
    for result in results:
        report.heading(f"{result.title} (`{result.name}`)", anchor=result.name)
        report.paragraph(f"Run time: {result.seconds:.1f} s.")
        if result.error is not None:
            report.paragraph("**The study raised an exception and is reported as failed:**")
            report.code(result.error)
        if result.paragraph:
            report.paragraph(result.paragraph)
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
