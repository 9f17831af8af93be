"""Page content for the report's notebooks: what each page shows, computed from the data.

A notebook calls :func:`context` once (load, validate, assess) and then one function per section, each of
which returns a list of blocks (Markdown text, HTML tables, Altair charts); :func:`show` displays them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import altair as alt
import pandas as pd

from . import charts, gaps, render, text
from .assess import assess_all_years, assess_targets
from .data import DEFAULT_DATA_DIR, Dataset, load_dataset
from .downloads import DOWNLOAD_FILES
from .method import STATUS_ORDER
from .schema import OBSERVATIONS, PREFERRED_NOTE
from .text import esc

QUANTIFIED = ("reduction_vs_base", "increase_vs_base", "at_least", "at_most", "cumulative_addition", "count")
HEADLINE_SECTION = "MAIN"
FIRST_REPORT_YEAR = 2021


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
    def observations(self) -> pd.DataFrame:
        """Observed rows (not other plans' targets) up to the report year, with their sources."""
        obs = self.dataset.observations_with_sources()
        return obs[(obs["year"] <= self.report_year) & (obs["record_type"] == "observed")]

    @cached_property
    def assessment(self) -> pd.DataFrame:
        d = self.dataset
        return assess_targets(d.targets, d.observations, d.indicators, self.report_year)

    @cached_property
    def assessment_history(self) -> pd.DataFrame:
        d = self.dataset
        years = range(FIRST_REPORT_YEAR, self.report_year + 1)
        return assess_all_years(d.targets, d.observations, d.indicators, years)

    @cached_property
    def targets(self) -> pd.DataFrame:
        return self.dataset.targets.merge(self.assessment, on="target_id", how="left")

    def indicator(self, key: str) -> dict:
        rows = self.dataset.indicators[self.dataset.indicators["indicator_key"] == key]
        return rows.iloc[0].to_dict() if len(rows) else {}

    def name(self, row: dict) -> str:
        return row["name_zh"] if self.lang == "zh" else row["name_en"]


def context(report_year: int, lang: str = "zh", data_dir: str | Path | None = None) -> Context:
    render.enable()
    alt.data_transformers.disable_max_rows()
    return Context(load_dataset(Path(data_dir) if data_dir else DEFAULT_DATA_DIR), int(report_year), lang)


def show(blocks: list) -> None:
    """Display blocks in a notebook: Markdown as Markdown, tables as HTML, charts through the offline renderer."""
    from IPython.display import HTML, Markdown as IPyMarkdown, display

    for block in blocks:
        if isinstance(block, Markdown):
            display(IPyMarkdown(block.text))
        elif isinstance(block, Html):
            display(HTML(block.html))
        elif block is not None:
            display(block)


# ---------------------------------------------------------------- shared pieces


def downloads_links(lang: str) -> Html:
    title = "下载数据" if lang == "zh" else "Download the data"
    links = " ".join(f'<a href="data/{n}" download>{n}</a>' for n in DOWNLOAD_FILES)
    return Html(f'<p class="downloads"><strong>{title}：</strong>{links}</p>' if lang == "zh" else
                f'<p class="downloads"><strong>{title}:</strong> {links}</p>')


def status_counts(assessment: pd.DataFrame) -> dict[str, int]:
    counts = assessment["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUS_ORDER}


USE_MARKS = {"used": {"zh": "（采用）", "en": " (used)"}, "not_used": {"zh": "（未采用）", "en": " (not used)"}}


def use_marks(rows: pd.DataFrame) -> pd.Series:
    """'used' / 'not_used' for rows whose figure disagrees with another source's, '' for the rest."""
    preferred = rows["preferred"].fillna(False).astype(bool) if "preferred" in rows else pd.Series(False, rows.index)
    disputed = rows.groupby(list(OBSERVATIONS.key), dropna=False)["value"].transform("nunique") > 1
    marks = pd.Series("", index=rows.index)
    marks[disputed & preferred] = "used"
    marks[disputed & ~preferred] = "not_used"
    return marks


def observation_table(rows: pd.DataFrame, ctx: Context) -> Html:
    """The data behind a chart: one line per observation, with its source linked; where sources disagree,
    the row the report uses is marked, with the reason."""
    names = dict(zip(ctx.dataset.regions["region"],
                     ctx.dataset.regions["name_zh" if ctx.lang == "zh" else "name_en"]))
    rows = rows.assign(use_mark=use_marks(rows))
    lines = []
    for rec in rows.sort_values(["region", "year"]).itertuples():
        mark = f"<small>{USE_MARKS[rec.use_mark][ctx.lang]}</small>" if rec.use_mark else ""
        why = ""
        if rec.use_mark == "used" and PREFERRED_NOTE in str(rec.note):
            why = "<br><small>" + esc(str(rec.note).split(PREFERRED_NOTE, 1)[1].strip()) + "</small>"
        url = rec.source_url if isinstance(rec.source_url, str) else ""
        title = esc(rec.source_title)
        source = f'<a href="{esc(url)}" rel="noopener">{title}</a>' if url else title
        lines.append(
            f"<tr><td>{esc(names.get(rec.region, rec.region))}</td><td>{rec.year}</td>"
            f"<td>{esc(rec.measure)}</td><td>{text.num(rec.value, 3)}{mark}{why}</td><td>{esc(rec.unit)}</td>"
            f"<td>{esc(rec.period)}</td><td>{source}<br><small>{esc(rec.source_locator)}</small></td></tr>")
    head = (["地区", "年份", "口径", "数值", "单位", "期间", "来源"] if ctx.lang == "zh" else
            ["Region", "Year", "Measure", "Value", "Unit", "Period", "Source"])
    return Html('<table class="jinan-table"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) +
                "</tr></thead><tbody>" + "".join(lines) + "</tbody></table>")


def _target_path(target: dict, base_value: float, kind: str) -> pd.DataFrame | None:
    """The method's path from the baseline to the target, in the chart's units."""
    base_year, target_year = int(target["target_year"]) - 5, int(target["target_year"])
    if not pd.isna(target.get("base_year")):
        base_year = int(target["base_year"])
    years = list(range(base_year, target_year + 1))
    span = target_year - base_year
    value = float(target["target_value"])
    if kind in ("reduction_vs_base", "increase_vs_base"):
        goal = 1 - value / 100 if kind == "reduction_vs_base" else 1 + value / 100
        values = [((goal ** ((y - base_year) / span)) - 1) * 100 for y in years]
    elif kind in ("cumulative_addition", "count"):
        values = [value * (y - base_year) / span for y in years]
    elif kind in ("at_least", "at_most") and not pd.isna(base_value):
        values = [base_value + (value - base_value) * (y - base_year) / span for y in years]
    else:
        return None
    return pd.DataFrame({"year": years, "value": values})


def comparable_rows(rows: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows a target chart may draw: none without a Jinan figure; benchmarks only beside Jinan and only for
    percentages (a national total in 万个 on the same axis as a city's would flatten the city's series)."""
    if not (rows["region"] == region).any():
        return rows.iloc[0:0]
    relative = rows["unit"].eq("%") | rows["measure"].isin(("yoy_change_pct", "cumulative_change_pct"))
    return rows[(rows["region"] == region) | relative]


def _jinan_drawn(rows: pd.DataFrame, region: str) -> pd.DataFrame:
    """A chart is drawn only when it has at least one point of the assessed region."""
    return rows if (rows["region"] == region).any() else rows.iloc[0:0]


def target_blocks(target: dict, ctx: Context) -> list:
    """Statement, status, sentence, chart and data for one target."""
    lang = ctx.lang
    ind = ctx.indicator(target.get("indicator_key") or "")
    unit = ind.get("unit", "")
    blocks = [Markdown(f"**{esc(target['target_id'])} · {text.label(target, lang)}** "
                       f"{text.status_badge(target['status'], lang)}\n\n{text.target_statement(target, lang)}\n\n"
                       f"{text.progress_sentence(target, target, unit, lang)}")]
    if not ind:
        return blocks
    obs = ctx.observations[ctx.observations["indicator_key"] == ind["indicator_key"]]
    if obs.empty:
        return blocks
    kind = target["kind"]
    status_word = text.STATUS_LABELS[target["status"]][lang]
    title = f"{target['target_id']} {target['label_zh'] if lang == 'zh' else target['label_en']} · {status_word}"
    base_year = int(target["base_year"]) if not pd.isna(target.get("base_year")) else 2020
    chart = None
    region = ctx.dataset.plan.get("region", "jinan")
    year_rows = comparable_rows(obs[obs["period"] == "year"], region)
    if kind in ("reduction_vs_base", "increase_vs_base"):
        cum = _jinan_drawn(year_rows[(year_rows["measure"] == "cumulative_change_pct")
                                     & (year_rows["base_year"] == base_year)], region)
        if not cum.empty:
            chart = charts.target_chart(title, cum, ctx.dataset.regions,
                                        charts.t("change_vs_base", lang, base=base_year), lang,
                                        _target_path(target, float("nan"), kind),
                                        (int(target["target_year"]),
                                         -float(target["target_value"]) if kind == "reduction_vs_base"
                                         else float(target["target_value"]), charts.t("target", lang)))
        else:
            yoy = _jinan_drawn(year_rows[year_rows["measure"] == "yoy_change_pct"], region)
            chart = charts.yoy_chart(title, yoy, ctx.dataset.regions, lang, target.get("required_annual_rate")) \
                if not yoy.empty else None
    elif kind in ("cumulative_addition", "count"):
        cum = _jinan_drawn(year_rows[(year_rows["measure"] == "cumulative_added")
                                     & (year_rows["base_year"] == base_year)], region)
        chart = charts.target_chart(title, cum, ctx.dataset.regions,
                                    charts.t("added_since", lang, base=base_year, unit=unit), lang,
                                    _target_path(target, float("nan"), kind),
                                    (int(target["target_year"]), float(target["target_value"]), charts.t("target", lang)))
    else:
        levels = _jinan_drawn(year_rows[(year_rows["measure"] == "level") & (year_rows["unit"] == unit)], region)
        base_value = target.get("base_value")
        chart = charts.target_chart(title, levels, ctx.dataset.regions, f"{ctx.name(ind)}（{unit}）", lang,
                                    _target_path(target, base_value if base_value is not None else float("nan"), kind),
                                    (int(target["target_year"]), float(target["target_value"]), charts.t("target", lang))
                                    if not pd.isna(target.get("target_value")) else None)
    if chart is not None:
        blocks.append(chart)
    elif not obs.empty:
        blocks.append(Markdown("（仅有对比地区或非全年数据，不绘制济南图表。）" if lang == "zh" else
                               "(Only benchmark or part-year figures: no Jinan chart is drawn.)"))
    blocks.append(Html("<details><summary>" + ("数据明细" if lang == "zh" else "The data behind it") +
                       "</summary>" + observation_table(obs, ctx).html + "</details>"))
    return blocks


# ---------------------------------------------------------------- pages


def overview_headline(ctx: Context) -> list:
    targets = ctx.targets[ctx.targets["section_id"] == HEADLINE_SECTION]
    blocks = []
    for target in targets[targets["kind"].isin(QUANTIFIED)].to_dict("records"):
        blocks += target_blocks(target, ctx)
    return blocks


def overview_dashboard(ctx: Context) -> list:
    lang = ctx.lang
    quantified = ctx.dataset.targets[ctx.dataset.targets["kind"].isin(QUANTIFIED + ("milestone",))]
    history = ctx.assessment_history[ctx.assessment_history["target_id"].isin(quantified["target_id"])]
    labels = dict(zip(quantified["target_id"], quantified["label_zh" if lang == "zh" else "label_en"]))
    title = ("各目标状态（按评估年份）" if lang == "zh" else "Status of each target by report year")
    return [charts.status_heatmap(history, labels, lang, title)]


def overview_counts(ctx: Context) -> list:
    lang = ctx.lang
    counts = status_counts(ctx.assessment)
    total = len(ctx.assessment)
    frame = pd.DataFrame({"status": list(counts), "count": list(counts.values())})
    title = f"{ctx.report_year}年各状态目标数" if lang == "zh" else f"Targets by status, {ctx.report_year}"
    return [Markdown(text.status_count_sentence(counts, total, lang)),
            charts.status_counts_chart(frame[frame["count"] > 0], lang, title), downloads_links(lang)]


def project_intro(ctx: Context, section_id: str) -> list:
    lang = ctx.lang
    sec = ctx.dataset.sections.set_index("section_id").loc[section_id]
    rows = ctx.targets[ctx.targets["section_id"] == section_id]
    leads = sec["lead_departments_zh"] if lang == "zh" else sec["lead_departments_en"]
    counts = status_counts(rows)
    lead_word = "牵头单位" if lang == "zh" else "Lead departments"
    return [Markdown(f"**{lead_word}：** {esc(leads)}\n\n" + text.status_count_sentence(counts, len(rows), lang)),
            downloads_links(lang)]


def project_targets(ctx: Context, section_id: str) -> list:
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) &
                       ctx.targets["kind"].isin(QUANTIFIED + ("milestone",))]
    blocks = []
    for target in rows.to_dict("records"):
        blocks += target_blocks(target, ctx)
    if not blocks:
        blocks.append(Markdown("本部分没有量化目标。" if ctx.lang == "zh" else "This section has no quantified target."))
    return blocks


def project_tasks(ctx: Context, section_id: str) -> list:
    lang = ctx.lang
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) &
                       ctx.targets["kind"].isin(("provincial_task", "qualitative"))]
    if rows.empty:
        return [Markdown("无。" if lang == "zh" else "None.")]
    kind_word = {"provincial_task": "省下达任务" if lang == "zh" else "provincial task",
                 "qualitative": "定性任务" if lang == "zh" else "qualitative"}
    lines = [f"- {text.label(r, lang)}（{kind_word[r['kind']]}）" if lang == "zh" else
             f"- {text.label(r, lang)} ({kind_word[r['kind']]})" for r in rows.to_dict("records")]
    return [Markdown("\n".join(lines))]


def project_gaps(ctx: Context, section_id: str) -> list:
    lang = ctx.lang
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) &
                       ctx.targets["status"].isin(("insufficient_data", "unknown"))]
    if rows.empty:
        return [Markdown("本部分所有量化目标均有可用数据。" if lang == "zh" else
                         "Every quantified target of this section has usable data.")]
    searched = gaps.latest_search(ctx.dataset.search_log).set_index("target_id")
    lines = []
    for r in rows.to_dict("records"):
        line = f"- {esc(r['target_id'])} {text.label(r, lang)}：{esc(r['note'])}"
        if r["target_id"] in searched.index:
            reason = searched.loc[r["target_id"], "reason_zh" if lang == "zh" else "reason_en"]
            link = f"data_sources.html#{search_anchor(r['target_id'])}"
            line += (f"。检索（{esc(searched.loc[r['target_id'], 'searched_on'])}）：{esc(reason)} [检索记录]({link})"
                     if lang == "zh" else
                     f". Searched {esc(searched.loc[r['target_id'], 'searched_on'])}: {esc(reason)} [search log]({link})")
        lines.append(line)
    lead = ("以下目标截至本年度缺少可用数据（数据不足）：" if lang == "zh" else
            "These targets lack usable data up to this report year (insufficient data):")
    return [Markdown(lead + "\n\n" + "\n".join(lines))]


def mechanism_blocks(ctx: Context) -> list:
    """Each policy mechanism: commitments, then the evidence collected (series as charts, facts as a table)."""
    lang = ctx.lang
    blocks = []
    sections = ctx.dataset.sections[ctx.dataset.sections["kind"] == "policy_mechanism"]
    for sec in sections.to_dict("records"):
        title = sec["title_zh"] if lang == "zh" else sec["title_en"]
        blocks.append(Markdown(f"**{esc(sec['number_zh'])} {esc(title)}**"))
        blocks += project_tasks(ctx, sec["section_id"])
        keys = ctx.dataset.indicators.loc[ctx.dataset.indicators["section_id"] == sec["section_id"], "indicator_key"]
        evidence = ctx.observations[ctx.observations["indicator_key"].isin(keys)]
        if evidence.empty:
            blocks.append(Markdown("**未找到证据**：收集的数据中没有该机制的数值证据。" if lang == "zh" else
                                   "**No evidence found**: the collected data holds no figure for this mechanism."))
            continue
        for key, rows in evidence.groupby("indicator_key", sort=False):
            ind = ctx.indicator(key)
            levels = rows[(rows["measure"] == "level") & (rows["period"] == "year")]
            if levels["year"].nunique() >= 2 and levels["unit"].nunique() == 1:
                name = ctx.name(ind)
                blocks.append(charts.target_chart(name, levels, ctx.dataset.regions,
                                                  f"{name}（{levels['unit'].iloc[0]}）", lang))
        blocks.append(Html("<details><summary>" + ("证据明细" if lang == "zh" else "Evidence") + f"（{len(evidence)}）"
                           "</summary>" + evidence_table(evidence, ctx).html + "</details>"))
    return blocks


def evidence_table(rows: pd.DataFrame, ctx: Context) -> Html:
    names = {r["indicator_key"]: ctx.name(r) for r in ctx.dataset.indicators.to_dict("records")}
    frame = rows.assign(indicator=rows["indicator_key"].map(names))
    table = observation_table(frame, ctx).html
    return Html(table)


def coverage_blocks(ctx: Context) -> list:
    lang = ctx.lang
    obs = ctx.observations[ctx.observations["region"] == "jinan"]
    target_keys = ctx.dataset.targets["indicator_key"].dropna().unique()
    names = {r["indicator_key"]: f"{r['indicator_key']}" for r in ctx.dataset.indicators.to_dict("records")}
    rows = []
    for key in target_keys:
        for year in range(2019, ctx.report_year + 1):
            n = int(((obs["indicator_key"] == key) & (obs["year"] == year)).sum())
            rows.append({"indicator": names.get(key, key), "year": year, "rows": n})
    coverage = pd.DataFrame(rows)
    with_data = coverage.groupby("indicator")["rows"].sum()
    title = ("目标指标的济南数据覆盖（条数）" if lang == "zh" else "Jinan data for target indicators (rows)")
    sentence = (f"{len(target_keys)} 个目标指标中，{int((with_data > 0).sum())} 个有济南市数据，"
                f"{int((with_data == 0).sum())} 个没有任何数据。" if lang == "zh" else
                f"Of {len(target_keys)} target indicators, {int((with_data > 0).sum())} have Jinan data and "
                f"{int((with_data == 0).sum())} have none.")
    return [Markdown(sentence), charts.coverage_chart(coverage, lang, title)]


def source_blocks(ctx: Context) -> list:
    used = ctx.dataset.sources[ctx.dataset.sources["source_id"].isin(ctx.observations["source_id"])]
    lines = []
    for rec in used.sort_values(["date", "title"], na_position="last").itertuples():
        title = esc(rec.title)
        link = f'<a href="{esc(rec.url)}" rel="noopener">{title}</a>' if isinstance(rec.url, str) else title
        lines.append(f"<tr><td>{esc(rec.source_id)}</td><td>{link}</td><td>{esc(rec.publisher)}</td>"
                     f"<td>{esc(rec.date)}</td><td>{esc(rec.locator)}</td></tr>")
    head = ["ID", "标题", "发布者", "日期", "位置"] if ctx.lang == "zh" else ["ID", "Title", "Publisher", "Date", "Locator"]
    count = (f"本版使用 {len(used)} 个来源。" if ctx.lang == "zh" else f"This edition uses {len(used)} sources.")
    return [Markdown(count), Html('<table class="jinan-table"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) +
                                  "</tr></thead><tbody>" + "".join(lines) + "</tbody></table>"), downloads_links(ctx.lang)]


def search_anchor(target_id: str) -> str:
    """HTML id of a target's row in the search-log table (linked from each project's gap list)."""
    return "log-" + target_id.lower()


def search_round_details(rounds: pd.DataFrame, lang: str) -> str:
    """Folded record of every search of one target, oldest first: when, outcome, where, queries, closest lead.

    The newest round's reason is shown in the table cell; earlier rounds keep their own reason here.
    """
    zh = lang == "zh"
    items = []
    last = len(rounds) - 1
    for i, rnd in enumerate(rounds.to_dict("records")):
        url = rnd["closest_url"] if isinstance(rnd["closest_url"], str) else ""
        lead = (f'<br>{"最接近的线索" if zh else "Closest lead"}：<a href="{esc(url)}" rel="noopener">{esc(url)}</a>'
                if url else "")
        reason = (f'<br>{"当时结论" if zh else "Finding then"}：{esc(rnd["reason_zh" if zh else "reason_en"])}'
                  if i < last else "")
        items.append(f'<li><b>{esc(rnd["searched_on"])}</b>（{text.SEARCH_OUTCOME_LABELS[rnd["outcome"]][lang]}）<br>'
                     f'{"检索范围" if zh else "Where"}：{esc(rnd["where_searched"])}<br>'
                     f'{"关键词" if zh else "Queries"}：<small>{esc(rnd["queries"])}</small>{lead}{reason}</li>')
    rounds_word = (f"检索记录（{len(rounds)} 轮）" if zh else
                   f"The search ({len(rounds)} round{'s' if len(rounds) > 1 else ''})")
    return f'<details><summary>{rounds_word}</summary><ol class="search-rounds">{"".join(items)}</ol></details>'


def search_log_row(rec: dict, rounds: pd.DataFrame, lang: str) -> str:
    """One gap: target and status, latest outcome, its reason, and (folded) every search round."""
    zh = lang == "zh"
    target = (f'<td>{esc(rec["target_id"])} {text.label(rec, lang)}<br>{text.status_badge(rec["status"], lang)}</td>')
    if not isinstance(rec["searched_on"], str):
        return f'<tr id="{search_anchor(rec["target_id"])}">{target}<td>—</td><td></td></tr>'
    return (f'<tr id="{search_anchor(rec["target_id"])}">{target}'
            f'<td>{text.SEARCH_OUTCOME_LABELS[rec["outcome"]][lang]}</td>'
            f'<td>{esc(rec["reason_zh" if zh else "reason_en"])}{search_round_details(rounds, lang)}</td></tr>')


def search_log_blocks(ctx: Context) -> list:
    """The targets this edition cannot rate, each with the record of how its data was searched for."""
    zh = ctx.lang == "zh"
    found = gaps.data_gaps(ctx.targets, ctx.dataset.search_log)
    if found.empty:
        return [Markdown("本版所有量化目标和里程碑均有可用数据。" if zh else
                         "Every quantified target and milestone has usable data in this edition.")]
    missing = gaps.unlogged(found)
    lead = (f"本版有 {len(found)} 个量化目标或里程碑因数据不足无法评价。下表逐项列出检索了什么、在哪里检索、何时检索，"
            "以及为何没有找到可用数据——缺口反映的是数据公开情况，而非检索不足。展开“检索记录”可查看每一轮检索的范围和关键词。" if zh else
            f"{len(found)} quantified targets or milestones cannot be rated in this edition for lack of data. "
            "The table lists, for each, what was searched, where and when, and why nothing usable was found: "
            "the gap is a fact about what is published, not about effort. Open “The search” for where and what, round by round.")
    blocks = [Markdown(lead)]
    if missing:
        blocks.append(Markdown((f"**尚无检索记录**：{esc('、'.join(missing))}。" if zh else
                                f"**Not yet searched for**: {esc(', '.join(missing))}.")))
    outcomes = found["outcome"].dropna().value_counts()
    blocks.append(Markdown(("按检索结果：" if zh else "By outcome: ") + ("，" if zh else ", ").join(
        f"{text.SEARCH_OUTCOME_LABELS[o][ctx.lang]} {int(outcomes[o])}" for o in text.SEARCH_OUTCOME_LABELS
        if o in outcomes) + ("。" if zh else ".")))
    head = ["目标", "检索结果", "原因与检索记录"] if zh else ["Target", "Outcome", "Why, and the search"]
    log = ctx.dataset.search_log
    lines = [search_log_row(rec, gaps.search_rounds(log, rec["target_id"]), ctx.lang)
             for rec in found.to_dict("records")]
    blocks.append(Html('<table class="jinan-table search-log"><thead><tr>' +
                       "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>" + "".join(lines) +
                       "</tbody></table>"))
    return blocks


def caveat_blocks(ctx: Context) -> list:
    zh = ctx.lang == "zh"
    partial = ctx.observations[ctx.observations["period"] == "partial"]
    items = [
        (f"部分年度数据：{len(partial)} 条数据只覆盖一年中的一部分（如1–9月），不作为年度值参与评估。" if zh else
         f"Partial-year figures: {len(partial)} rows cover part of a year (e.g. Jan–Sep) and are not used as annual values."),
        ("初步数与修订：统计公报数据为初步数，后续年鉴可能修订；本报告按来源原文记录。" if zh else
         "Preliminary figures and revisions: bulletin figures are preliminary and may be revised; recorded as published."),
        ("2019年莱芜市并入济南市，2019年前后数据口径不同。" if zh else
         "Laiwu merged into Jinan in 2019: figures before and after are not comparable."),
        ("能耗强度变化按可比价计算，GDP总量为现价。" if zh else
         "Energy-intensity changes are at constant prices; GDP levels are at current prices."),
    ]
    return [Markdown("\n".join(f"- {i}" for i in items))]
