"""Position-space models: each maps (profile, potential, parameters) to (A, D, dD/dx).

The registry :data:`MODELS` maps case-file names to classes; adding a model is one
new module and one line here.
"""

from fpsolver._validate import lookup
from fpsolver.models.base import Coefficients, LangevinTerms, Model
from fpsolver.models.gclm1 import GCLM1
from fpsolver.models.gclm2 import GCLM2
from fpsolver.models.ito import Ito

MODELS: dict[str, type[Model]] = {"ito": Ito, "gclm1": GCLM1, "gclm2": GCLM2}


def model_class(name: str) -> type[Model]:
    """Look up a model class by its registry name."""
    return lookup(MODELS, name, "model")


__all__ = ["Coefficients", "LangevinTerms", "Model", "Ito", "GCLM1", "GCLM2", "MODELS", "model_class"]
