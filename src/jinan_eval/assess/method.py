"""Parameters of the assessment method (see the methods chapter, book/methods.<lang>.md).

Everything a reviewer might want to change about the rating — thresholds, the tolerance for approximate
targets, the order of routes — lives in :class:`MethodParams`; the region assessed and the default base year
come from the plan (:meth:`MethodParams.for_plan`). The codes (statuses, routes, kinds) are in
:mod:`jinan_eval.vocabulary`; their words are in the report's message catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import PlanConfig
from ..vocabulary import (
    APPROXIMATE_QUALIFIERS,
    ASPIRATIONAL_QUALIFIERS,
    RELATIVE_ROUTES,
    ROUTE_CHAINED_YOY,
    ROUTE_CUMULATIVE_CHANGE,
    ROUTE_LEVELS,
    STRICT_BOUND_QUALIFIERS,
    TARGET_QUALIFIERS,
    qualifier_words,
)

# --- qualifiers -----------------------------------------------------------------

KNOWN_QUALIFIERS = TARGET_QUALIFIERS


@dataclass(frozen=True)
class Qualifier:
    """What the plan's wording (约, 力争, 以上, …) means for the comparison."""

    approximate: bool = False  # 约 / 左右: a tolerance applies at the target year
    aspirational: bool = False  # 力争: rated against the stated number, labelled aspirational
    strict: bool = False  # 超过 / 优于: the target must be passed, not just reached

    @property
    def flags(self) -> tuple[str, ...]:
        """Flag codes (vocabulary.FLAGS) for the target's wording."""
        return tuple(name for name, on in (("approximate", self.approximate), ("aspirational", self.aspirational),
                                           ("strict", self.strict)) if on)


def parse_qualifier(text: object) -> Qualifier:
    """Parse a plan qualifier such as "", "约", "力争;以上" into a :class:`Qualifier`."""
    tokens = qualifier_words(text)
    unknown = [t for t in tokens if t not in KNOWN_QUALIFIERS]
    if unknown:
        raise ValueError(f"unknown target qualifier(s) {unknown!r} in {text!r}")
    return Qualifier(
        approximate=any(t in APPROXIMATE_QUALIFIERS for t in tokens),
        aspirational=any(t in ASPIRATIONAL_QUALIFIERS for t in tokens),
        strict=any(t in STRICT_BOUND_QUALIFIERS for t in tokens),
    )


# --- parameters -----------------------------------------------------------------


@dataclass(frozen=True)
class MethodParams:
    """All tunable choices of the assessment method, in one place.

    on_track, behind
        Thresholds on the pace ratio R = progress / expected_progress.
        R >= on_track → on track; behind <= R < on_track → behind; R < behind → off track.
        (Open SDG uses 0.95 and 0.60 on its growth-rate ratio.) Progress below zero
        (moving away from the target) is always off track because behind >= 0.
    approx_tolerance
        For targets worded 约/左右: at or after the target year, a target counts as
        achieved when at least (1 - approx_tolerance) of the required change is achieved.
    region
        The region assessed (the plan's ``region``); other regions are benchmarks.
    default_base_year
        Base year used when a quantified target gives none (the plan's ``base_year``).
    route_order
        Preference between routes that reach the same latest year
        (the route reaching the most recent year always wins).
    """

    region: str
    default_base_year: int
    on_track: float = 0.95
    behind: float = 0.60
    approx_tolerance: float = 0.05
    route_order: tuple[str, ...] = (ROUTE_LEVELS, ROUTE_CUMULATIVE_CHANGE, ROUTE_CHAINED_YOY)

    def __post_init__(self) -> None:
        if not 0.0 <= self.behind <= self.on_track:
            raise ValueError(f"thresholds must satisfy 0 <= behind <= on_track, got {self.behind}, {self.on_track}")
        if not 0.0 <= self.approx_tolerance < 1.0:
            raise ValueError(f"approx_tolerance must be in [0, 1), got {self.approx_tolerance}")
        expected_routes = set(RELATIVE_ROUTES)
        if set(self.route_order) != expected_routes or len(self.route_order) != len(expected_routes):
            raise ValueError(f"route_order must be a permutation of {sorted(expected_routes)}")

    @classmethod
    def for_plan(cls, plan: PlanConfig) -> MethodParams:
        """The method as a plan configures it: its region and base year, and any ``method:`` settings."""
        settings = dict(plan.method)
        if "route_order" in settings:
            settings["route_order"] = tuple(settings["route_order"])
        return cls(region=plan.region, default_base_year=plan.base_year, **settings)


def shifted_thresholds(params: MethodParams, shift: float) -> MethodParams:
    """The same parameters with both rating thresholds moved by ``shift`` (clipped at 0)."""
    return replace(params, on_track=max(params.on_track + shift, 0.0), behind=max(params.behind + shift, 0.0))
