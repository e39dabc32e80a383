"""Pages generated from the code when the docs build: the CLI and case-file references.

The case-file reference comes from the same function that writes ``cases/README.md``
(:func:`fpsolver.cases.scaffold.reference_markdown`); the command-line reference is read
from the typer app that ``fpsolver`` runs, so neither can drift from the code.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless it already holds it (keeps incremental builds fast)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _default(parameter: Any) -> str:
    """The default of a command-line parameter as the user would type it ('' for none)."""
    value = parameter.default
    if value is None or parameter.required or getattr(parameter, "is_flag", False) and value is False:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, (list, tuple)):
        return " ".join(str(item.value if isinstance(item, Enum) else item) for item in value)
    return str(value)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def cli_markdown() -> str:
    """The command-line reference: every command of ``fpsolver`` with its arguments and options."""
    import typer

    from fpsolver.cli import app

    group = typer.main.get_command(app)
    lines = [
        "# Command line",
        "",
        "<!-- generated from fpsolver.cli by docs/_ext/generate.py when the docs build -->",
        "",
        _cell(group.help or ""),
        "",
        "Errors in a case print one line naming the key at fault and exit with code 2;",
        "`fpsolver validate` exits with 1 when a check fails. Every command takes `--help`.",
        "",
    ]
    for name, command in sorted(group.commands.items()):
        arguments = [p for p in command.params if not p.opts[0].startswith("-")]
        options = [p for p in command.params if p.opts[0].startswith("-")]
        usage = " ".join([f"fpsolver {name}", "[OPTIONS]" if options else ""] + [p.name.upper() + ("..." if p.nargs == -1 else "") for p in arguments])
        lines += [f"## `fpsolver {name}`", "", "```text", " ".join(usage.split()), "```", ""]
        lines += [(command.help or "").strip(), ""]
        if command.params:
            lines += ["| argument or option | default | meaning |", "|---|---|---|"]
            for parameter in command.params:
                spelling = ", ".join(f"`{opt}`" for opt in [*parameter.opts, *parameter.secondary_opts])
                if not parameter.opts[0].startswith("-"):
                    spelling = f"`{parameter.name.upper()}`"
                help_text = parameter.help or ""
                note = " (repeatable)" if getattr(parameter, "multiple", False) and "repeatable" not in help_text else ""
                default = _default(parameter)
                lines.append(f"| {spelling} | {f'`{default}`' if default else ''} | {_cell(help_text)}{note} |")
            lines.append("")
    return "\n".join(lines)


def glossary_markdown() -> str | None:
    """The glossary page from :mod:`fpsolver.glossary`, or None where the package has none."""
    try:
        from fpsolver import glossary
    except ImportError:
        return None
    intro = "The names that appear in case files, options and result files, and what each means."
    return f"# Glossary\n\n<!-- generated from fpsolver.glossary when the docs build -->\n\n{intro}\n\n{glossary.markdown()}"


_ANCHOR_LINE = re.compile(r'^<a id="[^"]*"></a>\s*$', re.MULTILINE)
_ANCHOR_LINK = re.compile(r"\[([^\]]*)\]\(#[^)]*\)")
_FIGURE_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(figures/[^)]*\)")


def report_markdown(docs: Path) -> str:
    """The committed validation report (``validation/report/REPORT.md``) as a docs page.

    The report links studies and rows by HTML anchors that only its HTML version carries;
    here those links, and links to figure files, become plain text (the page points to the
    navigable HTML report), and the images' paths are made relative to ``docs/``, where the
    page that includes this one lives.
    """
    text = (docs.parent / "validation" / "report" / "REPORT.md").read_text()
    text = _FIGURE_LINK.sub(r"\1", _ANCHOR_LINK.sub(r"\1", _ANCHOR_LINE.sub("", text)))
    return text.replace("](figures/", "](../validation/report/figures/")


def public_names_rst() -> str:
    """The autosummary table of every class and function that ``fpsolver`` exports.

    Read from ``fpsolver._PUBLIC``, each under the module that defines it (where its
    page is), so a name added to the package appears here without an edit.
    """
    import importlib

    import fpsolver

    rows = []
    for module_name, attribute in fpsolver._PUBLIC.values():
        if attribute is None:
            continue
        value = getattr(importlib.import_module(module_name), attribute)
        if callable(value):
            rows.append(f"   {value.__module__}.{attribute}")
    return "\n".join([".. autosummary::", "   :nosignatures:", "", *rows, ""])


def generate_references(docs: Path) -> None:
    """Write the generated reference pages under ``reference/_generated/``.

    The glossary page exists only when :mod:`fpsolver.glossary` does; the landing page
    includes ``reference_toc.md``, the table of contents of the references, which lists
    it only then (a build without it stays warning-free).
    """
    from fpsolver.cases.scaffold import reference_markdown

    generated = docs / "reference" / "_generated"
    _write_if_changed(generated / "case_files.md", reference_markdown())
    _write_if_changed(generated / "cli.md", cli_markdown())
    _write_if_changed(generated / "report.md", report_markdown(docs))
    _write_if_changed(docs / "api" / "_generated" / "public_names.rst", public_names_rst())
    glossary = glossary_markdown()
    pages = ["api/index", "reference/cli", "reference/case_files"]
    if glossary is None:
        (generated / "glossary.md").unlink(missing_ok=True)
    else:
        _write_if_changed(generated / "glossary.md", glossary)
        pages.append("reference/_generated/glossary")
    toc = ["```{toctree}", ":hidden:", ":maxdepth: 2", ":caption: Reference", "", *pages, "```", ""]
    _write_if_changed(generated / "reference_toc.md", "\n".join(toc))
