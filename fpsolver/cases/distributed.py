"""Run sweeps and ensembles on a Dask cluster (the ``distributed`` extra).

Three pieces, each usable from Python and behind ``--workers``/``--scheduler`` on
the command line:

* :func:`open_client` opens a :class:`distributed.Client`: on a fresh
  ``LocalCluster`` of worker processes bound to 127.0.0.1, on an existing scheduler
  (``tcp://HOST:PORT``), or on ``DASK_SCHEDULER_ADDRESS``.
* :func:`dask_mapper` turns a client into the ``mapper`` hook of
  :func:`fpsolver.cases.sweep.run_sweep` and :func:`fpsolver.cases.run.run_case`.
* :func:`run_ensemble_distributed` splits an ensemble's chunks over the workers and
  merges the partial results.

Results do not depend on the cluster: sweep points are pure functions of their
resolved configuration, and every ensemble chunk has its own random stream spawned
from the seed, so merged partial results are bit-identical to a serial run.
Tasks are submitted as pure (their Dask key is a hash of function and arguments,
so identical work is computed once). The scheduler reruns the tasks of a worker
that dies on the surviving workers (up to its ``allowed-failures`` per task), and a
task that raises is retried :data:`RETRIES` times before its error reaches the
caller.

Worker processes must see the same files as the client (the case directory, where
sweep points store their results): one machine, or a shared file system.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client

    from fpsolver.ensembles import EnsembleResult, InertialEnsemble, InertialEnsembleResult, OverdampedEnsemble

SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"
# A task that raises is run at most 1 + RETRIES times: enough for a transient
# failure (a worker's file system hiccup), few enough that a bug does not loop.
RETRIES = 2

TaskProgress = Callable[[int, int], None]
_SCALARS = (bool, int, float, complex, str, bytes, type(None))


class DistributedUnavailableError(ImportError):
    """Raised when Dask's ``distributed`` package is missing."""


def _distributed():
    """The ``distributed`` module, imported on first use so the core package works without it."""
    try:
        import distributed
    except ImportError:
        raise DistributedUnavailableError("distributed execution needs Dask: pip install 'fpsolver[distributed]' (or: pip install 'dask[distributed]')") from None
    return distributed


#: Local workers per CPU core at most (more only oversubscribe the machine).
WORKERS_PER_CORE = 4
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT_S = 10


def max_workers() -> int:
    """Most local workers: :data:`WORKERS_PER_CORE` per core."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


@contextmanager
def open_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client, closed (with its local cluster, if any) on exit.

    Parameters
    ----------
    workers
        Start a ``LocalCluster`` of this many single-threaded worker processes on
        127.0.0.1 (no dashboard). Each worker's numba thread pool is limited to one
        thread, so N workers use N cores, as Dask assumes.
    scheduler
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``. When neither
        argument is given, the ``DASK_SCHEDULER_ADDRESS`` environment variable.

    Raises
    ------
    ValueError
        When both or neither are given (and the variable is unset), or ``workers < 1``.
    DistributedUnavailableError
        When the ``distributed`` extra is not installed.
    """
    if workers is not None and scheduler is not None:
        raise ValueError("give either a number of local workers or a scheduler address, not both")
    if workers is None:
        scheduler = scheduler or os.environ.get(SCHEDULER_VARIABLE)
        if not scheduler:
            raise ValueError(f"no cluster: give a number of local workers, a scheduler address or set {SCHEDULER_VARIABLE}")
    elif workers < 1:
        raise ValueError(f"the number of workers must be >= 1, got {workers}")
    elif workers > max_workers():
        raise ValueError(f"--workers {workers}: at most {max_workers()} local workers ({WORKERS_PER_CORE} per core of this machine; each is a process of about 150 MB)")
    distributed = _distributed()
    if scheduler is not None:
        try:  # a port that answers but is no Dask scheduler sends garbage frame lengths (MemoryError)
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, MemoryError, ValueError) as exc:
            raise ValueError(f"--scheduler {scheduler}: no Dask scheduler answered within {CONNECT_TIMEOUT_S} s ({type(exc).__name__})") from None
        with client:
            yield client
        return
    with _local_cluster(distributed, workers) as cluster, distributed.Client(cluster) as client:
        yield client


def _local_cluster(distributed, workers: int):
    """A LocalCluster of single-threaded worker processes on loopback."""
    import dask

    # Set before the worker processes start: numba reads it when first imported, and
    # a spawned worker imports the parent's __main__ modules (numba among them)
    # before any Nanny ``env`` would apply.
    # The nannies write these variables into this process's os.environ before spawning;
    # put ours back afterwards, or numba here would later re-read a thread count that
    # differs from the one its thread pool was launched with (and raise).
    environment = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), "NUMBA_NUM_THREADS": 1}
    saved = {name: os.environ.get(name) for name in environment}
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environment}):
            return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _call(function: Callable[..., Any], shared: frozenset[int], *arguments: Any) -> Any:
    """``function(*arguments)`` on a worker, unpickling the shared arguments first."""
    import cloudpickle

    return function(*(cloudpickle.loads(value) if index in shared else value for index, value in enumerate(arguments)))


def _tasks(argument_tuples: Sequence[tuple]) -> list[tuple[frozenset[int], tuple]]:
    """Per task, the positions of shared arguments and the arguments, shared ones
    replaced by their cloudpickle bytes.

    An argument that several tasks share (the same object: an ensemble, the raw case
    data) is pickled once here, and the bytes travel inside every task rather than
    being scattered: scattered data cannot be recomputed, so losing the worker that
    holds it would fail the tasks that need it, whereas a task's own inputs are
    resent when it is rerun. Bytes also hash to stable task keys, and each task
    unpickles its own copy, so no two tasks share the models' coefficient caches.
    """
    import cloudpickle

    counts = Counter(id(value) for arguments in argument_tuples for value in arguments if not isinstance(value, _SCALARS))
    pickled = {id(value): cloudpickle.dumps(value) for arguments in argument_tuples for value in arguments if counts[id(value)] > 1}
    tasks = []
    for arguments in argument_tuples:
        shared = frozenset(index for index, value in enumerate(arguments) if id(value) in pickled)
        tasks.append((shared, tuple(pickled[id(value)] if index in shared else value for index, value in enumerate(arguments))))
    return tasks


def dask_mapper(client: Client, progress: TaskProgress | None = None) -> Callable[[Callable[..., Any], Iterable[tuple]], Iterator[Any]]:
    """A ``mapper(function, argument_tuples)`` that runs each call as a Dask task.

    The returned mapper submits every call at once, as a pure task (so Dask
    deduplicates identical calls by key) with :data:`RETRIES` retries, and yields
    the results in the order of ``argument_tuples``; ``progress(done, total)`` is
    called as tasks finish, in whatever order they do. A task that raises
    re-raises its exception here; when the caller stops early, the tasks not yet
    started are released.

    Parameters
    ----------
    client
        A connected :class:`distributed.Client` (see :func:`open_client`).
    progress
        Optional callback ``(tasks_done, tasks_total)``.
    """
    distributed = _distributed()

    def mapper(function: Callable[..., Any], argument_tuples: Iterable[tuple]) -> Iterator[Any]:
        argument_tuples = list(argument_tuples)
        if not argument_tuples:
            return
        futures = [client.submit(_call, function, shared, *arguments, pure=True, retries=RETRIES) for shared, arguments in _tasks(argument_tuples)]
        # by identity, not key: identical calls share a key but each needs its slot
        position = {id(future): index for index, future in enumerate(futures)}
        finished: dict[int, Any] = {}
        next_index, total = 0, len(futures)
        completed = distributed.as_completed(futures)
        try:
            if progress is not None:
                progress(0, total)
            for done, future in enumerate(completed, start=1):
                finished[position[id(future)]] = future.result()
                if progress is not None:
                    progress(done, total)
                while next_index in finished:
                    yield finished.pop(next_index)
                    next_index += 1
        finally:
            # Release rather than cancel: when the caller stops early, tasks nobody
            # holds are dropped, and a later identical call (same keys) finds no
            # cancelled state left behind in this client to inherit.
            futures.clear()
            completed.clear()

    return mapper


def run_ensemble_distributed(
    client: Client,
    ensemble: OverdampedEnsemble | InertialEnsemble,
    n_parts: int | None = None,
    *,
    progress: TaskProgress | None = None,
) -> EnsembleResult | InertialEnsembleResult:
    """Run an ensemble's chunks on the cluster in ``n_parts`` tasks and merge them.

    The result is bit-identical to ``ensemble.run()``: each chunk draws from its own
    random stream, whichever worker runs it. The ensemble (model, mesh, tables;
    75-340 kB for the shipped cases) is pickled once with cloudpickle, since the
    models' sympy-lambdified coefficient functions cannot be pickled by reference,
    and the bytes go with each task.

    Parameters
    ----------
    client
        A connected client.
    ensemble
        An :class:`~fpsolver.ensembles.OverdampedEnsemble` or
        :class:`~fpsolver.ensembles.InertialEnsemble`.
    n_parts
        Number of tasks (default: one per chunk); more parts than workers balance
        the load better.
    progress
        Optional callback ``(tasks_done, tasks_total)``.
    """
    from fpsolver.cases.run import chunk_groups, run_chunk_group

    parts = chunk_groups(ensemble.n_chunks, ensemble.n_chunks if n_parts is None else n_parts)
    run = dask_mapper(client, progress)
    return ensemble.merge(list(run(run_chunk_group, [(ensemble, part) for part in parts])))
