"""Paths of the project and the plan's configuration (:class:`PlanConfig`).

The plan is the configuration: ``data/plans/<plan-id>/plan.yaml`` names the region assessed, its benchmarks,
the base and target year, the first report year, the titles and the caveats of the report, and (optionally)
the assessment method's parameters, the words its sources use for the base year, the form of its section ids
and the years its figures may refer to. Nothing about a particular plan lives in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .vocabulary import SECTION_KINDS

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = ROOT / "data"
BUILD_DIR = ROOT / "_build"
#: the review server (``jinan-eval serve``): the site it serves, its comment store (never inside the site), the
#: environment variable holding the moderator's password
SITE_DIR = BUILD_DIR / "site"
REVIEW_STORE_DIR = BUILD_DIR / "review"
REVIEW_PASSWORD_ENV = "JINAN_REVIEW_PASSWORD"
TEMPLATE_DIR = ROOT / "notebooks"
BOOK_DIR = ROOT / "book"
BOOK_CONFIG_TEMPLATE = ROOT / "_config.yml"
VENDOR_DIR = ROOT / "node_modules"

PLANS_DIR = "plans"
PLAN_FILE = "plan.yaml"
LANGS = ("zh", "en")

#: Keys plan.yaml must have.
REQUIRED_KEYS = ("id", "title_zh", "title_en", "document_number", "issued", "url", "base_year", "target_year",
                 "region", "report_title_zh", "report_title_en")
#: Method parameters plan.yaml may set under ``method:`` (see assess.method.MethodParams).
METHOD_KEYS = ("on_track", "behind", "approx_tolerance", "route_order")
#: The years a figure, target or statement may refer to, unless plan.yaml sets earliest_year / latest_year: from
#: this many years before the base year (earlier figures are history, not the plan's) …
YEARS_BEFORE_BASE = 20
#: … to this many after the target year (other plans' targets stated for later years are context).
YEARS_AFTER_TARGET = 10
#: In a section-id form of plan.yaml (section_id_forms), where the section's number stands: KP<n> → KP1, KP2 …
NUMBER_MARK = "<n>"
_ID_FORM = re.compile(rf"^[A-Z]+(?:{re.escape(NUMBER_MARK)})?$")


class PlanConfigError(ValueError):
    """plan.yaml is missing, unreadable or incomplete: carries (file, key, message) problems."""

    def __init__(self, problems: list[tuple[str, str | None, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}{' ' + repr(k) if k else ''}: {m}" for f, k, m in problems))


@dataclass(frozen=True)
class PlanConfig:
    """One plan, as its plan.yaml states it."""

    id: str
    folder: str  # path of the plan folder relative to the data directory, e.g. "plans/jinan-14fyp-esr"
    title_zh: str
    title_en: str
    document_number: str
    issued: str
    url: str
    base_year: int
    target_year: int
    region: str
    report_title_zh: str
    report_title_en: str
    benchmarks: tuple[str, ...] = ()
    first_report_year: int | None = None
    issuer_zh: str = ""
    issuer_en: str = ""
    repository_url: str = ""
    requests_contact_zh: str = ""  # whom a department sends its filled data-request workbook to
    requests_contact_en: str = ""
    caveats: tuple[dict, ...] = ()  # each {"zh": ..., "en": ...}
    method: dict = field(default_factory=dict)
    # words of a collected row (its indicator_zh or note) that mean the figure is counted from the plan's base year,
    # e.g. the plan period's name ("… since the plan began"); none by default: such a row must state its base year
    base_year_words: tuple[str, ...] = ()
    # section kind → the form of its ids (MAIN, KP<n> …; NUMBER_MARK is the section's number, from 1); empty: any
    # capital letters, optionally followed by a number (data.schema.section_id_pattern)
    section_id_forms: dict = field(default_factory=dict)
    earliest_year: int | None = None  # default: YEARS_BEFORE_BASE before the base year
    latest_year: int | None = None  # default: YEARS_AFTER_TARGET after the target year

    @property
    def first_year(self) -> int:
        """The first report year (the year after the base year unless plan.yaml says otherwise)."""
        return int(self.first_report_year) if self.first_report_year else self.base_year + 1

    @property
    def report_years(self) -> range:
        return range(self.first_year, self.target_year + 1)

    @property
    def year_range(self) -> tuple[int, int]:
        """The first and the last year a figure, a target or a statement of this plan's data may refer to."""
        first = self.earliest_year if self.earliest_year is not None else self.base_year - YEARS_BEFORE_BASE
        last = self.latest_year if self.latest_year is not None else self.target_year + YEARS_AFTER_TARGET
        return first, last

    def text(self, key: str, lang: str) -> str:
        """A bilingual field, e.g. ``text("title", "en")`` → title_en."""
        return str(getattr(self, f"{key}_{lang}"))

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def plan_folders(data_dir: Path) -> list[Path]:
    """Every plan folder of a data directory (``plans/*/plan.yaml``), sorted by name."""
    return sorted(p.parent for p in (Path(data_dir) / PLANS_DIR).glob(f"*/{PLAN_FILE}"))


def plan_folder(data_dir: Path, plan_id: str | None = None) -> Path:
    """The folder of the plan ``plan_id``; without an id, the data directory's only plan."""
    folders = plan_folders(data_dir)
    if plan_id is not None:
        for folder in folders:
            if folder.name == plan_id:
                return folder
        known = ", ".join(f.name for f in folders) or "none"
        raise PlanConfigError([(f"{PLANS_DIR}/{plan_id}/{PLAN_FILE}", None, f"no such plan (plans found: {known})")])
    if not folders:
        raise PlanConfigError([(f"{PLANS_DIR}/*/{PLAN_FILE}", None,
                                f"{Path(data_dir)} holds no plan: expected {PLANS_DIR}/<plan-id>/{PLAN_FILE}")])
    if len(folders) > 1:
        raise PlanConfigError([(f"{PLANS_DIR}/", None, f"several plans ({', '.join(f.name for f in folders)}): name "
                                "one with --plan <id> (make report PLAN=<id>, make validate PLAN=<id>)")])
    return folders[0]


def load_plan_config(data_dir: Path, plan_id: str | None = None) -> PlanConfig:
    """Read and check ``plans/<id>/plan.yaml``; raises :class:`PlanConfigError` naming the file and key."""
    folder = plan_folder(data_dir, plan_id)
    rel = folder.relative_to(Path(data_dir)).as_posix()
    name = f"{rel}/{PLAN_FILE}"
    try:
        raw = yaml.safe_load((folder / PLAN_FILE).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PlanConfigError([(name, None, f"not valid YAML: {exc}")]) from None
    problems = [(name, key, "is missing") for key in REQUIRED_KEYS if key not in raw]
    if raw.get("id") is not None and str(raw.get("id")) != folder.name:
        problems.append((name, "id", f"{raw['id']!r} differs from the folder name {folder.name!r}"))
    for key in ("base_year", "target_year", "first_report_year", "earliest_year", "latest_year"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], int):
            problems.append((name, key, f"must be a year, got {raw[key]!r}"))
    problems += _dictionary_problems(raw, name)
    unknown_method = sorted(set(raw.get("method") or {}) - set(METHOD_KEYS))
    if unknown_method:
        problems.append((name, "method", f"unknown parameter(s) {', '.join(unknown_method)}"))
    caveats = raw.get("caveats") or []
    for i, caveat in enumerate(caveats, start=1):
        if not isinstance(caveat, dict) or not {"zh", "en"} <= set(caveat):
            problems.append((name, "caveats", f"caveat {i} needs a 'zh' and an 'en' text"))
    if problems:
        raise PlanConfigError(problems)
    if raw["base_year"] >= raw["target_year"]:
        raise PlanConfigError([(name, "base_year", "must precede target_year")])
    earliest, latest = raw.get("earliest_year"), raw.get("latest_year")
    for key, year, outside in (("earliest_year", earliest, earliest is not None and earliest > raw["base_year"]),
                               ("latest_year", latest, latest is not None and latest < raw["target_year"])):
        if outside:
            raise PlanConfigError([(name, key, f"{year} leaves out the plan's own years "
                                               f"{raw['base_year']}–{raw['target_year']}")])
    known = set(PlanConfig.__dataclass_fields__) - {"folder"}
    values = {k: v for k, v in raw.items() if k in known}
    values["benchmarks"] = tuple(raw.get("benchmarks") or ())
    values["caveats"] = tuple(caveats)
    values["method"] = dict(raw.get("method") or {})
    values["base_year_words"] = tuple(str(w) for w in raw.get("base_year_words") or ())
    values["section_id_forms"] = dict(raw.get("section_id_forms") or {})
    values["issued"] = str(raw["issued"])
    return PlanConfig(folder=rel, **values)


def _dictionary_problems(raw: dict, name: str) -> list[tuple[str, str | None, str]]:
    """What is wrong with the keys of plan.yaml that the data dictionary and the ingest read (base_year_words,
    section_id_forms)."""
    problems = []
    words = raw.get("base_year_words")
    if words is not None and (not isinstance(words, list)
                              or not all(isinstance(w, str | int) and str(w).strip() for w in words)):
        problems.append((name, "base_year_words", "must be a list of words (e.g. [计划期以来, since the plan began])"))
    forms = raw.get("section_id_forms")
    if forms is not None and not isinstance(forms, dict):
        problems.append((name, "section_id_forms", "must map a section kind to the form of its ids "
                                                   f"(e.g. key_project: KP{NUMBER_MARK})"))
    elif forms:
        unknown = sorted(str(k) for k in set(forms) - set(SECTION_KINDS))
        if unknown:
            problems.append((name, "section_id_forms", f"unknown section kind(s) {', '.join(unknown)} "
                                                       f"(known: {', '.join(SECTION_KINDS)})"))
        bad = [f"{k}: {v!r}" for k, v in forms.items() if not _ID_FORM.match(str(v))]
        if bad:
            problems.append((name, "section_id_forms", f"{'; '.join(bad)}: a form is capital letters, optionally "
                                                       f"followed by {NUMBER_MARK} (MAIN, KP{NUMBER_MARK})"))
    return problems
