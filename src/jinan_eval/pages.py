"""Markdown pages generated per edition (front page, what changed, data dictionary, methods with its computed
parts and review log) and the site's index of editions."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import yaml

from .assess import assess_targets, status_sensitivity
from .data import Dataset
from .downloads import DOWNLOAD_FILES
from .method import STATUS_LABELS
from .schema import dictionary_frame
from .text import esc, num

REVIEWS_FILE = "reviews/reviews.yml"
REVIEW_FIELDS = ("reviewer", "date", "section", "comment", "response", "status")


def md_table(frame: pd.DataFrame) -> str:
    """A Markdown pipe table; cells are escaped."""
    head = "| " + " | ".join(esc(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(esc(v).replace("|", "&#124;") for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def index_page(edition, dataset: Dataset, manifest: dict) -> str:
    zh = edition.lang == "zh"
    plan = dataset.plan
    rows = pd.DataFrame([
        ("评估年份" if zh else "Report year", edition.year),
        ("数据截至" if zh else "Data cut-off", manifest["data_cutoff"]),
        ("评估对象" if zh else "Plan evaluated", f"{plan['title_zh'] if zh else plan['title_en']}（{plan['document_number']}）"),
        ("软件版本" if zh else "Package version", manifest["package_version"]),
        ("代码版本" if zh else "Git commit", manifest["git_commit"]),
        ("数据指纹" if zh else "Data hash (SHA-256)", manifest["data_hash"][:16]),
        ("构建时间" if zh else "Built at", manifest["built_at"]),
    ], columns=["项目" if zh else "Item", "内容" if zh else "Value"])
    title = (f"济南市“十四五”节能减排评估报告（{edition.year}年度版）" if zh else
             f"Jinan 14th FYP energy-saving and emission-reduction evaluation ({edition.year} edition)")
    intro = ("本报告逐项评估《济南市“十四五”节能减排工作实施方案》（济政字〔2023〕10号）十大重点工程与十项政策机制的进展。"
             "每个数字都可追溯到来源；没有数据之处明确标注“数据不足”。" if zh else
             "This report assesses, target by target, the ten key projects and ten policy mechanisms of Jinan's "
             "14th Five-Year energy-saving and emission-reduction plan. Every number traces to a source; where "
             "data is missing the report says so (insufficient data).")
    links = " ".join(f'<a href="data/{n}" download>{n}</a>' for n in DOWNLOAD_FILES)
    return (f"# {title}\n\n{intro}\n\n{md_table(rows)}\n\n"
            f'<p class="downloads"><strong>{"下载数据" if zh else "Download the data"}:</strong> {links}</p>\n')


def changes_page(edition, dataset: Dataset, previous_dir: Path | None) -> str:
    """Statuses that changed since the previous edition and the new data points (generated)."""
    zh = edition.lang == "zh"
    year, prev = edition.year, edition.year - 1
    current = assess_targets(dataset.targets, dataset.observations, dataset.indicators, year)
    prev_file = previous_dir / "data" / "assessment.csv" if previous_dir else None
    if prev_file is not None and prev_file.exists():
        before = pd.read_csv(prev_file)
        before = before[before["report_year"] == prev]
        basis = (f"与已发布的 {prev} 年度版比较。" if zh else f"Compared with the published {prev} edition.")
    else:
        before = assess_targets(dataset.targets, dataset.observations, dataset.indicators, prev)
        basis = (f"{prev} 年度版未发布于本站，按同一数据重新计算 {prev} 年状态进行比较。" if zh else
                 f"No published {prev} edition in this site: its statuses are recomputed from the same data.")
    merged = current.merge(before[["target_id", "status"]], on="target_id", suffixes=("", "_before"))
    changed = merged[merged["status"] != merged["status_before"]]
    labels = dict(zip(dataset.targets["target_id"], dataset.targets["label_zh" if zh else "label_en"]))
    lang = edition.lang
    table = pd.DataFrame({
        ("目标" if zh else "Target"): changed["target_id"],
        ("内容" if zh else "Label"): changed["target_id"].map(labels),
        (f"{prev}年" if zh else str(prev)): changed["status_before"].map(lambda s: STATUS_LABELS[s][lang]),
        (f"{year}年" if zh else str(year)): changed["status"].map(lambda s: STATUS_LABELS[s][lang]),
    })
    obs = dataset.observations
    new = obs[(obs["year"] == year) & (obs["record_type"] == "observed")]
    title = "与上一版相比的变化" if zh else "What changed since the previous edition"
    lines = [f"# {title}", "", basis, ""]
    lines.append((f"状态发生变化的目标：{len(changed)} 项。" if zh else f"Targets whose status changed: {len(changed)}."))
    if len(changed):
        lines += ["", md_table(table)]
    lines += ["", (f"{year} 年新增数据点：{len(new)} 条（其中济南市 {int((new['region'] == 'jinan').sum())} 条）。" if zh else
                   f"New data points for {year}: {len(new)} (Jinan: {int((new['region'] == 'jinan').sum())}).")]
    if len(new):
        names = dict(zip(dataset.indicators["indicator_key"], dataset.indicators["name_zh" if zh else "name_en"]))
        counts = new.groupby("indicator_key").size().rename("n").reset_index()
        counts["indicator_key"] = counts["indicator_key"].map(names)
        counts.columns = ["指标" if zh else "Indicator", "条数" if zh else "Rows"]
        lines += ["", md_table(counts)]
    return "\n".join(lines) + "\n"


def data_dictionary_page(edition) -> str:
    zh = edition.lang == "zh"
    title = "数据字典" if zh else "Data dictionary"
    intro = ("下表由 `jinan_eval.schema` 生成：它既是数据校验规则，也是本页的内容。" if zh else
             "Generated from `jinan_eval.schema`: the same description validates the data and writes this page.")
    return f"# {title}\n\n{intro}\n\n{md_table(dictionary_frame())}\n"


def load_reviews(book_dir: Path) -> list[dict]:
    path = book_dir / REVIEWS_FILE
    if not path.exists():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for i, entry in enumerate(entries, start=1):
        missing = [f for f in REVIEW_FIELDS if f not in entry]
        if missing:
            raise ValueError(f"{REVIEWS_FILE} entry {i} lacks {', '.join(missing)}")
    return entries


def review_block(entries: list[dict], zh: bool) -> str:
    out = []
    for e in entries:
        out.append(
            f'<div class="review-log"><strong>{"评审意见" if zh else "Review"}</strong> · {esc(e["reviewer"])} · '
            f'{esc(e["date"])} · {esc(e["status"])}<br>{esc(e["comment"])}<br>'
            f'<em>{"回复" if zh else "Response"}:</em> {esc(e["response"])}</div>')
    return "\n".join(out)


def methods_page(edition, dataset: Dataset, book_dir: Path) -> str:
    """book/methods.md with its computed parts filled in and each section's reviews placed after it."""
    zh = edition.lang == "zh"
    text = (book_dir / "methods.md").read_text(encoding="utf-8")
    text = text.replace("% WORKED-EXAMPLE", worked_example(dataset, edition.year, zh))
    text = text.replace("% SENSITIVITY", sensitivity_table(dataset, edition.year, zh))
    reviews = load_reviews(book_dir)
    lines = text.splitlines()
    out: list[str] = []
    current = None

    def flush():
        if current:
            entries = [e for e in reviews if e["section"] == current]
            if entries:
                out.extend(["", review_block(entries, zh), ""])

    for line in lines:
        if line.startswith("(methods-") and line.endswith(")="):
            flush()
            current = line[1:-2]
        out.append(line)
    flush()
    return "\n".join(out) + "\n"


def worked_example(dataset: Dataset, year: int, zh: bool) -> str:
    target = dataset.targets[dataset.targets["indicator_key"] == "energy_intensity"].iloc[0]
    row = assess_targets(dataset.targets, dataset.observations, dataset.indicators, year)
    row = row[row["target_id"] == target["target_id"]].iloc[0]
    frame = pd.DataFrame([
        ("target_id", target["target_id"]), ("report_year", year), ("route", row["route"]),
        ("latest_year", row["latest_year"]), ("achieved_change (%)", num(row["achieved_change"], 2)),
        ("target change (%)", f"-{num(target['target_value'], 1)}"), ("progress", num(row["progress"], 3)),
        ("expected_progress", num(row["expected_progress"], 3)), ("status", row["status"]), ("note", row["note"]),
    ], columns=["字段" if zh else "Field", "值" if zh else "Value"])
    return md_table(frame)


def sensitivity_table(dataset: Dataset, year: int, zh: bool) -> str:
    result = status_sensitivity(dataset.targets, dataset.observations, dataset.indicators, year)
    return md_table(result if isinstance(result, pd.DataFrame) else pd.DataFrame([result]))


def how_to_review_page(book_dir: Path, zh: bool) -> str:
    return (book_dir / "how_to_review.md").read_text(encoding="utf-8")


def markdown_pages(edition, dataset: Dataset, manifest: dict, book_dir: Path, build_dir: Path) -> dict[str, str]:
    from .book import Edition

    previous = Edition(edition.year - 1, edition.lang).site_dir(build_dir)
    return {
        "index.md": index_page(edition, dataset, manifest),
        "changes.md": changes_page(edition, dataset, previous if previous.exists() else None),
        "data_dictionary.md": data_dictionary_page(edition),
        "methods.md": methods_page(edition, dataset, book_dir),
        "how_to_review.md": how_to_review_page(book_dir, edition.lang == "zh"),
    }


def site_index_html(editions: list[dict]) -> str:
    items = []
    for e in editions:
        label = f"{e['edition']}年度版" if e["lang"] == "zh" else f"{e['edition']} edition (English)"
        items.append(f'<li><a href="{html.escape(e["path"])}/index.html">{html.escape(label)}</a> '
                     f'<small>数据截至 data cut-off {html.escape(str(e.get("data_cutoff", "")))} · '
                     f'built {html.escape(str(e.get("built_at", "")))}</small></li>')
    body = "\n".join(items) or "<li>尚未构建任何版本 / no edition built yet</li>"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>济南市“十四五”节能减排评估报告 · 各年度版</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.6}}
small{{color:#666}}</style></head>
<body><h1>济南市“十四五”节能减排评估报告</h1>
<p>Jinan 14th Five-Year energy-saving and emission-reduction evaluation: every edition, newest first.</p>
<ul>
{body}
</ul></body></html>
"""
