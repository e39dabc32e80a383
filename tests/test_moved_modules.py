"""Module paths from before the package was split into layers still import, as their new
module, with a DeprecationWarning naming the new path."""

from __future__ import annotations

import importlib
import sys

import pytest

from fpsolver._moved import MOVED


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_module_path_imports_the_new_module_with_a_warning(old, monkeypatch):
    monkeypatch.delitem(sys.modules, old, raising=False)
    new = importlib.import_module(MOVED[old])
    with pytest.warns(DeprecationWarning, match=MOVED[old].replace(".", r"\.")):
        module = importlib.import_module(old)
    assert module is new and new.__name__ == MOVED[old] and new.__spec__.name == MOVED[old]


def test_readme_imports_do_not_warn():
    from fpsolver import exact, meshes, potentials, profiles  # noqa: F401 (README's import line)

    assert profiles.__name__ == "fpsolver.fields.profiles" and exact.__name__ == "fpsolver.pde.exact"


def test_old_name_of_the_sde_scheme_registry_warns():
    from fpsolver.ensembles import schemes

    with pytest.warns(DeprecationWarning, match="SDE_SCHEMES"):
        assert schemes.SCHEMES is schemes.SDE_SCHEMES
