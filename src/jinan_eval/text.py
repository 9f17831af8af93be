"""Numbers → sentences, in Chinese (primary) and English. Every number in the prose passes through here.

Values that come from the data (labels, source titles, notes) are HTML-escaped before they enter Markdown,
so that a title such as ``<script>`` is shown as text, never run.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from .method import STATUS_LABELS

HEADINGS = {
    "zh": {
        "h_overview": "总览", "h_headline": "主要目标", "h_dashboard": "全部目标状态", "h_counts": "按状态统计",
        "h_targets": "目标与进展", "h_tasks": "主要任务（未量化承诺）", "h_gaps": "数据缺口", "h_data": "数据",
        "h_mechanisms": "政策机制", "h_sources": "数据与来源", "h_coverage": "数据覆盖", "h_source_list": "来源清单",
        "h_caveats": "注意事项", "h_downloads": "下载", "h_search_log": "数据检索记录",
    },
    "en": {
        "h_overview": "Overview", "h_headline": "Headline targets", "h_dashboard": "Status of every target",
        "h_counts": "Targets by status", "h_targets": "Targets and progress",
        "h_tasks": "Main tasks (commitments without a number)", "h_gaps": "Data gaps", "h_data": "Data",
        "h_mechanisms": "Policy mechanisms", "h_sources": "Data and sources", "h_coverage": "Data coverage",
        "h_source_list": "Sources", "h_caveats": "Caveats", "h_downloads": "Downloads",
        "h_search_log": "Search log",
    },
}

PAGE_TITLES = {
    "zh": {"overview": "总览", "mechanisms": "政策机制", "data_sources": "数据与来源"},
    "en": {"overview": "Overview", "mechanisms": "Policy mechanisms", "data_sources": "Data and sources"},
}


SEARCH_OUTCOME_LABELS = {
    "found_full": {"zh": "已找到基期与年度数据", "en": "Baseline and full-year figures found"},
    "found_partial_only": {"zh": "仅有部分年度数据", "en": "Only part-year figures"},
    "found_no_baseline": {"zh": "缺2020年基期数", "en": "No 2020 baseline"},
    "found_baseline_only": {"zh": "仅有基期数", "en": "Baseline only"},
    "nothing_found": {"zh": "未找到公开数据", "en": "Nothing published found"},
}


def esc(value: object) -> str:
    """Escape a data value for Markdown/HTML output."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True).replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")


def num(value: float, digits: int = 1) -> str:
    """A number for prose: no trailing zeros, thousands separators off (Chinese style)."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(share: float, digits: int = 0) -> str:
    return "—" if share is None or pd.isna(share) else f"{num(share * 100, digits)}%"


def status_badge(status: str, lang: str) -> str:
    return f'<span class="status status-{status}">{STATUS_LABELS[status][lang]}</span>'


def label(row: pd.Series | dict, lang: str) -> str:
    return esc(row["label_zh"] if lang == "zh" else row["label_en"])


def status_count_sentence(counts: dict[str, int], total: int, lang: str) -> str:
    parts = [f"{STATUS_LABELS[s][lang]} {n}" for s, n in counts.items() if n]
    if lang == "zh":
        return f"共 {total} 项：" + "，".join(parts) + "。"
    return f"{total} in all: " + ", ".join(parts) + "."


def progress_sentence(target: dict, row: dict, unit: str, lang: str) -> str:
    """What the latest data says for one target, in one or two sentences."""
    status = row["status"]
    if status in ("insufficient_data", "unknown") or pd.isna(row.get("latest_year")):
        why = esc(row.get("note") or "")
        return (f"数据不足：截至 {row['report_year']} 年没有可用于评估的济南市数据（{why}）。" if lang == "zh" else
                f"Insufficient data: no usable Jinan figure up to {row['report_year']} ({why}).")
    year = int(row["latest_year"])
    achieved = row.get("achieved_change")
    route = row.get("route") or ""
    kind = target["kind"]
    change = (f"{num(achieved, 1)}%" if kind in ("reduction_vs_base", "increase_vs_base")
              else f"{num(achieved, 2)} {esc(unit)}")
    base = int(target["base_year"]) if not pd.isna(target.get("base_year")) else 2020
    if lang == "zh":
        text = f"最新数据为 {year} 年：较 {base} 年" + ("累计变化" if kind in ("reduction_vs_base", "increase_vs_base")
                                                      else "累计新增" if kind in ("cumulative_addition", "count")
                                                      else "变化") + f" {change}"
        if not pd.isna(row.get("progress")):
            text += f"，完成所需变化的 {pct(row['progress'])}"
        if not pd.isna(row.get("expected_progress")):
            text += f"（按路径此时应完成 {pct(row['expected_progress'])}）"
        text += "。"
        if status == "achieved":
            text += "目标已提前达到。"
        elif not pd.isna(row.get("required_annual_rate")):
            text += f"此后每年需变化 {num(row['required_annual_rate'], 2)}{'%' if kind in ('reduction_vs_base', 'increase_vs_base') else ' ' + esc(unit)} 才能按期完成。"
        text += f"（计算路径：{esc(route)}）"
        return text
    text = f"Latest figure {year}: change since {base} {change}"
    if not pd.isna(row.get("progress")):
        text += f", {pct(row['progress'])} of the required change"
    if not pd.isna(row.get("expected_progress")):
        text += f" (the path expects {pct(row['expected_progress'])} by now)"
    text += "."
    if status == "achieved":
        text += " The target is already met."
    elif not pd.isna(row.get("required_annual_rate")):
        unit_text = "%" if kind in ("reduction_vs_base", "increase_vs_base") else " " + esc(unit)
        text += f" Meeting the target on time needs {num(row['required_annual_rate'], 2)}{unit_text} a year from here."
    text += f" (route: {esc(route)})"
    return text


def target_statement(target: dict, lang: str) -> str:
    """The target as the plan states it, with its qualifier."""
    value = target.get("target_value")
    quant = "" if pd.isna(value) else f"{num(value, 2)} {esc(target.get('unit') or '')}".strip()
    qualifier = esc(target.get("qualifier") or "")
    year = int(target["target_year"]) if not pd.isna(target.get("target_year")) else ""
    if lang == "zh":
        return f"目标：{label(target, lang)}（{year}年{('，' + quant) if quant else ''}{('，' + qualifier) if qualifier else ''}）"
    return f"Target: {label(target, lang)} (by {year}{(', ' + quant) if quant else ''}{(', ' + qualifier) if qualifier else ''})"
