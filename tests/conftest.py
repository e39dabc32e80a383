"""Shared test configuration: fail loudly on floating-point trouble."""

import numpy as np
import pytest


@pytest.fixture
def restore_threads():
    """Put numba's thread count back after a test that changes it."""
    import numba

    threads = numba.get_num_threads()
    yield
    numba.set_num_threads(threads)


@pytest.fixture
def drawn(monkeypatch):
    """Every figure the case writers save during the test (fpsolver.io.figures and
    figures_nd), keyed by file name."""
    from fpsolver.io import figures, figures_nd

    captured = {}
    for module in (figures, figures_nd):

        def capture(figure, path, save=module._save):
            captured[path.name] = figure
            return save(figure, path)

        monkeypatch.setattr(module, "_save", capture)
    return captured


@pytest.fixture(scope="session")
def shipped_fast_runs(tmp_path_factory):
    """Every shipped case run once per session through the command line with ``--fast``, in a
    temporary copy: {name: (case directory, completed process)}. Shared by the tests of the
    shipped cases, so the expensive 2D and 3D cases run once."""
    from cli_helpers import CASES, copy_case, fpsolver

    root = tmp_path_factory.mktemp("shipped-cases")
    runs = {}
    for case_toml in sorted(CASES.glob("*/case.toml")):
        case = copy_case(case_toml.parent.name, root)
        runs[case.name] = (case, fpsolver("run", case, "--fast", "--json", cwd=root))
    return runs


@pytest.fixture(autouse=True)
def _raise_on_floating_point_errors():
    old = np.seterr(all="raise", under="ignore")
    yield
    np.seterr(**old)


# One shared list of profiles and meshes for the core tests (domain [-1, 1]).
def tabulated_profile(tmp_dir):
    """A tabulated profile from 201 exact samples of a smooth T(x) written as CSV."""
    from fpsolver import profiles

    x = np.linspace(-1.0, 1.0, 201)
    path = tmp_dir / "profile.csv"
    np.savetxt(path, np.column_stack([x, 1.5 + 0.4 * np.sin(2.0 * x)]), delimiter=",", header="x,T", comments="")
    return profiles.tabulated(path, smoothing=1e-10)


def _profile_factories():
    from fpsolver import profiles

    return {
        "tanh_step": lambda tmp: profiles.tanh_step(T_left=2.0, T_right=0.5, center=0.1, width=0.05),
        "exponential": lambda tmp: profiles.exponential(T0=1.0, length=0.8),
        "gaussian_hotspot": lambda tmp: profiles.gaussian_hotspot(T_background=1.0, amplitude=2.0, center=-0.2, width=0.3),
        "tabulated": tabulated_profile,
    }


PROFILE_NAMES = ["tanh_step", "exponential", "gaussian_hotspot", "tabulated"]
MESH_NAMES = ["uniform", "geometric"]


@pytest.fixture(params=PROFILE_NAMES)
def profile(request, tmp_path):
    return _profile_factories()[request.param](tmp_path)


@pytest.fixture(params=MESH_NAMES)
def mesh50(request):
    from fpsolver import meshes

    if request.param == "uniform":
        return meshes.uniform(-1.0, 1.0, 50)
    return meshes.geometric(-1.0, 1.0, 50, ratio=1.08, refine=0.1)


def pytest_collection_modifyitems(config, items):
    """Run the Dask tests last: starting a LocalCluster briefly sets NUMBA_NUM_THREADS in
    this process, and numba must have launched its thread pool before that."""
    items.sort(key=lambda item: "tests/distributed/" in str(item.fspath).replace("\\", "/"))
