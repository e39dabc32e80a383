"""The case's ``[boundary]`` translated once into the wall arguments of every solver.

A case names wall groups (``left``/``right``, ``bottom``/``top``, ``front``/``back``,
``walls`` for every wall) with a kind of :data:`~fpsolver.cases.schema.WallKind`. A
wall is periodic where its own group says so, absorbing where its group or ``walls``
says so, and reflecting otherwise: the rule of the PDE operator, which absorbs on the
union of the absorbing groups. Every stage takes its walls from :class:`Walls`, which
either returns the solver's argument or raises a :class:`CaseError` naming the key it
cannot honour, never a substitute.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpsolver.cases.schema import WALL_PAIRS, CaseConfig, CaseError, WallKind


@dataclass(frozen=True)
class Walls:
    """The wall kind of each side of each axis of a case (``sides[axis] = (low, high)``)."""

    groups: dict[str, WallKind]
    sides: tuple[tuple[WallKind, WallKind], ...]

    @classmethod
    def of(cls, config: CaseConfig) -> Walls:
        """The walls of ``config`` (one pair of sides per axis of its mesh)."""
        groups = dict(config.boundary)
        return cls(groups=groups, sides=tuple((_side(groups, low), _side(groups, high)) for low, high in WALL_PAIRS[: config.dimension]))

    @property
    def absorbing(self) -> bool:
        """Whether any wall absorbs (no normalisable steady state)."""
        return "absorbing" in self.groups.values()

    @property
    def periodic(self) -> bool:
        """Whether any axis is periodic."""
        return "periodic" in self.groups.values()

    def pde(self) -> str | dict[str, str]:
        """The ``boundary`` of :class:`~fpsolver.pde.options.TransientOptions`: the mapping of
        the absorbing groups, or "reflecting" without any (periodic axes are the mesh's)."""
        return {group: kind for group, kind in self.groups.items() if kind == "absorbing"} or "reflecting"

    def per_axis(self, stage: str) -> tuple[WallKind, ...]:
        """One kind per axis for a Langevin ``stage`` (its name in the message), which takes
        the same kind on both sides of an axis; :class:`CaseError` naming the wall group otherwise."""
        kinds = []
        for (low, high), (low_kind, high_kind) in zip(WALL_PAIRS, self.sides):
            if low_kind != high_kind:
                raise CaseError(
                    f"boundary.{low}: the {stage} takes one wall kind per axis, got {low} {low_kind!r} and {high} {high_kind!r}; give both walls one kind or set [ensemble] enabled = false"
                )
            kinds.append(low_kind)
        return tuple(kinds)

    def line(self, stage: str, allowed: tuple[str, ...]) -> WallKind:
        """The one wall kind of a 1D Langevin ``stage`` that offers the kinds ``allowed``;
        :class:`CaseError` naming the wall group it cannot honour."""
        (kind,) = self.per_axis(stage)
        if kind not in allowed:
            raise CaseError(f"boundary.left: the {stage} has no {kind} walls (it offers {', '.join(allowed)}); set [ensemble] enabled = false")
        return kind


def _side(groups: dict[str, WallKind], group: str) -> WallKind:
    if groups.get(group) == "periodic":
        return "periodic"
    if "absorbing" in (groups.get(group), groups.get("walls")):
        return "absorbing"
    return "reflecting"
