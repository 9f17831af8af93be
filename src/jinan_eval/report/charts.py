"""One chart vocabulary for the report (Altair): series against the target path, status heatmap, coverage.

Rules every chart follows:
* a point is drawn only where an observation row exists (the path to the target is a line, labelled as such);
* a part-year figure (``period`` other than a full year) is drawn hollow, not joined to the full-year line, and its
  tooltip and legend say it covers part of the year;
* tooltips give value, unit, year and the source's title;
* axis titles carry units; labels come in Chinese (default) or English (``lang="en"``): the catalogue's words and
  the targets' labels, never a code or an internal id;
* colours of statuses are the same everywhere (:data:`STATUS_COLOURS`, mirrored in book/_static/jinan.css);
* no chart draws only "cannot rate" marks (:func:`all_gaps`): the pages say so in a sentence instead.

Every row of a target or base-year mark carries ``layer`` (``"target"``, ``"base"``), so that a test can tell
the marks of the plan from the figures.
"""

from __future__ import annotations

import math
import re
import textwrap

import altair as alt
import pandas as pd

from ..vocabulary import GAP_STATUSES, NO_PUBLIC_EVIDENCE, OVERDUE, PERIOD_PARTIAL, PERIOD_YEAR, STATUS_ORDER
from .messages import Messages

#: Colour-blind-safe (after Okabe & Ito): good outcomes in blues, shortfalls in orange to brown, the two kinds of
#: "cannot rate" in purple and grey, so that no two statuses differ by hue alone in the red-green range.
STATUS_COLOURS = {
    "achieved": "#0b5394",
    "met_early": "#0072b2",
    "on_track": "#56b4e9",
    "behind": "#e69f00",
    "off_track": "#b34700",
    "not_met": "#d55e00",
    "missed": "#7f2704",
    "insufficient_data": "#9e9e9e",
    "not_quantified": "#e0e0e0",
}
#: Implementation levels: one blue ramp from implemented to planned (distinct by lightness), grey for no
#: evidence, orange-brown for overdue.
LEVEL_COLOURS = {
    "implemented": "#0b5394",
    "partly_completed": "#2a6db5",
    "under_way": "#3d85c6",
    "planned": "#9fc5e8",
    "no_public_evidence": "#d9d9d9",
    "overdue_no_evidence": "#b34700",
}

#: Implementation levels that say no citable evidence was found (the gaps of the implementation assessment): a
#: chart of levels all of which are these shows nothing but absence.
GAP_LEVELS = (NO_PUBLIC_EVIDENCE, OVERDUE)

#: The region assessed is drawn in blue; benchmarks, in the order the plan lists them, in the other colours.
ASSESSED_COLOUR = "#1f5fa8"
BENCHMARK_COLOURS = ("#e07b39", "#7a7a7a", "#8e6bb8", "#3a9a8f")
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def all_gaps(codes) -> bool:
    """True when every status or level in ``codes`` is a "cannot rate" one (or there is none): no chart then."""
    codes = list(codes)
    return all(c in GAP_STATUSES or c in GAP_LEVELS for c in codes)


def region_colours(assessed: str, benchmarks: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Colour of each region code: the assessed region first, then each benchmark."""
    colours = {assessed: ASSESSED_COLOUR}
    for code, colour in zip(benchmarks, BENCHMARK_COLOURS):
        colours[code] = colour
    return colours


def t(key: str, lang: str, **kw) -> str:
    """A chart word from the message catalogue (``chart.<key>``)."""
    return Messages(lang)(f"chart.{key}", **kw)


def status_label(status: str, lang: str) -> str:
    return Messages(lang).status(status)


def embed_options(lang: str) -> dict:
    """Vega-Embed options a chart carries in its spec: the chart menu in the page's language."""
    m = Messages(lang)
    return {"i18n": {"SVG_ACTION": m("chart.menu_svg"), "PNG_ACTION": m("chart.menu_png"),
                     "CLICK_TO_VIEW_ACTIONS": m("chart.menu_actions"), "COMPILED_ACTION": "",
                     "EDITOR_ACTION": "", "SOURCE_ACTION": ""}}


def _base(chart: alt.Chart, title: str | list[str], lang: str, height: int = 260) -> alt.Chart:
    """Every chart: as wide as its column at any screen width (``width="container"``), legend under the plot so a
    phone keeps the plot's width, the chart menu in the page's language. Marks ``aria=False``: Vega-Lite gives no mark a
    screen-reader label of its own (English words and the data's field names: "bar", "rank: 1"); the chart's element
    is an image labelled with the chart's description in the page's language (``render.chart_html``), and its
    axes and legend are read in the page's words."""
    return chart.properties(
        title=title, width="container", height=height, usermeta={"embedOptions": embed_options(lang)},
    ).configure(font=FONT, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")).configure_axis(
        labelFontSize=11, titleFontSize=12, labelLimit=180).configure_title(
        fontSize=14, anchor="start", limit=0).configure_mark(aria=False).configure_legend(orient="bottom", direction="vertical", labelLimit=0)


#: characters of a title line that fit a phone's column (390 px screen): Chinese characters are about twice as wide
TITLE_CHARS = {"zh": 22, "en": 42}
_WORD = re.compile(r"[0-9A-Za-z.%]")


def title_lines(text: str, lang: str) -> list[str]:
    """A long title (a target's label) as lines that fit a phone: English broken at spaces, Chinese between any
    two characters but never inside a number or a Latin word."""
    width = TITLE_CHARS.get(lang, 42)
    if lang != "zh":
        return textwrap.wrap(text, width) or [""]
    lines, rest = [], text
    while len(rest) > width:  # lines of even length, never breaking a number or a Latin word
        cut = math.ceil(len(rest) / math.ceil(len(rest) / width))
        while 0 < cut < len(rest) and _WORD.match(rest[cut - 1]) and _WORD.match(rest[cut]):
            cut -= 1
        cut = cut or width
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines + [rest] if rest or not lines else lines


def _one_line(title: str | list[str]) -> str:
    """A title given as lines (so that it fits a phone), as one line for the chart's description."""
    return title if isinstance(title, str) else " · ".join(title)


def _region_names(regions: pd.DataFrame, lang: str) -> dict[str, str]:
    col = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(regions["region"], regions[col]))


def _points_frame(obs: pd.DataFrame, regions: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = _region_names(regions, lang)
    frame = obs.copy()
    frame["region_name"] = frame["region"].map(names).fillna(frame["region"])
    frame["source_title"] = frame.get("source_title", pd.Series("", index=frame.index)).fillna("")
    words = Messages(lang)
    frame["source_grade"] = frame.get("source_grade", pd.Series("", index=frame.index)).fillna("").map(
        lambda g: words(f"grade.{g}") if g == "S" else g)  # a department's unpublished figure says so
    frame["qualifier"] = frame["qualifier"].fillna("")
    frame["unit"] = frame["unit"].map(Messages(lang).unit)
    frame["year"] = frame["year"].astype(int)
    period = frame["period"].fillna(PERIOD_YEAR) if "period" in frame.columns else pd.Series(PERIOD_YEAR,
                                                                                            index=frame.index)
    frame["period"] = period
    frame["period_label"] = period.map(words.period)
    return frame[["year", "value", "unit", "region", "region_name", "source_title", "source_grade", "qualifier",
                  "measure", "period", "period_label"]]


def _partial(frame: pd.DataFrame) -> bool:
    return bool((frame["period"] != PERIOD_YEAR).any())


#: A ring (an SVG path on Vega's unit symbol, the inner circle wound the other way): the hollow point of a part-year
#: figure. Vega-Lite draws no legend for ``fillOpacity``, so hollow and filled are two shapes of the ``shape`` channel.
RING = "M-1,0A1,1,0,1,1,1,0A1,1,0,1,1,-1,0ZM-0.55,0A0.55,0.55,0,1,0,0.55,0A0.55,0.55,0,1,0,-0.55,0Z"


def _period_scale(frame: pd.DataFrame, lang: str, marks: dict[str, object]) -> alt.Scale:
    """The periods the chart shows, full year first, each with its mark."""
    m = Messages(lang)
    shown = [p for p in (PERIOD_YEAR, PERIOD_PARTIAL) if (frame["period"] == p).any()]
    return alt.Scale(domain=[m.period(p) for p in shown], range=[marks[p] for p in shown])


def period_encoding(frame: pd.DataFrame, lang: str, bars: bool = False) -> dict:
    """Filled marks for full-year figures, hollow (a ring) for part-year figures — pale bars for bar charts —
    with a legend saying which is which (only when the chart has a part-year figure)."""
    if not _partial(frame):
        return {}
    if bars:
        return {"opacity": alt.Opacity("period_label:N", title=t("period", lang),
                                       scale=_period_scale(frame, lang, {PERIOD_YEAR: 1.0, PERIOD_PARTIAL: 0.35}))}
    return {"shape": alt.Shape("period_label:N", title=t("period", lang),
                               scale=_period_scale(frame, lang, {PERIOD_YEAR: "circle", PERIOD_PARTIAL: RING}))}


def observed_layer(points: pd.DataFrame, y_title: str, lang: str, colours: dict[str, str]) -> alt.Chart:
    """Observed values only: one point per observation row, a line joining a region's full-year points; a
    part-year figure is a hollow point of its region's colour, outside the line."""
    scale = alt.Scale(domain=list(points["region_name"].unique()),
                      range=[colours.get(r, "#444") for r in points["region"].unique()])
    colour = alt.Color("region_name:N", title=t("region", lang), scale=scale)
    tooltip = [alt.Tooltip("year:O", title=t("year", lang)), alt.Tooltip("value:Q", title=t("value", lang)),
               alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("qualifier:N", title=t("note", lang)),
               alt.Tooltip("region_name:N", title=t("region", lang)),
               alt.Tooltip("source_title:N", title=t("source", lang)),
               alt.Tooltip("source_grade:N", title=t("grade", lang))]
    partial = _partial(points)
    if partial:
        tooltip.insert(1, alt.Tooltip("period_label:N", title=t("period", lang)))
    base = alt.Chart(points).encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0, labelAlign="center")),
        y=alt.Y("value:Q", title=y_title),
        color=colour,
    )
    line = base.mark_line(strokeWidth=1.5)
    if partial:  # a part-year figure is not a step of the yearly series
        line = line.transform_filter(alt.datum.period == PERIOD_YEAR)
    marks = base.mark_point(filled=True, size=60 if not partial else 80).encode(
        tooltip=tooltip, **period_encoding(points, lang))
    return line + marks


def path_layer(path: pd.DataFrame, lang: str) -> alt.Chart:
    """The path from baseline to target as the method defines it (a dashed line, no points)."""
    return alt.Chart(path).mark_line(strokeDash=[6, 4], color="#555").encode(
        x="year:O", y="value:Q", tooltip=[alt.Tooltip("year:O", title=t("year", lang)),
                                          alt.Tooltip("value:Q", title=t("path", lang), format=".2f")])


#: numbers in tooltips of the plan's marks: up to two decimals, no trailing zeros (40, 8, 3.15)
PLAN_FORMAT = ",.2~f"
TARGET_COLOUR = "#c0392b"


def _plan_mark(frame: pd.DataFrame, mark: alt.Chart, name: str, colour: str, lang: str) -> alt.Chart:
    """A mark of the plan (target, base year) with its name written beside it, so that the chart reads without a
    legend; the tooltip gives the plan's words, the year and the value."""
    tooltip = [alt.Tooltip("label:N", title=name)] + (
        [alt.Tooltip("year:O", title=t("year", lang))] if "year" in frame.columns else []) + [
        alt.Tooltip("value:Q", title=t("value", lang), format=PLAN_FORMAT)]
    frame = frame.assign(name=name)
    dated = "year" in frame.columns
    mark = mark.encode(y="value:Q", tooltip=tooltip, **({"x": "year:O"} if dated else {}))
    text = alt.Chart(frame).mark_text(dy=-8, align="center" if dated else "left", baseline="bottom", fontSize=11,
                                      color=colour).encode(y="value:Q", text="name:N",
                                                           x="year:O" if dated else alt.value(4))
    return alt.layer(mark.properties(data=frame), text)


def target_layer(year: int, value: float, label: str, lang: str = "zh") -> alt.Chart:
    """The plan's target: a diamond at the target year and value."""
    frame = pd.DataFrame({"year": [year], "value": [value], "label": [label], "layer": ["target"]})
    return _plan_mark(frame, alt.Chart(frame).mark_point(shape="diamond", size=160, color=TARGET_COLOUR, filled=True),
                      t("target", lang), TARGET_COLOUR, lang)


def target_rule_layer(value: float, label: str, lang: str = "zh", name: str | None = None) -> alt.Chart:
    """A target that holds in every year (e.g. the yearly average a cumulative target implies): a dashed rule,
    named ``name`` (the target by default)."""
    frame = pd.DataFrame({"value": [value], "label": [label], "layer": ["target"]})
    return _plan_mark(frame, alt.Chart(frame).mark_rule(strokeDash=[6, 4], color=TARGET_COLOUR, strokeWidth=1.5),
                      name or t("target", lang), TARGET_COLOUR, lang)


def base_layer(year: int, value: float, label: str, lang: str = "zh") -> alt.Chart:
    """The base-year value the target is measured from, when it is not one of the chart's own points."""
    frame = pd.DataFrame({"year": [year], "value": [value], "label": [label], "layer": ["base"]})
    return _plan_mark(frame, alt.Chart(frame).mark_point(shape="square", size=90, color="#555", filled=True),
                      t("base", lang), "#555", lang)


def target_chart(title: str | list[str], points: pd.DataFrame, regions: pd.DataFrame, y_title: str, lang: str,
                 path: pd.DataFrame | None = None, target: tuple[int, float, str] | None = None,
                 description: str = "", colours: dict[str, str] | None = None,
                 target_rule: tuple[float, str, str] | None = None,
                 base: tuple[int, float, str] | None = None) -> alt.Chart | None:
    """Observed series (the region assessed and benchmarks) against the path to the target, the target (a point
    at its year, or a rule) and the base-year value; None when nothing is observed."""
    if points.empty:
        return None
    layers = []  # the path, base and target first: the observed figures are drawn on top (their tooltips win)
    if path is not None and not path.empty:
        layers.append(path_layer(path, lang))
    if base is not None:
        layers.append(base_layer(*base, lang=lang))
    if target is not None:
        layers.append(target_layer(*target, lang=lang))
    if target_rule is not None:
        value, label, name = target_rule
        layers.append(target_rule_layer(value, label, lang, name))
    layers.append(observed_layer(_points_frame(points, regions, lang), y_title, lang, colours or {}))
    chart = alt.layer(*layers).properties(description=description or _one_line(title))
    return _base(chart, title, lang)


def yoy_chart(title: str | list[str], points: pd.DataFrame, regions: pd.DataFrame, lang: str,
              required_rate: float | None = None, description: str = "", colours: dict[str, str] | None = None,
              required_label: str | None = None) -> alt.Chart | None:
    """Published year-on-year changes as bars (a part-year change hollow), with the annual change the target
    requires as a rule (``required_label`` says which: from now on, or on average from the base year)."""
    if points.empty:
        return None
    frame = _points_frame(points, regions, lang)
    scale = alt.Scale(domain=list(frame["region_name"].unique()),
                      range=[(colours or {}).get(r, "#444") for r in frame["region"].unique()]) if colours else alt.Undefined
    tooltip = [alt.Tooltip("year:O", title=t("year", lang)), alt.Tooltip("value:Q", title=t("value", lang)),
               alt.Tooltip("region_name:N", title=t("region", lang)),
               alt.Tooltip("source_title:N", title=t("source", lang)),
               alt.Tooltip("source_grade:N", title=t("grade", lang))]
    extra = period_encoding(frame, lang, bars=True)
    if extra:
        tooltip.insert(1, alt.Tooltip("period_label:N", title=t("period", lang)))
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0, labelAlign="center")),
        xOffset="region_name:N",
        y=alt.Y("value:Q", title=t("yoy", lang)),
        color=alt.Color("region_name:N", title=t("region", lang), scale=scale),
        tooltip=tooltip, **extra,
    )
    layers = [bars]
    if required_rate is not None and pd.notna(required_rate):
        layers.append(target_rule_layer(float(required_rate), required_label or t("required_rate", lang), lang,
                                        t("required_rate", lang)))
    return _base(alt.layer(*layers).properties(description=description or _one_line(title)), title, lang)


def status_heatmap(assessment: pd.DataFrame, labels: dict[str, str], lang: str, title: str) -> alt.Chart | None:
    """Target × report year, coloured by status, for the targets rated in at least one report year (the others
    would be rows of "cannot rate" only); each row named by the target's label. None when no target is rated."""
    rated = assessment.loc[~assessment["status"].isin(GAP_STATUSES), "target_id"]
    frame = assessment[assessment["target_id"].isin(set(rated))][["target_id", "report_year", "status"]].copy()
    if frame.empty:
        return None
    frame["label"] = frame["target_id"].map(labels).fillna("")
    frame["status_label"] = frame["status"].map(lambda s: status_label(s, lang))
    frame = frame.drop(columns=["target_id"])  # the page names targets by their labels, never by their ids
    shown = [s for s in STATUS_ORDER if s in set(frame["status"])]
    order = [status_label(s, lang) for s in shown]
    chart = alt.Chart(frame).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("report_year:O", title=t("report_year", lang), axis=alt.Axis(labelAngle=-90)),  # fits a phone
        y=alt.Y("label:N", title=t("target_id", lang), sort=list(dict.fromkeys(frame["label"]))),
        color=alt.Color("status_label:N", title=t("status", lang),
                        scale=alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in shown])),
        tooltip=[alt.Tooltip("label:N", title=t("target_id", lang)),
                 alt.Tooltip("report_year:O", title=t("report_year", lang)),
                 alt.Tooltip("status_label:N", title=t("status", lang))],
    ).properties(description=title)
    height = max(120, 28 * frame["label"].nunique())
    return _base(chart, title, lang, height=height)


def coverage_chart(coverage: pd.DataFrame, lang: str, title: str) -> alt.Chart:
    """Indicator × year: how many observation rows exist (of the region assessed), blank where none."""
    chart = alt.Chart(coverage).mark_rect(stroke="white").encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=-90)),  # seven years fit a phone
        y=alt.Y("indicator:N", title=t("indicator", lang), sort=list(dict.fromkeys(coverage["indicator"]))),
        color=alt.Color("rows:Q", title=t("rows", lang), scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("indicator:N", title=t("indicator", lang)), alt.Tooltip("year:O", title=t("year", lang)),
                 alt.Tooltip("rows:Q", title=t("rows", lang))],
    ).properties(description=title)
    return _base(chart, title, lang, height=max(200, 12 * coverage["indicator"].nunique()))


def count_ticks(largest: int, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 past the largest count, at most ``most`` of them (counts have no halves)."""
    step = max(1, math.ceil(largest / (most - 1)))
    return list(range(0, largest + step, step))


def _stacked_by_part(frame: pd.DataFrame, by: str, code: str, order: list[str], colours: dict[str, str],
                     names: dict[str, str], legend: str, axis: str, count_title: str, title: str,
                     lang: str) -> alt.Chart:
    """Horizontal bars, one per part of the plan, stacked by status or level in their fixed order."""
    frame = frame.drop(columns=["section_id"], errors="ignore")  # parts are named, never shown by their ids
    frame["label"] = frame[code].map(names)
    frame["rank"] = frame[code].map(order.index)
    order = [x for x in order if x in set(frame[code])]  # the legend lists what the chart shows
    domain = [names[x] for x in order]
    colour = alt.Color("label:N", title=legend, sort=domain,
                       scale=alt.Scale(domain=domain, range=[colours[x] for x in order]))
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{by}:N", title=axis, sort=list(dict.fromkeys(frame[by]))),
        x=alt.X("count:Q", title=count_title, stack="zero",
                axis=alt.Axis(values=count_ticks(int(frame.groupby(by)["count"].sum().max())), format="d")),
        color=colour, order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip(f"{by}:N", title=axis), alt.Tooltip("label:N", title=legend),
                 alt.Tooltip("count:Q", title=count_title)])
    return _base(chart.properties(description=title), title, lang, height=max(160, 18 * frame[by].nunique()))


def section_status_chart(counts: pd.DataFrame, lang: str, title: str) -> alt.Chart:
    """Quantified targets per part of the plan, stacked by status (``counts``: part, status, count)."""
    m = Messages(lang)
    return _stacked_by_part(counts, "part", "status", list(STATUS_ORDER), STATUS_COLOURS,
                            {s: m.status(s) for s in STATUS_ORDER}, t("status", lang), m("commitments.section"),
                            t("count", lang), title, lang)


def level_counts_chart(counts: pd.DataFrame, lang: str, title: str, by: str | None = None) -> alt.Chart:
    """Commitments per implementation level (``counts``: level, count[, ``by`` — e.g. the part of the plan])."""
    from ..vocabulary import LEVEL_ORDER

    m = Messages(lang)
    names = {x: m(f"level.{x}") for x in LEVEL_ORDER}
    if by:
        return _stacked_by_part(counts, by, "level", list(LEVEL_ORDER), LEVEL_COLOURS, names,
                                m("commitments.column_level"), m("commitments.section"),
                                m("commitments.chart_count"), title, lang)
    frame = counts.copy()
    frame["level_label"] = frame["level"].map(names)
    order = [names[x] for x in LEVEL_ORDER]
    colour = alt.Color("level_label:N", title=m("commitments.column_level"), legend=None,
                       scale=alt.Scale(domain=order, range=[LEVEL_COLOURS[x] for x in LEVEL_ORDER]))
    tooltip = [alt.Tooltip("level_label:N", title=m("commitments.column_level")),
               alt.Tooltip("count:Q", title=m("commitments.chart_count"))]
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("level_label:N", title=m("commitments.column_level"), sort=order),
        x=alt.X("count:Q", title=m("commitments.chart_count"),
                axis=alt.Axis(values=count_ticks(int(frame["count"].max())), format="d")),
        color=colour, tooltip=tooltip)
    return _base(chart.properties(description=title), title, lang, height=140)
