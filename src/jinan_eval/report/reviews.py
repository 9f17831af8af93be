"""The review log: what reviewers said of the methods and of the ratings, and what the team answered.

Every entry of ``book/reviews/reviews.yml`` names the section it concerns: a section of the methods chapter by its
label (``methods-status``), or a page that rates targets (``kp4``, ``main``) with the edition it was read in
(``edition: 2025``). The next edition shows each entry under its section, with its status (待回复 / 已采纳 / 未采纳 /
已解决) and the team's response, and the page of reviews lists every one still open.

In the browser, each such section ends in a *comment slot*: with the review server (``jinan-eval serve``) it opens
the section's comment thread; on any other web server it holds one plain line saying where comments can be made.
A thread's address is the section's (:func:`thread_uri`); the threads an edition has are listed in its
``_static/review-threads.json``, and the server accepts comments on those and no other.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import yaml

from ..vocabulary import REVIEW_OPEN, REVIEW_STATUSES
from .messages import Messages
from .text import esc, reader_date

REVIEWS_FILE = "reviews/reviews.yml"
#: what every entry states; ``affiliation``, ``edition`` (a page's entries) and ``ref`` (the comment it was
#: exported from, so that a second export adds nothing twice) are optional
REVIEW_FIELDS = ("reviewer", "date", "section", "comment", "response", "status")
OPTIONAL_FIELDS = ("affiliation", "edition", "ref")
#: text fields that may be given once per language ({zh: …, en: …}); a comment is shown as its reviewer wrote it
TEXT_FIELDS = ("reviewer", "affiliation", "comment", "response")
THREADS_FILE = "review-threads.json"
THREAD_ROOT = "/review/"
#: the longest comment the review server takes (characters)
MAX_COMMENT_CHARS = 4000
#: at most this many new comments from one address in a minute (the server refuses more; the page says so first)
FLOOD_POSTS = 5
#: "Name (Affiliation)" as a reviewer signs a comment, in either kind of brackets
SIGNATURE = re.compile(r"^\s*(?P<name>[^（(]+?)\s*[（(]\s*(?P<affiliation>[^（()）]+?)\s*[)）]\s*$")


class ReviewLogError(ValueError):
    """The review log is not as the book needs it: names the file, the entry and the field."""


def thread_uri(section: str, edition: int | None = None) -> str:
    """The comment thread of a methods section (one for every edition and language: the method is the same) or of
    a page that rates targets in one edition (its ratings are that edition's)."""
    return f"{THREAD_ROOT}{section}" if edition is None else f"{THREAD_ROOT}{edition}/{section}"


def thread_section(uri: str) -> tuple[str, int | None] | None:
    """The section (and edition) a thread address names; None for any other address."""
    found = re.fullmatch(re.escape(THREAD_ROOT) + r"(?:(\d{4})/)?([a-z][a-z0-9-]*)", uri or "")
    if not found:
        return None
    return found.group(2), (int(found.group(1)) if found.group(1) else None)


def signature(author: str) -> tuple[str, str] | None:
    """(name, affiliation) of a comment signed "姓名（单位）" or "Name (Affiliation)"; None if unsigned so."""
    found = SIGNATURE.match(author or "")
    return (found.group("name"), found.group("affiliation")) if found else None


def in_lang(value: object, lang: str) -> str:
    """A text field of the log in the page's language when it is given per language, else as written."""
    if isinstance(value, dict):
        return str(value.get(lang) or next((v for v in value.values() if v), ""))
    return "" if value is None else str(value)


def load_reviews(path: Path, sections: set[str] | None = None) -> list[dict]:
    """The review log (``path``: ``book/reviews/reviews.yml``), checked: every entry has its fields, a status of
    :data:`REVIEW_STATUSES`, a calendar date and (when ``sections`` is given) a section the book has. An error names
    the file, the entry and the field."""
    if not path.exists():
        return []
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, ValueError) as exc:  # (a date YAML reads as one but no calendar has: ValueError)
        raise ReviewLogError(f"{path}: cannot be read ({' '.join(str(exc).split())})") from None
    if not isinstance(entries, list):
        raise ReviewLogError(f"{path}: a list of entries is expected")
    for i, entry in enumerate(entries, start=1):
        where = f"{path}, entry {i}"
        if not isinstance(entry, dict):
            raise ReviewLogError(f"{where}: an entry is a mapping of fields")
        missing = [f for f in REVIEW_FIELDS if f not in entry]
        if missing:
            raise ReviewLogError(f"{where}: lacks {', '.join(missing)}")
        unknown = [f for f in entry if f not in REVIEW_FIELDS + OPTIONAL_FIELDS]
        if unknown:
            raise ReviewLogError(f"{where}: unknown field {', '.join(unknown)}")
        if entry["status"] not in REVIEW_STATUSES:
            raise ReviewLogError(f"{where}, field status: {entry['status']!r} is not one of "
                                 f"{', '.join(REVIEW_STATUSES)}")
        try:
            dt.date.fromisoformat(str(entry["date"]))
        except ValueError:
            raise ReviewLogError(f"{where}, field date: {entry['date']!r} is not a date (YYYY-MM-DD)") from None
        if sections is not None and entry["section"] not in sections:
            raise ReviewLogError(f"{where}, field section: {entry['section']!r} is no section of the book "
                                 f"(a methods label such as methods-status, or a page such as kp4)")
    return entries


def entries_for(entries: list[dict], section: str, edition: int | None = None) -> list[dict]:
    """The entries on one section (of one edition, for a page's)."""
    return [e for e in entries if e["section"] == section and (edition is None or e.get("edition") == edition)]


def reviewer_line(entry: dict, lang: str) -> str:
    m = Messages(lang)
    who = in_lang(entry["reviewer"], lang)
    if affiliation := in_lang(entry.get("affiliation"), lang):
        who += m.paren(affiliation)
    return who


def status_badge(status: str, m: Messages) -> str:
    return (f'<span class="review-status review-{esc(status)}" title="{esc(m(f"review.status_definition.{status}"))}">'
            f'{esc(m(f"review.status.{status}"))}</span>')


def review_block(entries: list[dict], lang: str) -> str:
    """The entries as the page shows them: who, when, status; the comment as its reviewer wrote it (quoted); the
    team's response."""
    m = Messages(lang)
    out = []
    for e in entries:
        response = in_lang(e["response"], lang)
        out.append(
            f'<div class="review-log"><p><strong>{esc(m("review.comment_by"))}</strong>{esc(m("colon"))}'
            f'{esc(reviewer_line(e, lang))} · {esc(reader_date(m, str(e["date"])))} · {status_badge(e["status"], m)}</p>'
            f'<blockquote>{esc(in_lang(e["comment"], lang))}</blockquote>'
            f'<p><strong>{esc(m("review.response"))}</strong>{esc(m("colon"))}'
            f'{esc(response) if response else esc(m("review.no_response"))}</p></div>')
    return "\n".join(out)


def comment_slot(uri: str, title: str, lang: str) -> str:
    """Where a section's comments are made: one plain line, which the review server's script turns into the
    section's comment thread (the words it needs ride on the element, in the page's language)."""
    m = Messages(lang)
    words = {"thread": uri, "title": title, "open": m("review.open"), "author": m("review.author_placeholder"),
             "signed": m("review.needs_signature"), "long": m("review.too_long", n=MAX_COMMENT_CHARS),
             "max": str(MAX_COMMENT_CHARS), "moderated": m("review.moderated"), "flood": m("review.refused_flood"),
             "rate": str(FLOOD_POSTS),
             "lang": "zh_CN" if m.zh else "en"}
    attrs = " ".join(f'data-review-{k}="{html.escape(v, quote=True)}"' for k, v in words.items())
    return f'<div class="review-slot" {attrs}><p class="review-offline">{esc(m("review.offline"))}</p></div>'


def threads_json(threads: list[dict]) -> str:
    """An edition's comment threads, for the review server (``_static/review-threads.json``)."""
    return json.dumps({"threads": threads}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def reviews_page(entries: list[dict], lang: str, links: dict[str, str], names: dict[str, str]) -> str:
    """The page of reviews: every one still open, with a link to its section; then how many were answered, by
    status. ``links``: section → its page address; ``names``: section → how the page names it."""
    m = Messages(lang)
    open_ = [e for e in entries if e["status"] == REVIEW_OPEN]
    lines = [f"# {m('review.page_title')}", "", m("review.page_lead", n=len(entries), open=len(open_)), ""]
    if open_:
        lines += [f"## {m('review.open_heading')}", ""]
        for e in open_:
            section = e["section"]
            where = names.get(section, section)
            if e.get("edition"):
                where = m("review.in_edition", where=where, year=e["edition"])
            link = links.get(section)
            place = f'<a href="{esc(link)}">{esc(where)}</a>' if link else esc(where)
            lines += [f'<p class="review-where">{place}</p>', "", review_block([e], lang), ""]
    answered = {s: sum(e["status"] == s for e in entries) for s in REVIEW_STATUSES if s != REVIEW_OPEN}
    if any(answered.values()):
        counts = m("list_sep").join(m("review.count", status=m(f"review.status.{s}"), n=n)
                                    for s, n in answered.items() if n)
        lines += [f"## {m('review.answered_heading')}", "", m("review.answered_lead", counts=counts), ""]
    definitions = "".join(f"<dt>{esc(m(f'review.status.{s}'))}</dt><dd>{esc(m(f'review.status_definition.{s}'))}</dd>"
                          for s in REVIEW_STATUSES)
    lines += [f"## {m('review.statuses_heading')}", "", f'<dl class="review-statuses">{definitions}</dl>', ""]
    return "\n".join(lines)
