"""One definition of every solver option: library signatures, classes and case-file
tables agree on names and defaults, library and case runs agree on default times,
and bad values raise one-line errors naming the option."""

import inspect
from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from fpsolver import meshes, profiles
from fpsolver.cases import schema
from fpsolver.cases.build import open_case
from fpsolver.ensembles import SDE_SCHEMES, InertialEnsemble, OverdampedEnsemble, run_ensemble, run_inertial_ensemble
from fpsolver.ensembles.options import Boundary, Ensemble2DOptions, InertialOptions, OverdampedOptions, OverdampedScheme
from fpsolver.ensembles.overdamped import BOUNDARIES
from fpsolver.ensembles.overdamped_nd import OverdampedEnsemble2D, run_ensemble_2d
from fpsolver.models import Ito
from fpsolver.pde import transient
from fpsolver.pde.options import SteadyOptions, TransientOptions, TransientScheme
from fpsolver.pde.steady import solve_steady
from fpsolver.pde.transient import solve_transient

CASES = Path(__file__).resolve().parent.parent / "cases"

#: every options object and the library functions and classes that take it
TAKERS = {
    SteadyOptions: [solve_steady],
    TransientOptions: [solve_transient],
    OverdampedOptions: [run_ensemble, OverdampedEnsemble],
    InertialOptions: [run_inertial_ensemble, InertialEnsemble],
    Ensemble2DOptions: [run_ensemble_2d, OverdampedEnsemble2D],
}
#: case-file table -> the options objects its solver keys come from
TABLES = {
    "pde": (schema.PDEConfig, (SteadyOptions, TransientOptions)),
    "ensemble": (schema.EnsembleConfig, (OverdampedOptions, InertialOptions)),
}
EMPTY = inspect.Parameter.empty


def _option_cases():
    return [(options, taker) for options, takers in TAKERS.items() for taker in takers]


@pytest.mark.parametrize(("options", "taker"), _option_cases(), ids=lambda x: getattr(x, "__name__", str(x)))
def test_every_option_is_a_keyword_of_its_function_and_class_with_the_same_default(options, taker):
    parameters = inspect.signature(taker).parameters
    for name, field in options.model_fields.items():
        assert name in parameters, f"{taker.__name__} has no keyword {name!r}"
        expected = EMPTY if field.is_required() else field.default
        assert parameters[name].default == expected, (taker.__name__, name)
        assert f"{name} : " in (taker.__doc__ or "") or inspect.isclass(taker), f"{taker.__name__}'s docstring does not list {name!r}"
    assert parameters["options"].default is None


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_case_table_key_is_an_option_with_the_library_default_or_a_documented_case_only_key(table):
    config, sources = TABLES[table]
    case_only = schema.CASE_ONLY_KEYS[table]
    switches = schema.CASE_SWITCH_OPTIONS.get(table, ())
    for name, field in config.model_fields.items():
        owners = [options for options in sources if name in options.model_fields]
        if name in case_only:
            assert not owners, f"[{table}] {name!r} is declared case-only but is an option of {owners[0].__name__}"
            continue
        assert owners, f"[{table}] {name!r} is neither an option nor a documented case-only key"
        for options in owners:
            library = options.model_fields[name]
            if name in switches:
                # required by the library; in the case file its presence switches the solver on
                assert library.is_required() and field.default is None, name
            else:
                assert field.default == library.default, (table, name, field.default, library.default)
                assert library.description in field.description, (table, name)
    defaults = config()
    for options in sources:
        shared = [name for name in options.model_fields if name in config.model_fields and name not in switches]
        assert shared, f"[{table}] takes no key from {options.__name__}"
        if not any(options.model_fields[name].is_required() for name in options.model_fields):
            assert defaults.options(options) == options(), f"[{table}] defaults differ from {options.__name__}()"


def test_the_chosen_defaults_and_names():
    assert (TransientOptions().scheme, TransientOptions().tolerance) == ("tr-bdf2", 1e-5)
    assert (OverdampedOptions().chunk_size, OverdampedOptions().table_points) == (256, 4097)
    assert "sample_interval" in OverdampedOptions.model_fields and "sample_every" not in inspect.signature(run_ensemble).parameters
    assert "mass" in schema.EnsembleConfig.model_fields and "inertial_mass" not in schema.EnsembleConfig.model_fields


def test_option_choices_match_the_solver_registries():
    assert set(get_args(OverdampedScheme)) == set(SDE_SCHEMES)
    assert set(get_args(TransientScheme)) == set(transient.SCHEMES)
    assert BOUNDARIES == get_args(Boundary)


def _gclm1_case():
    case = open_case(CASES / "exponential")
    return case, case.models["gclm1"]


def test_library_ensemble_without_times_is_the_case_ensemble():
    """The exponential case leaves [ensemble] at its defaults: the run a case makes
    (options from its table, as cases/run.py builds them) and a library call with no
    arguments have the same fingerprint, i.e. the same steps, seed, chunks and tables."""
    case, model = _gclm1_case()
    from_case = OverdampedEnsemble(model, case.mesh, options=case.config.ensemble.options(OverdampedOptions))
    library = OverdampedEnsemble(model, case.mesh)
    assert library.fingerprint() == from_case.fingerprint()
    assert (library.setup.dt, library.setup.n_steps, library.setup.sample_every) == (from_case.setup.dt, from_case.setup.n_steps, from_case.setup.sample_every)


def test_default_times_follow_the_relaxation_time_rule():
    """tau = L^2/(pi^2 D_min); t_end = 10 tau, dt = min(t_end/4000, L^2/(2000 D_max)), samples every tau/8."""
    case, model = _gclm1_case()
    D = model.coefficients(meshes.cell_centers(case.mesh), (-1.0, 1.0)).D
    tau = 4.0 / (np.pi**2 * D.min())
    dt = min(10 * tau / 4000, 4.0 / (2000 * D.max()))
    setup = OverdampedEnsemble(model, case.mesh).setup
    assert setup.dt == pytest.approx(dt, rel=1e-12)
    assert setup.n_steps == round(10 * tau / dt)
    assert setup.sample_every == round(tau / 8 / dt) > 1


def test_configured_times_of_a_case_are_the_library_keywords():
    case = open_case(CASES / "trap-in-gradient")
    label, model = next(iter(case.models.items()))
    settings = case.config.ensemble
    from_case = InertialEnsemble(model, case.mesh, options=settings.options(InertialOptions, mass=0.2))
    library = InertialEnsemble(model, case.mesh, dt=settings.dt, t_end=settings.t_end, mass=0.2)
    assert (settings.dt, settings.t_end) == (0.001, 4.0)
    assert library.fingerprint() == from_case.fingerprint(), label


def test_transient_defaults_of_a_case_are_the_library_defaults():
    assert schema.PDEConfig().options(TransientOptions) == TransientOptions()
    assert schema.PDEConfig().options(SteadyOptions) == SteadyOptions()


MODEL = Ito(profiles.linear())


@pytest.mark.parametrize(
    ("call", "name", "value", "error"),
    [
        (run_ensemble, "n_particles", 0, ValueError),
        (run_ensemble, "n_particles", 10.5, TypeError),
        (run_ensemble, "dt", float("inf"), ValueError),
        (run_ensemble, "sample_interval", -1.0, ValueError),
        (run_ensemble, "scheme", "rk4", ValueError),
        (run_ensemble, "x0", "middle", ValueError),
        (run_ensemble, "chunk_size", True, TypeError),
        (run_ensemble, "table_points", 8, ValueError),
        (run_inertial_ensemble, "mass", -1.0, ValueError),
        (run_inertial_ensemble, "v0", "cold", ValueError),
        (solve_transient, "tolerance", 0.0, ValueError),
        (solve_transient, "scheme", "rk4", ValueError),
        (solve_transient, "max_steps", 2.5, TypeError),
        (solve_steady, "face_velocity", "upwind", ValueError),
        (solve_steady, "quadrature_order", 0, ValueError),
    ],
)
def test_bad_option_raises_one_line_error_naming_it(call, name, value, error):
    arguments = {"mass": 0.1} if call is run_inertial_ensemble and name != "mass" else {}
    leading = (MODEL, meshes.uniform(-1.0, 1.0, 10)) + ((np.ones(10),) if call is solve_transient else ())
    with pytest.raises(error) as raised:
        call(*leading, **arguments, **{name: value})
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"'{name}' must be"), message


def test_unknown_or_missing_options_raise_type_errors():
    mesh = meshes.uniform(-1.0, 1.0, 10)
    with pytest.raises(TypeError, match="sample_every"):
        run_ensemble(MODEL, mesh, 10, 1e-3, 0.1, sample_every=5)
    with pytest.raises(TypeError, match="missing required option 'mass'"):
        run_inertial_ensemble(MODEL, mesh, 10, 1e-3, 0.1)
    with pytest.raises(TypeError, match="'options' must be a OverdampedOptions"):
        run_ensemble(MODEL, mesh, options=TransientOptions())


def test_options_object_and_keywords_combine_and_numpy_numbers_count():
    base = OverdampedOptions(n_particles=64, dt=1e-3, t_end=0.01, sample_interval=1e-3)
    ensemble = OverdampedEnsemble(MODEL, meshes.uniform(-1.0, 1.0, 10), options=base, seed=np.int64(4), chunk_size=np.int32(16))
    assert ensemble.options == base.model_copy(update={"seed": 4, "chunk_size": 16})
    assert type(ensemble.options.seed) is int and ensemble.n_chunks == 4
