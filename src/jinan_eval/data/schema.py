"""The data dictionary: every table of ``data/`` described once.

The same description drives three things:

* reading (which columns are numeric and may be repaired, which are required),
* validation (pandera schemas built by :func:`pandera_schema`),
* the data-dictionary page of the book (:func:`dictionary_frame`).

A plan sets two of its rules (:func:`for_plan`): the years a figure may refer to (``PlanConfig.year_range``) and the
form of its section and target ids (plan.yaml ``section_id_forms``). Without a plan, the dictionary states where
they come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from ..config import NUMBER_MARK, YEARS_AFTER_TARGET, YEARS_BEFORE_BASE, PlanConfig
from ..vocabulary import (
    BLOCK_REASONS,
    BOUND_RULES,
    DIRECTIONS,
    EVENTS,
    HOST_KINDS,
    IMPLICATION_RULES,
    INDICATOR_MEASURES,
    OBSERVATION_KEY,
    OBSERVATION_MEASURES,
    PERIODS,
    RECORD_TYPES,
    REGION_KINDS,
    SEARCH_OUTCOMES,
    SECTION_KINDS,
    SOURCE_KINDS,
    STATEMENT_STATUSES,
    TARGET_KINDS,
)
from ..vocabulary import OBSERVATION_BASES as BASES

DType = Literal["str", "int", "float", "bool"]

#: What a plan sets in a field's rule (Field.by_plan, applied by for_plan): the range of a year, the form of an id.
BY_PLAN_YEAR, BY_PLAN_SECTION_ID, BY_PLAN_TARGET_ID = "year", "section_id", "target_id"
#: A section id of a plan that states no forms: capital letters, optionally followed by a number from 1.
ANY_SECTION_ID = r"[A-Z]+(?:[1-9]\d*)?"
PREFERRED_NOTE = "preferred where sources disagree:"  # ingest writes the override's reason after it in `note`


@dataclass(frozen=True)
class Field:
    name: str
    dtype: DType
    description: str
    required: bool = True  # the column must be present
    nullable: bool = False  # cells may be empty
    unique: bool = False
    choices: tuple[str, ...] | None = None
    pattern: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    by_plan: str | None = None  # BY_PLAN_…: the plan sets this rule (for_plan)


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # relative to the data directory (or to the plan's folder); a glob for multi-file tables
    description: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    multi_file: bool = False
    in_plan: bool = False  # the file sits in the plan's folder (plans/<plan-id>/), not beside every plan

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def numeric_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.dtype in ("int", "float")]


def _year(name: str, description: str, nullable: bool = False) -> Field:
    """A year: within the plan's year range (set by for_plan)."""
    return Field(name, "int", description, nullable=nullable, by_plan=BY_PLAN_YEAR)


def id_form_pattern(form: str) -> str:
    """The regular expression of one section-id form of plan.yaml: ``KP<n>`` → ``KP[1-9]\\d*``, ``MAIN`` → ``MAIN``."""
    prefix = form.removesuffix(NUMBER_MARK)
    return re.escape(prefix) + (r"[1-9]\d*" if form.endswith(NUMBER_MARK) else "")


def _section_ids(plan: PlanConfig | None) -> str:
    forms = plan.section_id_forms if plan is not None else {}
    return "|".join(id_form_pattern(str(f)) for f in forms.values()) if forms else ANY_SECTION_ID


def section_id_pattern(plan: PlanConfig | None = None) -> str:
    """The pattern of a section id: one of the plan's forms (plan.yaml section_id_forms), else ANY_SECTION_ID."""
    return rf"^({_section_ids(plan)})$"


def target_id_pattern(plan: PlanConfig | None = None) -> str:
    """The pattern of a target id: a section id of the plan, a hyphen and the target's number."""
    return rf"^({_section_ids(plan)})-\d+$"


SECTIONS = Table(
    "sections",
    "sections.csv",
    "The plan's parts: main targets, key projects (重点工程), policy mechanisms (政策机制), safeguards (保障措施).",
    (
        Field("section_id", "str", "The section's id, in the form the plan gives its kind", unique=True,
              pattern=section_id_pattern(), by_plan=BY_PLAN_SECTION_ID),
        Field("kind", "str", "main_targets / key_project / policy_mechanism / safeguard", choices=SECTION_KINDS),
        Field("number_zh", "str", "Numbering in the plan, e.g. 三（一）"),
        Field("title_zh", "str", "Title as in the plan"),
        Field("title_en", "str", "English title"),
        Field("lead_departments_zh", "str", "Lead departments (牵头单位), separated by ；", nullable=True),
        Field("lead_departments_en", "str", "Lead departments in English, separated by ; ", nullable=True),
    ),
    key=("section_id",),
    in_plan=True,
)

TARGETS = Table(
    "targets",
    "targets.csv",
    "Every commitment of the plan: quantified targets, milestones, provincial tasks and qualitative actions.",
    (
        Field("target_id", "str", "{section_id}-{n}", unique=True, pattern=target_id_pattern(),
              by_plan=BY_PLAN_TARGET_ID),
        Field("section_id", "str", "Section of the plan (sections.csv)"),
        Field("indicator_key", "str", "Indicator measured (indicators.csv); empty for non-quantified commitments",
              nullable=True),
        Field("kind", "str", "How the target is stated (see the methods chapter)", choices=TARGET_KINDS),
        _year("base_year", "Base year of the comparison (the plan's base year)", nullable=True),
        Field("target_value", "float", "The plan's number, in `unit`", nullable=True),
        Field("unit", "str", "Unit of target_value", nullable=True),
        _year("target_year", "Year by which the target is due"),
        Field("qualifier", "str", "Hedge or bound word as written in the plan (约/左右/力争/以上…)", nullable=True),
        Field("label_zh", "str", "Short label, Chinese"),
        Field("label_en", "str", "Short label, English"),
        Field("plan_text_zh", "str", "The clause of the plan that states it, verbatim"),
        Field("parts_zh", "str", "The parts a milestone names, separated by ; (e.g. 钢铁;水泥): it is completed when "
              "every part is evidenced as completed (methods chapter, the milestone rule)", nullable=True,
              required=False),
        Field("parts_en", "str", "The same parts in English, in the same order", nullable=True, required=False),
    ),
    key=("target_id",),
    in_plan=True,
)

INDICATORS = Table(
    "indicators",
    "indicators.csv",
    "Indicator catalogue: every quantity a target or an observation refers to.",
    (
        Field("indicator_key", "str", "snake_case key", unique=True, pattern=r"^[a-z0-9_]+$"),
        Field("name_zh", "str", "Name, Chinese"),
        Field("name_en", "str", "Name, English"),
        Field("unit", "str", "Unit of the indicator's level (or of its additions)"),
        Field("direction", "str", "Which way is better: higher / lower / neutral (context only)", choices=DIRECTIONS),
        Field("measure", "str", "How the indicator is naturally reported", choices=INDICATOR_MEASURES),
        Field("section_id", "str", "Section of the plan it belongs to", nullable=True),
        Field("definition_zh", "str", "One-sentence definition, Chinese", nullable=True, required=False),
        Field("definition_en", "str", "One-sentence definition", nullable=True, required=False),
        Field("holder_zh", "str", "Which body holds the figure (for data requests), Chinese", nullable=True,
              required=False),
        Field("holder_en", "str", "Which body holds the figure, English", nullable=True, required=False),
        Field("publication_zh", "str", "Where the figure normally appears and when, Chinese", nullable=True,
              required=False),
        Field("publication_en", "str", "Where the figure normally appears and when, English", nullable=True,
              required=False),
        Field("related_indicator", "str", "A published indicator close to this one that does not convert into it "
              "(shown beside an unrated target)", nullable=True, required=False, pattern=r"^[a-z0-9_]+$"),
        Field("conversion_zh", "str", "Why the related indicator does not give this one, Chinese", nullable=True,
              required=False),
        Field("conversion_en", "str", "Why the related indicator does not give this one, English", nullable=True,
              required=False),
        Field("min_value", "float", "Lowest plausible value of a level of this indicator, where the rule of its unit "
              "does not fit (see observations.value)", nullable=True, required=False),
        Field("max_value", "float", "Highest plausible value of a level of this indicator, where the rule of its "
              "unit does not fit (see observations.value)", nullable=True, required=False),
        Field("bound_rule", "str", "For a share whose denominator is not published: how a count bounds it "
              "(days_in_year: the count over at most the year's days; methods chapter, the bound route)",
              nullable=True, required=False, choices=BOUND_RULES),
        Field("bound_count", "str", "The indicator counted in the numerator of that share", nullable=True,
              required=False, pattern=r"^[a-z0-9_]+$"),
        Field("implication", "str", "A named rule that derives this indicator from another (whole_fleet: a fleet "
              "100 % of a kind at a year's end implies every unit added that year was of that kind; methods "
              "chapter, the implication route)", nullable=True, required=False, choices=IMPLICATION_RULES),
        Field("implied_by", "str", "The indicator the implication rule starts from; it must cover the same scope as "
              "this one", nullable=True, required=False, pattern=r"^[a-z0-9_]+$"),
    ),
    key=("indicator_key",),
)

REGIONS = Table(
    "regions",
    "regions.csv",
    "Regions observed: the region a plan assesses and its benchmarks.",
    (
        Field("region", "str", "Code used in observations", unique=True, pattern=r"^[a-z0-9_]+$"),
        Field("name_zh", "str", "Name, Chinese"),
        Field("name_en", "str", "Name, English"),
        Field("kind", "str", "city / sub_city / province / country / region_group", choices=REGION_KINDS),
    ),
    key=("region",),
)

OBSERVATIONS = Table(
    "observations",
    "observations/*.csv",
    "Published statistics in long format, one figure per row, each with its source.",
    (
        Field("indicator_key", "str", "Indicator (indicators.csv)"),
        Field("region", "str", "Region code (regions.csv)"),
        _year("year", "Year the figure refers to"),
        Field("value", "float", "The figure as published (converted only by an explicit mapping factor). Plausible "
              "values only: a level in % is a share, 0 to 100; any other level, and an addition, is not negative; a % "
              "change is at least −100 and at most 1,000; no value exceeds 10^12 in size. An indicator's own "
              "min_value/max_value replace the level rule. Out of range is an error"),
        Field("unit", "str", "Unit of value"),
        Field("measure", "str", "level / yoy_change_pct / yoy_change_abs / cumulative_change_pct / "
              "cumulative_added / annual_added", choices=OBSERVATION_MEASURES),
        _year("base_year", "Base year of a cumulative figure", nullable=True),
        Field("period", "str", "year (calendar year or year-end) / partial (part of a year)", choices=PERIODS),
        Field("qualifier", "str", "约 (approximate) or a lower-bound word (以上/超过/突破/余/多) as published",
              nullable=True),
        Field("preferred", "bool", "Marks the row used when sources disagree", nullable=True, required=False),
        Field("record_type", "str", "observed (a target stated in a plan is not an observation: plan_targets.csv)",
              choices=RECORD_TYPES),
        Field("source_id", "str", "Source (sources.csv)"),
        Field("basis", "str", "Accounting basis when it differs from the usual one (figures on different bases are "
              "never compared)", nullable=True, required=False, choices=BASES),
        Field("note", "str", "Why this figure is preferred where sources disagree (shown to readers)", nullable=True),
    ),
    key=OBSERVATION_KEY,
    multi_file=True,
)

PLAN_TARGETS = Table(
    "plan_targets",
    "plan_targets.csv",
    "Targets stated in plans, as their sources state them: the evaluated plan's own (as published) and other plans' "
    "(national, provincial, other city plans). Context only: never rated, never compared with observations, never "
    "requested.",
    (
        Field("indicator_key", "str", "Indicator (indicators.csv)"),
        Field("region", "str", "Region the target is set for (regions.csv)"),
        _year("year", "Year the target is due"),
        Field("value", "float", "The target as stated"),
        Field("unit", "str", "Unit of value"),
        Field("measure", "str", "level / cumulative_change_pct / cumulative_added …", choices=OBSERVATION_MEASURES),
        _year("base_year", "Base year of a change or addition target", nullable=True),
        Field("qualifier", "str", "以上/约 … as stated", nullable=True),
        Field("preferred", "bool", "Marks the row used where sources state the target differently", nullable=True,
              required=False),
        Field("source_id", "str", "Source (sources.csv)"),
        Field("note", "str", "A reader's note", nullable=True),
    ),
    key=("indicator_key", "region", "year", "measure", "base_year", "source_id"),
)

_ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_WEB_ADDRESS = r"^https?://\S+$"

SOURCES = Table(
    "sources",
    "sources.csv",
    "The document each figure comes from (title, issuing body, date, number) and, separately, where it was read, or "
    "the return or letter a department supplied it in. Its grade follows by rule: a web page by who runs the site it "
    "was read on (A a government body's own, B a mainstream outlet's or a non-government issuer's own, C a copy on "
    "any other site), a department's return S, a printed official publication A.",
    (
        Field("source_id", "str", "Stable id (a hash of the citation)", unique=True,
              pattern=r"^S[0-9a-f]{8}$"),
        Field("title", "str", "The document's or report's own title"),
        Field("issuer", "str", "The issuing body, or the outlet whose report it is"),
        Field("date", "str", "Publication date, ISO (YYYY, YYYY-MM or YYYY-MM-DD)", nullable=True, pattern=_ISO_DATE),
        Field("doc_number", "str", "Document number of an official document (e.g. 济政字〔2023〕10号)", nullable=True),
        Field("url", "str", "The issuing body's own page of the document, where known", nullable=True,
              pattern=_WEB_ADDRESS),
        Field("retrieved_from", "str", "The page the figure was read on: needed for a web source (its host must be "
              "citable: a government site by its name, or listed in hosts.csv as official, outlet or copy)",
              nullable=True, pattern=_WEB_ADDRESS),
        Field("kind", "str", "web (a page read on the web; empty means web) / department (部门报送: supplied by the "
              "body that holds it — a return, letter or assessment material with its document or statistical-form "
              "number and date, graded S: the holder's own figure, not published, which a reader cannot check) / "
              "print (a printed official publication such as a statistical yearbook, cited by title, edition and "
              "table, graded A)", nullable=True, required=False, choices=SOURCE_KINDS),
        Field("supplied_by", "str", "For a department source: the office that supplied it (e.g. 市统计局能源统计处)",
              nullable=True, required=False),
        Field("retrieved_on", "str", "When it was read, ISO date", nullable=True, pattern=_ISO_DATE),
        Field("locator", "str", "Where in the document: the sentence quoted, or the table and cell"),
    ),
    key=("source_id",),
)

EVIDENCE = Table(
    "evidence",
    "evidence.csv",
    "Dated, cited events that show a commitment being implemented: a document issued, a project started or "
    "completed, a pilot designated, an official count. The level of a commitment is computed from them.",
    (
        Field("target_id", "str", "The commitment (targets.csv): a qualitative or provincial task, or a milestone"),
        Field("event", "str", "What happened: issued (only a plan, notice or arrangement issued or approved) / "
              "started (implementation steps) / completed (what the commitment asks for completed or in force) / "
              "result_reported (its result reported as achieved); the level follows by rule (methods chapter)",
              choices=EVENTS),
        Field("part", "str", "For a milestone naming parts (targets.csv, parts_zh): the part a completion covers",
              nullable=True, required=False),
        Field("event_date", "str", "Date of the event itself (issue, start, completion), ISO YYYY-MM or YYYY-MM-DD",
              pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
        Field("what_zh", "str", "What happened, one sentence, Chinese"),
        Field("what_en", "str", "What happened, one sentence, English"),
        Field("source_id", "str", "Source (sources.csv)", pattern=r"^S[0-9a-f]{8}$"),
        Field("quote", "str", "The sentence of the source that shows the fact, verbatim"),
    ),
    key=("target_id", "event_date", "source_id"),
    in_plan=True,
)

STATEMENTS = Table(
    "statements",
    "statements.csv",
    "Dated statements by the body responsible for a quantified target that the target (or the plan's indicator) "
    "is met, met early, not met or missed. A statement rates a target only where no figure does, marked as resting "
    "on the body's own statement (methods chapter, the statement route).",
    (
        Field("target_id", "str", "The quantified target (targets.csv)"),
        Field("status", "str", "What the statement says: achieved / met_early / not_met / missed",
              choices=STATEMENT_STATUSES),
        _year("as_of_year", "The last full year the statement speaks of (e.g. 2024 for 'the first four years')"),
        Field("statement_date", "str", "When the statement was made, ISO YYYY-MM-DD", pattern=r"^\d{4}-\d{2}-\d{2}$"),
        Field("body_zh", "str", "The body that made it (a department the plan makes responsible), Chinese"),
        Field("body_en", "str", "The same body, English"),
        Field("what_zh", "str", "What was said, one sentence, Chinese"),
        Field("what_en", "str", "What was said, one sentence, English"),
        Field("source_id", "str", "Source (sources.csv)", pattern=r"^S[0-9a-f]{8}$"),
        Field("quote", "str", "The statement's words, verbatim"),
    ),
    key=("target_id", "statement_date", "source_id"),
    in_plan=True,
)

HOSTS = Table(
    "hosts",
    "hosts.csv",
    "Every host a source was read on, and what kind of site it is: the grade of a source follows from it, and "
    "blocked hosts (adult, gambling, link farms, redirectors, bare addresses) are never cited. Anyone may add a row.",
    (
        Field("host", "str", "Host name as in the address (www. included when the address has it)", unique=True,
              pattern=r"^[a-z0-9.-]+$"),
        Field("kind", "str", "official (a government body's own site: grade A) / outlet (a mainstream outlet's own "
              "site: grade B) / issuer (a non-government issuer's own site, a university or a company: grade B) / "
              "copy (a third-party copy: grade C) / blocked (never cited)", choices=HOST_KINDS),
        Field("reason", "str", "Why a blocked host is blocked", nullable=True, choices=BLOCK_REASONS),
        Field("owner", "str", "Who runs the site, where known", nullable=True),
    ),
    key=("host",),
)

SEARCH_LOG = Table(
    "search_log",
    "search_log.csv",
    "How the data or evidence of each target and commitment was searched for: what, where, when, what came of it.",
    (
        Field("target_id", "str", "Target or commitment searched for (the plan's targets.csv)"),
        Field("searched_on", "str", "Date of the search, ISO (YYYY-MM-DD)", pattern=r"^\d{4}-\d{2}-\d{2}$"),
        Field("outcome", "str", "found_full (baseline and a later full-year figure added) / found_partial_only / "
              "found_no_baseline / found_baseline_only / nothing_found", choices=SEARCH_OUTCOMES),
        Field("queries", "str", "The main queries tried, separated by |"),
        Field("where_searched", "str", "Where: search service and corpus, sites, documents"),
        Field("reason_zh", "str", "What was found and why it is not enough, Chinese"),
        Field("reason_en", "str", "What was found and why it is not enough, English"),
        Field("closest_url", "str", "Address of the nearest miss; empty when none", nullable=True,
              pattern=r"^https?://\S+$"),
    ),
    key=("target_id", "searched_on"),
    in_plan=True,
)

#: the evaluation team's own records: kept in the repository, never published with an edition (nor described in its
#: data dictionary)
UNPUBLISHED_TABLES = ("search_log",)
TABLES: dict[str, Table] = {
    t.name: t for t in (SECTIONS, TARGETS, INDICATORS, REGIONS, OBSERVATIONS, PLAN_TARGETS, SOURCES, HOSTS,
                        SEARCH_LOG, EVIDENCE, STATEMENTS)
}

_PANDERA_DTYPES = {"str": str, "int": "Int64", "float": float, "bool": "boolean"}


def for_plan(table: Table, plan: PlanConfig) -> Table:
    """The table as the data of ``plan`` is checked: its years within the plan's year range, its section and target
    ids in the plan's forms."""
    low, high = plan.year_range
    rules = {BY_PLAN_YEAR: {"min_value": low, "max_value": high},
             BY_PLAN_SECTION_ID: {"pattern": section_id_pattern(plan)},
             BY_PLAN_TARGET_ID: {"pattern": target_id_pattern(plan)}}
    return replace(table, fields=tuple(replace(f, **rules[f.by_plan]) if f.by_plan else f for f in table.fields))


#: The rules a field can carry, as codes (:func:`field_rules`); the English words of :func:`dictionary_frame`. The
#: book's data-dictionary page words them in its own language (the message catalogues, ``dictionary.rule.``).
RULE_WORDS = {
    "not_empty": "not empty",
    "unique": "unique",
    "one_of": "one of {value}",
    "pattern": "pattern `{value}`",
    "range": "{value}",
    "plan_year": f"a year of the plan (plan.yaml earliest_year–latest_year; default: base year − {YEARS_BEFORE_BASE} "
                 f"to target year + {YEARS_AFTER_TARGET})",
    "plan_section_id": f"in a form of plan.yaml section_id_forms (KP{NUMBER_MARK}: KP1, KP2 …); without forms, "
                       "pattern `{value}`",
    "plan_target_id": "a section id of the plan, a hyphen, a number (KP1-2); without forms, pattern `{value}`",
}
_BY_PLAN_RULES = {BY_PLAN_YEAR: ("plan_year", ""), BY_PLAN_SECTION_ID: ("plan_section_id", section_id_pattern()),
                  BY_PLAN_TARGET_ID: ("plan_target_id", target_id_pattern())}


def field_rules(f: Field, plan: PlanConfig | None = None) -> list[tuple[str, str]]:
    """A field's rules as (code, value) pairs (codes of :data:`RULE_WORDS`). Without a plan, a rule a plan sets says
    where it comes from; with one, it is that plan's."""
    if plan is not None and f.by_plan:
        f = next(g for g in for_plan(Table("", "", "", (f,)), plan).fields)
    rules = []
    if not f.nullable:
        rules.append(("not_empty", ""))
    if f.unique:
        rules.append(("unique", ""))
    if f.choices:
        rules.append(("one_of", " / ".join(f.choices)))
    if f.by_plan and plan is None:
        rules.append(_BY_PLAN_RULES[f.by_plan])
    elif f.pattern:
        rules.append(("pattern", f.pattern))
    if f.min_value is not None:
        rules.append(("range", f"{f.min_value:g}–{f.max_value:g}"))
    return rules


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    """Build the pandera schema that checks one table's cells (types, ranges, choices, patterns)."""
    columns = {}
    for f in table.fields:
        checks = []
        if f.choices is not None:
            checks.append(pa.Check.isin(f.choices, error=f"choice: one of {', '.join(f.choices)}"))
        if f.pattern is not None:
            checks.append(pa.Check.str_matches(f.pattern, error=f"pattern: matches {f.pattern}"))
        if f.min_value is not None:
            checks.append(pa.Check.ge(f.min_value, error=f"range: >= {f.min_value:g}"))
        if f.max_value is not None:
            checks.append(pa.Check.le(f.max_value, error=f"range: <= {f.max_value:g}"))
        columns[f.name] = pa.Column(
            _PANDERA_DTYPES[f.dtype],
            checks=checks,
            nullable=f.nullable,
            unique=f.unique,
            required=f.required,
            coerce=True,
            description=f.description,
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=True, name=table.name)


def dictionary_frame(plan: PlanConfig | None = None, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    """The data dictionary as one table: table, column, type, required, rule, description (English). Without a plan,
    a rule a plan sets says where it comes from; with one, it is that plan's. ``leave_out``: tables not to describe."""
    rows = []
    for t in (t for name, t in TABLES.items() if name not in leave_out):
        for f in t.fields:
            rows.append(
                {
                    "table": t.name,
                    "file": f"plans/<plan-id>/{t.path}" if t.in_plan else t.path,
                    "column": f.name,
                    "type": f.dtype,
                    "required": "yes" if f.required else "no",
                    "rules": "; ".join(RULE_WORDS[code].format(value=value) for code, value in field_rules(f, plan)),
                    "description": f.description,
                }
            )
    return pd.DataFrame(rows)
