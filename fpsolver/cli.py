"""The ``fpsolver`` command line: thin wrappers around the library.

Errors in a case print one line naming the key at fault and exit with code 2.
(No option may be called --petsc, --scipy, --trilinos or --pyamgx: FiPy reads those
from sys.argv when it is imported.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from fpsolver.config import CaseError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Fokker-Planck solvers for thermophoresis.",
)
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


@app.command()
def run(
    cases: Annotated[list[Path], typer.Argument(help="Case directories (each holds case.toml).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable summary on stdout.")] = False,
) -> None:
    """Solve every model of each case and write CASE/results/."""
    from fpsolver.case import open_case
    from fpsolver.output import write_results
    from fpsolver.pipeline import run_case

    summary = {}
    for path in cases:
        try:
            case = open_case(path)
        except CaseError as exc:
            _fail(f"{path}: {exc}")
        results = run_case(case)
        target = write_results(results)
        summary[str(path)] = {"results": str(target), "metrics": results.metrics}
        if not quiet and not as_json:
            table = Table(title=f"{case.name}: steady states", title_justify="left")
            for column in ("model", "L1 PDE vs exact", "<x>", "mass"):
                table.add_column(column)
            for label, metrics in results.metrics.items():
                if "l1_pde_vs_exact" in metrics:
                    table.add_row(label, f"{metrics['l1_pde_vs_exact']:.2e}", f"{metrics['mean_position']:.6f}", f"{metrics['mass']:.12f}")
            console.print(table)
            console.print(f"results written to [bold]{target}[/] (figures in {target / 'figures'})")
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")


@app.command()
def show(case: Annotated[Path, typer.Argument(help="Case directory.")]) -> None:
    """Print the resolved configuration of a case, with every default filled in."""
    from fpsolver.config import load_case

    try:
        config = load_case(case)
    except CaseError as exc:
        _fail(f"{case}: {exc}")
    sys.stdout.write(json.dumps(config.resolved(), indent=2) + "\n")


def main() -> None:  # pragma: no cover - console entry point
    app()
