"""Checks: one computed quantity compared with a limit, pass or fail.

A :class:`Check` records what was checked (``subject``, ``metric``), the computed
``value``, the ``limit`` it is held to and how (``comparison``). The same record
serves the case checks of ``fpsolver validate`` (an L1 distance <= a tolerance, an
entropy production >= 0) and the validation studies (a value within a tolerance of
a reference, a fitted slope, a paper's printed value reported beside the correct
one). Rendering (criterion in words, tables) is the job of :mod:`fpsolver.io.report`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

COMPARISONS = ("upper", "lower", "absolute", "relative", "slope", "info")
"""How a :class:`Check` holds ``value`` to ``limit`` (and ``reference``):

* ``upper``: value <= limit (an error bound; ``reference``, if given, is the ideal value)
* ``lower``: value >= limit
* ``absolute``: |value - reference| <= limit
* ``relative``: |value - reference| <= limit |reference|
* ``slope``: a fitted log-log slope, |value - reference| <= limit
* ``info``: reported, not gating (e.g. a paper's printed value beside the correct one)
"""

_NEED_REFERENCE = ("absolute", "relative", "slope")


@dataclass(frozen=True)
class Check:
    """One checked quantity: ``value`` held to ``limit`` by ``comparison`` (see :data:`COMPARISONS`).

    Parameters
    ----------
    subject : str
        What the quantity belongs to (a model label, a study name, ``"scan"``).
    metric : str
        The quantity, e.g. ``"l1_pde_vs_exact"`` or a sentence in a study.
    value : float
        The computed value. A non-finite value fails every gating comparison.
    limit : float
        The bound (``upper``, ``lower``) or the tolerance on the difference from
        ``reference`` (``absolute``, ``relative``, ``slope``).
    comparison : str
        One of :data:`COMPARISONS`; default ``"upper"`` (value <= limit).
    reference : float or None
        The reference value; required by ``absolute``, ``relative`` and ``slope``,
        optional (the ideal value, for display) otherwise.
    note : str
        A remark shown with the check (e.g. why a line is not gating).
    """

    subject: str
    metric: str
    value: float
    limit: float
    comparison: str = "upper"
    reference: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(f"comparison must be one of {COMPARISONS}, got {self.comparison!r}")
        if self.comparison in _NEED_REFERENCE and self.reference is None:
            raise ValueError(f"a {self.comparison!r} check needs a reference value")

    @property
    def at_least(self) -> bool:
        """Whether the value must reach the limit from above (``lower``)."""
        return self.comparison == "lower"

    @property
    def gating(self) -> bool:
        """Whether this check decides pass/fail (``info`` lines do not)."""
        return self.comparison != "info"

    @property
    def passed(self) -> bool | None:
        """True/False for a gating check (a non-finite value fails), None for an ``info`` line."""
        if not self.gating:
            return None
        value, limit = float(self.value), float(self.limit)
        if not math.isfinite(value):
            return False
        if self.comparison == "upper":
            return value <= limit
        if self.comparison == "lower":
            return value >= limit
        difference = abs(value - float(self.reference))
        if self.comparison == "relative":
            return difference <= limit * abs(float(self.reference))
        return difference <= limit

    @property
    def verdict(self) -> str:
        """``PASS``, ``FAIL`` or ``info``."""
        return {True: "PASS", False: "FAIL", None: "info"}[self.passed]

    def as_dict(self) -> dict[str, object]:
        """The fields plus ``at_least`` and ``passed`` (the record of ``metrics.json``)."""
        return {**asdict(self), "at_least": self.at_least, "passed": self.passed}
