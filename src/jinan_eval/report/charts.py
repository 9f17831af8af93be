"""One chart vocabulary for the report (Altair): series against the target path, status heatmap, coverage.

Rules every chart follows:
* a point is drawn only where an observation row exists (the path to the target is a line, labelled as such);
* tooltips give value, unit, year and the source's title;
* axis titles carry units; labels come in Chinese (default) or English (``lang="en"``);
* colours of statuses are the same everywhere (:data:`STATUS_COLOURS`, mirrored in book/_static/jinan.css).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from ..vocabulary import STATUS_ORDER
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

#: The region assessed is drawn in blue; benchmarks, in the order the plan lists them, in the other colours.
ASSESSED_COLOUR = "#1f5fa8"
BENCHMARK_COLOURS = ("#e07b39", "#7a7a7a", "#8e6bb8", "#3a9a8f")
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


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


def _base(chart: alt.Chart, title: str, lang: str, height: int = 260) -> alt.Chart:
    """Every chart: as wide as its column at any screen width (``width="container"``), legend under the plot so a
    phone keeps the plot's width, the chart menu in the page's language."""
    return chart.properties(
        title=title, width="container", height=height, usermeta={"embedOptions": embed_options(lang)},
    ).configure(font=FONT, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")).configure_axis(
        labelFontSize=11, titleFontSize=12, labelLimit=180).configure_title(
        fontSize=14, anchor="start", limit=0).configure_legend(orient="bottom", direction="vertical", labelLimit=0)


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
    return frame[["year", "value", "unit", "region", "region_name", "source_title", "source_grade", "qualifier",
                  "measure"]]


def observed_layer(points: pd.DataFrame, y_title: str, lang: str, colours: dict[str, str]) -> alt.Chart:
    """Observed values only: one point per observation row, a line joining a region's points."""
    colour = alt.Color("region_name:N", title=t("region", lang),
                       scale=alt.Scale(domain=list(points["region_name"].unique()),
                                       range=[colours.get(r, "#444") for r in points["region"].unique()]))
    tooltip = [alt.Tooltip("year:O", title=t("year", lang)), alt.Tooltip("value:Q", title=t("value", lang)),
               alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("qualifier:N", title=t("note", lang)),
               alt.Tooltip("region_name:N", title=t("region", lang)),
               alt.Tooltip("source_title:N", title=t("source", lang)),
               alt.Tooltip("source_grade:N", title=t("grade", lang))]
    base = alt.Chart(points).encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title),
        color=colour,
    )
    return base.mark_line(strokeWidth=1.5) + base.mark_point(filled=True, size=60).encode(tooltip=tooltip)


def path_layer(path: pd.DataFrame, lang: str) -> alt.Chart:
    """The path from baseline to target as the method defines it (a dashed line, no points)."""
    return alt.Chart(path).mark_line(strokeDash=[6, 4], color="#555").encode(
        x="year:O", y="value:Q", tooltip=[alt.Tooltip("year:O", title=t("year", lang)),
                                          alt.Tooltip("value:Q", title=t("path", lang), format=".2f")])


def target_layer(year: int, value: float, label: str) -> alt.Chart:
    frame = pd.DataFrame({"year": [year], "value": [value], "label": [label]})
    return alt.Chart(frame).mark_point(shape="diamond", size=160, color="#c0392b", filled=True).encode(
        x="year:O", y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=".2f")])


def target_chart(title: str, points: pd.DataFrame, regions: pd.DataFrame, y_title: str, lang: str,
                 path: pd.DataFrame | None = None, target: tuple[int, float, str] | None = None,
                 description: str = "", colours: dict[str, str] | None = None) -> alt.Chart | None:
    """Observed series (the region assessed and benchmarks) against the path to the target; None when nothing
    is observed."""
    if points.empty:
        return None
    layers = [observed_layer(_points_frame(points, regions, lang), y_title, lang, colours or {})]
    if path is not None and not path.empty:
        layers.insert(0, path_layer(path, lang))
    if target is not None:
        layers.append(target_layer(*target))
    chart = alt.layer(*layers).properties(description=description or title)
    return _base(chart, title, lang)


def yoy_chart(title: str, points: pd.DataFrame, regions: pd.DataFrame, lang: str,
              required_rate: float | None = None, description: str = "") -> alt.Chart | None:
    """Published year-on-year changes as bars, with the annual change the target requires as a rule."""
    if points.empty:
        return None
    frame = _points_frame(points, regions, lang)
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0)),
        xOffset="region_name:N",
        y=alt.Y("value:Q", title=t("yoy", lang)),
        color=alt.Color("region_name:N", title=t("region", lang)),
        tooltip=[alt.Tooltip("year:O", title=t("year", lang)), alt.Tooltip("value:Q", title=t("value", lang)),
                 alt.Tooltip("region_name:N", title=t("region", lang)),
                 alt.Tooltip("source_title:N", title=t("source", lang)),
                 alt.Tooltip("source_grade:N", title=t("grade", lang))],
    )
    layers = [bars]
    if required_rate is not None and pd.notna(required_rate):
        rule = pd.DataFrame({"value": [required_rate], "label": [t("required_rate", lang)]})
        layers.append(alt.Chart(rule).mark_rule(strokeDash=[6, 4], color="#c0392b").encode(
            y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=".2f")]))
    return _base(alt.layer(*layers).properties(description=description or title), title, lang)


def status_heatmap(assessment: pd.DataFrame, labels: dict[str, str], lang: str, title: str) -> alt.Chart:
    """Target × report year, coloured by status."""
    frame = assessment[["target_id", "report_year", "status"]].copy()
    frame["label"] = frame["target_id"].map(labels).fillna("")
    frame["status_label"] = frame["status"].map(lambda s: status_label(s, lang))
    shown = [s for s in STATUS_ORDER if s in set(frame["status"])]
    order = [status_label(s, lang) for s in shown]
    chart = alt.Chart(frame).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("report_year:O", title=t("report_year", lang), axis=alt.Axis(labelAngle=-90)),  # fits a phone
        y=alt.Y("target_id:N", title=t("target_id", lang), sort=list(dict.fromkeys(frame["target_id"]))),
        color=alt.Color("status_label:N", title=t("status", lang),
                        scale=alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in shown])),
        tooltip=[alt.Tooltip("target_id:N", title=t("target_id", lang)), alt.Tooltip("label:N", title=""),
                 alt.Tooltip("report_year:O", title=t("report_year", lang)),
                 alt.Tooltip("status_label:N", title=t("status", lang))],
    ).properties(description=title)
    height = max(200, 13 * frame["target_id"].nunique())
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
    frame = frame.copy()
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
