"""Parameters and vocabulary of the assessment method (see book/methods.md).

Everything a reviewer might want to change about the rating — thresholds, the
tolerance for approximate targets, the default base year, the order of routes —
lives in :class:`MethodParams`. The statuses, their labels and their display order
live here too, so charts and text use the same words as the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

# --- statuses -----------------------------------------------------------------

ACHIEVED = "achieved"
ON_TRACK = "on_track"
BEHIND = "behind"
OFF_TRACK = "off_track"
MISSED = "missed"
UNKNOWN = "unknown"
INSUFFICIENT_DATA = "insufficient_data"
NOT_QUANTIFIED = "not_quantified"

#: Display order for legends, heatmaps and count tables (best to least informative).
STATUS_ORDER: tuple[str, ...] = (
    ACHIEVED,
    ON_TRACK,
    BEHIND,
    OFF_TRACK,
    MISSED,
    UNKNOWN,
    INSUFFICIENT_DATA,
    NOT_QUANTIFIED,
)

STATUS_LABELS: dict[str, dict[str, str]] = {
    ACHIEVED: {"zh": "已完成", "en": "Achieved"},
    ON_TRACK: {"zh": "进度正常", "en": "On track"},
    BEHIND: {"zh": "进度滞后", "en": "Behind"},
    OFF_TRACK: {"zh": "严重滞后", "en": "Off track"},
    MISSED: {"zh": "未按期完成", "en": "Missed"},
    UNKNOWN: {"zh": "未知", "en": "Unknown"},
    INSUFFICIENT_DATA: {"zh": "数据不足", "en": "Insufficient data"},
    NOT_QUANTIFIED: {"zh": "未量化", "en": "Not quantified"},
}

# --- target kinds ----------------------------------------------------------------

RELATIVE_KINDS = ("reduction_vs_base", "increase_vs_base")
BOUND_KINDS = ("at_least", "at_most")
ADDITION_KINDS = ("cumulative_addition", "count")
MILESTONE_KIND = "milestone"
NON_QUANTIFIED_KINDS = ("provincial_task", "qualitative")
ALL_KINDS = RELATIVE_KINDS + BOUND_KINDS + ADDITION_KINDS + (MILESTONE_KIND,) + NON_QUANTIFIED_KINDS

# --- routes ---------------------------------------------------------------------

ROUTE_LEVELS = "levels"
ROUTE_CUMULATIVE_CHANGE = "cumulative_change"
ROUTE_CHAINED_YOY = "chained_yoy"
ROUTE_ADDITIONS = "additions"
ROUTE_EVIDENCE = "evidence"

# --- qualifiers -----------------------------------------------------------------

APPROXIMATE_QUALIFIERS = frozenset({"约", "左右"})
ASPIRATIONAL_QUALIFIERS = frozenset({"力争"})
INCLUSIVE_BOUND_QUALIFIERS = frozenset({"以上", "以内", "不低于"})
STRICT_BOUND_QUALIFIERS = frozenset({"超过", "优于"})
KNOWN_QUALIFIERS = (
    APPROXIMATE_QUALIFIERS | ASPIRATIONAL_QUALIFIERS | INCLUSIVE_BOUND_QUALIFIERS | STRICT_BOUND_QUALIFIERS
)


@dataclass(frozen=True)
class Qualifier:
    """What the plan's wording (约, 力争, 以上, …) means for the comparison."""

    approximate: bool = False  # 约 / 左右: a tolerance applies at the target year
    aspirational: bool = False  # 力争: rated against the stated number, labelled aspirational
    strict: bool = False  # 超过 / 优于: the target must be passed, not just reached

    @property
    def words(self) -> str:
        parts = []
        if self.approximate:
            parts.append("approximate (约/左右)")
        if self.aspirational:
            parts.append("aspirational (力争)")
        if self.strict:
            parts.append("strict bound (超过/优于)")
        return ", ".join(parts)


def parse_qualifier(text: object) -> Qualifier:
    """Parse a plan qualifier such as "", "约", "力争;以上" into a :class:`Qualifier`."""
    if text is None or (isinstance(text, float) and text != text):
        return Qualifier()
    tokens = [t.strip() for t in str(text).replace("；", ";").split(";") if t.strip()]
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
    default_base_year
        Base year used when a quantified target gives none (the plan's base is 2020).
    region
        The region assessed; other regions are benchmarks.
    route_order
        Preference between routes that reach the same latest year
        (the route reaching the most recent year always wins).
    milestone_done_level, milestone_done_share
        A milestone level observation at or above this value counts as done
        (a 1/0 flag, a count of completed items, or a completion share in %).
    """

    on_track: float = 0.95
    behind: float = 0.60
    approx_tolerance: float = 0.05
    default_base_year: int = 2020
    region: str = "jinan"
    route_order: tuple[str, ...] = (ROUTE_LEVELS, ROUTE_CUMULATIVE_CHANGE, ROUTE_CHAINED_YOY)
    milestone_done_level: float = 1.0
    milestone_done_share: float = 100.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.behind <= self.on_track:
            raise ValueError(f"thresholds must satisfy 0 <= behind <= on_track, got {self.behind}, {self.on_track}")
        if not 0.0 <= self.approx_tolerance < 1.0:
            raise ValueError(f"approx_tolerance must be in [0, 1), got {self.approx_tolerance}")
        expected_routes = {ROUTE_LEVELS, ROUTE_CUMULATIVE_CHANGE, ROUTE_CHAINED_YOY}
        if set(self.route_order) != expected_routes or len(self.route_order) != len(expected_routes):
            raise ValueError(f"route_order must be a permutation of {sorted(expected_routes)}")


def shifted_thresholds(params: MethodParams, shift: float) -> MethodParams:
    """The same parameters with both rating thresholds moved by ``shift`` (clipped at 0)."""
    return replace(params, on_track=max(params.on_track + shift, 0.0), behind=max(params.behind + shift, 0.0))
