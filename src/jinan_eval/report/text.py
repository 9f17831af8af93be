"""Numbers → sentences, in the language of the page. Every number in the prose passes through here; every word
comes from the message catalogue (:mod:`.messages`).

Values that come from the data (labels, source titles, notes) are HTML-escaped before they enter Markdown,
so that a title such as ``<script>`` is shown as text, never run.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re

import pandas as pd

from ..vocabulary import (
    ADDITION_KINDS,
    BEHIND,
    GAP_STATUSES,
    MET_EARLY,
    OFF_TRACK,
    ON_TRACK,
    RELATIVE_KINDS,
    qualifier_words,
)
from .messages import Messages


def esc(value: object) -> str:
    """Escape a data value for Markdown/HTML output."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True).replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")


def commitment_ref(target_id: str, sections: pd.DataFrame, lang: str) -> str:
    """How a page names one commitment of the plan: in Chinese by the plan's own numbering of its part and its
    order there (三（四）第8项 for KP4-8, 第二部分第1项 for MAIN-1), as the plan's readers find it; in English by its id (KP4-8), which the
    methods chapter explains."""
    section, _, n = str(target_id).rpartition("-")
    if lang != "zh" or not n.isdigit():
        return str(target_id)
    numbers = dict(zip(sections["section_id"], sections["number_zh"]))
    if section not in numbers:
        return str(target_id)
    number = numbers[section]
    return f"{number}第{n}项" if "（" in number else f"第{number}部分第{n}项"  # 三（四）第8项, 第二部分第1项


def num(value: float, digits: int = 1) -> str:
    """A number for prose: rounded to ``digits``, no trailing zeros, no float noise, thousands separated."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:,.{digits}f}"
    if digits > 0:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(share: float, digits: int = 0) -> str:
    return "—" if share is None or pd.isna(share) else f"{num(share * 100, digits)}%"


#: Where the methods chapter defines statuses and implementation levels (pages of an edition sit side by side).
STATUS_RULES = "methods.html#methods-status"
LEVEL_RULES = "methods.html#methods-implementation"


def status_badge(status: str, m: Messages) -> str:
    """A status, defined one hover away and one click away (the methods chapter's rules)."""
    return (f'<a class="status status-{status}" href="{STATUS_RULES}" '
            f'title="{esc(m("status_definition." + status))}">{m.status(status)}</a>')


def label(row: pd.Series | dict, lang: str) -> str:
    return esc(row["label_zh"] if lang == "zh" else row["label_en"])


def status_count_sentence(counts: dict[str, int], total: int, m: Messages) -> str:
    parts = [m.count(m.status(s), n) for s, n in counts.items() if n]
    return m("text.status_count", total=total, parts=m("detail_sep").join(parts))


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


#: the statuses of a target still to be reached by its year, for which the pace needed is said
PACE_STATUSES = (ON_TRACK, BEHIND, OFF_TRACK)


def unrated_sentence(row: dict, m: Messages, region: str = "") -> str:
    """Why a target has no rating: status, year and the reasons, in plain words."""
    region = esc(region)
    why = m.reasons(row.get("reason"), region) or m("reason.no_figures", region=region)
    key = "text.insufficient"
    flags = m.flags(row.get("flags"))
    return " ".join([m(key, year=row["report_year"], why=why), *flags]) if not m.zh else \
        m(key, year=row["report_year"], why=why) + "".join(flags)


def progress_sentence(target: dict, row: dict, unit: str, m: Messages, region: str = "") -> str:
    """What the latest data says for one target, in one or two sentences."""
    status = row["status"]
    kind = target["kind"]
    if status in GAP_STATUSES or _int(row.get("latest_year")) is None:
        return unrated_sentence(row, m, region)
    relative = kind in RELATIVE_KINDS
    change = f"{num(row.get('achieved_change'), 1)}%" if relative else f"{num(row.get('achieved_change'), 2)} {esc(unit)}"
    word = ("text.change_word_relative" if relative else
            "text.change_word_addition" if kind in ADDITION_KINDS else "text.change_word_level")
    text = m("text.latest", year=_int(row["latest_year"]), base=_int(row.get("base_year")), change_word=m(word),
             change=change)
    if not pd.isna(row.get("progress")):
        text += m("text.progress", share=pct(row["progress"]))
    if not pd.isna(row.get("expected_progress")):
        text += m("text.expected", share=pct(row["expected_progress"]))
    text += m("sentence_end") + ("" if m.zh else " ")
    if status == MET_EARLY:  # reached before the target year: it can still be lost
        text += m("text.met_early")
    elif status in PACE_STATUSES and not pd.isna(row.get("required_annual_rate")):  # still to be reached
        rate = num(row["required_annual_rate"], 2) + ("%" if relative else f" {esc(unit)}")
        text += m("text.required", rate=rate)
    return text.strip()


def target_statement(target: dict, m: Messages) -> str:
    """The target as the plan states it, with its qualifier."""
    value = target.get("target_value")
    unit = esc(m.unit(target.get("unit") or ""))
    stated = label(target, m.lang)
    number = "" if pd.isna(value) else num(value, 2)
    # the value once: not again when the plan's own wording (the label) states it
    quant = "" if not number or number.replace(",", "") in stated.replace(",", "") else \
        number + ("" if unit in ("%", "") else " ") + unit
    qualifier = m.join([w for w in (m(f"qualifier.{q}") for q in qualifier_words(target.get("qualifier")))
                        if w.lower() not in stated.lower()])  # nor a qualifier the wording already has
    year = _int(target.get("target_year"))
    details = [m("text.target_year", year=year)] if year is not None else []
    bound = (qualifier + ("" if m.lang == "zh" else " ") + quant).strip() if quant else qualifier
    details += [bound] if bound else []
    return m("text.target_statement", label=stated, details=m("detail_sep").join(details))


def level_badge(level: str, m: Messages) -> str:
    """An implementation level, with its definition one hover away."""
    return (f'<a class="level level-{level}" href="{LEVEL_RULES}" title="{esc(m("level_definition." + level))}">'
            f'{m("level." + level)}</a>')


# ---------------------------------------------------------------- where in a source a figure stands


def _para_list(numbers: str) -> str:
    """第1、3段 / 第1-2段 → "paras 1 and 3" / "paras 1–2"; one number → "para 1"."""
    parts = [p for p in re.split(r"[、,，]", numbers) if p]
    if len(parts) > 1:
        return "paras " + ", ".join(parts[:-1]) + " and " + parts[-1]
    span = re.split(r"[-–]", numbers)
    return f"paras {span[0]}–{span[1]}" if len(span) == 2 else f"para {numbers}"


#: the ways a locator names a place in its document (as the data writes them, in English or Chinese), each with the
#: place in Chinese and in English; what follows a colon is the document's own words, quoted as they are
_PLACES: tuple[tuple[re.Pattern, object, object], ...] = tuple((re.compile(p), zh, en) for p, zh, en in (
    (r"^(?:headline; )?para (\d+)(?:\s*\((.*)\))?$", lambda m: f"第{m[1]}段", lambda m: m[0]),
    (r"^last para(?:\s*\((.*)\))?$", lambda m: "末段", lambda m: m[0]),
    (r"^bullet (\d+)$", lambda m: f"第{m[1]}条", lambda m: m[0]),
    (r"^highlights list$", lambda m: "要点列表", lambda m: m[0]),
    (r"^table row (.+?), column '(.+)'$", lambda m: f"表格“{m[1]}”行、“{m[2]}”列", lambda m: m[0]),
    (r"^section on .+$", lambda m: "相关章节", lambda m: m[0]),
    (r"^第([\d、\-–]+)段 \(English\)$", lambda m: f"第{m[1]}段（英文版）",
     lambda m: _para_list(m[1]) + " (English version)"),
    (r"^正文第(\d+)段$", lambda m: m[0], lambda m: f"para {m[1]} of the text"),
    (r"^正文末段$", lambda m: m[0], lambda m: "last para of the text"),
    (r"^正文$", lambda m: m[0], lambda m: "text"),
    (r"^第([\d、\-–]+)段$", lambda m: m[0], lambda m: _para_list(m[1])),
    (r"^(\S.*?) 段$", lambda m: f"“{m[1]}”段", lambda m: f"section “{m[1]}”"),
))
_OPENING_QUOTES = "“\"'‘「『"


def _quoted(words: str) -> str:
    words = words.strip()
    return words if not words or words[0] in _OPENING_QUOTES else f"“{words}”"


def locator_text(locator: object, lang: str) -> str:
    """Where in its document a figure stands, in the page's language: the place (paragraph, table cell, list) in the
    reader's words, the document's own words after it in quotation marks, as written. A locator that names no
    place known here is the document's words: quoted whole. Not escaped."""
    if not isinstance(locator, str) or not locator.strip():
        return ""
    text = locator.strip()
    head, rest = text, ""
    depth = 0
    for i, ch in enumerate(text):  # the first colon outside brackets ends the place: "para 1 (NEA: …)" is one place
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
        if ch in ":：" and depth == 0:
            head, rest = text[:i].strip(), text[i + 1:].strip()
            break
    for pattern, zh, en in _PLACES:
        match = pattern.match(head)
        if match:
            place = zh(match) if lang == "zh" else en(match)
            if not rest:
                return place
            return place + ("：" if lang == "zh" else ": ") + _quoted(rest)
    return _quoted(text)


def reader_date(m: Messages, stamp: str) -> str:
    """A time stamp (ISO) as its reader writes the day: 2026年12月7日, 7 December 2026; anything else as given."""
    try:
        day = dt.datetime.fromisoformat(stamp).date()
    except (TypeError, ValueError):
        return stamp
    return m.day(day.isoformat())
