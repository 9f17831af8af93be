"""Ingest collected statistics into the project's own long format.

The collectors' CSVs (``data/raw/**/*.csv``, columns ``indicator_key, indicator_zh, region, year, value, unit,
measure, source_title, source_publisher, source_date, source_url, locator, note``) are copied into the
repository unchanged. This module turns every row into one row of ``data/observations/<file>.csv`` (the raw file's path under
``raw/``, folders joined by ``__``: ``raw/workbook/x.csv`` → ``observations/workbook__x.csv``) plus a row of
``data/sources.csv``:

* indicator, measure and unit go through the explicit mapping table ``data/mappings/collected_indicators.csv``
  (one row per collected key × measure × unit; an unmapped combination is an error, never a silent rename);
  a unit conversion is a ``factor`` in that table;
* the region name goes through ``data/regions.csv`` (``name_zh``);
* base year, period (partial year) and qualifier (约/以上…) are read from the row's own words (a base year stated
  as a year, or one of the words plan.yaml lists under ``base_year_words`` for the plan's base year), and a row can
  be corrected through ``data/mappings/row_overrides.csv`` (file, line, column, value, reason);
* rows that state a plan's target (key ending in ``_target`` or note starting with ``TARGET``) go to
  ``data/plan_targets.csv``: context, never observations, never rated or requested.

Nothing is written unless every row ingests cleanly and the new data folder passes validation: the ingest
changes a copy of the folder and puts it in the folder's place in one step (``store.data_transaction``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..config import PlanConfigError, load_plan_config
from ..store import data_transaction, write_frames_atomic
from ..vocabulary import MEASURES_NEEDING_BASE_YEAR, OBSERVATION_MEASURES, OBSERVED, PERCENT_MEASURES, PLAN_TARGET
from .problems import DataValidationError, Report
from .read import decode_bytes, parse_rows, read_file_bytes
from .schema import EVIDENCE, OBSERVATIONS, PLAN_TARGETS, PREFERRED_NOTE, SOURCES

COLLECTED_COLUMNS = ("indicator_key", "indicator_zh", "region", "year", "value", "unit", "measure",
                     "source_title", "source_publisher", "source_date", "source_url", "locator", "note")
MAPPING_FILE = "mappings/collected_indicators.csv"
OVERRIDES_FILE = "mappings/row_overrides.csv"
SOURCE_CORRECTIONS_FILE = "mappings/source_corrections.csv"
DROPPED_SOURCES_FILE = "mappings/dropped_sources.csv"
#: Fields of a source a correction may set (the document, not the page): see read_source_corrections.
CORRECTABLE = ("title", "issuer", "date", "doc_number", "url", "retrieved_from", "retrieved_on", "locator")
REASON_PREFIX = "reason:"  # read_overrides keeps each override's reason under this prefix
OVERRIDABLE = ("base_year", "period", "qualifier", "preferred", "year", "basis")

_ISO_DATE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)\b\s*(.*)$")
_BASE_YEAR = re.compile(r"(?:较|比|相比|与|vs\.?|base(?: year)?[:=]?|relative to|compared with)\s*(\d{4})\s*年?",
                        re.IGNORECASE)
_PARTIAL = re.compile(r"PARTIAL YEAR|\bpartial:|\b(?:Jan|H1)\b[^;]*?(?:only|–|-)|前三季度|1-\d{1,2}月|上半年", re.IGNORECASE)
_QUALIFIER = re.compile(r"(约|以上|超过|突破|\d余)")


@dataclass(frozen=True)
class Mapping:
    indicator_key: str
    measure: str
    unit: str
    factor: float
    base_year: int | None


def source_id(title: str, publisher: str, date: str, url: str, locator: str) -> str:
    """A stable id for a citation: the same citation always gets the same id."""
    digest = hashlib.sha1("\x1f".join((title, publisher, date, url, locator)).encode("utf-8")).hexdigest()
    return "S" + digest[:8]


def split_date(text: str) -> tuple[str | None, str | None]:
    """Split a collected date cell into an ISO date and the words around it."""
    text = (text or "").strip()
    match = _ISO_DATE.match(text)
    if not match:
        return None, text or None
    rest = match.group(2).strip(" ()（）;")
    return match.group(1), rest or None


def _table(path: Path, report: Report, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line, cells) of a table of data/ (a mapping, the indicators, the regions) through the one reader: any
    encoding it repairs (a BOM, GBK), a missing column named, never a traceback; an absent file has no rows."""
    if not path.exists():
        return []
    return read_collected(path, path.name, report, columns)


def read_mapping(path: Path, report: Report) -> dict[tuple[str, str, str], Mapping]:
    name = path.name
    mapping: dict[tuple[str, str, str], Mapping] = {}
    for line, row in _table(path, report, ("collected_key", "collected_measure", "collected_unit",
                                           "indicator_key", "measure", "unit", "factor", "base_year")):
        key = (row["collected_key"], row["collected_measure"], row["collected_unit"])
        if key in mapping:
            report.error(name, line, "collected_key", "mapping.duplicate", f"{key} is mapped twice")
        try:
            factor = float(row["factor"] or 1)
            base = int(row["base_year"]) if row["base_year"] else None
        except ValueError as exc:
            report.error(name, line, "factor", "mapping.number", str(exc))
            continue
        mapping[key] = Mapping(row["indicator_key"], row["measure"], row["unit"], factor, base)
    return mapping


def catalogue_mapping(data_dir: Path) -> dict[tuple[str, str, str], Mapping]:
    """A row that already speaks the catalogue (its indicator key, an observation measure and the indicator's
    unit, or % for a percentage change) maps onto itself, as the request workbook writes its rows."""
    mapping = {}
    for _, row in _table(data_dir / "indicators.csv", Report(), ("indicator_key", "unit")):  # load reports problems
        key, unit = row["indicator_key"], row["unit"]
        for measure in OBSERVATION_MEASURES:
            own = "%" if measure in PERCENT_MEASURES else unit
            mapping[(key, measure, own)] = Mapping(key, measure, own, 1.0, None)
    return mapping


def read_overrides(path: Path, report: Report) -> dict[tuple[str, int], dict[str, str]]:
    overrides: dict[tuple[str, int], dict[str, str]] = {}
    for line, row in _table(path, report, ("file", "line", "column", "value", "reason")):
        if row["column"] not in OVERRIDABLE:
            report.error(path.name, line, "column", "override.column",
                         f"{row['column']!r} cannot be overridden (only {', '.join(OVERRIDABLE)})")
            continue
        if not row.get("reason"):
            report.error(path.name, line, "reason", "override.reason", "every override needs a reason")
        if not row["line"].isdigit():
            report.error(path.name, line, "line", "override.line", f"{row['line']!r} is not a line number")
            continue
        fix = overrides.setdefault((row["file"], int(row["line"])), {})
        fix[row["column"]] = row["value"]
        fix[REASON_PREFIX + row["column"]] = row.get("reason") or ""
    return overrides


def read_collected(path: Path, name: str, report: Report, columns: tuple[str, ...] = COLLECTED_COLUMNS
                   ) -> list[tuple[int, dict[str, str]]]:
    """(line number, cells stripped) of every row of a collected file that has the required columns."""
    raw = read_file_bytes(path, name, report, path.parent)
    text = None if raw is None else decode_bytes(raw, name, report)
    if text is None:
        return []
    header, records = parse_rows(text, name, report)
    missing = [c for c in columns if c not in (header or [])]
    if missing:
        report.error(name, 1, ", ".join(missing), "column.missing", "collected file lacks required columns")
        return []
    rows = []
    for line, cells in records:
        if len(cells) > len(header):
            report.error(name, line, None, "row.width", f"{len(cells)} cells where the header has {len(header)}")
            continue
        rows.append((line, {k: (v or "").strip() for k, v in zip(header, cells) if k}
                     | {k: "" for k in header[len(cells):] if k}))
    return rows


def infer_base_year(row: dict[str, str], period_base_year: int | None = None,
                    base_year_words: tuple[str, ...] = ()) -> int | None:
    """The base year a cumulative figure is counted from, as the row's own words state it.

    A row that names a year ("较2017年") is counted from it; else a row with one of ``base_year_words`` (the plan's
    words for its period or its start, plan.yaml) from the plan's base year ``period_base_year``; else None."""
    words = f"{row['indicator_zh']} {row['note']}"
    match = _BASE_YEAR.search(words)
    if match:
        return int(match.group(1))
    if any(word in words for word in base_year_words):
        return period_base_year
    return None


def infer_period(row: dict[str, str]) -> str:
    return "partial" if _PARTIAL.search(row["note"]) else "year"


def infer_qualifier(row: dict[str, str]) -> str | None:
    match = _QUALIFIER.search(row["note"])
    if not match:
        return None
    word = match.group(1)
    return "余" if word.endswith("余") else word


def is_plan_target(row: dict[str, str]) -> bool:
    return row["indicator_key"].endswith("_target") or row["note"].startswith("TARGET")


def ingest_row(name: str, line: int, row: dict[str, str], mapping: dict, regions: dict[str, str],
               overrides: dict, report: Report, period_base_year: int | None = None,
               base_year_words: tuple[str, ...] = ()) -> tuple[dict, dict] | None:
    """One collected row → (observation, source), or None with the problem reported."""
    key = (row["indicator_key"], row["measure"], row["unit"])
    m = mapping.get(key)
    if m is None:
        report.error(name, line, "indicator_key", "mapping.missing",
                     f"no row in {MAPPING_FILE} maps key={key[0]!r} measure={key[1]!r} unit={key[2]!r}")
        return None
    region = regions.get(row["region"])
    if region is None:
        report.error(name, line, "region", "ref.region", f"{row['region']!r} is not a name_zh in regions.csv")
        return None
    try:
        value = float(f"{float(row['value']) * m.factor:.12g}")  # converted exactly, no float noise
        year = int(row["year"])
    except ValueError as exc:
        report.error(name, line, "value", "number.not_numeric", str(exc))
        return None
    fix = overrides.get((name, line), {})
    base_year = m.base_year if m.base_year is not None else infer_base_year(row, period_base_year, base_year_words)
    if row.get("base_year"):  # a file that states the base year in a column of its own (the request workbook)
        base_year = int(row["base_year"])
    if "base_year" in fix:
        base_year = int(fix["base_year"]) if fix["base_year"] else None
    if m.measure not in MEASURES_NEEDING_BASE_YEAR:
        base_year = None
    elif base_year is None:
        report.error(name, line, "note", "observation.base_year",
                     f"cannot tell the base year of this {m.measure} figure; add it to {OVERRIDES_FILE}")
    source = source_row(row["source_title"], row["source_publisher"], row["source_date"], row["source_url"],
                        row["locator"], row.get("doc_number", ""), row.get("source_kind", ""),
                        row.get("supplied_by", ""))
    # the collector's own notes stay in the raw file: the published note is for readers (why a figure is preferred)
    preferred = fix.get("preferred", "").lower() == "true"
    note = f"{PREFERRED_NOTE} {fix.get(REASON_PREFIX + 'preferred', '')}" if preferred else None
    observation = {
        "indicator_key": m.indicator_key,
        "region": region,
        "year": int(fix.get("year", year)),
        "value": value,
        "unit": m.unit,
        "measure": m.measure,
        "base_year": base_year,
        "period": fix.get("period", row.get("period") or infer_period(row)),
        "qualifier": fix.get("qualifier", infer_qualifier(row)) or None,
        "preferred": preferred or None,
        "record_type": PLAN_TARGET if is_plan_target(row) else OBSERVED,
        "source_id": source["source_id"],
        "basis": fix.get("basis") or None,
        "note": note,
    }
    return observation, source


def source_row(title: str, issuer: str, date_text: str, url_text: str, locator: str, doc_number: str = "",
               kind: str = "", supplied_by: str = "") -> dict:
    """The source row of a collected citation: the document, and the page it was read on (an http(s) address) or,
    for a figure a department supplied, its return (kind ``department``, with the office that supplied it); its id is
    a hash of the citation as collected, so a correction keeps it."""
    date, _ = split_date(date_text)
    url = url_text if url_text.lower().startswith(("http://", "https://")) else ""
    return {"source_id": source_id(title, issuer, date_text, url_text, locator), "title": title or None,
            "issuer": issuer or None, "date": date, "doc_number": doc_number or None, "url": None,
            "retrieved_from": url or None, "retrieved_on": None, "locator": locator or None, "kind": kind or None,
            "supplied_by": supplied_by or None}


def read_source_corrections(path: Path, report: Report) -> dict[str, dict[str, str]]:
    """source_id → the fields a reviewed correction sets (non-empty cells of CORRECTABLE columns), with a reason."""
    corrections: dict[str, dict[str, str]] = {}
    for line, row in _table(path, report, ("source_id", "reason")):
        if not (row.get("reason") or "").strip():
            report.error(path.name, line, "reason", "correction.reason", "every correction needs a reason")
        if row["source_id"] in corrections:
            report.error(path.name, line, "source_id", "correction.duplicate", "one row per source")
        corrections[row["source_id"]] = {k: row[k].strip() for k in CORRECTABLE if (row.get(k) or "").strip()}
    return corrections


def read_dropped_sources(path: Path, report: Report) -> dict[str, str]:
    """source_id → why its figures are left out (no citable copy of the document could be found)."""
    dropped: dict[str, str] = {}
    for line, row in _table(path, report, ("source_id", "reason")):
        if not (row.get("reason") or "").strip():
            report.error(path.name, line, "reason", "dropped.reason", "every dropped source needs a reason")
        dropped[row["source_id"]] = row.get("reason", "")
    return dropped


EVIDENCE_DIR = "evidence"  # data/raw/evidence/<plan-id>/*.csv: collected implementation events
EVIDENCE_COLUMNS = ("target_id", "event", "event_date", "what_zh", "what_en", "source_title", "source_issuer",
                    "source_date", "doc_number", "source_url", "quote")


def collected_files(raw_dir: Path) -> list[Path]:
    """The collected statistics (every CSV under raw_dir except the evidence folder)."""
    return sorted(p for p in raw_dir.rglob("*.csv") if EVIDENCE_DIR not in p.relative_to(raw_dir).parts[:1])


def evidence_files(raw_dir: Path, plan_id: str) -> list[Path]:
    return sorted((raw_dir / EVIDENCE_DIR / plan_id).glob("*.csv"))


def ingest_evidence(path: Path, name: str, report: Report) -> list[tuple[dict, dict]]:
    """Collected implementation events → (evidence row, source row) pairs; the source is the page quoted."""
    pairs = []
    for _, row in read_collected(path, name, report, EVIDENCE_COLUMNS):
        source = source_row(row["source_title"], row["source_issuer"], row["source_date"], row["source_url"],
                            row["quote"], row["doc_number"], row.get("source_kind", ""), row.get("supplied_by", ""))
        event = {"target_id": row["target_id"], "event": row["event"], "part": row.get("part", ""),
                 "event_date": row["event_date"],
                 "what_zh": row["what_zh"], "what_en": row["what_en"], "source_id": source["source_id"],
                 "quote": row["quote"]}
        pairs.append((event, source))
    return pairs


def observations_name(raw_name: str) -> str:
    """The observations file of a raw file (its path under ``raw/``): folders joined by ``__``, so that
    ``raw/workbook/x.csv`` and ``raw/x.csv`` can never write the same file."""
    return "observations/" + "__".join(Path(raw_name).with_suffix("").parts) + ".csv"


def ingest(raw_dir: Path, data_dir: Path, plan_id: str | None = None) -> Report:
    """Ingest every collected CSV under ``raw_dir`` into ``data_dir`` as one transaction: the new folder is made
    from a copy, validated in full and only then put in the folder's place; raises (nothing changed) if any row
    fails or the result does not validate. Returns the report (warnings)."""
    from .load import load_dataset

    data_dir, raw_dir = Path(data_dir).resolve(), Path(raw_dir).resolve()
    with data_transaction(data_dir) as staged:
        inside = raw_dir.is_relative_to(data_dir)
        report = ingest_into(staged / raw_dir.relative_to(data_dir) if inside else raw_dir, staged, plan_id)
        load_dataset(staged, plan_id)
    return report


def ingest_into(raw_dir: Path, data_dir: Path, plan_id: str | None = None) -> Report:
    """Ingest every collected CSV under ``raw_dir`` into the folder ``data_dir`` in place (the caller's copy:
    see :func:`ingest`); raises if any row fails.

    Figures counted over the plan period (in the words of its plan.yaml, base_year_words) take the base year of
    the plan in ``data_dir``."""
    report = Report()
    try:
        plan = load_plan_config(data_dir, plan_id)
    except PlanConfigError as exc:
        for file, key, message in exc.problems:
            report.error(file, None, key, "plan", message)
        raise DataValidationError(report) from None
    mapping = catalogue_mapping(data_dir) | read_mapping(data_dir / MAPPING_FILE, report)
    overrides = read_overrides(data_dir / OVERRIDES_FILE, report)
    regions = {row["name_zh"]: row["region"] for _, row in _table(data_dir / "regions.csv", report,
                                                                   ("region", "name_zh"))}
    corrections = read_source_corrections(data_dir / SOURCE_CORRECTIONS_FILE, report)
    dropped = read_dropped_sources(data_dir / DROPPED_SOURCES_FILE, report)
    outputs: dict[str, pd.DataFrame] = {}
    sources: dict[str, dict] = {}
    stated_targets: list[dict] = []  # targets stated in plans: plan_targets.csv, never observations
    written_by: dict[str, str] = {}  # observations file → the raw file it comes from
    for path in collected_files(raw_dir):
        name = str(path.relative_to(raw_dir))
        obs_rows = []
        for line, row in read_collected(path, name, report):
            result = ingest_row(name, line, row, mapping, regions, overrides, report, plan.base_year,
                                plan.base_year_words)
            if result is None or result[1]["source_id"] in dropped:
                continue
            observation, source = result
            source.update(corrections.get(source["source_id"], {}))
            if observation["record_type"] == PLAN_TARGET:
                stated_targets.append(observation)
            else:
                obs_rows.append(observation)
            sources[source["source_id"]] = source
        if not obs_rows:  # every row of the file was left out: no observations file for it
            continue
        frame = pd.DataFrame(obs_rows, columns=OBSERVATIONS.columns)
        frame["base_year"] = frame["base_year"].astype("Int64")
        output = observations_name(name)
        if output in written_by:  # two raw files would write one observations file: neither may replace the other
            report.error(name, None, None, "ingest.name_collision",
                         f"{name} and {written_by[output]} would both be written to {output}: rename one of them")
            continue
        written_by[output] = name
        outputs[output] = frame
    events = []
    for path in evidence_files(raw_dir, plan.id):
        name = str(path.relative_to(raw_dir))
        for event, source in ingest_evidence(path, name, report):
            if source["source_id"] in dropped:
                continue
            source.update(corrections.get(source["source_id"], {}))
            events.append(event)
            sources.setdefault(source["source_id"], source)
    if events:
        outputs[f"{plan.folder}/{EVIDENCE.path}"] = pd.DataFrame(events, columns=EVIDENCE.columns).drop_duplicates()
    if not report.ok:
        raise DataValidationError(report)
    if stated_targets:
        frame = pd.DataFrame(stated_targets, columns=PLAN_TARGETS.columns)
        outputs[PLAN_TARGETS.path] = frame.assign(base_year=frame["base_year"].astype("Int64"))
    outputs["sources.csv"] = pd.DataFrame(sorted(sources.values(), key=lambda s: s["source_id"]),
                                          columns=SOURCES.columns)
    stale = [p for p in (data_dir / "observations").glob("*.csv")
             if f"observations/{p.name}" not in outputs]
    stale += [p for p in (data_dir / PLAN_TARGETS.path,) if p.exists() and PLAN_TARGETS.path not in outputs]
    write_frames_atomic(data_dir, outputs, remove=stale)
    return report
