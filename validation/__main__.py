"""Driver: run the validation studies and write REPORT.md and REPORT.html.

Usage::

    python -m validation [--fast] [--only NAME ...] [--out DIR] [--list]

Exit status 0 when every gating check of every study passes, 1 when a check fails
or a study raises (the study is then reported as failed with its error), 2 for bad
arguments. ``fpsolver validate --all [--fast]`` calls :func:`main`.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "agg")

import argparse  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Mapping, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from validation import STUDIES  # noqa: E402
from validation._report import Study, StudyResult, totals, write_report  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "report"
# fast runs (CI, smoke tests) must not overwrite the committed full report
DEFAULT_FAST_OUT = Path(__file__).resolve().parent / "report-fast"


def _parser(names: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m validation", description="Run fpsolver's validation studies.")
    parser.add_argument("--fast", action="store_true", help="small resolutions and ensembles (CI mode)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help=f"run only these studies ({', '.join(names)})")
    parser.add_argument("--out", type=Path, default=None, help=f"output folder (default {DEFAULT_OUT}, or {DEFAULT_FAST_OUT} with --fast)")
    parser.add_argument("--list", action="store_true", help="list the studies and exit")
    return parser


def run_study(name: str, study: Study | str, *, fast: bool, out_dir: Path) -> StudyResult:
    """Run one study (a module or its import path); an exception becomes a failed result."""
    for stale in (out_dir / "figures").glob(f"{name}_*.png"):
        stale.unlink()
    start = time.perf_counter()
    title = name
    try:
        module = importlib.import_module(study) if isinstance(study, str) else study
        title = getattr(module, "TITLE", name)
        with np.errstate(all="raise", under="ignore"):
            result = module.run(fast, out_dir)
        result.shows = result.shows or getattr(module, "SHOWS", "")
    except Exception:  # noqa: BLE001 - a failing study is reported, not fatal
        result = StudyResult(name=name, title=title, error=traceback.format_exc(limit=6).strip())
    result.seconds = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None, *, studies: Mapping[str, Study | str] | None = None) -> int:
    """Run the studies named in ``argv`` and write the report; return the exit status.

    ``studies`` replaces the registry :data:`validation.STUDIES` (name -> module or
    import path), e.g. to add a study in tests.
    """
    registry = dict(STUDIES if studies is None else studies)
    parser = _parser(list(registry))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.list:
        print("\n".join(registry))
        return 0
    selected = list(registry) if not args.only else args.only
    unknown = [name for name in selected if name not in registry]
    if unknown:
        print(f"unknown study {', '.join(unknown)}; valid names: {', '.join(registry)}", file=sys.stderr)
        return 2
    out_dir = (args.out or (DEFAULT_FAST_OUT if args.fast else DEFAULT_OUT)).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for name in selected:
        print(f"[validation] {name} ...", flush=True)
        result = run_study(name, registry[name], fast=args.fast, out_dir=out_dir)
        count = totals([result])
        state = "ERROR" if result.error else ("FAIL" if result.failed else "ok")
        print(f"[validation] {name}: {state}, {count['passed']}/{count['checks']} checks pass, {result.seconds:.1f} s", flush=True)
        results.append(result)
    from fpsolver import __version__

    markdown, page = write_report(results, out_dir, version=__version__, mode="fast" if args.fast else "full")
    count = totals(results)
    print(f"[validation] {count['passed']}/{count['checks']} gating checks pass, {count['failed']} fail, {count['errors']} studies raised; wrote {markdown} and {page}")
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
