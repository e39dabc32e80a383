"""Check the internal links of the built HTML documentation (no network needed).

Every ``href`` and ``src`` that points inside the site must name an existing file, and
a ``#fragment`` must name an ``id`` (or ``name``) in that file. External links
(``http:``, ``https:``, ``mailto:``) are not followed. ``--forbid TEXT`` (repeatable)
also fails when a page's text contains TEXT, e.g. a file that is not shipped.

Usage: ``python docs/check_links.py docs/_build/html [--forbid TEXT ...]``; exit status 1
with one line per broken link (page, target) when any is broken.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http", "https", "mailto", "ftp", "data", "javascript")


class _Page(HTMLParser):
    """Collects the link targets and the anchors of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.anchors: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.anchors.add(values[key])
        for key in ("href", "src"):
            target = values.get(key)
            if target and not (tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(target)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def broken_links(root: Path, forbidden: tuple[str, ...] = ()) -> list[str]:
    """One line per broken internal link (or forbidden text) under the site ``root``."""
    root = root.resolve()
    cache: dict[Path, _Page] = {}
    problems = []
    for page_path in sorted(root.rglob("*.html")):
        page = _parse(page_path, cache)
        where = page_path.relative_to(root)
        text = " ".join(page.text)
        problems += [f"{where}: mentions {word!r}" for word in forbidden if word in text]
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in EXTERNAL or parts.netloc:
                continue
            target = page_path if not parts.path else (page_path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(root):
                problems.append(f"{where}: {link} leaves the site")
            elif not target.exists():
                problems.append(f"{where}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target, cache).anchors:
                problems.append(f"{where}: {link} (no anchor #{parts.fragment})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built HTML directory, e.g. docs/_build/html")
    parser.add_argument("--forbid", action="append", default=[], help="text no page may contain (repeatable)")
    arguments = parser.parse_args(argv)
    if not (arguments.site / "index.html").exists():
        print(f"error: {arguments.site} has no index.html (build the docs first)", file=sys.stderr)
        return 2
    problems = broken_links(arguments.site, tuple(arguments.forbid))
    pages = sum(1 for _ in arguments.site.rglob("*.html"))
    for problem in problems:
        print(problem)
    print(f"{pages} pages checked: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
