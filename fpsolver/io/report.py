"""Reports as Markdown and self-contained HTML (figures embedded as base64 PNG).

A report is a list of blocks (headings, paragraphs, tables, figures, code); the same
blocks render to ``<stem>.md`` (figures by relative path) and ``<stem>.html`` (no
external assets: it opens in a browser with no server). Both the case reports of
``fpsolver run`` and the validation report of ``python -m validation`` use it.

Text in headings and paragraphs is Markdown source: in HTML it is escaped and its
inline ``code``, ``**bold**`` and ``*italic*`` are rendered; a paragraph may hold
several blocks separated by blank lines, and a block whose every line starts with
``- `` becomes a list. Table cells are plain text (escaped, numbers through
:func:`format_number`). A table cell is a *verdict* when it is a bool (shown as
``PASS``/``FAIL``) or lies in the table's ``verdict_column`` (``True``, ``False``,
``None`` or a word such as ``"FAIL (error)"``); in HTML its row is coloured by it.
A cell may also be a :class:`Link` (a Markdown link, an HTML anchor) or a
:class:`Thumbnail` (a figure linked from Markdown, a small embedded image in HTML).
A table may give each row an id (``row_ids``: the ``id`` of its HTML ``<tr>``, a link
target), and :meth:`Report.contents` places a list of links to every anchored heading.
"""

from __future__ import annotations

import base64
import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from fpsolver.analysis.checks import Check

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eee; }
tr.FAIL td { background: #fdd; } tr.PASS td.verdict { color: #060; font-weight: bold; }
tr.FAIL td.verdict { color: #a00; font-weight: bold; } tr.info td { color: #555; font-style: italic; }
img { max-width: 100%; display: block; margin: 1em 0; border: 1px solid #ddd; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #555; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.8em; } code { background: #f3f3f3; }
img.thumbnail { width: 220px; margin: 0; } tr:target td { background: #ffe9a8; }
nav.contents ul { columns: 2; }
"""


@dataclass(frozen=True)
class Link:
    """A table cell that links ``text`` to ``target`` (``#anchor`` or a relative path)."""

    text: str
    target: str


@dataclass(frozen=True)
class Thumbnail:
    """A table cell showing the PNG ``path`` small (HTML, embedded) or as a link (Markdown); ``target``: where a click goes."""

    path: Path
    target: str | None = None


def format_number(value: object) -> str:
    """Text of a table cell or parameter: 6 significant digits in [1e-3, 1e5), else 4;
    integers in full; sequences comma-separated; booleans as ``PASS``/``FAIL``."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(format_number(v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return verdict(bool(value))
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


def verdict(passed: bool | None | str) -> str:
    """``PASS`` for True, ``FAIL`` for False, ``info`` for None; a string is kept as it is."""
    if isinstance(passed, str):
        return passed
    return {True: "PASS", False: "FAIL", None: "info"}[None if passed is None else bool(passed)]


def criterion(check: Check) -> str:
    """The pass criterion of ``check`` in words, e.g. ``≤ 1e-10`` or ``|Δ|/|ref| ≤ 0.01``."""
    limit = format_number(check.limit)
    return {
        "upper": f"≤ {limit}",
        "lower": f"≥ {limit}",
        "absolute": f"|Δ| ≤ {limit}",
        "relative": f"|Δ|/|ref| ≤ {limit}",
        "slope": f"slope ± {limit}",
        "info": "not gating",
    }[check.comparison]


@dataclass
class Report:
    """An ordered list of blocks; :meth:`write` renders Markdown and HTML."""

    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def heading(self, text: str, level: int = 2, *, anchor: str | None = None) -> None:
        """A section heading (Markdown inline markup allowed); ``anchor`` is its HTML id."""
        self.blocks.append(("heading", (level, text, anchor)))

    def paragraph(self, text: str) -> None:
        """Markdown text: paragraphs separated by blank lines, ``- `` lists, inline markup."""
        self.blocks.append(("paragraph", text))

    def table(self, header: list[object], rows: list[list[object]], *, verdict_column: int | None = None, row_ids: list[str | None] | None = None) -> None:
        """A table; cells in ``verdict_column`` (and bool cells) are verdicts (see the module docstring);
        ``row_ids`` gives each row an HTML id (a link target; ``None`` for none)."""
        if row_ids is not None and len(row_ids) != len(rows):
            raise ValueError(f"row_ids has {len(row_ids)} entries for {len(rows)} rows")
        self.blocks.append(("table", (header, rows, verdict_column, row_ids)))

    def figure(self, path: Path, caption: str | None = None) -> None:
        """A PNG figure; without ``caption`` its file stem is the alt text and nothing is printed under it.
        In HTML the figure's id is its file stem (a link target)."""
        self.blocks.append(("figure", (Path(path), caption)))

    def contents(self, title: str = "Contents") -> None:
        """A list of links to every heading given an ``anchor`` (before or after this block)."""
        self.blocks.append(("contents", title))

    def _anchored_headings(self) -> list[tuple[int, str, str]]:
        return [(level, text, anchor) for kind, (level, text, anchor) in ((k, c) for k, c in self.blocks if k == "heading") if anchor]

    def code(self, text: str) -> None:
        """Preformatted text (a configuration, a traceback)."""
        self.blocks.append(("code", text))

    def markdown(self, base: Path) -> str:
        """The report as Markdown; figures are linked relative to ``base`` when inside it."""
        lines = [f"# {self.title}", ""]
        for kind, content in self.blocks:
            if kind == "heading":
                level, text, anchor = content
                if anchor:
                    lines += [f'<a id="{html.escape(anchor)}"></a>', ""]
                lines += ["#" * level + " " + text, ""]
            elif kind == "paragraph":
                lines += [str(content).strip(), ""]
            elif kind == "contents":
                entries = [f"{'  ' * (level - 2)}- [{text}](#{anchor})" for level, text, anchor in self._anchored_headings()]
                lines += [f"**{content}**", "", *entries, ""]
            elif kind == "table":
                header, rows, verdict_column, _ = content
                lines += [_markdown_table(header, rows, verdict_column, base), ""]
            elif kind == "figure":
                path, caption = content
                link = path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix()
                lines += [f"![{caption or path.stem}]({link})", ""]
                if caption:
                    lines += [f"*{caption}*", ""]
            elif kind == "code":
                lines += ["```", str(content), "```", ""]
        return "\n".join(lines)

    def html(self) -> str:
        """The report as one self-contained HTML page (figures embedded)."""
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{_inline_markdown(self.title)}</h1>",
        ]
        for kind, content in self.blocks:
            if kind == "heading":
                level, text, anchor = content
                identifier = f' id="{html.escape(anchor)}"' if anchor else ""
                parts.append(f"<h{level}{identifier}>{_inline_markdown(text)}</h{level}>")
            elif kind == "paragraph":
                parts.append(_paragraphs_html(str(content)))
            elif kind == "contents":
                entries = "".join(f'<li><a href="#{html.escape(anchor)}">{_inline_markdown(text)}</a></li>' for _, text, anchor in self._anchored_headings())
                parts.append(f'<nav class="contents"><b>{html.escape(str(content))}</b><ul>{entries}</ul></nav>')
            elif kind == "table":
                parts.append(_html_table(*content))
            elif kind == "figure":
                path, caption = content
                image = f'<img alt="{html.escape(caption or path.stem)}" src="{_data_uri(path)}">'
                body = f"{image}<figcaption>{html.escape(caption)}</figcaption>" if caption else image
                parts.append(f'<figure id="{html.escape(path.stem)}">{body}</figure>')
            elif kind == "code":
                parts.append(f"<pre>{html.escape(str(content))}</pre>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def write(self, directory: Path, stem: str = "report") -> tuple[Path, Path]:
        """Write ``stem.md`` and ``stem.html`` into ``directory``; return their paths."""
        markdown, page = Path(directory) / f"{stem}.md", Path(directory) / f"{stem}.html"
        markdown.write_text(self.markdown(Path(directory)))
        page.write_text(self.html())
        return markdown, page


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _cell(value: object, is_verdict: bool) -> str:
    return verdict(value) if is_verdict else format_number(value)


def _markdown_cell(value: object, is_verdict: bool, base: Path) -> str:
    if isinstance(value, Link):
        return f"[{value.text}]({value.target})"
    if isinstance(value, Thumbnail):
        path = value.path
        return f"[{path.stem}]({path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix()})"
    return _cell(value, is_verdict)


def _html_cell(value: object, is_verdict: bool) -> str:
    if isinstance(value, Link):
        return f'<a href="{html.escape(value.target)}">{html.escape(value.text)}</a>'
    if isinstance(value, Thumbnail):
        image = f'<img class="thumbnail" alt="{html.escape(value.path.stem)}" src="{_data_uri(value.path)}">'
        return f'<a href="{html.escape(value.target)}">{image}</a>' if value.target else image
    return html.escape(_cell(value, is_verdict))


def _verdict_index(row: list[object], verdict_column: int | None) -> int | None:
    if verdict_column is not None:
        return verdict_column
    return next((i for i, value in enumerate(row) if isinstance(value, (bool, np.bool_))), None)


def _markdown_table(header: list[object], rows: list[list[object]], verdict_column: int | None, base: Path) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(text.replace("|", "\\|").replace("\n", " ") for text in cells) + " |"

    lines = [line([format_number(h) for h in header]), "|" + "---|" * len(header)]
    for row in rows:
        index = _verdict_index(row, verdict_column)
        lines.append(line([_markdown_cell(value, i == index, base) for i, value in enumerate(row)]))
    return "\n".join(lines)


def _html_table(header: list[object], rows: list[list[object]], verdict_column: int | None, row_ids: list[str | None] | None) -> str:
    head = "".join(f"<th>{html.escape(format_number(h))}</th>" for h in header)
    body = []
    for number, row in enumerate(rows):
        index = _verdict_index(row, verdict_column)
        identifier = row_ids[number] if row_ids is not None else None
        attributes = (f' id="{html.escape(identifier)}"' if identifier else "") + ("" if index is None else f' class="{html.escape(verdict(row[index]).split()[0])}"')
        cells = "".join(f"<td{' class=verdict' if i == index else ''}>{_html_cell(v, i == index)}</td>" for i, v in enumerate(row))
        body.append(f"<tr{attributes}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _inline_markdown(text: str) -> str:
    """Escape text and render `code`, **bold** and *italic*."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<i>\1</i>", out)


def _paragraphs_html(text: str) -> str:
    parts = []
    for block in (b.strip() for b in text.strip().split("\n\n")):
        if not block:
            continue
        lines = block.splitlines()
        if all(line.lstrip().startswith("- ") for line in lines):
            parts.append("<ul>" + "".join(f"<li>{_inline_markdown(line.lstrip()[2:])}</li>" for line in lines) + "</ul>")
        else:
            parts.append(f"<p>{_inline_markdown(' '.join(lines))}</p>")
    return "\n".join(parts)
