"""The shipped sources, docs, cases and reports cite only files inside the repository."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["fpsolver", "docs", "cases", "validation", "README.md"]
SUFFIXES = {".py", ".md", ".rst", ".toml", ".txt", ".html", ".geo", ".cfg"}
OUTSIDE = ("PHYSICS.md", "shared/spec", "shared/papers")


def _files():
    for name in SHIPPED:
        path = ROOT / name
        candidates = [path] if path.is_file() else path.rglob("*")
        for file in candidates:
            if file.suffix in SUFFIXES and "_build" not in file.parts and file.resolve() != Path(__file__).resolve():
                yield file


@pytest.mark.parametrize("outside", OUTSIDE)
def test_no_shipped_file_cites_a_file_outside_the_repository(outside):
    citing = [str(file.relative_to(ROOT)) for file in _files() if outside in file.read_text(errors="replace")]
    assert citing == [], f"{outside} is not in the repository; cite the docs pages instead: {citing}"
