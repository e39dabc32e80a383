"""Screenshot pages of the built documentation in headless Chromium and report console messages.

A look at the site as a user sees it: each page is loaded from disk (``file://``, no
server, no network), rendered with its scripts (MathJax, the theme) and saved as a PNG;
every message the page writes to the browser console (errors included) is printed.

Usage: ``python docs/screenshot_pages.py docs/_build/html OUTDIR [PAGE ...]`` (pages
without ``.html``; default: the landing page, a tutorial, an API page, the gallery, the
validation report and the physics of the models). Needs ``chromium`` on the PATH
(``apt-get install chromium``). Exit status 1 when a page logs to the console or fails
to render.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PAGES = ("index", "tutorials/plot_01_first_case", "api/generated/fpsolver.models.ito", "gallery/index", "validation", "physics/models")


def screenshot(site: Path, page: str, output: Path, browser: str) -> list[str]:
    """Save ``page`` of ``site`` as ``output``; return the console lines it logged (or the failure)."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",  # let MathJax typeset before the picture is taken
        "--window-size=1280,1400",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={output}",
        (site / f"{page}.html").resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    messages = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    if result.returncode != 0 or not output.exists():
        messages.append(f"chromium exited with {result.returncode}")
    return messages


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    site, outdir, pages = Path(argv[0]), Path(argv[1]), argv[2:] or list(PAGES)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("error: chromium is not installed", file=sys.stderr)
        return 2
    outdir.mkdir(parents=True, exist_ok=True)
    failed = False
    for page in pages:
        if not (site / f"{page}.html").exists():
            print(f"{page}: no such page in {site}")
            failed = True
            continue
        output = outdir / f"{page.replace('/', '_')}.png"
        messages = screenshot(site, page, output, browser)
        failed |= bool(messages)
        print(f"{page}: {output} ({len(messages)} console message(s))")
        for message in messages:
            print(f"    {message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
