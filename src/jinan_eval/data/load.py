"""Load the data directory and validate it: the plan's configuration, every table, then every cross-reference.

A data directory holds shared tables (indicator catalogue, regions, observations, sources) and one folder per
plan (``plans/<plan-id>/``: plan.yaml, sections, targets, search log). target → indicator → observation → source,
and search log → target: each link is checked, and every problem is reported with its file, row and column.
:func:`load_dataset` refuses data with errors; :func:`validate` returns the report.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from ..config import DEFAULT_DATA_DIR, PlanConfig, PlanConfigError, load_plan_config
from ..vocabulary import (
    COMMITMENT_KINDS,
    COMPLETION_EVENTS,
    EVENT_ISSUED,
    GRADE_OF_HOST,
    GRADE_OF_SOURCE_KIND,
    HOST_BLOCKED,
    HOST_COPY,
    HOST_OFFICIAL,
    MEASURES_NEEDING_BASE_YEAR,
    MILESTONE_KIND,
    OBSERVATION_KEY,
    OBSERVED,
    PERCENT_MEASURES,
    QUANTIFIED_KINDS,
    SOURCE_DEPARTMENT,
    SOURCE_PRINT,
    SOURCE_WEB,
    STATEMENT_STATUSES,
    TARGET_QUALIFIERS,
    is_official_host,
    qualifier_words,
)
from .problems import DataValidationError, Report
from .read import read_table
from .schema import (
    EVIDENCE,
    HOSTS,
    INDICATORS,
    OBSERVATIONS,
    PLAN_TARGETS,
    REGIONS,
    SEARCH_LOG,
    SECTIONS,
    SOURCES,
    STATEMENTS,
    TARGETS,
    Table,
    for_plan,
    id_form_pattern,
)


def date_year(date: object) -> int | None:
    """The year of an ISO date, month or year (its first four digits); None when it has none."""
    text = str(date if date is not None and not (isinstance(date, float) and date != date) else "")
    return int(text[:4]) if text[:4].isdigit() else None


def milestone_parts(target: dict) -> list[str]:
    """The parts a milestone names (targets.csv, parts_zh, ';'-separated); one unnamed part when it names none."""
    text = target.get("parts_zh")
    if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
        return [""]
    return [p.strip() for p in str(text).replace("；", ";").split(";") if p.strip()]


def departments(text: object) -> list[str]:
    """The bodies a lead-departments cell names (separated by ；;、,，), each without a parenthetical."""
    if not isinstance(text, str):
        return []
    names = (re.split(r"[（(]", part)[0].strip() for part in re.split(r"[；;、,，]", text))
    return [n for n in names if n]


@dataclass
class Dataset:
    """The validated data of one plan: the plan, its targets, the catalogue, observations and sources."""

    plan: PlanConfig
    sections: pd.DataFrame
    targets: pd.DataFrame
    indicators: pd.DataFrame
    regions: pd.DataFrame
    observations: pd.DataFrame
    sources: pd.DataFrame  # with the computed column ``grade``
    search_log: pd.DataFrame
    data_dir: Path
    hosts: pd.DataFrame | None = None
    evidence: pd.DataFrame | None = None  # dated implementation events of the plan's commitments
    statements: pd.DataFrame | None = None  # the responsible bodies' dated statements of a target's status
    plan_targets: pd.DataFrame | None = None  # targets stated in plans (this one's and others'): context only

    def observations_with_sources(self) -> pd.DataFrame:
        """Observations joined with their source: title, issuer, date, number, links, locator and grade."""
        src = self.sources.drop(columns=[c for c in ("at_file", "at_line") if c in self.sources.columns])
        src = src.rename(columns={c: f"source_{c}" for c in src.columns if c != "source_id"})
        return self.observations.merge(src, on="source_id", how="left")

    def graded_statements(self) -> pd.DataFrame | None:
        """Statements with the grade of their source (what the statement route rates from)."""
        if self.statements is None:
            return None
        grades = dict(zip(self.sources["source_id"], self.sources["grade"]))
        return self.statements.assign(grade=self.statements["source_id"].map(grades))

    def graded_observations(self) -> pd.DataFrame:
        """Observations with the grade of their source (what the assessment rates from)."""
        grades = dict(zip(self.sources["source_id"], self.sources["grade"]))
        return self.observations.assign(grade=self.observations["source_id"].map(grades))

    def observed(self, report_year: int | None = None) -> pd.DataFrame:
        """Observed figures (not other plans' targets), up to ``report_year`` when given, with their sources."""
        obs = self.observations_with_sources()
        keep = obs["record_type"] == OBSERVED
        if report_year is not None:
            keep &= obs["year"] <= report_year
        return obs[keep]

    def lead_department(self, section_id: str, indicator_key: object = None) -> str:
        """The first lead department the plan names for a section; for a section without one (the main targets), the
        first body the indicator catalogue says holds the figure; "—" when neither names one."""
        leads = self.sections.set_index("section_id")["lead_departments_zh"].get(section_id)
        holder = None
        if isinstance(indicator_key, str) and "holder_zh" in self.indicators.columns:
            holder = self.indicators.set_index("indicator_key")["holder_zh"].get(indicator_key)
        named = departments(leads) or departments(holder)
        return named[0] if named else "—"

    def years_with_data(self) -> list[int]:
        """Years with at least one observed figure of the assessed region."""
        obs = self.observations
        rows = obs[(obs["region"] == self.plan.region) & (obs["record_type"] == OBSERVED)]
        return sorted(int(y) for y in rows["year"].unique())


def _read(data_dir: Path, table: Table, report: Report, plan: PlanConfig) -> pd.DataFrame | None:
    """One table of the plan's data, checked by the data dictionary with the rules the plan sets (schema.for_plan)."""
    rel = f"{plan.folder}/{table.path}" if table.in_plan else table.path
    table = for_plan(table, plan)
    if table.multi_file:
        files = sorted(data_dir.glob(rel))
        if not files:
            report.error(rel, None, None, "file.missing", f"no files match {rel}")
            return None
        frames = [f for f in (read_table(p, table, report, data_dir) for p in files) if f is not None]
        return pd.concat(frames, ignore_index=True) if frames else None
    return read_table(data_dir / rel, table, report, data_dir)


def _read_optional(data_dir: Path, table: Table, report: Report, plan: PlanConfig) -> pd.DataFrame | None:
    """A table a plan may not have yet: an empty frame with its columns when the file is absent."""
    rel = f"{plan.folder}/{table.path}" if table.in_plan else table.path
    if not (data_dir / rel).exists():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in [*table.columns, "at_file", "at_line"]})
    return _read(data_dir, table, report, plan)


def _read_plan(data_dir: Path, plan_id: str | None, report: Report) -> PlanConfig | None:
    try:
        return load_plan_config(data_dir, plan_id)
    except PlanConfigError as exc:
        for file, key, message in exc.problems:
            report.error(file, None, key, "plan", message)
        return None


def _rows_not_in(frame: pd.DataFrame, column: str, allowed: set, report: Report, rule: str, what: str) -> None:
    for rec in frame.loc[frame[column].notna() & ~frame[column].isin(allowed), [column, "at_file", "at_line"]].itertuples():
        report.error(rec.at_file, rec.at_line, column, rule, f"{getattr(rec, column)!r} is not a known {what}")


def check_section_ids(sections: pd.DataFrame, plan: PlanConfig, report: Report) -> None:
    """Each section's id is in the form the plan gives its kind (plan.yaml section_id_forms), where it gives forms."""
    forms = plan.section_id_forms
    if not forms:
        return
    for rec in sections.itertuples():
        if not isinstance(rec.section_id, str) or not isinstance(rec.kind, str):
            continue  # an empty cell: the table's own check reports it
        form = forms.get(rec.kind)
        if form is None:
            report.error(rec.at_file, rec.at_line, "kind", "section.id_form",
                         f"plan.yaml section_id_forms gives no id form for the kind {rec.kind!r}")
        elif not re.fullmatch(id_form_pattern(str(form)), rec.section_id):
            report.error(rec.at_file, rec.at_line, "section_id", "section.id_form",
                         f"{rec.section_id!r} is not in the form {form} that plan.yaml section_id_forms gives "
                         f"the kind {rec.kind!r}")


def check_targets(targets: pd.DataFrame, sections: pd.DataFrame | None, indicators: pd.DataFrame | None,
                  report: Report) -> None:
    """A quantified target needs an indicator, a value, a unit and a base year; the others need none."""
    if sections is not None:
        _rows_not_in(targets, "section_id", set(sections["section_id"]), report, "ref.section", "section")
    if indicators is not None:
        _rows_not_in(targets, "indicator_key", set(indicators["indicator_key"]), report, "ref.indicator",
                     "indicator (indicators.csv)")
    for rec in targets.itertuples():
        quantified = rec.kind in QUANTIFIED_KINDS
        if quantified:
            for col in ("indicator_key", "target_value", "unit", "base_year"):
                if pd.isna(getattr(rec, col)):
                    report.error(rec.at_file, rec.at_line, col, "target.quantified",
                                 f"a '{rec.kind}' target needs a {col}")
        elif not pd.isna(rec.target_value):
            report.error(rec.at_file, rec.at_line, "target_value", "target.not_quantified",
                         f"a '{rec.kind}' commitment carries no number of its own")
        if not pd.isna(rec.base_year) and not pd.isna(rec.target_year) and rec.base_year >= rec.target_year:
            report.error(rec.at_file, rec.at_line, "base_year", "target.years", "base_year must precede target_year")
        words = qualifier_words(rec.qualifier)
        unknown = [w for w in words if w not in TARGET_QUALIFIERS]
        if unknown:
            report.error(rec.at_file, rec.at_line, "qualifier", "target.qualifier",
                         f"unknown qualifier {', '.join(unknown)!s}; known: {'、'.join(sorted(TARGET_QUALIFIERS))} "
                         "(several separated by ;)")


def check_indicators(indicators: pd.DataFrame, sections: pd.DataFrame | None, report: Report) -> None:
    """Known sections; a bound rule with the count it bounds from, an implication with its premise, both known."""
    if sections is not None:
        _rows_not_in(indicators, "section_id", set(sections["section_id"]), report, "ref.section", "section")
    known = set(indicators["indicator_key"])
    for rule, ref in (("bound_rule", "bound_count"), ("implication", "implied_by")):
        if rule not in indicators.columns and ref not in indicators.columns:
            continue
        for rec in indicators.itertuples():
            has_rule, has_ref = not pd.isna(getattr(rec, rule, None)), not pd.isna(getattr(rec, ref, None))
            if has_rule != has_ref:
                report.error(rec.at_file, rec.at_line, ref if has_rule else rule, f"indicator.{rule}",
                             f"{rule} and {ref} go together: give both or neither")
            elif has_ref and getattr(rec, ref) not in known:
                report.error(rec.at_file, rec.at_line, ref, "ref.indicator",
                             f"{getattr(rec, ref)!r} is not a known indicator (indicators.csv)")
            elif has_ref and getattr(rec, ref) == rec.indicator_key:
                report.error(rec.at_file, rec.at_line, ref, f"indicator.{rule}", "an indicator cannot follow from itself")


def check_observations(obs: pd.DataFrame, indicators: pd.DataFrame | None, regions: pd.DataFrame | None,
                       sources: pd.DataFrame | None, report: Report) -> None:
    """Cross-references, base years, units and conflicting duplicates of the observation rows."""
    if indicators is not None:
        _rows_not_in(obs, "indicator_key", set(indicators["indicator_key"]), report, "ref.indicator",
                     "indicator (indicators.csv)")
    if regions is not None:
        _rows_not_in(obs, "region", set(regions["region"]), report, "ref.region", "region (regions.csv)")
    if sources is not None:
        _rows_not_in(obs, "source_id", set(sources["source_id"]), report, "ref.source", "source (sources.csv)")
    for rec in obs.loc[obs["record_type"] != OBSERVED].itertuples():
        report.error(rec.at_file, rec.at_line, "record_type", "observation.plan_target",
                     "a target stated in a plan is not an observation: it belongs in plan_targets.csv")
    needs_base = obs["measure"].isin(MEASURES_NEEDING_BASE_YEAR) & obs["base_year"].isna()
    for rec in obs.loc[needs_base].itertuples():
        report.error(rec.at_file, rec.at_line, "base_year", "observation.base_year",
                     f"measure '{rec.measure}' needs the base year it is counted from")
    later_base = obs["base_year"].notna() & (obs["base_year"] >= obs["year"])
    for rec in obs.loc[later_base].itertuples():
        report.error(rec.at_file, rec.at_line, "base_year", "observation.base_year", "base_year must precede year")
    if indicators is not None:
        _check_units(obs, indicators, report)
    _check_ranges(obs, indicators, report)
    _check_conflicts(obs, report)


#: no published figure of the plan's kind reaches this size; 1e308 and the like are typing accidents
VALUE_LIMIT = 1e12
#: a percentage change cannot fall below −100 %; above a tenfold rise it is a slip of the decimal point
PERCENT_CHANGE_RANGE = (-100.0, 1000.0)


def plausible_range(measure: str, unit: object, own: tuple[float | None, float | None] = (None, None)
                    ) -> tuple[float, float]:
    """The values an observation may take (documented with observations.value in the data dictionary)."""
    if measure in PERCENT_MEASURES:
        return PERCENT_CHANGE_RANGE
    if measure == "yoy_change_abs":
        return -VALUE_LIMIT, VALUE_LIMIT
    low, high = (0.0, 100.0) if (unit == "%" and measure == "level") else (0.0, VALUE_LIMIT)
    if measure == "level":
        low = own[0] if own[0] is not None else low
        high = own[1] if own[1] is not None else high
    return low, high


def _check_ranges(obs: pd.DataFrame, indicators: pd.DataFrame | None, report: Report) -> None:
    own = {}
    if indicators is not None:
        for rec in indicators.itertuples():
            bounds = tuple(None if pd.isna(getattr(rec, c, None)) else float(getattr(rec, c))
                           for c in ("min_value", "max_value"))
            own[rec.indicator_key] = bounds
    for rec in obs.itertuples():
        if pd.isna(rec.value):
            continue
        low, high = plausible_range(rec.measure, rec.unit, own.get(rec.indicator_key, (None, None)))
        if not (math.isfinite(rec.value) and low <= rec.value <= high):
            report.error(rec.at_file, rec.at_line, "value", "observation.range",
                         f"{rec.value:g} is outside the plausible range {low:g} to {high:g} of a {rec.measure} in "
                         f"{rec.unit} (data dictionary, observations.value)")


def drop_exact_repeats(frame: pd.DataFrame, report: Report, what: str) -> pd.DataFrame:
    """Rows repeated exactly (every column the same) are kept once, each repeat a warning naming both places."""
    columns = [c for c in frame.columns if c not in ("at_file", "at_line")]
    repeated = frame.duplicated(subset=columns, keep="first")
    if not repeated.any():
        return frame
    copies = frame[frame.duplicated(subset=columns, keep=False)]
    for _, group in copies.groupby(columns, dropna=False, sort=False):
        first = f"{group['at_file'].iloc[0]}:{group['at_line'].iloc[0]}"
        for rec in group.iloc[1:].itertuples():
            report.warning(rec.at_file, rec.at_line, None, f"{what}.repeated",
                           f"exact repeat of the {what} row at {first}; kept once")
    return frame.loc[~repeated].reset_index(drop=True)


def _check_units(obs: pd.DataFrame, indicators: pd.DataFrame, report: Report) -> None:
    unit_of = dict(zip(indicators["indicator_key"], indicators["unit"]))
    for rec in obs.itertuples():
        if rec.indicator_key not in unit_of or pd.isna(rec.unit):
            continue
        expected = "%" if rec.measure in PERCENT_MEASURES else unit_of[rec.indicator_key]
        if rec.measure != "yoy_change_abs" and rec.unit != expected:
            report.error(rec.at_file, rec.at_line, "unit", "observation.unit",
                         f"unit {rec.unit!r} differs from {expected!r} expected for '{rec.indicator_key}' "
                         f"({rec.measure}); convert it through the mapping table")


def _check_conflicts(obs: pd.DataFrame, report: Report) -> None:
    key = list(OBSERVATION_KEY)
    preferred = obs["preferred"].fillna(False) if "preferred" in obs else pd.Series(False, index=obs.index)
    frame = obs.assign(_preferred=preferred.astype(bool))
    for _, group in frame.groupby(key, dropna=False):
        if len(group) < 2 or group["value"].nunique(dropna=False) < 2:
            continue
        n_pref = int(group["_preferred"].sum())
        if n_pref == 1:
            continue
        first = group.iloc[0]
        others = ", ".join(f"{r.at_file}:{r.at_line}" for r in group.iloc[1:].itertuples())
        rule_msg = ("more than one row is marked preferred" if n_pref > 1 else
                    "same indicator, region, year, measure and base year with different values "
                    f"({', '.join(str(v) for v in group['value'])}); mark exactly one row preferred")
        report.error(first["at_file"], int(first["at_line"]), "value", "observation.duplicate",
                     f"{rule_msg}; also at {others}")


def host_of(url: object) -> str | None:
    """The host name of a web address, lower-case, an internationalised name in its ASCII form; None for an empty
    cell. Only meaningful for an address url_problem accepts (else a browser may read another host)."""
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:  # an address urlsplit cannot read (an unclosed [): no host
        return None
    try:
        return host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        return host


_URL_CONTROL = re.compile(r"[\s\x00-\x1f\x7f\\]")


def url_problem(url: object) -> str | None:
    """Why a web address cannot be published as a link, or None. A browser reads an address by the WHATWG rules: a
    backslash is a slash, text before an @ in the authority is a user name (so http://a.example\\@b.gov.cn/ opens
    a.example), a percent escape in the host is decoded. Such addresses are refused, not repaired: the host checked
    must be the host a reader's browser opens."""
    if not isinstance(url, str) or not url.strip():
        return None
    text = url.strip()
    if not text.lower().startswith(("http://", "https://")):
        return f"{_clip_url(text)} is not a web address (http:// or https://)"
    if _URL_CONTROL.search(text):
        return f"{_clip_url(text)} holds a backslash, a space or a control character: a browser would read another address"
    try:
        authority = urlsplit(text).netloc
    except ValueError:
        return f"{_clip_url(text)} cannot be read as a web address"
    if "@" in authority:
        return f"{_clip_url(text)} names a user before the host (@): a browser would open the part before it"
    if "%" in authority:
        return f"{_clip_url(text)} has a percent escape in its host name"
    if not urlsplit(text).hostname:
        return f"{_clip_url(text)} names no host"
    return None


def _clip_url(text: str) -> str:
    return repr(text if len(text) <= 120 else text[:117] + "…")


_IP_ADDRESS = re.compile(r"^(\d{1,3}\.){3}\d{1,3}$|^\[?[0-9a-f:]+\]?$")


def host_kind(host: str | None, kinds: dict[str, str]) -> str | None:
    """The kind of a host: as hosts.csv lists it; else blocked under a blocked host (m.14z7q.com is 14z7q.com's);
    else official for a government site by its name (…gov.cn); else None (unlisted)."""
    if not host:
        return None
    host = host.lower().rstrip(".")
    if host in kinds:
        return kinds[host]
    labels = host.split(".")
    if any(kinds.get(".".join(labels[i:])) == HOST_BLOCKED for i in range(1, len(labels))):
        return HOST_BLOCKED
    return HOST_OFFICIAL if is_official_host(host) else None


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_problem(value: object, today: dt.date | None = None) -> tuple[str, str] | None:
    """Why an ISO date cell (YYYY, YYYY-MM or YYYY-MM-DD) cannot stand, as (rule, message), or None: it must be a
    calendar date (no month 13, no 30 February) and not lie in the future (a year or month is in the future when
    its first day is). A cell of another form is left to the table's pattern check."""
    match = _ISO_DATE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        first = dt.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return "date.not_a_date", f"{value} is not a calendar date"
    today = today or dt.date.today()
    if first > today:
        return "date.future", f"{value} lies in the future (today is {today.isoformat()})"
    return None


def _check_dates(frame: pd.DataFrame, columns: tuple[str, ...], report: Report) -> None:
    """Every date cell of ``columns`` is a calendar date, not in the future (date_problem)."""
    today = dt.date.today()
    for column in (c for c in columns if c in frame.columns):
        for value, at_file, at_line in zip(frame[column], frame["at_file"], frame["at_line"]):
            if (found := date_problem(value, today)) is not None:
                report.error(at_file, at_line, column, *found)


def source_kind(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) or value is pd.NA else str(value)
    return text.strip() or SOURCE_WEB


#: what each kind of source must name besides its title (column: why)
_KIND_NEEDS = {
    SOURCE_WEB: (("retrieved_from", "a web source needs the page it was read on"),),
    SOURCE_DEPARTMENT: (("issuer", "a department's return needs the body that issued it"),
                        ("date", "a department's return needs its date"),
                        ("doc_number", "a department's return needs its document or statistical-form number"),
                        ("supplied_by", "a department's return needs the office that supplied it")),
    SOURCE_PRINT: (("issuer", "a printed publication needs its publisher"),
                   ("locator", "a printed publication needs its edition and table")),
}


def check_sources(sources: pd.DataFrame, obs: pd.DataFrame | None, hosts: pd.DataFrame | None,
                  report: Report) -> None:
    """Each source names what its kind needs; every page it names is on a citable host (a government site by its
    name, or a host hosts.csv lists as official, outlet or copy; an unlisted host is a warning and reads as a copy);
    no source is left unused."""
    kinds = dict(zip(hosts["host"], hosts["kind"])) if hosts is not None else {}
    reasons = dict(zip(hosts["host"], hosts["reason"])) if hosts is not None else {}
    _check_dates(sources, ("date", "retrieved_on"), report)
    for rec in sources.itertuples():
        for column, why in _KIND_NEEDS.get(source_kind(getattr(rec, "kind", None)), ()):
            value = getattr(rec, column, None)
            if value is None or pd.isna(value) or not str(value).strip():
                report.error(rec.at_file, rec.at_line, column, "source.needs", why)
        for column in ("retrieved_from", "url"):
            value = getattr(rec, column)
            if not isinstance(value, str) or not value.strip():
                continue
            host = host_of(value)
            if (why := url_problem(value)) is not None:
                report.error(rec.at_file, rec.at_line, column, "source.url_form", why)
            elif _IP_ADDRESS.match(host):
                report.error(rec.at_file, rec.at_line, column, "source.not_citable",
                             f"{host} is a bare network address, not a publisher's site: cite the publisher's page")
            elif hosts is not None and host_kind(host, kinds) is None:
                report.warning(rec.at_file, rec.at_line, column, "source.unknown_host",
                               f"{host} is not in hosts.csv and not a government site: read as a copy (grade C) "
                               "until it is listed with its kind (official, outlet, copy or blocked)")
            elif host_kind(host, kinds) == HOST_BLOCKED:
                report.error(rec.at_file, rec.at_line, column, "source.not_citable",
                             f"{host} is a blocked host ({reasons.get(host, 'a name under a blocked host')}): find a "
                             "citable copy of the document or leave the figure out")
    if obs is not None:
        unused = sources.loc[~sources["source_id"].isin(set(obs["source_id"]))]
        for rec in unused.itertuples():
            report.warning(rec.at_file, rec.at_line, "source_id", "source.unused", "no observation cites this source")


def grade_of(kind: object, retrieved_from: object, kinds: dict[str, str]) -> str:
    """A source's grade by rule: a department's return S, a printed official publication A; a web page by who runs
    the site it was read on (A a government body's own site, B a mainstream outlet's or a non-government issuer's
    own, C a copy on any other site; an unlisted, non-government host C)."""
    kind = source_kind(kind)
    if kind in GRADE_OF_SOURCE_KIND:
        return GRADE_OF_SOURCE_KIND[kind]
    return GRADE_OF_HOST.get(host_kind(host_of(retrieved_from), kinds) or HOST_COPY, GRADE_OF_HOST[HOST_COPY])


def grades(sources: pd.DataFrame, hosts: pd.DataFrame) -> pd.Series:
    """The grade of each source (grade_of)."""
    kinds = dict(zip(hosts["host"], hosts["kind"]))
    kind = sources["kind"] if "kind" in sources.columns else pd.Series(None, index=sources.index)
    return pd.Series([grade_of(k, url, kinds) for k, url in zip(kind, sources["retrieved_from"])],
                     index=sources.index, dtype="object")


def check_search_log(log: pd.DataFrame, targets: pd.DataFrame | None, report: Report,
                     hosts: pd.DataFrame | None = None) -> None:
    """Each entry names a target or commitment of the plan, once per search date; the nearest miss it links to is a
    plain web address on a host a reader may be sent to."""
    kinds = dict(zip(hosts["host"], hosts["kind"])) if hosts is not None else {}
    _check_dates(log, ("searched_on",), report)
    for rec in log.itertuples():
        url = getattr(rec, "closest_url", None)
        if (why := url_problem(url)) is not None:
            report.error(rec.at_file, rec.at_line, "closest_url", "search_log.url_form", why)
        elif host_kind(host_of(url), kinds) == HOST_BLOCKED:
            report.error(rec.at_file, rec.at_line, "closest_url", "search_log.blocked",
                         f"{host_of(url)} is a blocked host: the page is never linked; leave the cell empty")
    if targets is not None:
        _rows_not_in(log, "target_id", set(targets["target_id"]), report, "ref.target", "target (targets.csv)")
    repeated = log.duplicated(["target_id", "searched_on"], keep="first")
    for rec in log.loc[repeated].itertuples():
        report.error(rec.at_file, rec.at_line, "searched_on", "search_log.duplicate",
                     f"{rec.target_id} already has an entry for {rec.searched_on}; merge the two")


#: Wording of an event that is only the issuing of a plan, notice or arrangement (methods chapter, "implementation")
ISSUANCE_WORDING = re.compile(r"(印发|出台|制定|修订|批复|编制|部署|审议|听取)[^。；;]{0,40}?"
                              r"(方案|计划|通知|意见|预案|规划|办法|要点|细则|安排|工作)")
#: Wording of an implementation step, which a row must name to support more than "planned"
STEP_WORDING = re.compile(r"开工|建成|建设|投运|投产|运行|运营|施行|完成|实现|入选|获评|认定|开通|复航|首航|首笔|交易|"
                          r"淘汰|关停|退役|改造|整改|核实|验收|启动|举办|开展|招录|查处|处罚|新增|累计|覆盖|达到|"
                          r"全部|已有|组建|上线|签订|签署|推广|应用|贯通|封顶|在建|转办|交办|表彰|排名")


def issuance_only(text: object) -> bool:
    """True when an event's description reads as issuing a plan, notice or arrangement and names no step taken."""
    words = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    return bool(ISSUANCE_WORDING.search(words)) and not STEP_WORDING.search(ISSUANCE_WORDING.sub("", words))


def check_evidence(evidence: pd.DataFrame, targets: pd.DataFrame | None, sources: pd.DataFrame | None,
                   plan: PlanConfig, report: Report) -> None:
    """Each event names a commitment of the plan, a source that exists, and a date within the plan period (a calendar
    date, not in the future); an event that only issues a plan, notice or arrangement is ``issued`` (it cannot support
    more than "planned"); a part is named only for a milestone, and only one the milestone names."""
    _check_dates(evidence, ("event_date",), report)
    for rec in evidence.itertuples():
        if getattr(rec, "event", EVENT_ISSUED) != EVENT_ISSUED and issuance_only(rec.what_zh):
            report.error(rec.at_file, rec.at_line, "event", "evidence.issuance",
                         f"the event reads as issuing a plan, notice or arrangement, which supports 'planned' only: "
                         f"event must be '{EVENT_ISSUED}', or what_zh must name the step taken")
    if targets is not None:
        parts_of = {r["target_id"]: r for r in targets.to_dict("records")}
        for rec in evidence.itertuples():
            part = getattr(rec, "part", None)
            if part is None or pd.isna(part) or not str(part).strip():
                continue
            target = parts_of.get(rec.target_id)
            named = [p.strip() for p in str(target.get("parts_zh") or "").replace("；", ";").split(";") if p.strip()] \
                if target is not None and not pd.isna(target.get("parts_zh")) else []
            if target is None or target["kind"] != MILESTONE_KIND or str(part).strip() not in named:
                report.error(rec.at_file, rec.at_line, "part", "evidence.part",
                             f"{part!r} is not a part {rec.target_id} names (targets.csv, parts_zh: "
                             f"{'、'.join(named) or 'none'})")
            elif rec.event not in COMPLETION_EVENTS:
                report.error(rec.at_file, rec.at_line, "part", "evidence.part",
                             "a part is named for a completion (event completed or result_reported) only")
    if targets is not None:
        _rows_not_in(evidence, "target_id", set(targets["target_id"]), report, "ref.target", "commitment (targets.csv)")
        kind_of = dict(zip(targets["target_id"], targets["kind"]))
        for rec in evidence.itertuples():
            kind = kind_of.get(rec.target_id)
            if kind is not None and kind not in COMMITMENT_KINDS:
                report.error(rec.at_file, rec.at_line, "target_id", "evidence.target",
                             f"{rec.target_id} is a quantified target ('{kind}'): it is rated from figures, not events")
    if sources is not None:
        _rows_not_in(evidence, "source_id", set(sources["source_id"]), report, "ref.source", "source (sources.csv)")
    first, last = plan.first_year, plan.target_year + 1
    for rec in evidence.itertuples():
        year = date_year(rec.event_date)
        if year is not None and not first <= year <= last:
            report.error(rec.at_file, rec.at_line, "event_date", "evidence.date",
                         f"{rec.event_date} is outside the plan period {first}–{last}")


def check_statements(statements: pd.DataFrame, targets: pd.DataFrame | None, sections: pd.DataFrame | None,
                     indicators: pd.DataFrame | None, sources: pd.DataFrame | None, report: Report) -> None:
    """A statement names a quantified target, a source that exists and a body the plan makes responsible (a lead
    department of any part of the plan, or the body that holds the target's figure); what it says fits its year:
    met early or not met before the target year, achieved or missed at it or after; made after the year it speaks of;
    every date a calendar date, not in the future."""
    _check_dates(statements, ("statement_date",), report)
    if sources is not None:
        _rows_not_in(statements, "source_id", set(sources["source_id"]), report, "ref.source", "source (sources.csv)")
    bodies = set()
    if sections is not None:
        for text in sections["lead_departments_zh"]:
            bodies |= set(departments(text))
    holder = dict(zip(indicators["indicator_key"], indicators.get("holder_zh", pd.Series(dtype=object)))) \
        if indicators is not None else {}
    by_id = {r["target_id"]: r for r in targets.to_dict("records")} if targets is not None else {}
    for rec in statements.itertuples():
        target = by_id.get(rec.target_id)
        if targets is not None and target is None:
            report.error(rec.at_file, rec.at_line, "target_id", "ref.target", f"{rec.target_id!r} is not a target "
                         "(targets.csv)")
            continue
        if target is not None and target["kind"] not in QUANTIFIED_KINDS:
            report.error(rec.at_file, rec.at_line, "target_id", "statement.target",
                         f"{rec.target_id} is a '{target['kind']}' commitment: its level comes from evidence rows")
            continue
        if target is not None and not pd.isna(target.get("target_year")) and rec.status in STATEMENT_STATUSES:
            due = int(target["target_year"])
            early = rec.status in ("met_early", "not_met")
            if early != (int(rec.as_of_year) < due):
                report.error(rec.at_file, rec.at_line, "status", "statement.status",
                             f"'{rec.status}' speaks of {'a year before' if early else 'the target year or later'} "
                             f"({due}); as_of_year is {int(rec.as_of_year)}")
        said = date_year(rec.statement_date)
        if said is not None and said < int(rec.as_of_year):
            report.error(rec.at_file, rec.at_line, "statement_date", "statement.date",
                         f"a statement made in {said} cannot speak of the full year "
                         f"{int(rec.as_of_year)}")
        allowed = bodies | ({str(holder.get(target.get("indicator_key")))} if target is not None else set())
        if (sections is not None) and str(rec.body_zh).strip() not in allowed:
            report.error(rec.at_file, rec.at_line, "body_zh", "statement.body",
                         f"{rec.body_zh!r} is not a body the plan makes responsible (a lead department in "
                         "sections.csv, or the holder of the target's figure in indicators.csv)")


def check_plan_targets(rows: pd.DataFrame, indicators: pd.DataFrame | None, regions: pd.DataFrame | None,
                       sources: pd.DataFrame | None, report: Report) -> None:
    """Targets stated in plans name a known indicator, region and source."""
    for frame, column, rule, what in ((indicators, "indicator_key", "ref.indicator", "indicator (indicators.csv)"),
                                      (regions, "region", "ref.region", "region (regions.csv)"),
                                      (sources, "source_id", "ref.source", "source (sources.csv)")):
        if frame is not None:
            _rows_not_in(rows, column, set(frame[column]), report, rule, what)


def check_plan_regions(plan: PlanConfig, regions: pd.DataFrame, report: Report) -> None:
    """The region a plan assesses and its benchmarks must be known regions."""
    known = set(regions["region"])
    name = f"{plan.folder}/plan.yaml"
    for key, codes in (("region", [plan.region]), ("benchmarks", list(plan.benchmarks))):
        for code in codes:
            if code not in known:
                report.error(name, None, key, "ref.region", f"{code!r} is not a known region (regions.csv)")


def validate(data_dir: Path = DEFAULT_DATA_DIR, plan_id: str | None = None) -> tuple[Report, Dataset | None]:
    """Check the plan's configuration, every table and every cross-reference.

    Returns the report and, when readable, the dataset of the plan ``plan_id`` (default: the only plan)."""
    data_dir = Path(data_dir)
    report = Report()
    plan = _read_plan(data_dir, plan_id, report)
    if plan is None:
        return report, None
    sections = _read(data_dir, SECTIONS, report, plan)
    targets = _read(data_dir, TARGETS, report, plan)
    indicators = _read(data_dir, INDICATORS, report, plan)
    regions = _read(data_dir, REGIONS, report, plan)
    observations = _read(data_dir, OBSERVATIONS, report, plan)
    sources = _read(data_dir, SOURCES, report, plan)
    search_log = _read(data_dir, SEARCH_LOG, report, plan)
    hosts = _read(data_dir, HOSTS, report, plan)
    evidence = _read_optional(data_dir, EVIDENCE, report, plan)
    statements = _read_optional(data_dir, STATEMENTS, report, plan)
    plan_targets = _read_optional(data_dir, PLAN_TARGETS, report, plan)
    if observations is not None and "basis" not in observations.columns:
        observations["basis"] = pd.NA
    if observations is not None:
        observations = drop_exact_repeats(observations, report, "observation")
    if evidence is not None:
        evidence = drop_exact_repeats(evidence, report, "evidence")
    if regions is not None:
        check_plan_regions(plan, regions, report)
    if sections is not None:
        check_section_ids(sections, plan, report)
    if indicators is not None:
        check_indicators(indicators, sections, report)
    if targets is not None:
        check_targets(targets, sections, indicators, report)
    if observations is not None:
        check_observations(observations, indicators, regions, sources, report)
    if sources is not None:
        cited = pd.concat([f[["source_id"]] for f in (observations, evidence, statements, plan_targets)
                           if f is not None])
        check_sources(sources, cited, hosts, report)
    if search_log is not None:
        check_search_log(search_log, targets, report, hosts)
    if evidence is not None:
        check_evidence(evidence, targets, sources, plan, report)
    if statements is not None:
        check_statements(statements, targets, sections, indicators, sources, report)
    if plan_targets is not None:
        check_plan_targets(plan_targets, indicators, regions, sources, report)
    frames = (sections, targets, indicators, regions, observations, sources, search_log, hosts)
    if any(f is None for f in frames):
        return report, None
    sources = sources.assign(grade=grades(sources, hosts))
    return report, Dataset(plan, sections, targets, indicators, regions, observations, sources, search_log,
                           data_dir=data_dir, hosts=hosts, evidence=evidence, statements=statements,
                           plan_targets=plan_targets)


def load_dataset(data_dir: Path = DEFAULT_DATA_DIR, plan_id: str | None = None) -> Dataset:
    """Load the data directory, or raise :class:`DataValidationError` listing every error."""
    report, dataset = validate(data_dir, plan_id)
    if not report.ok or dataset is None:
        raise DataValidationError(report)
    return dataset
