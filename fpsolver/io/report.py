"""Reports as Markdown and self-contained HTML (figures embedded as base64 PNG).

A report is a list of blocks (headings, paragraphs, tables, figures, code); the same
blocks render to ``report.md`` (figures by relative path) and ``report.html`` (no
external assets: it opens in a browser with no server).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f3f3f3; }
td.pass { color: #17692a; font-weight: bold; } td.fail { color: #b00020; font-weight: bold; }
img { max-width: 100%; } figure { margin: 1rem 0; } figcaption { font-size: 0.85rem; color: #555; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; }
"""


@dataclass
class Report:
    """An ordered list of blocks; :meth:`write` renders Markdown and HTML."""

    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(("heading", (level, text)))

    def paragraph(self, text: str) -> None:
        self.blocks.append(("paragraph", text))

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        self.blocks.append(("table", (header, rows)))

    def figure(self, path: Path, caption: str) -> None:
        self.blocks.append(("figure", (Path(path), caption)))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    def markdown(self, base: Path) -> str:
        lines = [f"# {self.title}", ""]
        for kind, content in self.blocks:
            if kind == "heading":
                level, text = content
                lines += ["#" * level + " " + text, ""]
            elif kind == "paragraph":
                lines += [str(content), ""]
            elif kind == "table":
                header, rows = content
                lines.append("| " + " | ".join(header) + " |")
                lines.append("|" + "---|" * len(header))
                lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
                lines.append("")
            elif kind == "figure":
                path, caption = content
                lines += [f"![{caption}]({path.relative_to(base).as_posix()})", "", f"*{caption}*", ""]
            elif kind == "code":
                lines += ["```", str(content), "```", ""]
        return "\n".join(lines)

    def html(self) -> str:
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        for kind, content in self.blocks:
            if kind == "heading":
                level, text = content
                parts.append(f"<h{level}>{html.escape(text)}</h{level}>")
            elif kind == "paragraph":
                parts.append(f"<p>{html.escape(str(content))}</p>")
            elif kind == "table":
                header, rows = content
                parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
                for row in rows:
                    cells = []
                    for value in row:
                        text = _cell(value)
                        css = ' class="pass"' if text == "PASS" else ' class="fail"' if text == "FAIL" else ""
                        cells.append(f"<td{css}>{html.escape(text)}</td>")
                    parts.append("<tr>" + "".join(cells) + "</tr>")
                parts.append("</table>")
            elif kind == "figure":
                path, caption = content
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                parts.append(
                    f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                    f"<figcaption>{html.escape(caption)}</figcaption></figure>"
                )
            elif kind == "code":
                parts.append(f"<pre>{html.escape(str(content))}</pre>")
        parts.append("</body></html>")
        return "\n".join(parts)

    def write(self, directory: Path, stem: str = "report") -> tuple[Path, Path]:
        """Write ``stem.md`` and ``stem.html`` into ``directory``; figure paths must lie inside it."""
        markdown, page = Path(directory) / f"{stem}.md", Path(directory) / f"{stem}.html"
        markdown.write_text(self.markdown(Path(directory)))
        page.write_text(self.html())
        return markdown, page


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "PASS" if value else "FAIL"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
