"""Every option value, stage, tolerance, transient metric and time coordinate is in the glossary."""

from __future__ import annotations

import typing

import numpy as np

import fpsolver
from fpsolver import meshes, profiles
from fpsolver._options import WallKind
from fpsolver.cases.checks import TRANSIENT_Z_METRICS
from fpsolver.cases.run import STAGES
from fpsolver.cases.schema import ValidationConfig
from fpsolver.ensembles.options import OverdampedScheme
from fpsolver.glossary import GLOSSARY, markdown
from fpsolver.pde.options import FaceVelocity, LinearSolver, TransientScheme


def test_option_values_stages_tolerances_and_metrics_are_in_the_glossary():
    names = {value for kind in (WallKind, OverdampedScheme, TransientScheme, FaceVelocity, LinearSolver) for value in typing.get_args(kind)}
    names |= set(STAGES) | set(ValidationConfig.model_fields) | set(TRANSIENT_Z_METRICS)
    assert names - set(GLOSSARY) == set()


def test_time_coordinates_of_the_result_files_are_in_the_glossary():
    model, mesh = fpsolver.Ito(profiles.linear(T0=1.0, gradient=0.2)), meshes.uniform(-1.0, 1.0, 20)
    transient = fpsolver.solve_transient(model, mesh, lambda x: np.exp(-(x**2) / 0.1), t_end=0.05, dt=0.01).to_xarray()
    ensemble = fpsolver.run_ensemble(model, mesh, n_particles=64, chunk_size=32, t_end=0.05, dt=0.01, burn_in=0.0).to_xarray()
    times = {name for dataset in (transient, ensemble) for name in (*dataset.coords, *dataset.dims) if "time" in str(name)}
    assert times and times - set(GLOSSARY) == set()
    assert set(transient.coords) & set(ensemble.coords) >= {"time"}  # one name for the time axis in both files


def test_markdown_lists_every_term():
    text = markdown()
    assert all(f"| `{name}` |" in text for name in GLOSSARY)
