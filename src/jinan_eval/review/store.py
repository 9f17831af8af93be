"""The comment store read back (Isso's SQLite file): comments awaiting approval, approving them, and the export of
approved comments into the review log.

Isso keeps a comment's mode: 1 approved, 2 awaiting approval, 4 deleted (kept while replies point to it). Approving
sets 1, as Isso's admin page does. The export appends each approved comment on a thread of the book to
``book/reviews/reviews.yml`` as an entry awaiting the team's response, with a ``ref`` made from the comment itself
(its thread, time, author and text: Isso reuses the number of a deleted comment), so that exporting again adds
nothing twice; the entries already in the log, and the team's responses in them, are left as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import sqlite3
import tempfile
from pathlib import Path

import yaml

from ..config import BOOK_DIR
from ..report.reviews import REVIEWS_FILE, load_reviews, signature, thread_section
from ..vocabulary import REVIEW_OPEN
from .server import STORE_FILE, ServeError

APPROVED, PENDING = 1, 2
DEFAULT_LOG = BOOK_DIR / REVIEWS_FILE


def _connect(store: Path) -> sqlite3.Connection:
    db = store / STORE_FILE
    if not db.is_file():
        raise ServeError(f"no comment store in {store} ({STORE_FILE}): start `jinan-eval serve` first, or name the "
                         f"folder with --store")
    con = sqlite3.connect(db, timeout=10)
    con.row_factory = sqlite3.Row
    return con


def comments(store: Path, mode: int) -> list[dict]:
    """The comments of one mode, oldest first: id, thread address and title, author (as written), time, text."""
    with _connect(store) as con:
        rows = con.execute(
            "SELECT c.id, t.uri, t.title, c.author, c.created, c.text FROM comments c JOIN threads t ON c.tid = t.id "
            "WHERE c.mode = ? ORDER BY c.created, c.id", (mode,)).fetchall()
    return [{**dict(r), "author": html.unescape(r["author"] or "")} for r in rows]


def approve(store: Path, ids: list[int]) -> list[int]:
    """Approve comments awaiting approval; an id that is none of them is an error (nothing approved)."""
    with _connect(store) as con:
        waiting = {r[0] for r in con.execute("SELECT id FROM comments WHERE mode = ?", (PENDING,))}
        unknown = [i for i in ids if i not in waiting]
        if unknown:
            raise ServeError(f"no comment awaiting approval with number {', '.join(map(str, unknown))} "
                             f"(see `jinan-eval reviews pending`)")
        con.executemany("UPDATE comments SET mode = ? WHERE id = ? AND mode = ?",
                        [(APPROVED, i, PENDING) for i in ids])
    return ids


def ref_of(comment: dict) -> str:
    """A comment's reference in the review log: the same comment gives the same reference."""
    key = "\n".join(str(comment[k]) for k in ("uri", "created", "author", "text"))
    return "c-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def log_entry(comment: dict) -> dict | None:
    """The review-log entry of an approved comment (None for a thread that is no section of the book)."""
    where = thread_section(comment["uri"])
    if where is None:
        return None
    section, edition = where
    signed = signature(comment["author"])
    name, affiliation = signed if signed else (comment["author"].strip(), "")
    entry = {"reviewer": name, "affiliation": affiliation,
             "date": dt.datetime.fromtimestamp(comment["created"], dt.UTC).date(),
             "section": section}
    if edition is not None:
        entry["edition"] = edition
    entry.update(comment=comment["text"], response="", status=REVIEW_OPEN, ref=ref_of(comment))
    return entry


def export(store: Path, log: Path = DEFAULT_LOG) -> list[dict]:
    """Append the approved comments the log does not yet hold; returns the entries added. The log is replaced in
    one step (a failure leaves it as it was)."""
    held = {e.get("ref") for e in load_reviews(log)}  # (a log the book could not read is not appended to)
    new = [e for e in (log_entry(c) for c in comments(store, APPROVED)) if e and e["ref"] not in held]
    if not new:
        return []
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    text += yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100)
    fd, tmp = tempfile.mkstemp(dir=log.parent, prefix=f".{log.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, log)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return new

