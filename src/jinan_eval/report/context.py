"""What every page of an edition starts from: the dataset, the report year, the language and the assessment
(:func:`context`), and the blocks a page section returns (:func:`show`).

A build loads and validates the data once and assesses it once (:class:`EditionResults`), and hands both to the
pages' kernels in one file (:func:`save_edition`; the kernel reads it with :func:`use_edition`): a page's
``context()`` then starts from the build's own objects, never from the data folder. A page executed on its own (in
Jupyter, or by the tests) loads and validates the data folder itself."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import altair as alt
import pandas as pd

from ..assess import MethodParams, assess_edition, assess_history, commitment_levels
from ..assess.commitments import evidence_up_to
from ..config import DEFAULT_DATA_DIR
from ..data import Dataset, load_dataset
from ..vocabulary import STATUS_ORDER
from . import render
from .messages import Messages
from .text import commitment_ref


@dataclass
class Markdown:
    text: str


@dataclass
class Html:
    html: str


@dataclass
class EditionResults:
    """The assessment an edition's pages show, computed once per build: this year's, every report year's up to
    it (the previous year's among them), and the implementation level of every commitment in every report year up
    to this one. (The methods chapter's sensitivity table is computed beside the pages: no page needs it.)"""

    year: int
    assessment: pd.DataFrame
    history: pd.DataFrame
    commitments: pd.DataFrame

    @classmethod
    def compute(cls, dataset: Dataset, year: int) -> EditionResults:
        history = assess_history(dataset, range(dataset.plan.first_year, year + 1))
        current = history[history["report_year"] == year].reset_index(drop=True)
        if current.empty:  # a year before the first report year: assess it on its own
            current = assess_edition(dataset, year)
        levels = pd.concat([commitment_levels(dataset, y) for y in range(dataset.plan.first_year, year + 1)],
                           ignore_index=True)
        return cls(int(year), current, history, levels)

    def previous(self, dataset: Dataset, year: int) -> pd.DataFrame:
        before = self.history[self.history["report_year"] == year - 1]
        return before if not before.empty else assess_edition(dataset, year - 1)

    def levels(self, year: int) -> pd.DataFrame | None:
        """The commitments' levels of one report year (None if this build did not compute it)."""
        rows = self.commitments[self.commitments["report_year"] == year]
        return rows.reset_index(drop=True) if not rows.empty else None


@dataclass
class Context:
    dataset: Dataset
    report_year: int
    lang: str
    #: the build's assessment of this report year (None: computed here, from the dataset)
    results: EditionResults | None = None

    def _built(self) -> EditionResults | None:
        return self.results if self.results is not None and self.results.year == self.report_year else None

    @cached_property
    def m(self) -> Messages:
        return Messages(self.lang)

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    @property
    def plan(self):
        return self.dataset.plan

    @property
    def region(self) -> str:
        return self.dataset.plan.region

    @cached_property
    def params(self) -> MethodParams:
        return MethodParams.for_plan(self.dataset.plan)

    @cached_property
    def observations(self) -> pd.DataFrame:
        """Observed rows (not other plans' targets) up to the report year, with their sources."""
        return self.dataset.observed(self.report_year)

    @cached_property
    def assessment(self) -> pd.DataFrame:
        built = self._built()
        return built.assessment if built is not None else assess_edition(self.dataset, self.report_year, self.params)

    @cached_property
    def assessment_history(self) -> pd.DataFrame:
        built = self._built()
        if built is not None:
            return built.history
        return assess_history(self.dataset, range(self.plan.first_year, self.report_year + 1), self.params)

    def _levels(self, year: int) -> pd.DataFrame:
        built = self._built()
        levels = built.levels(year) if built is not None else None
        return levels if levels is not None else commitment_levels(self.dataset, year)

    @cached_property
    def commitments(self) -> pd.DataFrame:
        """The implementation level of every commitment without a number, with its plan row."""
        return self.dataset.targets.drop(columns=["at_file", "at_line"], errors="ignore").merge(
            self._levels(self.report_year), on="target_id", how="inner")

    @cached_property
    def previous_commitments(self) -> pd.DataFrame | None:
        """The levels of the edition before this one (None for the first edition)."""
        year = self.report_year - 1
        if year < self.plan.first_year:
            return None
        return self._levels(year)

    @cached_property
    def evidence(self) -> pd.DataFrame:
        """Evidence rows an edition may use (dated up to the report year), with their sources."""
        ev = self.dataset.evidence
        if ev is None or ev.empty:
            return pd.DataFrame(columns=["target_id", "event", "part", "level", "event_date", "what_zh", "what_en",
                                         "source_id", "quote", "source_title", "source_issuer", "source_grade", "link"])
        ev = evidence_up_to(ev, self.report_year, self.plan.first_year)
        src = self.dataset.sources
        ev = ev.merge(src[["source_id", "title", "issuer", "grade", "url", "retrieved_from"]], on="source_id", how="left")
        ev = ev.rename(columns={"title": "source_title", "issuer": "source_issuer", "grade": "source_grade"})
        return ev.assign(link=ev["url"].where(ev["url"].notna(), ev["retrieved_from"]))

    @cached_property
    def targets(self) -> pd.DataFrame:
        """The plan's targets with this edition's assessment (the assessment's base year is the one used)."""
        return with_assessment(self.dataset.targets, self.assessment)

    def indicator(self, key: str) -> dict:
        rows = self.dataset.indicators[self.dataset.indicators["indicator_key"] == key]
        return rows.iloc[0].to_dict() if len(rows) else {}

    def name(self, row: dict) -> str:
        return row["name_zh"] if self.lang == "zh" else row["name_en"]

    def leads(self, section_id: str) -> str:
        """The plan's lead departments of a section, as a list in the page's language (牵头单位 A、B、C)."""
        sections = self.dataset.sections.set_index("section_id")
        if section_id not in sections.index:
            return ""
        value = sections.loc[section_id, f"lead_departments_{self.lang}"]
        names = [n.strip() for n in re.split(r"[；;]", value)] if isinstance(value, str) else []
        return self.m.join([n for n in names if n])

    def ref(self, target_id: str) -> str:
        """How the page names a commitment (:func:`text.commitment_ref`)."""
        return commitment_ref(target_id, self.dataset.sections, self.lang)

    def part_names(self) -> dict[str, str]:
        """Section id → how the report names that part of the plan: the plan's own numbering in Chinese
        (三（一） 重点行业绿色升级工程), the kind and its order in English (Key project 1: Green upgrading …)."""
        seen: dict[str, int] = {}
        names = {}
        for r in self.dataset.sections.to_dict("records"):
            seen[r["kind"]] = seen.get(r["kind"], 0) + 1
            names[r["section_id"]] = (f"{r['number_zh']} {r['title_zh']}" if self.zh else
                                      self.m(f"part.{r['kind']}", n=seen[r["kind"]], title=r["title_en"]))
        return names

    def region_name(self, code: str | None = None) -> str:
        regions = self.dataset.regions.set_index("region")
        code = code or self.region
        return str(regions.loc[code, "name_zh" if self.lang == "zh" else "name_en"]) if code in regions.index else code


def judged(chart, ctx: Context) -> list:
    """A chart of the report's own judgements (statuses, levels) with the line under it saying what they rest on."""
    from .text import esc

    line = ctx.m("text.chart_source_assessment", year=ctx.report_year, unit=ctx.m("text.unit_count"))
    return [chart, Html(f'<p class="chart-source">{esc(line)}</p>')]


def with_assessment(targets: pd.DataFrame, assessment: pd.DataFrame) -> pd.DataFrame:
    """Targets joined with an assessment; where both have a column, the assessment's is kept."""
    shared = [c for c in assessment.columns if c in targets.columns and c != "target_id"]
    return targets.drop(columns=shared).merge(assessment, on="target_id", how="left")


#: the build's data and assessment, once this kernel has read them (:func:`use_edition`)
_edition: dict = {}


def save_edition(path: Path, dataset: Dataset, results: EditionResults) -> None:
    """Write what a build hands its pages: the validated dataset and the edition's assessment."""
    with open(path, "wb") as fh:
        pickle.dump({"dataset": dataset, "results": results}, fh, protocol=pickle.HIGHEST_PROTOCOL)


def use_edition(path: str | Path) -> None:
    """Read the file a build wrote (:func:`save_edition`): the pages this kernel executes next start from it."""
    path = str(path)
    if _edition.get("path") != path:
        with open(path, "rb") as fh:
            _edition.update(pickle.load(fh), path=path)  # noqa: S301 — the build's own file, in its staging folder


def context(report_year: int, lang: str = "zh", data_dir: str | Path | None = None,
            plan_id: str | None = None) -> Context:
    """The page's starting point: the build's dataset and assessment when the build handed them to this kernel
    (:func:`use_edition`) for this data folder and plan, else the data folder loaded and validated here."""
    folder = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    built = _edition.get("dataset")
    if built is not None and Path(built.data_dir).resolve() == folder.resolve() \
            and plan_id in (None, built.plan.id):
        return Context(built, int(report_year), lang, _edition["results"])
    return Context(load_dataset(folder, plan_id), int(report_year), lang)


#: when set (the runner sets it for the summary pages), show() appends a hash of each block it displays to this file
CONTENT_DIGEST_ENV = "JINAN_CONTENT_DIGEST"


def block_digest(block) -> str:
    """A hash of what a block shows: its text, its HTML, or a chart's whole specification (data included). The same
    blocks always render to the same bytes, so equal hashes mean an equal page (edition/probe.py)."""
    if isinstance(block, Markdown):
        part = "M" + block.text
    elif isinstance(block, Html):
        part = "H" + block.html
    elif hasattr(block, "to_dict"):  # an Altair chart
        part = "C" + render.spec_json(block.to_dict())
    else:
        part = "R" + repr(block)
    return hashlib.sha256(part.encode("utf-8")).hexdigest()


def show(blocks: list) -> None:
    """Display blocks in a notebook: Markdown as Markdown, tables as HTML, charts through the offline renderer."""
    from IPython.display import HTML, display
    from IPython.display import Markdown as IPyMarkdown

    # the notebook kernel's own display settings: charts through the offline renderer, any size of data
    render.enable()
    alt.data_transformers.disable_max_rows()
    for block in blocks:
        if isinstance(block, Markdown):
            display(IPyMarkdown(block.text))
        elif isinstance(block, Html):
            display(HTML(block.html))
        elif block is not None:
            display(block)
    record = os.environ.get(CONTENT_DIGEST_ENV)
    if record:
        with open(record, "a", encoding="utf-8") as handle:
            handle.write("".join(block_digest(b) + "\n" for b in blocks if b is not None))


def status_counts(assessment: pd.DataFrame) -> dict[str, int]:
    counts = assessment["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUS_ORDER}
