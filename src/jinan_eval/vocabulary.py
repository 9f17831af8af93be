"""Every code the report uses, defined once: kinds, statuses, measures, periods, routes, reasons.

The assessment speaks in these codes; the data dictionary validates against them; the page layer turns them
into words through the message catalogues (``report/messages/<lang>.yml``). Nothing here is prose.
"""

from __future__ import annotations

# --- plan sections ----------------------------------------------------------------

SECTION_MAIN = "main_targets"
SECTION_KEY_PROJECT = "key_project"
SECTION_MECHANISM = "policy_mechanism"
SECTION_SAFEGUARD = "safeguard"
SECTION_KINDS = (SECTION_MAIN, SECTION_KEY_PROJECT, SECTION_MECHANISM, SECTION_SAFEGUARD)

# --- target kinds -----------------------------------------------------------------

RELATIVE_KINDS = ("reduction_vs_base", "increase_vs_base")
BOUND_KINDS = ("at_least", "at_most")
ADDITION_KINDS = ("cumulative_addition", "count")
QUANTIFIED_KINDS = RELATIVE_KINDS + BOUND_KINDS + ADDITION_KINDS
MILESTONE_KIND = "milestone"
PROVINCIAL_TASK = "provincial_task"
QUALITATIVE = "qualitative"
NON_QUANTIFIED_KINDS = (PROVINCIAL_TASK, QUALITATIVE)
RATED_KINDS = QUANTIFIED_KINDS  # kinds rated by status (a milestone is judged once, as a commitment)
TARGET_KINDS = QUANTIFIED_KINDS + (MILESTONE_KIND,) + NON_QUANTIFIED_KINDS

# --- statuses ---------------------------------------------------------------------

ACHIEVED = "achieved"  # the target year's figure meets the target
MET_EARLY = "met_early"  # a figure before the target year meets it: reached early, can still be lost
ON_TRACK = "on_track"
BEHIND = "behind"
OFF_TRACK = "off_track"
NOT_MET = "not_met"  # before the target year, the latest figure (or a bound on it) falls short; pace not measurable
MISSED = "missed"
INSUFFICIENT_DATA = "insufficient_data"
NOT_QUANTIFIED = "not_quantified"

#: Display order for legends, heatmaps and count tables (best to least informative).
STATUS_ORDER: tuple[str, ...] = (ACHIEVED, MET_EARLY, ON_TRACK, BEHIND, OFF_TRACK, NOT_MET, MISSED, INSUFFICIENT_DATA,
                                 NOT_QUANTIFIED)
#: Statuses of targets an edition cannot rate (its data gaps).
GAP_STATUSES = (INSUFFICIENT_DATA,)
#: What an official statement of the responsible body may say of a target (statements.csv, status).
STATEMENT_STATUSES = (ACHIEVED, MET_EARLY, NOT_MET, MISSED)

# --- implementation levels (commitments without a number: tasks, mechanisms, safeguards, milestones) ------------
# A commitment's level is computed from dated, cited evidence rows (methods chapter, "implementation").

IMPLEMENTED = "implemented"  # 已落实: the instrument is in force, the project completed, the result reported
PARTLY_DONE = "partly_completed"  # 部分完成: a milestone some of whose named parts are evidenced as completed
UNDER_WAY = "under_way"  # 推进中: documented implementation steps (works started, pilot running, first transactions)
PLANNED = "planned"  # 已部署: only a plan, notice or work arrangement issued
NO_PUBLIC_EVIDENCE = "no_public_evidence"  # 未见公开证据: nothing citable found (not the same as "not done")
OVERDUE = "overdue_no_evidence"  # 逾期未见证据: a milestone past its deadline with no evidence of completion
EVIDENCE_LEVELS = (IMPLEMENTED, UNDER_WAY, PLANNED)  # what one evidence row may support
LEVEL_ORDER = (IMPLEMENTED, PARTLY_DONE, UNDER_WAY, PLANNED, NO_PUBLIC_EVIDENCE, OVERDUE)
#: Rank of each level for "the highest level evidenced" and for a section's median (higher is further along).
LEVEL_RANK = {IMPLEMENTED: 3, PARTLY_DONE: 2, UNDER_WAY: 2, PLANNED: 1, NO_PUBLIC_EVIDENCE: 0, OVERDUE: 0}

# --- evidence events: what happened decides the level it supports, by rule (methods chapter) --------------------
EVENT_ISSUED = "issued"  # only a plan, programme, notice, contingency plan or work arrangement issued or approved
EVENT_STARTED = "started"  # implementation steps: works started, a pilot running, first transactions, part done
EVENT_COMPLETED = "completed"  # what the commitment (or a named part of a milestone) asks for is completed / in force
EVENT_RESULT = "result_reported"  # the responsible body reports the commitment's result achieved as a whole
EVENTS = (EVENT_ISSUED, EVENT_STARTED, EVENT_COMPLETED, EVENT_RESULT)
LEVEL_OF_EVENT = {EVENT_ISSUED: PLANNED, EVENT_STARTED: UNDER_WAY, EVENT_COMPLETED: IMPLEMENTED,
                  EVENT_RESULT: IMPLEMENTED}
COMPLETION_EVENTS = (EVENT_COMPLETED, EVENT_RESULT)
#: Kinds of commitment judged by implementation level (every commitment without a rated number of its own).
COMMITMENT_KINDS = ("qualitative", "provincial_task", "milestone")

# --- indicators and observations -----------------------------------------------------

DIRECTIONS = ("higher", "lower", "neutral")
MEASURE_LEVEL = "level"
INDICATOR_MEASURES = ("level", "cumulative_added", "annual_added")
OBSERVATION_MEASURES = ("level", "yoy_change_pct", "yoy_change_abs", "cumulative_change_pct", "cumulative_added",
                        "annual_added")
MEASURES_NEEDING_BASE_YEAR = ("cumulative_change_pct", "cumulative_added")
PERCENT_MEASURES = ("yoy_change_pct", "cumulative_change_pct")  # always in %, whatever the indicator's unit
PERIOD_YEAR = "year"
PERIOD_PARTIAL = "partial"
PERIODS = (PERIOD_YEAR, PERIOD_PARTIAL)
OBSERVED = "observed"
PLAN_TARGET = "plan_target"
RECORD_TYPES = (OBSERVED, PLAN_TARGET)
REGION_KINDS = ("city", "sub_city", "province", "country", "region_group")

#: Accounting bases that differ from an indicator's usual one; such figures carry the basis and are never compared
#: with figures on the usual basis (e.g. energy intensity for the dual-control assessment, which excludes raw-material
#: use and non-fossil energy).
OBSERVATION_BASES = ("assessment_excl_feedstock_nonfossil",)

#: One observation key, used by validation, the assessment and the pages: two rows with the same key state the
#: same figure (changes of one year against two different base years are two figures).
OBSERVATION_KEY = ("indicator_key", "region", "year", "measure", "base_year", "period", "basis", "record_type")

# --- sources ----------------------------------------------------------------------
# Every page a figure was read on sits on a host the register data/hosts.csv classifies. The grade of a source
# follows from the kind of host it was read on (methods chapter, "sources and grades"); blocked hosts are never cited.

HOST_OFFICIAL = "official"  # the issuing body's own site (government, statistics bureau, official gazette)
HOST_OUTLET = "outlet"  # a mainstream news outlet's own site
HOST_ISSUER = "issuer"  # a non-government issuer's own site (a university, a company): what it says of itself
HOST_COPY = "copy"  # a third-party site carrying a copy
HOST_BLOCKED = "blocked"  # no reader is sent there
HOST_KINDS = (HOST_OFFICIAL, HOST_OUTLET, HOST_ISSUER, HOST_COPY, HOST_BLOCKED)
BLOCK_REASONS = ("adult", "gambling", "link_farm", "redirector", "ip_address")
#: A host nobody listed in hosts.csv is official when it is a government site by its name (…gov.cn); any other
#: unlisted host is read as a copy (grade C) until listed.
OFFICIAL_HOST_SUFFIXES = ("gov.cn",)

# A source is a page read on the web, a figure supplied by the body that holds it (部门报送: a return, a letter,
# assessment material, with its number and date; no web address), or a printed official publication cited by
# title, edition and table (a statistical yearbook or bulletin on paper).
SOURCE_WEB = "web"
SOURCE_DEPARTMENT = "department"
SOURCE_PRINT = "print"
SOURCE_KINDS = (SOURCE_WEB, SOURCE_DEPARTMENT, SOURCE_PRINT)
GRADE_SUPPLIED = "S"  # 部门报送，未公开发布: the holder's own figure, which a reader cannot check
GRADES = ("A", "B", "S", "C")  # from strongest to weakest
GRADE_RANK = {grade: i for i, grade in enumerate(GRADES)}
GRADE_OF_HOST = {HOST_OFFICIAL: "A", HOST_OUTLET: "B", HOST_ISSUER: "B", HOST_COPY: "C"}
GRADE_OF_SOURCE_KIND = {SOURCE_DEPARTMENT: GRADE_SUPPLIED, SOURCE_PRINT: "A"}


def is_official_host(host: str) -> bool:
    """A government site by its name: gov.cn or a host under it."""
    return any(host == s or host.endswith("." + s) for s in OFFICIAL_HOST_SUFFIXES)
PROVISIONAL_GRADE = "C"  # a rating that rests on a figure read only on a copy is provisional (待核实)

# --- qualifiers (the plan's hedges and bounds, and the figures') -------------------------

APPROXIMATE_QUALIFIERS = frozenset({"约", "左右"})
ASPIRATIONAL_QUALIFIERS = frozenset({"力争"})
INCLUSIVE_BOUND_QUALIFIERS = frozenset({"以上", "以内", "不低于"})
STRICT_BOUND_QUALIFIERS = frozenset({"超过", "优于"})
TARGET_QUALIFIERS = (APPROXIMATE_QUALIFIERS | ASPIRATIONAL_QUALIFIERS | INCLUSIVE_BOUND_QUALIFIERS
                     | STRICT_BOUND_QUALIFIERS)
QUALIFIERS = ("约", "左右", "力争", "以上", "以内", "超过", "优于", "不低于", "突破", "余", "多")


def qualifier_words(text: object) -> list[str]:
    """The words of a qualifier cell: several separated by ; (or the full-width ；), empty cells none."""
    if text is None or (isinstance(text, float) and text != text):
        return []
    return [t.strip() for t in str(text).replace("；", ";").split(";") if t.strip()]

# --- routes -----------------------------------------------------------------------

ROUTE_LEVELS = "levels"
ROUTE_CUMULATIVE_CHANGE = "cumulative_change"
ROUTE_CHAINED_YOY = "chained_yoy"
ROUTE_ADDITIONS = "additions"  # from a published cumulative total since the base year
ROUTE_ANNUAL_SUM = "annual_sum"  # from annual additions, every year from the base year on
ROUTE_BOUND = "bound"  # a bound the figures imply decides the status (methods chapter, "routes from partial facts")
ROUTE_STATEMENT = "statement"  # the responsible body's own dated statement of the status
ROUTE_IMPLICATION = "implication"  # a named rule turns a published fact into the target's figure
RELATIVE_ROUTES = (ROUTE_LEVELS, ROUTE_CUMULATIVE_CHANGE, ROUTE_CHAINED_YOY)
FIGURE_ROUTES = RELATIVE_ROUTES + (ROUTE_ADDITIONS, ROUTE_ANNUAL_SUM)
PARTIAL_ROUTES = (ROUTE_BOUND, ROUTE_STATEMENT, ROUTE_IMPLICATION)
ROUTES = FIGURE_ROUTES + PARTIAL_ROUTES

#: Bounds a count gives on a share of an unknown denominator with a known maximum (indicators.csv, bound_rule):
#: ``days_in_year`` — the denominator is at most the number of days in the figure's year.
BOUND_RULES = ("days_in_year",)
#: Implication rules (indicators.csv, implication): ``whole_fleet`` — a fleet (stock) that is 100 % of a kind at the
#: end of a year implies that every unit added to it that year was of that kind.
IMPLICATION_RULES = ("whole_fleet",)

# --- reasons ------------------------------------------------------------------------
# The assessment explains each status with codes. A reason is written ``code`` or ``code:arg`` (one argument,
# e.g. a list of years ``2021,2022`` or a unit); several reasons are joined with ``;``. Each code has a sentence
# in every message catalogue (``reason.<code>``, with ``{arg}`` where it takes one).

REASONS = {
    # why this status
    "target_met": False,
    "target_met_early": False,
    "within_tolerance": False,
    "target_year_not_met": False,
    "pace": False,  # rated on the pace ratio (column pace_ratio)
    "moving_away": False,
    "progress_unratable": False,
    "base_met_latest_not": False,
    "qualitative": False,
    "provincial_task": False,
    "milestone": False,  # judged once, as a commitment, by the milestone rule
    "bound_not_met": True,  # arg: the bound (a lower bound above a ceiling): year,value
    "bound_met": True,  # arg: the bound that reaches the target: year,value
    "statement": True,  # arg: date of the statement
    # why no rating
    "target_no_value": False,
    "target_not_positive": False,
    "reduction_too_large": False,
    "no_figures": False,
    "unusable_measures": True,  # arg: the measures found
    "only_partial": True,  # arg: years of part-year figures
    "no_base_level": False,
    "base_not_positive": False,
    "no_level_after_base": True,  # arg: years with a level ("" when none)
    "unit_mismatch": True,  # arg: units found
    "change_other_base": True,  # arg: the other base years
    "no_change_vs_base": False,
    "yoy_gap": True,  # arg: missing years
    "additions_other_base": True,  # arg: the other base years
    "no_additions_vs_base": False,
    "annual_gap": True,  # arg: missing years
    "bound_undecided": True,  # arg: the bound that does not decide: year,value
}

#: Flags: facts about the figures or the target that qualify any status (joined with ``;`` in ``flags``).
FLAGS = (
    "figure_qualified",  # a figure used is stated with 约/以上/突破…, used as stated
    "provisional",  # a figure the rating rests on was read only on a third-party copy (grade C)
    "statement_unconfirmed",  # a statement the rating rests on was not read on the responsible body's own site
    "partial_unused",  # part-year figures after the latest full year were not used
    "conflict_dropped",  # differing figures with no single preferred row were dropped
    "approximate",  # the target is worded 约/左右
    "aspirational",  # the target is worded 力争
    "strict",  # the target is worded 超过/优于
)

SEARCH_OUTCOMES = ("found_full", "found_partial_only", "found_no_baseline", "found_baseline_only", "nothing_found")


def reason(code: str, arg: object = None) -> str:
    """One reason as the assessment writes it: ``code`` or ``code:arg``."""
    if code not in REASONS:
        raise KeyError(f"unknown reason code {code!r}")
    if REASONS[code]:
        return f"{code}:{'' if arg is None else arg}"
    return code


def parse_reasons(text: object) -> list[tuple[str, str]]:
    """``"a;b:2021,2022"`` → ``[("a", ""), ("b", "2021,2022")]``; unknown codes raise."""
    if not isinstance(text, str) or not text.strip():
        return []
    out = []
    for part in text.split(";"):
        code, _, arg = part.partition(":")
        if code not in REASONS:
            raise KeyError(f"unknown reason code {code!r}")
        out.append((code, arg))
    return out

# The review log (book/reviews/reviews.yml): a review is open until the team answers it; adopted (the method or the
# rating changes), declined (with the reason), resolved (answered without a change being needed).
REVIEW_OPEN = "pending"
REVIEW_STATUSES = (REVIEW_OPEN, "adopted", "declined", "resolved")
