"""What every page of an edition starts from: the dataset, the report year, the language and the assessment,
computed once per notebook (:func:`context`), and the blocks a page section returns (:func:`show`)."""

from __future__ import annotations

import hashlib
import os
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


@dataclass
class Markdown:
    text: str


@dataclass
class Html:
    html: str


@dataclass
class Context:
    dataset: Dataset
    report_year: int
    lang: str

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
        return assess_edition(self.dataset, self.report_year, self.params)

    @cached_property
    def assessment_history(self) -> pd.DataFrame:
        return assess_history(self.dataset, range(self.plan.first_year, self.report_year + 1), self.params)

    @cached_property
    def commitments(self) -> pd.DataFrame:
        """The implementation level of every commitment without a number, with its plan row."""
        levels = commitment_levels(self.dataset, self.report_year)
        return self.dataset.targets.drop(columns=["at_file", "at_line"], errors="ignore").merge(
            levels, on="target_id", how="inner")

    @cached_property
    def previous_commitments(self) -> pd.DataFrame | None:
        """The levels of the edition before this one (None for the first edition)."""
        year = self.report_year - 1
        if year < self.plan.first_year:
            return None
        return commitment_levels(self.dataset, year)

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


def context(report_year: int, lang: str = "zh", data_dir: str | Path | None = None,
            plan_id: str | None = None) -> Context:
    """Load and validate the data of a plan; the page's sections compute from it (no global state is set)."""
    return Context(load_dataset(Path(data_dir) if data_dir else DEFAULT_DATA_DIR, plan_id), int(report_year), lang)


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
