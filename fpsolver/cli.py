"""The ``fpsolver`` command line: thin wrappers around the library.

Errors in a case print one line naming the key at fault and exit with code 2;
``validate`` exits 1 when a check fails. (No option may be called --petsc, --scipy,
--trilinos or --pyamgx: FiPy reads those from sys.argv when it is imported.)
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fpsolver.cases.errors import CaseError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Fokker-Planck, Langevin and quantum master equation solvers for thermophoresis.",
)
console = Console()
errors = Console(stderr=True)


# the choices of the options, as typer wants them (an Enum each)
class Stage(str, Enum):
    pde = "pde"
    sde = "sde"
    qme = "qme"


class CaseKind(str, Enum):
    fokker_planck = "fokker-planck"
    qme = "qme"


class Transition(str, Enum):
    kessler = "kessler"
    euler = "euler"


#: Most bins of `infer`'s drift and D(x) estimates.
MAX_BINS = 100_000
#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def _fail(message: str, code: int = 2) -> None:
    errors.print(f"error: {message}", highlight=False, soft_wrap=True, markup=False)
    raise typer.Exit(code=code)


@contextmanager
def _progress(enabled: bool):
    """A rich progress display; yields a callback ``(task, done, total)`` or None."""
    if not enabled:
        yield None
        return
    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=errors, transient=True) as bar:

        def update(task: str, done: float, total: float) -> None:
            if task not in tasks:
                tasks[task] = bar.add_task(task, total=total)
            bar.update(tasks[task], completed=done, total=total)

        # the library's notes (e.g. "compiling the ... kernels") print above the bar
        with _notes_to(bar.console):
            yield update


class _ConsoleHandler(logging.Handler):
    def __init__(self, target: Console) -> None:
        super().__init__(logging.INFO)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.print(record.getMessage(), highlight=False, markup=False, soft_wrap=True)


@contextmanager
def _notes_to(target: Console):
    """INFO records of the ``fpsolver`` logger printed on ``target`` while the block runs."""
    logger, handler = logging.getLogger("fpsolver"), _ConsoleHandler(target)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary on stdout.")]
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Run on a local Dask cluster of N worker processes (needs the 'distributed' extra)."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on the Dask scheduler at ADDRESS (tcp://HOST:PORT); default $DASK_SCHEDULER_ADDRESS when set."),
]


@contextmanager
def _cluster(workers: int | None, scheduler: str | None):
    """A Dask client when one is asked for (--workers, --scheduler or
    $DASK_SCHEDULER_ADDRESS), else None; a one-line error when none can be opened."""
    from fpsolver.cases.distributed import SCHEDULER_VARIABLE, DistributedUnavailableError, open_client

    if workers is None and scheduler is None and not os.environ.get(SCHEDULER_VARIABLE):
        yield None
        return
    with ExitStack() as stack:
        try:
            client = stack.enter_context(open_client(workers, scheduler))
        except (ValueError, DistributedUnavailableError, OSError) as exc:
            _fail(str(exc))
        yield client


def _task_progress(progress, task: str):
    """A ``(done, total)`` callback for the distributed tasks, shown as its own bar."""
    return None if progress is None else (lambda done, total: progress(task, done, total))


def _summary_table(name: str, metrics: dict[str, dict[str, float]]) -> Table:
    table = Table(title=f"{name}", title_justify="left")
    columns = [("l1_pde_vs_exact", "L1 PDE-exact"), ("mean_position", "<x> PDE"), ("sde_l1", "L1 SDE-exact"), ("sde_chi2_per_dof", "chi2/dof SDE"), ("min_entropy_production", "min entropy prod.")]
    present = [(key, title) for key, title in columns if any(key in m for m in metrics.values())]
    table.add_column("subject")
    for _, title in present:
        table.add_column(title, justify="right")
    for subject, values in metrics.items():
        table.add_row(subject, *[f"{values[key]:.3g}" if key in values else "" for key, _ in present])
    return table


@app.command()
def run(
    cases: Annotated[list[Path], typer.Argument(help="Case directories (each holds case.toml).")],
    fast: Annotated[bool, typer.Option("--fast", help="Small sizes for smoke tests (<= 100 cells, <= 4096 particles).")] = False,
    only: Annotated[list[Stage] | None, typer.Option("--only", help="Run only these stages (repeatable): pde, sde, qme.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the last checkpoint of an interrupted run.")] = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run each case (PDE, ensembles, comparisons, figures, report) into CASE/results/.

    With a Dask cluster the ensembles' checkpointed chunk groups run on its workers.
    """
    from fpsolver.cases import run_case_directory
    from fpsolver.cases.distributed import dask_mapper

    stages = frozenset(stage.value for stage in only) if only else frozenset(s.value for s in Stage)
    summary = {}
    with _cluster(workers, scheduler) as client, _progress(not (quiet or as_json)) as progress:
        mapper = None if client is None else dask_mapper(client, _task_progress(progress, "ensemble tasks on the cluster"))
        for index, path in enumerate(cases):
            if progress is not None and len(cases) > 1:
                progress("cases", index, len(cases))
            try:
                outcome = run_case_directory(path, fast=fast, only=stages, resume=resume, progress=progress, mapper=mapper)
            except CaseError as exc:
                _fail(f"{path}: {exc}")
            except KeyboardInterrupt:
                _fail(f"{path}: interrupted; continue with --resume", code=INTERRUPTED)
            target, metrics = outcome.target, outcome.results.metrics
            summary[str(path)] = {"results": str(target), "report": str(target / "report.html"), "metrics": metrics}
            if not quiet and not as_json:
                console.print(_summary_table(outcome.results.case.name, metrics))
                console.print(f"report: [bold]{target / 'report.html'}[/] (results in {target})")
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2, default=float) + "\n")


@app.command()
def validate(
    cases: Annotated[list[Path] | None, typer.Argument(help="Case directories.")] = None,
    all_studies: Annotated[bool, typer.Option("--all", help="Run every validation study and write validation/report/.")] = False,
    fast: Annotated[bool, typer.Option("--fast", help="Small sizes.")] = False,
    rerun: Annotated[bool, typer.Option("--rerun", help="Recompute even when results of this configuration exist.")] = False,
) -> None:
    """Check each case's tolerances (exit 0 all hold, 1 one fails); --all runs the studies."""
    from fpsolver.cases import validate_case
    from fpsolver.io.report import criterion

    failed = False
    if all_studies:
        failed = _validation_studies(fast) != 0
    for path in cases or []:
        try:
            checks = validate_case(path, fast=fast, rerun=rerun)
        except CaseError as exc:
            _fail(f"{path}: {exc}")
        table = Table(title=f"{Path(path).name}: validation", title_justify="left")
        for column in ("subject", "metric", "value", "criterion", "result"):
            table.add_column(column)
        for check in checks:
            table.add_row(check.subject, check.metric, f"{check.value:.3g}", criterion(check), "[green]pass[/]" if check.passed else "[bold red]FAIL[/]")
        console.print(table)
        if not checks:  # nothing checked is never a pass
            failed = True
            errors.print(f"FAIL {Path(path).name}: no checks (the case's results give nothing to compare with a tolerance)", markup=False)
        for check in checks:
            if not check.passed:
                failed = True
                errors.print(f"FAIL {Path(path).name}: {check.subject} {check.metric} = {check.value:.3g} (limit {check.limit:.3g})", markup=False)
    raise typer.Exit(code=1 if failed else 0)


def _validation_studies(fast: bool) -> int:
    """Run the validation studies of a source checkout (``python -m validation`` in the
    directory that holds validation/ beside fpsolver/); return its exit code."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "validation" / "__main__.py").exists():
        _fail("the validation studies ship with the source checkout (validation/ next to fpsolver/)")
    return subprocess.run([sys.executable, "-m", "validation", *(["--fast"] if fast else [])], cwd=root).returncode


@app.command()
def new(
    name: Annotated[Path, typer.Argument(help="Directory of the new case.")],
    kind: Annotated[CaseKind, typer.Option("--kind", help="Case kind: a Fokker-Planck case or a quantum master equation (qme) case.")] = CaseKind.fokker_planck,
    profile: Annotated[
        str | None, typer.Option("--profile", help="fokker-planck: temperature profile: linear, exponential (default), gaussian_hotspot, tanh_step, piecewise_linear, formula, tabulated.")
    ] = None,
    system: Annotated[str | None, typer.Option("--system", help="qme: name of a registered quantum system (fpsolver.qme.SYSTEMS, e.g. chain, the default).")] = None,
    dim: Annotated[int, typer.Option("--dim", min=1, max=3, help="fokker-planck: dimension (2 or 3: a grid with a formula temperature in x, y(, z)).")] = 1,
) -> None:
    """Scaffold a documented case.toml with every key at its default."""
    from fpsolver.cases.scaffold import scaffold_case

    if kind is CaseKind.qme and profile is not None:
        _fail("--profile applies to fokker-planck cases; a qme case takes --system")
    if kind is CaseKind.fokker_planck and system is not None:
        _fail("--system applies to qme cases (add --kind qme)")
    if dim != 1 and (kind is CaseKind.qme or profile is not None):
        _fail("--dim applies to fokker-planck cases without --profile (2D/3D cases use a formula temperature)")
    try:
        path = scaffold_case(name, (profile or "exponential").replace("-", "_"), kind=kind.value, system=system or "chain", dim=dim)
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{name}: cannot write the case: {exc.strerror}")
    console.print(f"wrote [bold]{path}[/]; run it with: fpsolver run {name}")


@app.command()
def sweep(
    case: Annotated[Path, typer.Argument(help="Case directory.")],
    assignments: Annotated[list[str], typer.Option("--set", help="KEY=START:STOP:NUM, KEY=v1,v2 or KEY=value (repeatable: Cartesian product).")],
    only: Annotated[list[Stage] | None, typer.Option("--only", help="Stages per point (default pde).")] = None,
    fast: Annotated[bool, typer.Option("--fast", help="Small sizes.")] = False,
    quiet: QuietOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Sweep case-file keys; write CASE/sweeps/NAME/ (sweep.csv, sweep.nc, summary.png).

    With a Dask cluster every point not yet cached is a task on its workers.
    """
    from fpsolver.cases.distributed import dask_mapper
    from fpsolver.cases.sweep import parse_assignment, sweep_case_directory

    stages = frozenset(stage.value for stage in only) if only else frozenset({"pde"})
    try:
        parsed = [parse_assignment(text) for text in assignments]
        with _cluster(workers, scheduler) as client, _progress(not quiet) as progress:
            mapper = None if client is None else dask_mapper(client, _task_progress(progress, "sweep tasks on the cluster"))
            outcome = sweep_case_directory(case, parsed, fast=fast, only=stages, progress=progress, mapper=mapper)
    except CaseError as exc:
        _fail(f"{case}: {exc}")
    except KeyboardInterrupt:
        _fail(f"{case}: interrupted; run the same sweep again to continue (finished points are kept)", code=INTERRUPTED)
    if not quiet:
        console.print(f"{len(outcome.rows)} rows; table and plot in [bold]{outcome.target}[/]")


@app.command()
def show(case: Annotated[Path, typer.Argument(help="Case directory.")]) -> None:
    """Print the resolved configuration of a case, with every default filled in."""
    from fpsolver.cases.schema import load_case

    try:
        config = load_case(case)
    except CaseError as exc:
        _fail(f"{case}: {exc}")
    sys.stdout.write(json.dumps(config.resolved(), indent=2) + "\n")


FreeOption = Annotated[
    list[str] | None,
    typer.Option("--free", help="A case-file key to fit, e.g. models.gclm1.kappa, temperature.gradient, potential.stiffness (repeatable); its case value is the start."),
]
NameOption = Annotated[str | None, typer.Option("--name", help="Name of the output folder CASE/fits/NAME (default: data file stem and free keys).")]
WaldOption = Annotated[bool, typer.Option("--wald", help="Wald intervals (value ± 1.96 standard errors) instead of profile-likelihood intervals.")]


def _print_fits(outcome, quiet: bool, as_json: bool) -> None:
    """The fitted parameters of every model and where the results went."""
    if as_json:
        sys.stdout.write(json.dumps({"fits": str(outcome.target), "models": {label: fit.as_dict() for label, fit in outcome.fits.items()}}, indent=2, default=float) + "\n")
        return
    if quiet:
        return
    table = Table(title="fits (best AIC first)", title_justify="left")
    for column in ("model", "parameter", "value", "error", "95% interval", "AIC"):
        table.add_column(column)
    for label, fit in sorted(outcome.fits.items(), key=lambda item: item[1].aic):
        estimates = fit.parameters
        rows = list(zip(estimates.names, estimates.values, estimates.errors, *estimates.interval())) or [("(none free)", float("nan"), float("nan"), float("nan"), float("nan"))]
        for index, (name, value, error, low, high) in enumerate(rows):
            table.add_row(label if index == 0 else "", name, f"{value:.6g}", f"{error:.2g}", f"[{low:.4g}, {high:.4g}]", f"{fit.aic:.6g}" if index == 0 else "")
    console.print(table)
    for label, fit in outcome.fits.items():
        for warning in fit.warnings:
            console.print(f"[yellow]warning[/] ({label}): {warning}", highlight=False)
        for combination in fit.parameters.combinations:
            console.print(f"[yellow]not identifiable[/] ({label}): {combination['combination']}", highlight=False)
    console.print(f"report: [bold]{outcome.target / 'report.html'}[/] (results in {outcome.target})")


def _fit_command(case: Path, quiet: bool, as_json: bool, call) -> None:
    """Run a fit or inference ``call(progress)`` of ``case`` and print its fits."""
    try:
        with _progress(not (quiet or as_json)) as progress:
            outcome = call(progress)
    except CaseError as exc:
        _fail(f"{case}: {exc}")
    _print_fits(outcome, quiet, as_json)


@app.command()
def fit(
    case: Annotated[Path, typer.Argument(help="Case directory.")],
    data: Annotated[Path, typer.Option("--data", help="Steady profile: CSV x,value,error or x,count[,width], or NetCDF with those variables.")],
    free: FreeOption = None,
    name: NameOption = None,
    wald: WaldOption = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Fit model parameters to a steady profile; write CASE/fits/NAME/ (fit.json, fit.nc, figures, report)."""
    from fpsolver.cases.fit import fit_case_directory

    _fit_command(case, quiet, as_json, lambda progress: fit_case_directory(case, data, free or [], name=name, intervals="wald" if wald else "profile", progress=progress))


@app.command()
def infer(
    case: Annotated[Path, typer.Argument(help="Case directory.")],
    trajectories: Annotated[Path, typer.Option("--trajectories", help="Trajectories: CSV (x[,t][,id]), .npy, .npz or NetCDF.")],
    free: FreeOption = None,
    dt: Annotated[float | None, typer.Option("--dt", help="Sampling interval when the file has no times.")] = None,
    bins: Annotated[int, typer.Option("--bins", min=1, help=f"Bins of the drift and D(x) estimates (at most {MAX_BINS}).")] = 20,
    transition: Annotated[Transition, typer.Option("--transition", help="Transition density of the likelihood: kessler (bias O(dt^2)) or euler (O(dt)).")] = Transition.kessler,
    name: NameOption = None,
    noise: Annotated[bool, typer.Option("--noise", help="Fit a localization-noise variance (noise_variance, length^2) with the model.")] = False,
    wald: WaldOption = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Estimate drift and D(x) from trajectories and fit the case's models; write CASE/fits/NAME/."""
    from fpsolver.cases.fit import infer_case_directory

    if bins > MAX_BINS:
        _fail(f"{case}: --bins {bins}: at most {MAX_BINS} bins (each bin needs 20 increments for an estimate)")
    options = {"dt": dt, "bins": bins, "transition": transition.value, "name": name, "noise": noise, "intervals": "wald" if wald else "profile"}
    _fit_command(case, quiet, as_json, lambda progress: infer_case_directory(case, trajectories, free or [], progress=progress, **options))
