"""Checks, study results and the REPORT.md / REPORT.html writer.

A *study* is a module with ``NAME``, ``TITLE`` and ``run(fast, out_dir)`` returning
a :class:`StudyResult`: its :class:`Check` records (every number the report claims,
with its reference, tolerance and pass/fail), PNG figures, the parameters used, a
short markdown paragraph and a table of numbers. :func:`write_report` turns a list
of results into ``REPORT.md`` (figures linked from ``figures/``) and a
self-contained ``REPORT.html`` (figures embedded as base64 PNG data URIs, no
external assets).
"""

from __future__ import annotations

import base64
import html
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import numpy as np

COMPARISONS = ("absolute", "relative", "upper", "lower", "slope", "info")
"""How a :class:`Check` compares ``value`` with ``reference`` and ``tolerance``:

* ``absolute``: |value - reference| <= tolerance
* ``relative``: |value - reference| <= tolerance |reference|
* ``upper``: value <= tolerance (an error bound; ``reference`` is the ideal value)
* ``lower``: value >= tolerance (``reference`` is the ideal value)
* ``slope``: fitted log-log slope, |value - reference| <= tolerance
* ``info``: reported, not gating (e.g. a paper's printed value beside the correct one)
"""


@dataclass(frozen=True)
class Check:
    """One checked quantity: fpsolver's value against a reference within a tolerance."""

    study: str
    quantity: str
    value: float
    reference: float
    tolerance: float
    comparison: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(f"comparison must be one of {COMPARISONS}, got {self.comparison!r}")

    @property
    def gating(self) -> bool:
        """Whether this check decides pass/fail (``info`` lines do not)."""
        return self.comparison != "info"

    @property
    def passed(self) -> bool | None:
        """True/False for a gating check (NaN fails), None for an ``info`` line."""
        value, reference, tolerance = float(self.value), float(self.reference), float(self.tolerance)
        if self.comparison == "info":
            return None
        if not math.isfinite(value):
            return False
        if self.comparison in ("absolute", "slope"):
            return abs(value - reference) <= tolerance
        if self.comparison == "relative":
            return abs(value - reference) <= tolerance * abs(reference)
        if self.comparison == "upper":
            return value <= tolerance
        return value >= tolerance

    @property
    def criterion(self) -> str:
        """The pass criterion in words, e.g. ``|Δ| ≤ 1e-09`` or ``≤ 1e-10``."""
        tol = _number(self.tolerance)
        return {
            "absolute": f"|Δ| ≤ {tol}",
            "relative": f"|Δ|/|ref| ≤ {tol}",
            "upper": f"≤ {tol}",
            "lower": f"≥ {tol}",
            "slope": f"slope ± {tol}",
            "info": "not gating",
        }[self.comparison]

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "info"}[self.passed]


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
    """First row: header; further rows: numbers (formatted with 4 significant digits)."""
    error: str | None = None
    seconds: float = 0.0

    def check(self, quantity: str, value: float, reference: float, tolerance: float, comparison: str, note: str = "") -> Check:
        """Record a :class:`Check` for this study and return it."""
        record = Check(self.name, quantity, float(value), float(reference), float(tolerance), comparison, note)
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


def _number(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(_number(v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            return str(value)
        if value == 0.0:
            return "0"
        if 1e-3 <= abs(value) < 1e5:
            return f"{value:.6g}"
        return f"{value:.4g}"
    return str(value)


def summary_rows(results: list[StudyResult]) -> list[list[str]]:
    """Rows of the summary table, one per check plus one per study that raised."""
    rows = []
    for result in results:
        if result.error is not None:
            rows.append([result.name, "study raised an exception", "—", "—", "—", "FAIL (error)"])
        for c in result.checks:
            precise = c.comparison in ("absolute", "relative") and c.reference != 0
            value, reference = (f"{v:.10g}" if precise else _number(v) for v in (c.value, c.reference))
            rows.append([c.study, c.quantity, value, reference, c.criterion, c.verdict])
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


def _markdown_table(rows: list[list[object]]) -> str:
    if not rows:
        return ""

    def cell(value: object) -> str:
        return _number(value).replace("|", "\\|").replace("\n", " ")

    header, body = rows[0], rows[1:]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in body]
    return "\n".join(lines)


def _header_lines(version: str, stamp: str, mode: str, results: list[StudyResult]) -> list[str]:
    count = totals(results)
    status = "ALL CHECKS PASS" if not any(r.failed for r in results) else "FAILURES"
    failing = [r.name for r in results if r.failed]
    lines = [
        f"fpsolver version **{version}**, generated {stamp}, mode **{mode}**.",
        "",
        f"**{status}**: {count['passed']} of {count['checks']} gating checks pass, {count['failed']} fail, "
        f"{count['errors']} studies raised; {count['info']} non-gating lines report papers' printed values.",
    ]
    if failing:
        lines += ["", "Failing studies: " + ", ".join(f"**{name}**" for name in failing) + "."]
    return lines


def write_markdown(results: list[StudyResult], path: Path, *, version: str, stamp: str, mode: str) -> None:
    """REPORT.md: header, summary table, then one section per study (figures linked)."""
    lines = ["# fpsolver validation report", "", *_header_lines(version, stamp, mode, results), "", "## Summary", ""]
    lines.append(_markdown_table([SUMMARY_HEADER, *summary_rows(results)]))
    for result in results:
        lines += ["", f"## {result.title} (`{result.name}`)", "", f"Run time: {result.seconds:.1f} s."]
        if result.error is not None:
            lines += ["", "**The study raised an exception and is reported as failed:**", "", "```", result.error, "```"]
        if result.paragraph:
            lines += ["", result.paragraph.strip()]
        if result.parameters:
            lines += ["", "Parameters:", ""]
            lines += [f"- `{key}` = {_number(value)}" for key, value in result.parameters.items()]
        if result.table:
            lines += ["", _markdown_table(result.table)]
        for figure in result.figures:
            relative = figure.relative_to(path.parent) if figure.is_relative_to(path.parent) else figure
            lines += ["", f"![{figure.stem}]({relative.as_posix()})"]
    path.write_text("\n".join(lines) + "\n")


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eee} tr.FAIL td{background:#fdd} tr.PASS td.verdict{color:#060;font-weight:bold}
tr.FAIL td.verdict{color:#a00;font-weight:bold} tr.info td{color:#555;font-style:italic}
img{max-width:100%;display:block;margin:1em 0;border:1px solid #ddd}
pre{background:#f6f6f6;padding:0.6em;overflow-x:auto} code{background:#f3f3f3}
"""


def _inline_markdown(text: str) -> str:
    """Escape text and render `code`, **bold** and *italic* (all the studies use)."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<i>\1</i>", out)


def _paragraphs_html(text: str) -> str:
    blocks = [b.strip() for b in text.strip().split("\n\n") if b.strip()]
    parts = []
    for block in blocks:
        lines = block.splitlines()
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline_markdown(line.lstrip()[2:])}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{_inline_markdown(' '.join(lines))}</p>")
    return "\n".join(parts)


def _html_table(rows: list[list[object]], *, verdict_column: int | None = None) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(_number(h))}</th>" for h in rows[0])
    body = []
    for row in rows[1:]:
        css = ""
        if verdict_column is not None:
            css = f' class="{html.escape(str(row[verdict_column]).split()[0])}"'
        cells = "".join(
            f'<td{" class=verdict" if i == verdict_column else ""}>{html.escape(_number(v))}</td>' for i, v in enumerate(row)
        )
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _embedded_png(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def write_html(results: list[StudyResult], path: Path, *, version: str, stamp: str, mode: str) -> None:
    """REPORT.html: the same content as REPORT.md with every figure embedded."""
    header = "".join(_paragraphs_html(line) for line in _header_lines(version, stamp, mode, results) if line)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>fpsolver validation report</title>",
        f"<style>{_CSS}</style></head><body><h1>fpsolver validation report</h1>",
        header,
        "<h2>Summary</h2>",
        _html_table([SUMMARY_HEADER, *summary_rows(results)], verdict_column=5),
    ]
    for result in results:
        parts.append(f"<h2 id='{html.escape(result.name)}'>{html.escape(result.title)} (<code>{html.escape(result.name)}</code>)</h2>")
        parts.append(f"<p>Run time: {result.seconds:.1f} s.</p>")
        if result.error is not None:
            parts.append("<p><b>The study raised an exception and is reported as failed:</b></p>")
            parts.append(f"<pre>{html.escape(result.error)}</pre>")
        if result.paragraph:
            parts.append(_paragraphs_html(result.paragraph))
        if result.parameters:
            items = "".join(
                f"<li><code>{html.escape(str(k))}</code> = {html.escape(_number(v))}</li>" for k, v in result.parameters.items()
            )
            parts.append(f"<p>Parameters:</p><ul>{items}</ul>")
        if result.table:
            parts.append(_html_table(result.table))
        parts += [_embedded_png(figure) for figure in result.figures]
    parts.append("</body></html>")
    path.write_text("\n".join(parts) + "\n")


def write_report(results: list[StudyResult], out_dir: Path, *, version: str, mode: str) -> tuple[Path, Path]:
    """Write ``REPORT.md`` and ``REPORT.html`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    markdown, page = out_dir / "REPORT.md", out_dir / "REPORT.html"
    write_markdown(results, markdown, version=version, stamp=stamp, mode=mode)
    write_html(results, page, version=version, stamp=stamp, mode=mode)
    return markdown, page
