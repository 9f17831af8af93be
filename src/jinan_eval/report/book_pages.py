"""Markdown pages generated per edition (front page, what changed, data dictionary, methods with its computed
parts and review log) and the site's index of editions.

Each function takes what it shows (the dataset, this edition's assessment, the previous edition's published
assessment) from the caller: nothing here loads or assesses data again.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import yaml

from ..assess.targets import OUTPUT_SPEC
from ..config import PlanConfig
from ..data import Dataset
from ..data.schema import dictionary_frame
from ..vocabulary import OBSERVED
from .messages import Messages
from .tables import download_files
from .text import esc, num

REVIEWS_FILE = "reviews/reviews.yml"
REVIEW_FIELDS = ("reviewer", "date", "section", "comment", "response", "status")


def md_table(frame: pd.DataFrame) -> str:
    """A Markdown pipe table; cells are escaped."""
    head = "| " + " | ".join(esc(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(esc(v).replace("|", "&#124;") for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def edition_title(plan: PlanConfig, year: int, lang: str) -> str:
    return Messages(lang)("page.edition_title", title=plan.text("report_title", lang), year=year)


def index_page(year: int, lang: str, dataset: Dataset, manifest: dict, findings: list[str] | None = None) -> str:
    """An edition's landing page: what it evaluates, its findings with numbers, the downloads; how the edition
    was built goes last, folded."""
    m = Messages(lang)
    plan = dataset.plan
    rows = pd.DataFrame([
        (m("edition_info.report_year"), year),
        (m("edition_info.cutoff"), manifest["data_cutoff"]),
        (m("edition_info.plan"), f"{plan.text('title', lang)}（{plan.document_number}）" if m.zh else
         f"{plan.text('title', lang)} ({plan.document_number})"),
        (m("edition_info.version"), manifest["package_version"]),
        (m("edition_info.commit"), manifest["git_commit"]),
        (m("edition_info.data_hash"), manifest["data_hash"][:16]),
        (m("edition_info.built_at"), manifest["built_at"]),
    ], columns=[m("column.item"), m("column.content")])
    intro = m("edition_info.intro", plan_title=plan.text("title", lang), document=plan.document_number)
    links = " ".join(f'<a href="data/{html.escape(n)}" download>{html.escape(n)}</a>' for n in download_files(plan))
    found = ""
    if findings:
        items = "".join(f"<li>{esc(line)}</li>" for line in findings)
        found = (f'<div class="findings"><p><strong>{esc(m("findings.lead", year=year))}</strong></p>'
                 f'<ul>{items}</ul><p><a href="overview.html">{esc(m("edition_info.to_overview"))}</a></p></div>\n\n')
    about = m("edition_info.about", cutoff=manifest["data_cutoff"])
    return (f"# {esc(edition_title(plan, year, lang))}\n\n{esc(intro)}\n\n{found}"
            f'<p class="downloads"><strong>{m("text.downloads")}{m("colon")}</strong>{links}</p>\n\n'
            f"<details class=\"about-edition\"><summary>{esc(about)}</summary>\n\n{md_table(rows)}\n\n</details>\n")


def changes_page(year: int, lang: str, dataset: Dataset, current: pd.DataFrame, before: pd.DataFrame,
                 published: bool, commitments: pd.DataFrame | None = None) -> str:
    """Statuses that changed since the previous edition and the new data points (generated).

    ``before`` is the previous year's assessment: the published one when ``published``, else recomputed."""
    m = Messages(lang)
    prev = year - 1
    basis = m("text.changes_basis_published" if published else "text.changes_basis_recomputed", prev=prev)
    merged = current.merge(before[["target_id", "status"]], on="target_id", suffixes=("", "_before"))
    changed = merged[merged["status"] != merged["status_before"]]
    labels = dict(zip(dataset.targets["target_id"], dataset.targets["label_zh" if m.zh else "label_en"]))
    year_word = (lambda y: f"{y}年") if m.zh else str
    table = pd.DataFrame({
        m("column.target"): changed["target_id"],
        m("column.label"): changed["target_id"].map(labels),
        year_word(prev): changed["status_before"].map(m.status),
        year_word(year): changed["status"].map(m.status),
    })
    obs = dataset.observations
    new = obs[(obs["year"] == year) & (obs["record_type"] == OBSERVED)]
    lines = [f"# {m('page.changes')}", "", basis, "", m("text.changes_count", n=len(changed))]
    if len(changed):
        lines += ["", md_table(table)]
    if commitments is not None and not commitments.empty:
        now = commitments[commitments["report_year"] == year][["target_id", "level"]]
        then = commitments[commitments["report_year"] == prev][["target_id", "level"]]
        moved = now.merge(then, on="target_id", suffixes=("", "_before"))
        moved = moved[moved["level"] != moved["level_before"]]
        lines += ["", f"## {m('commitments.changed_heading')}", "", m("commitments.changed_count", n=len(moved))]
        if len(moved):
            lines += ["", md_table(pd.DataFrame({
                m("column.target"): moved["target_id"],
                m("column.label"): moved["target_id"].map(labels),
                year_word(prev): moved["level_before"].map(lambda lv: m(f"level.{lv}")),
                year_word(year): moved["level"].map(lambda lv: m(f"level.{lv}")),
            }))]
    region_name = dataset.regions.set_index("region").loc[dataset.plan.region, "name_zh" if m.zh else "name_en"]
    lines += ["", m("text.changes_new", year=year, n=len(new), region=esc(region_name),
                    n_region=int((new["region"] == dataset.plan.region).sum()))]
    if len(new):
        names = dict(zip(dataset.indicators["indicator_key"], dataset.indicators["name_zh" if m.zh else "name_en"]))
        counts = new.groupby("indicator_key").size().rename("n").reset_index()
        counts["indicator_key"] = counts["indicator_key"].map(names)
        counts.columns = [m("column.indicator"), m("column.rows")]
        lines += ["", md_table(counts)]
    return "\n".join(lines) + "\n"


#: Columns the published files add to the data: computed, never typed in.
COMPUTED_COLUMNS = (
    ("sources", "sources.csv", "grade", "str", "A / B / C, from the kind of host the source was read on (hosts.csv)"),
    ("observations", "observations.csv", "grade", "str", "The grade of the figure's source"),
)


def data_dictionary_page(lang: str) -> str:
    """The data dictionary: every input table (from the schema), then the columns the report computes."""
    m = Messages(lang)
    frame = dictionary_frame()
    computed = [{"table": t, "file": f"{f} (download)", "column": c, "type": ty, "required": "computed",
                 "rules": "", "description": d} for t, f, c, ty, d in COMPUTED_COLUMNS]
    computed += [{"table": "assessment", "file": "assessment.csv (download)", "column": name, "type": spec[0],
                  "required": "computed", "rules": "", "description": spec[1]} for name, spec in OUTPUT_SPEC.items()]
    frame = pd.concat([frame, pd.DataFrame(computed)], ignore_index=True)
    return f"# {m('page.data_dictionary')}\n\n{m('text.dictionary_intro')}\n\n{md_table(frame)}\n"


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


def review_block(entries: list[dict], m: Messages) -> str:
    out = []
    for e in entries:
        out.append(
            f'<div class="review-log"><strong>{m("text.review")}</strong> · {esc(e["reviewer"])} · '
            f'{esc(e["date"])} · {esc(e["status"])}<br>{esc(e["comment"])}<br>'
            f'<em>{m("text.response")}{m("colon")}</em>{esc(e["response"])}</div>')
    return "\n".join(out)


def methods_page(lang: str, book_dir: Path, worked: str, sensitivity: str) -> str:
    """book/methods.md with its computed parts filled in and each section's reviews placed after it."""
    m = Messages(lang)
    text = (book_dir / "methods.md").read_text(encoding="utf-8")
    text = text.replace("% WORKED-EXAMPLE", worked)
    text = text.replace("% SENSITIVITY", sensitivity)
    reviews = load_reviews(book_dir)
    out: list[str] = []
    current = None

    def flush():
        if current:
            entries = [e for e in reviews if e["section"] == current]
            if entries:
                out.extend(["", review_block(entries, m), ""])

    for line in text.splitlines():
        if line.startswith("(methods-") and line.endswith(")="):
            flush()
            current = line[1:-2]
        out.append(line)
    flush()
    return "\n".join(out) + "\n"


def worked_example(target: dict, row: dict, lang: str) -> str:
    """The first headline target's assessment, field by field, as the methods chapter's worked example."""
    m = Messages(lang)
    sign = "-" if target["kind"] == "reduction_vs_base" else ""
    frame = pd.DataFrame([
        ("target_id", target["target_id"]), ("report_year", row["report_year"]), ("route", row["route"]),
        ("latest_year", row["latest_year"]), ("achieved_change (%)", num(row["achieved_change"], 2)),
        ("target change (%)", f"{sign}{num(target['target_value'], 1)}"), ("progress", num(row["progress"], 3)),
        ("expected_progress", num(row["expected_progress"], 3)), ("pace_ratio", num(row["pace_ratio"], 3)),
        ("status", row["status"]), ("reason", row["reason"]), ("flags", row["flags"]),
        (m("text.computed_notes"), " ".join([m.reasons(row["reason"]), *m.flags(row["flags"])]).strip()),
    ], columns=[m("column.field"), m("column.value")])
    return md_table(frame)


def sensitivity_table(result: pd.DataFrame, lang: str) -> str:
    m = Messages(lang)
    frame = result.copy()
    frame["scenario"] = frame["scenario"].map(lambda s: m(f"sensitivity.{s}"))
    frame = frame.rename(columns={c: m(f"sensitivity.{c}") for c in ("shift", "on_track_threshold",
                                                                     "behind_threshold", "changed")}
                         | {"scenario": m("column.scenario")} | {s: m.status(s) for s in frame.columns
                                                                 if m.has(f"status.{s}")})
    return md_table(frame.map(lambda v: num(v, 2) if isinstance(v, float) else v))


def how_to_review_page(book_dir: Path) -> str:
    return (book_dir / "how_to_review.md").read_text(encoding="utf-8")


def site_index_html(editions: list[dict], plan: PlanConfig) -> str:
    zh, en = Messages("zh"), Messages("en")
    items = []
    for e in editions:
        label = zh("page.site_index_item", year=e["edition"]) if e["lang"] == "zh" else \
            en("page.site_index_item_en", year=e["edition"])
        meta = (zh if e["lang"] == "zh" else en)("page.site_index_meta", cutoff=e.get("data_cutoff", ""),
                                                 built=e.get("built_at", ""))
        items.append(f'<li><a href="{html.escape(e["path"])}/index.html">{html.escape(label)}</a> '
                     f'<small>{html.escape(meta)}</small></li>')
    empty = f"{zh('page.site_index_empty')} / {en('page.site_index_empty')}"
    body = "\n".join(items) or f"<li>{html.escape(empty)}</li>"
    title_zh, title_en = html.escape(plan.report_title_zh), html.escape(plan.report_title_en)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(zh("page.site_index_title", title=plan.report_title_zh))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.6}}
small{{color:#666}}</style></head>
<body><h1>{title_zh}</h1>
<p>{html.escape(zh("page.site_index_lead"))}<br><span lang="en">{title_en}: {html.escape(en("page.site_index_lead"))}</span></p>
<ul>
{body}
</ul></body></html>
"""
