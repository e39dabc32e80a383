"""Sphinx configuration of the fpsolver documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html``. With
``FPSOLVER_DOCS_FAST=1`` only the quick examples (``plot_*.py``) are executed; the
slow ones (``slow_*.py``) are then shown with their code but not run.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "agg")

from generate import generate_references  # noqa: E402

import fpsolver  # noqa: E402

FAST = os.environ.get("FPSOLVER_DOCS_FAST", "") not in ("", "0")

project = "fpsolver"
author = "the fpsolver developers"
copyright = "the fpsolver developers"  # noqa: A001
release = fpsolver.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from the site: equations render offline too
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# the generated fragments are read through include directives, not as pages of their own
exclude_patterns = [
    "_build",
    "tutorials_src",
    "gallery_src",
    "reference/_generated/cli.md",
    "reference/_generated/case_files.md",
    "reference/_generated/reference_toc.md",
    "reference/_generated/report.md",
    "api/_generated",
]
myst_enable_extensions = ["dollarmath", "amsmath", "deflist", "colon_fence"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"fpsolver {release}"
html_static_path = ["_static"]
html_show_sourcelink = False

# the API reference: one page per public name, members listed by numpydoc's tables
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"
# a module page documents what the module defines, not what it re-exports (each name once)
autodoc_default_options = {"members": True, "ignore-module-all": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# no network while building: intersphinx inventories are not fetched
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

sphinx_gallery_conf = {
    "examples_dirs": ["tutorials_src", "gallery_src"],
    "gallery_dirs": ["tutorials", "gallery"],
    "filename_pattern": r"/plot_" if FAST else r"/(plot|slow)_",
    "ignore_pattern": r"(__init__|_helpers)\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "min_reported_time": 1,
    "show_memory": False,
    "plot_gallery": "True",
    # a full build recomputes every example (a fast build may have left PDE-only pages)
    "run_stale_examples": not FAST,
}

# the generated case-file reference steps from ## to #### (key tables under a kind)
suppress_warnings = ["config.cache", "myst.header"]

_LITERAL = re.compile(r"(``.*?``|`[^`]*`_?)")
_SECTION_RULE = re.compile(r"^\s*-{3,}\s*$")


def _escape_plain_text(line: str) -> str:
    """Escape the characters that plain-text physics notation shares with reST markup.

    Docstrings write bras and kets as ``|e_k><g_k|`` and absolute values as ``|x|``; in
    reStructuredText a bar opens a substitution, so outside literals each bar is escaped.
    A literal directly followed by a letter or ``^`` gets an escaped space (``x``^2).
    """
    parts = _LITERAL.split(line)
    escaped = [part if index % 2 else part.replace("|", "\\|") for index, part in enumerate(parts)]
    for index in range(1, len(escaped), 2):
        escaped[index] = re.sub(r"^``\s*(.*?)\s*``$", r"``\1``", escaped[index])
        following = escaped[index + 1] if index + 1 < len(escaped) else ""
        if following[:1].isalnum() or following[:1] == "^":
            escaped[index] += "\\ "
    return "".join(escaped)


_BULLET = re.compile(r"^\s*([-*+]|\d+\.|\(?[a-z0-9]\))\s+")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _text_indent(line: str) -> int:
    """Where the text of a line starts: after the marker of a list item."""
    bullet = _BULLET.match(line)
    return bullet.end() if bullet else _indent(line)


def _literal_formula_blocks(lines: list[str]) -> list[str]:
    """Make indented formula lines that follow a paragraph directly into literal blocks.

    The docstrings set formulas off by indentation alone (no ``::``, no blank line), which
    reST reads as an error. Only the free text before the first numpydoc section is
    changed; parameter descriptions are indented by design.
    """
    result: list[str] = []
    base: int | None = None  # indentation of the paragraph that owns an open literal block
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if _SECTION_RULE.match(following) and line.strip():
            result.extend(lines[number:])
            return result
        previous = result[-1] if result else ""
        if line.strip() and base is not None and _indent(line) <= base:
            result.append("")
            base = None
        elif line.strip() and base is None and previous.strip() and _indent(line) > _text_indent(previous):
            stripped = previous.rstrip()
            result[-1] = stripped[:-1] + "::" if stripped.endswith(":") and not stripped.endswith("::") else stripped + " ::"
            result.append("")
            base = _indent(previous)
        result.append(line)
    return result


def _plain_text_docstrings(app, what, name, obj, options, lines: list[str]) -> None:
    """autodoc-process-docstring: render the docstrings' plain-text notation as written."""
    lines[:] = _literal_formula_blocks([_escape_plain_text(line) for line in lines])
    if what == "module":  # relative references resolve against the module, also in summaries
        lines[:] = [re.sub(r"(:[a-z]+:`)\.(?=\w)", rf"\1~{name}.", line) for line in lines]


def setup(app) -> None:
    """Write the generated reference pages before Sphinx reads the sources."""
    generate_references(DOCS)
    app.connect("autodoc-process-docstring", _plain_text_docstrings, priority=400)
