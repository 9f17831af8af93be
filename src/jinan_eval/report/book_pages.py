"""Markdown pages generated per edition (front page, what changed, data dictionary, methods with its computed
parts and review log) and the site's index of editions.

Each function takes what it shows (the dataset, this edition's assessment, the previous edition's published
assessment) from the caller: nothing here loads or assesses data again.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import cache, partial
from pathlib import Path

import pandas as pd
import yaml

from ..assess.method import MethodParams
from ..assess.targets import OUTPUT_SPEC
from ..config import YEARS_AFTER_TARGET, YEARS_BEFORE_BASE, PlanConfig
from ..data import Dataset
from ..data.schema import TABLES, UNPUBLISHED_TABLES, field_rules
from ..vocabulary import (
    COMMITMENT_KINDS,
    MILESTONE_KIND,
    OBSERVED,
    PROVINCIAL_TASK,
    QUALITATIVE,
    RATED_KINDS,
    RELATIVE_KINDS,
    SECTION_MAIN,
)
from .messages import Messages
from .overview import MIN_PART_SIZE
from .reviews import comment_slot, entries_for, review_block, thread_uri
from .tables import download_files
from .text import commitment_ref, esc, num, reader_date


def md_table(frame: pd.DataFrame) -> str:
    """A Markdown pipe table; cells are escaped."""
    return _cells_table(list(frame.columns), [tuple(esc(v).replace("|", "&#124;") for v in row)
                                              for row in frame.itertuples(index=False)])


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
        (m("edition_info.plan"), plan.text("title", lang) + m.paren(plan.document_number)),
        (m("edition_info.version"), manifest["package_version"]),
        (m("edition_info.commit"), manifest["git_commit"]),
        (m("edition_info.data_hash"), manifest["data_hash"][:16]),
        (m("edition_info.built_at"), reader_date(m, str(manifest["built_at"]))),
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
    ref = partial(commitment_ref, sections=dataset.sections, lang=lang)
    table = pd.DataFrame({
        m("column.target"): changed["target_id"].map(ref),
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
                m("column.target"): moved["target_id"].map(ref),
                m("column.label"): moved["target_id"].map(labels),
                year_word(prev): moved["level_before"].map(lambda lv: m(f"level.{lv}")),
                year_word(year): moved["level"].map(lambda lv: m(f"level.{lv}")),
            }))]
    region_name = dataset.regions.set_index("region").loc[dataset.plan.region, "name_zh" if m.zh else "name_en"]
    lines += ["", m("text.changes_new", year=year, n=len(new), region=esc(region_name),
                    n_region=int((new["region"] == dataset.plan.region).sum()))]
    if len(new):  # one row per indicator, with its figures: region, measure, value and unit
        names = dict(zip(dataset.indicators["indicator_key"], dataset.indicators["name_zh" if m.zh else "name_en"]))
        regions = dict(zip(dataset.regions["region"], dataset.regions["name_zh" if m.zh else "name_en"]))
        rows = []
        for key, group in new.groupby("indicator_key", sort=False):
            # (a measure whose words name its unit, 比上年增减（%）, is not given the unit twice)
            figures = [f"{regions.get(r.region, r.region)}{m('colon')}"
                       f"{m.amount(num(r.value, 3), '' if m.unit(r.unit) in m.measure(r.measure) else r.unit)}"
                       + m.paren(m("detail_sep").join([m.measure(r.measure)]
                                                      + ([m.period(r.period)] if r.period != "year" else [])))
                       for r in group.itertuples()]  # a part-year figure says so
            rows.append({m("column.indicator"): names.get(key, key), m("column.value"): m("list_sep").join(figures)})
        lines += ["", md_table(pd.DataFrame(rows))]
    return "\n".join(lines) + "\n"


#: Columns the published files add to the data: computed, never typed in.
COMPUTED_COLUMNS = (
    ("sources", "sources.csv", "grade", "str", "S / A / B / C, by rule from the source's kind and who runs the site it "
     "was read on (hosts.csv; methods chapter)"),
    ("observations", "observations.csv", "grade", "str", "The grade of the figure's source"),
)
#: the data dictionary's Chinese words (each table's and each column's); the English ones are the schema's
DICTIONARY_ZH = Path(__file__).resolve().parent / "messages" / "dictionary.zh.yml"
COMPUTED_MARK = "__computed"


@cache
def dictionary_words(lang: str) -> dict[str, dict[str, str]]:
    """table → {``_table``: the table's description, column: the column's} in ``lang``; a column the report
    computes is ``<column>__computed`` (every column of ``assessment``)."""
    if lang == "zh":
        return yaml.safe_load(DICTIONARY_ZH.read_text(encoding="utf-8"))
    words: dict[str, dict[str, str]] = {name: {"_table": t.description, **{f.name: f.description for f in t.fields}}
                                         for name, t in TABLES.items() if name not in UNPUBLISHED_TABLES}
    for table, _, column, _, text in COMPUTED_COLUMNS:
        words[table][column + COMPUTED_MARK] = text
    words["assessment"] = {name: spec[1] for name, spec in OUTPUT_SPEC.items()}
    return words


def _with_code(text: str) -> str:
    """A description for a Markdown table cell: escaped, its `code` spans as code."""
    parts = text.split("`")
    return "".join(f"<code>{html.escape(p)}</code>".replace("|", "&#124;") if i % 2 else esc(p).replace("|", "&#124;")
                   for i, p in enumerate(parts))


def _cells_table(head: list[str], rows: list[tuple[str, ...]]) -> str:
    """A Markdown pipe table of cells already written as markup (escaped, with their <code>)."""
    lines = ["| " + " | ".join(esc(h) for h in head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _code(value: object) -> str:
    """A name or value of the data, as code in a table cell."""
    return f"<code>{html.escape(str(value))}</code>".replace("|", "&#124;")


def _dictionary_table(m: Messages, rows: list[tuple[str, ...]], head: tuple[str, ...]) -> str:
    return _cells_table([m(f"dictionary.head.{h}") for h in head], rows)


def data_dictionary_page(lang: str, plan: PlanConfig | None = None) -> str:
    """The data dictionary in the page's language: every published input table (from the schema: its file, then
    each column's type, whether it must be present, its rules and what it holds), then the columns the report
    computes. Names of files, columns and coded values are the data's own and stay as written."""
    m = Messages(lang)
    words = dictionary_words(lang)
    head = ("column", "type", "required", "rules", "description")
    out = [f"# {m('page.data_dictionary')}", m("text.dictionary_intro")]
    for name, t in ((n, t) for n, t in TABLES.items() if n not in UNPUBLISHED_TABLES):
        path = (f"{plan.folder}/{t.path}" if plan is not None else f"plans/<plan-id>/{t.path}") if t.in_plan else t.path
        rows = []
        for f in t.fields:
            rules = m("dictionary.rule_sep").join(
                _with_code(m(f"dictionary.rule.{code}", value=f"`{value}`" if value else "",
                             before=YEARS_BEFORE_BASE, after=YEARS_AFTER_TARGET))
                for code, value in field_rules(f, plan))
            rows.append((f"<code>{f.name}</code>", m(f"dictionary.type.{f.dtype}"),
                         m("dictionary.required_yes" if f.required else "dictionary.required_no"), rules,
                         _with_code(words[name][f.name])))
        out += [f"## <code>{html.escape(path)}</code>", _with_code(words[name]["_table"]),
                _dictionary_table(m, rows, head)]
    computed = [(f"<code>{html.escape(file)}</code>", f"<code>{column}</code>", m(f"dictionary.type.{dtype}"),
                 _with_code(words[table][column + COMPUTED_MARK])) for table, file, column, dtype, _ in COMPUTED_COLUMNS]
    computed += [("<code>assessment.csv</code>", f"<code>{name}</code>", m(f"dictionary.type.{spec[0]}"),
                  _with_code(words["assessment"][name])) for name, spec in OUTPUT_SPEC.items()]
    out += [f"## {m('dictionary.computed_heading')}", m("dictionary.computed_intro"),
            _dictionary_table(m, computed, ("file", "column", "type", "description"))]
    return "\n\n".join(out) + "\n"


#: ``{{ name }}`` in a methods template: a plan fact or a method parameter (see :func:`methods_values`)
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class Raw(str):
    """A template value inserted as written: Markdown or TeX built here from codes and numbers, never from text."""


def fill_template(text: str, values: dict[str, object]) -> str:
    """Replace every ``{{ name }}`` of ``text`` by its value. A name without a value, a stray ``{{`` and a value that
    is neither text, an integer nor :class:`Raw` (a float would print its noise) are errors; text is escaped."""
    stray = PLACEHOLDER.sub("", text)
    if "{{" in stray:
        line = stray[:stray.index("{{")].count("\n") + 1
        raise ValueError(f"malformed placeholder near line {line}: expected '{{{{ name }}}}'")

    def sub(match: re.Match) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"template placeholder '{{{{ {key} }}}}' has no value")
        value = values[key]
        if isinstance(value, Raw):
            return str(value)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError(f"template placeholder '{{{{ {key} }}}}': format {value!r} as text first")
        return esc(value)

    return PLACEHOLDER.sub(sub, text)


def decimal(value: float, least: int = 2) -> str:
    """A parameter as a reader expects it: at least ``least`` decimals (0.50), more only when it has them (0.925),
    no float noise."""
    text = num(value, 6).replace(",", "")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(least, '0')}"


def headline_target(dataset: Dataset) -> dict:
    """The plan's first percentage target among its main targets (else its first percentage target anywhere): the
    methods chapter's formulas are worked through on it."""
    targets = dataset.targets[dataset.targets["kind"].isin(RELATIVE_KINDS)]
    main = dataset.sections.loc[dataset.sections["kind"] == SECTION_MAIN, "section_id"]
    first = targets[targets["section_id"].isin(main)]
    chosen = first if len(first) else targets
    if chosen.empty:
        raise ValueError(f"{dataset.plan.id}: the methods chapter needs a percentage target (a kind of "
                         f"{', '.join(RELATIVE_KINDS)}) to work its formulas through; the plan has none")
    return chosen.iloc[0].to_dict()


def _headline_values(dataset: Dataset, m: Messages) -> dict[str, object]:
    """The headline target and the numbers the chapter works out on it (its goal ratio, the two paths after a few
    years, an illustrative change of about two thirds of the target)."""
    target = headline_target(dataset)
    plan = dataset.plan
    t = float(target["target_value"])
    reduction = target["kind"] == "reduction_vs_base"
    base = int(target["base_year"]) if not pd.isna(target["base_year"]) else plan.base_year
    year = int(target["target_year"]) if not pd.isna(target["target_year"]) else plan.target_year
    period = year - base
    share = t / 100
    goal = 1 - share if reduction else 1 + share
    elapsed = max(1, min(3, period - 1))  # a few years in, before the target year
    compound = (goal ** (elapsed / period) - 1) / (goal - 1)
    linear = elapsed / period
    example = round(t * 2 / 3) if t >= 3 else round(t * 2 / 3, 2)  # an illustrative change achieved
    c = 1 - example / 100 if reduction else 1 + example / 100
    progress = example / t
    cagr_ratio = (c ** (1 / elapsed) - 1) / (goal ** (1 / period) - 1)
    g, power = num(goal, 6), f"^{{(L - {base})/{period}}}"
    names = dict(zip(dataset.indicators["indicator_key"], dataset.indicators["name_zh" if m.zh else "name_en"]))
    return {
        "headline_label": str(target["label_zh" if m.zh else "label_en"]),
        "headline_indicator": str(names.get(target["indicator_key"], target["label_zh" if m.zh else "label_en"])),
        "headline_t": num(t, 6), "headline_share": num(share, 6), "headline_goal": g,
        "headline_goal_expr": Raw(f"1 {'-' if reduction else '+'} {num(share, 6)} = {g}"),
        "headline_base_year": base, "headline_target_year": year, "headline_period": period,
        "headline_progress_numerator": Raw("1 - c" if reduction else "c - 1"),
        "headline_expected_numerator": Raw(f"1 - {g}{power}" if reduction else f"{g}{power} - 1"),
        "headline_example_years": elapsed,
        "headline_example_change": m("methods.change", direction=m(f"methods.direction.{target['kind']}"),
                                     value=num(example, 2)),
        "headline_example_share": num(example / 100, 6),
        "headline_example_progress": f"{progress:.3f}",
        "headline_expected_compound": f"{compound:.3f}", "headline_expected_linear": f"{linear:.3f}",
        "headline_path_gap": num(abs(compound - linear), 2),
        "headline_cagr_ratio": f"{cagr_ratio:.3f}", "headline_pace_ratio": f"{progress / compound:.3f}",
    }


def methods_values(dataset: Dataset, lang: str, sensitivity_shift: float) -> dict[str, object]:
    """Every plan fact and method parameter the methods chapter states, in the page's language: the plan (title,
    document number, issuer, years, region, benchmarks, caveats), its counts of commitments (as every page counts
    them), the method's parameters as the plan sets them (``MethodParams.for_plan``, as the assessment uses them),
    their defaults, the shift of the sensitivity table and the headline target's numbers."""
    m = Messages(lang)
    plan = dataset.plan
    params = MethodParams.for_plan(plan)
    defaults = MethodParams(region=plan.region, default_base_year=plan.base_year)
    regions = dataset.regions.set_index("region")["name_zh" if m.zh else "name_en"]
    kinds = dataset.targets["kind"]
    issued = dt.date.fromisoformat(plan.issued)
    date = m("methods.date", year=issued.year, month=issued.month, day=issued.day)
    issuer = plan.text("issuer", lang)
    caveats = [c[lang] for c in plan.caveats]
    benchmarks = [str(regions[b]) for b in plan.benchmarks if b in regions.index]

    def route_words(order: tuple[str, ...]) -> str:
        return " → ".join(m(f"methods.route.{r}") for r in order)

    def route_codes(order: tuple[str, ...]) -> Raw:  # codes of the vocabulary, shown as code
        return Raw(" → ".join(f"`{r}`" for r in order))

    return {
        "plan_id": plan.id,
        "plan_title": plan.text("title", lang),
        "document_number": plan.document_number,
        "plan_issued": m("methods.issued_by", issuer=issuer, date=date) if issuer else m("methods.issued", date=date),
        "region": str(regions[plan.region]),
        "benchmarks": (m("methods.and").join([m.join(benchmarks[:-1]), benchmarks[-1]]) if len(benchmarks) > 1
                       else benchmarks[0] if benchmarks else m("methods.other_regions")),
        "base_year": plan.base_year, "target_year": plan.target_year, "first_year": plan.first_year,
        "n_commitments": len(kinds), "n_quantified": int(kinds.isin(RATED_KINDS).sum()),
        "n_judged": int(kinds.isin(COMMITMENT_KINDS).sum()), "n_milestones": int((kinds == MILESTONE_KIND).sum()),
        "n_qualitative": int((kinds == QUALITATIVE).sum()), "n_provincial": int((kinds == PROVINCIAL_TASK).sum()),
        "on_track": decimal(params.on_track), "behind": decimal(params.behind),
        "approx_tolerance": decimal(params.approx_tolerance),
        "approx_share": f"{num((1 - params.approx_tolerance) * 100, 4)}%",
        "approx_example_met": num(17 * (1 - params.approx_tolerance), 4),  # "about 17 %", the chapter's example
        "route_order": route_words(params.route_order), "route_order_codes": route_codes(params.route_order),
        "default_on_track": decimal(defaults.on_track), "default_behind": decimal(defaults.behind),
        "default_approx_tolerance": decimal(defaults.approx_tolerance),
        "default_route_order_codes": route_codes(defaults.route_order),
        "sensitivity_shift": decimal(sensitivity_shift),
        "min_part_size": MIN_PART_SIZE,
        "example_gap_year": plan.base_year + 2,
        "plan_caveats": Raw("\n".join(f"- {esc(c)}" for c in caveats) if caveats else f"- {m('none')}"),
        **_headline_values(dataset, m),
    }


def methods_template(book_dir: Path, lang: str) -> str:
    return (book_dir / f"methods.{lang}.md").read_text(encoding="utf-8")


#: a section of the methods chapter: its label line (``(methods-status)=``), then its heading
SECTION_LABEL = re.compile(r"^\((methods-[a-z0-9-]+)\)=$")


def methods_sections(text: str) -> dict[str, str]:
    """The methods chapter's sections: label → heading (the first heading line after the label)."""
    sections, label = {}, None
    for line in text.splitlines():
        if found := SECTION_LABEL.match(line):
            label = found.group(1)
        elif label and line.startswith("#"):
            sections[label] = line.lstrip("#").strip()
            label = None
    return sections


def methods_page(lang: str, book_dir: Path, dataset: Dataset, worked: str, sensitivity: pd.DataFrame,
                 reviews: list[dict] = ()) -> str:
    """book/methods.<lang>.md with the plan's facts and method parameters filled in (:func:`methods_values`), its
    computed parts (the worked example, the sensitivity table of ``sensitivity``) inserted, and each section ending
    in its reviews (``reviews``: the review log) and its comment slot."""
    m = Messages(lang)
    if sensitivity.empty:
        raise ValueError("the methods chapter needs the sensitivity of the statuses (one row per scenario)")
    values = methods_values(dataset, lang, float(sensitivity["shift"].abs().max()))
    text = fill_template(methods_template(book_dir, lang), values)
    text = text.replace("% WORKED-EXAMPLE", worked)
    text = text.replace("% SENSITIVITY", sensitivity_table(sensitivity, lang))
    headings = methods_sections(text)
    out: list[str] = []
    current = None

    def close_section():
        if current:
            entries = entries_for(reviews, current)
            out.extend(["", *([review_block(entries, lang), ""] if entries else []),
                        comment_slot(thread_uri(current), m("review.methods_thread", heading=headings[current]),
                                     lang), ""])

    for line in text.splitlines():
        if found := SECTION_LABEL.match(line):
            close_section()
            current = found.group(1)
        out.append(line)
    close_section()
    return "\n".join(out) + "\n"


def worked_example(target: dict, row: dict, lang: str) -> str:
    """The first headline target's assessment, field by field as the assessment table publishes it, each field
    said in the page's language, as the methods chapter's worked example."""
    m = Messages(lang)
    sign = "-" if target["kind"] == "reduction_vs_base" else ""
    reasons = m.reasons(row["reason"])
    flags = ("" if m.zh else " ").join(m.flags(row["flags"]))
    fields = [
        ("target_id", target["target_id"], target["label_zh" if m.zh else "label_en"]),
        ("report_year", row["report_year"], m("methods.field.report_year")),
        ("route", row["route"], m.route(row["route"]) if isinstance(row["route"], str) else ""),
        ("latest_year", row["latest_year"], m("methods.field.latest_year")),
        ("achieved_change (%)", num(row["achieved_change"], 2), m("methods.field.achieved_change")),
        ("target_value (%)", f"{sign}{num(target['target_value'], 1)}", m("methods.field.target_value")),
        ("progress", num(row["progress"], 3), m("methods.field.progress")),
        ("expected_progress", num(row["expected_progress"], 3), m("methods.field.expected_progress")),
        ("pace_ratio", num(row["pace_ratio"], 3), m("methods.field.pace_ratio")),
        ("status", row["status"], m.status(row["status"])),
        ("reason", row["reason"], reasons),
        ("flags", row["flags"], flags),
    ]
    rows = [(_code(name), _code(value) if esc(value) else "",
             esc(words).replace("|", "&#124;")) for name, value, words in fields]
    return _cells_table([m("column.field"), m("column.value"), m("text.computed_notes")], rows)


def sensitivity_table(result: pd.DataFrame, lang: str) -> str:
    m = Messages(lang)
    frame = result.copy()
    frame["scenario"] = frame["scenario"].map(lambda s: m(f"sensitivity.{s}"))
    for column in ("shift", "on_track_threshold", "behind_threshold"):  # as the chapter states them: 0.50
        frame[column] = frame[column].map(decimal)
    frame = frame.rename(columns={c: m(f"sensitivity.{c}") for c in ("shift", "on_track_threshold",
                                                                     "behind_threshold", "changed")}
                         | {"scenario": m("column.scenario")} | {s: m.status(s) for s in frame.columns
                                                                 if m.has(f"status.{s}")})
    return md_table(frame.map(lambda v: num(v, 2) if isinstance(v, float) else v))


def how_to_review_page(book_dir: Path, lang: str) -> str:
    """How to review, in the edition's language."""
    return (book_dir / f"how_to_review.{lang}.md").read_text(encoding="utf-8")


def site_index_html(editions: list[dict], plan: PlanConfig) -> str:
    """The site's own index: every edition, newest first, each with its data cut-off and the day it was built
    (written as its reader writes a date: 2026年12月7日, 7 December 2026; the time stamp stays in ``datetime``)."""
    zh, en = Messages("zh"), Messages("en")

    def built_on(m: Messages, stamp: str) -> str:
        shown = reader_date(m, stamp)
        if shown == stamp:
            return html.escape(stamp or "")
        return f'<time datetime="{html.escape(stamp, quote=True)}">{html.escape(shown)}</time>'

    items = []
    for e in editions:
        label = zh("page.site_index_item", year=e["edition"]) if e["lang"] == "zh" else \
            en("page.site_index_item_en", year=e["edition"])
        m = zh if e["lang"] == "zh" else en
        meta = html.escape(m("page.site_index_meta")).format(cutoff=html.escape(str(e.get("data_cutoff", ""))),
                                                             built=built_on(m, str(e.get("built_at", ""))))
        lang = "zh-CN" if e["lang"] == "zh" else "en"
        items.append(f'<li lang="{lang}"><a href="{html.escape(e["path"])}/index.html">{html.escape(label)}</a> '
                     f'<small>{meta}</small></li>')
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
