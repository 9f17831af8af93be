"""Tables shared by every page: the data behind a chart (one row per figure, with its source) and the
download links."""

from __future__ import annotations

import html
import re

import pandas as pd

from ..config import PlanConfig
from ..data.schema import PREFERRED_NOTE
from ..vocabulary import OBSERVATION_KEY
from .context import Context, Html
from .text import esc, locator_text, num

#: what an edition publishes as data (the evaluation team's search record is not among them: it stays in the
#: repository)
DOWNLOAD_TABLES = ("assessment", "commitments", "evidence", "statements", "targets", "observations", "sources")


def workbook_name(plan: PlanConfig) -> str:
    return f"{plan.id}.xlsx"


#: the data-request workbook an edition publishes (the figures and evidence it still needs, to fill and return)
REQUEST_WORKBOOK = "data-requests.xlsx"


def download_files(plan: PlanConfig) -> tuple[str, ...]:
    """The files each edition publishes in its data/ folder."""
    return tuple(f"{name}.csv" for name in DOWNLOAD_TABLES) + (workbook_name(plan), REQUEST_WORKBOOK)


def downloads_links(ctx: Context) -> Html:
    links = " ".join(f'<a href="data/{html.escape(n)}" download>{html.escape(n)}</a>' for n in download_files(ctx.plan))
    return Html(f'<p class="downloads"><strong>{ctx.m("text.downloads")}{ctx.m("colon")}</strong>{links}</p>')


def html_table(head: list[str], rows: list[str], css: str = "jinan-table") -> str:
    return (f'<table class="{css}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def use_marks(rows: pd.DataFrame) -> pd.Series:
    """'used' / 'not_used' for rows whose figure disagrees with another source's, '' for the rest."""
    preferred = rows["preferred"].fillna(False).astype(bool) if "preferred" in rows else pd.Series(False, rows.index)
    disputed = rows.groupby(list(OBSERVATION_KEY), dropna=False)["value"].transform("nunique") > 1
    marks = pd.Series("", index=rows.index)
    marks[disputed & preferred] = "used"
    marks[disputed & ~preferred] = "not_used"
    return marks


def grade_badge(grade: object, m) -> str:
    """A source's grade, with its definition as the tooltip."""
    if not isinstance(grade, str) or not grade:
        return ""
    return f'<span class="grade grade-{esc(grade)}" title="{esc(m("grade." + grade))}">{esc(m("grade_label." + grade))}</span>'


def _base_year(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def observation_table(rows: pd.DataFrame, ctx: Context, with_indicator: bool = False) -> Html:
    """The data behind a chart: one line per observation, with its base year and its source linked; where sources
    disagree, the row the report uses is marked, with the reason."""
    m = ctx.m
    names = dict(zip(ctx.dataset.regions["region"], ctx.dataset.regions["name_zh" if ctx.lang == "zh" else "name_en"]))
    indicator_names = {r["indicator_key"]: ctx.name(r) for r in ctx.dataset.indicators.to_dict("records")}
    rows = rows.assign(use_mark=use_marks(rows))
    order = (["indicator_key"] if with_indicator else []) + ["region", "year"]
    lines = []
    for rec in rows.sort_values(order).itertuples():
        mark = f"<small>{m('text.' + rec.use_mark)}</small>" if rec.use_mark else ""
        why = ""
        note = str(rec.note) if isinstance(rec.note, str) else ""
        if rec.use_mark == "used" and PREFERRED_NOTE in note and not ctx.zh:
            # the reasons recorded in data/mappings/row_overrides.csv are English: shown in the English edition
            why = "<br><small>" + esc(note.split(PREFERRED_NOTE, 1)[1].strip()) + "</small>"
        url = rec.source_url if isinstance(rec.source_url, str) else rec.source_retrieved_from
        title = esc(rec.source_title)
        source = f'<a href="{esc(url)}" rel="noopener">{title}</a>' if isinstance(url, str) and url else title
        supplied = " · ".join(esc(v) for v in (getattr(rec, "source_doc_number", None),
                                                getattr(rec, "source_supplied_by", None)) if isinstance(v, str) and v)
        if getattr(rec, "source_kind", None) == "department" and supplied:
            source += f"<br><small>{supplied}</small>"
        indicator = f"<td>{esc(indicator_names.get(rec.indicator_key, rec.indicator_key))}</td>" if with_indicator else ""
        basis = getattr(rec, "basis", None)
        measure = esc(m.measure(rec.measure)) + (f"<br><small>{esc(m('basis.' + basis))}</small>"
                                                  if isinstance(basis, str) and basis else "")
        lines.append(
            f"<tr>{indicator}<td>{esc(names.get(rec.region, rec.region))}</td><td>{rec.year}</td>"
            f"<td>{_base_year(rec.base_year)}</td><td>{measure}</td>"
            f"<td>{num(rec.value, 3)}{mark}{why}</td><td>{esc(m.unit(rec.unit))}</td>"
            f"<td>{esc(m.period(rec.period))}</td><td>{source}<br><small>{esc(rec.source_issuer)} · "
            f"{esc(locator_text(rec.source_locator, m.lang))}</small></td><td>{grade_badge(rec.source_grade, m)}</td>"
            "</tr>")
    head = (["indicator"] if with_indicator else []) + ["region", "year", "base_year", "measure", "value", "unit",
                                                          "period", "source", "grade"]
    return Html(html_table([m(f"column.{h}") for h in head], lines))


#: a text cell starting with one of these is read as a formula by Excel, WPS and LibreOffice (OWASP: CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def neutral(value: object) -> object:
    """A text that a spreadsheet would run as a formula, made inert by a leading apostrophe; numbers (and text
    that is a number, such as -3.5) are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(neutral) for c in text}) if text else frame
