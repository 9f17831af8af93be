"""The message catalogues: every word the report prints, one YAML file per language (``messages/<lang>.yml``).

``Messages(lang)("text.latest", year=2023, …)`` returns the sentence with its placeholders filled; a key that
is missing from a catalogue is an error, never an empty string. Codes of :mod:`jinan_eval.vocabulary` have their
words under ``status.``, ``kind.``, ``measure.``, ``period.``, ``route.``, ``reason.``, ``flag.`` and
``search_outcome.``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from ..config import LANGS
from ..vocabulary import parse_reasons

CATALOGUE_DIR = Path(__file__).resolve().parent / "messages"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of one language, keyed by dotted name (``status.achieved``)."""
    if lang not in LANGS:
        raise ValueError(f"no message catalogue for language {lang!r} (known: {', '.join(LANGS)})")
    tree = yaml.safe_load((CATALOGUE_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
    return _flatten(tree)


class Messages:
    """The words of one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.zh = lang == "zh"
        self._messages = catalogue(lang)

    def __call__(self, key: str, **values: object) -> str:
        try:
            text = self._messages[key]
        except KeyError:
            raise KeyError(f"message {key!r} is missing from {self.lang}.yml") from None
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._messages

    def unit(self, unit: object) -> str:
        """A unit as the data records it, in this language (``unit.`` in the catalogue); as recorded if the
        catalogue has no other word for it (symbols such as %, μg/m³)."""
        text = "" if unit is None or unit != unit else str(unit)
        return self._messages.get(f"unit.{text}", text)

    def count(self, what: str, n: int) -> str:
        """A status or level with how many have it: 推进中 95 项, Under way 95."""
        return self("count_of", what=what, n=n)

    def day(self, iso: str) -> str:
        """A day (YYYY-MM-DD) as the reader writes it: 2025年11月18日, 18 November 2025."""
        year, month, day = (int(x) for x in iso.split("-"))
        return self("theme.date", year=year, month_name=self("theme.month_names").split()[month - 1], day=day)

    def amount(self, value: str, unit: object) -> str:
        """A number written with its unit as the language writes it: 483,000万吨, 80%; 483,000 t, 80%."""
        word = self.unit(unit)
        if not word:
            return value
        return f"{value}{word}" if self.zh or word == "%" else f"{value} {word}"

    def status(self, code: str) -> str:
        return self(f"status.{code}")

    def measure(self, code: str) -> str:
        return self(f"measure.{code}")

    def period(self, code: str) -> str:
        return self(f"period.{code}")

    def kind(self, code: str) -> str:
        return self(f"kind.{code}")

    def route(self, code: str) -> str:
        return self(f"route.{code}") if code else ""

    def reasons(self, codes: object, region: str = "") -> str:
        """The sentences of a ';'-joined list of reason codes; measure codes in arguments become words.

        ``region`` is the name of the region assessed, for the sentences that name it."""
        out = []
        for code, arg in parse_reasons(codes):
            parts = {f"a{i}": part for i, part in enumerate(arg.split(","))}  # each part of the argument by place
            if code == "unusable_measures":
                arg = self("list_sep").join(self.measure(m) for m in arg.split("/") if m)
            elif ISO_DAY.fullmatch(arg):  # a day (the statement a rating rests on) as the reader writes one
                arg = self.day(arg)
            elif arg:
                arg = self("list_sep").join(arg.replace("/", ",").split(","))
            out.append(self(f"reason.{code}", arg=arg, region=region, **parts))
        return "".join(out) if self.zh else " ".join(out)

    def flags(self, codes: object) -> list[str]:
        if not isinstance(codes, str) or not codes:
            return []
        return [self(f"flag.{c}") for c in codes.split(";") if c]

    def join(self, items: list[str]) -> str:
        return self("list_sep").join(items)

    def paren(self, text: object) -> str:
        """A remark after a text, in the language's brackets: （…） in Chinese, " (…)" in English."""
        return self("paren", text=text)

    def sentences(self, *parts: str) -> str:
        """Sentences one after the other (no space between Chinese sentences, one between English ones)."""
        return self("sentence_sep").join(p for p in parts if p)
