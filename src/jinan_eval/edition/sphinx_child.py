"""The Sphinx process of a build, started early.

``python -m jinan_eval.edition.sphinx_child [LANG [PARENT-PID]]`` first asks the kernel to end it when the build
process (PARENT-PID) dies, then imports Jupyter Book, Sphinx and the book's extensions, and for
a Chinese book loads the word segmenter of the search index (jieba's dictionary) — about 1.5 s of start-up — then
waits for one line on its standard input: the arguments of ``jupyter-book`` as a JSON list. The build starts it
before it runs the notebooks, so that the start-up overlaps them, and sends the line when the book's sources are
ready. An empty standard input (the build stopped before Sphinx) ends the process without building.
"""

from __future__ import annotations

import importlib
import json
import sys

import yaml

from ..config import BOOK_CONFIG_TEMPLATE
from .startup import skip_unused_imports

#: modules an extension imports only when Sphinx sets it up
LATE_IMPORTS = ("myst_nb.sphinx_ext",)


def preload(lang: str | None = None) -> None:
    """Import what ``jupyter-book build`` will import: its Sphinx layer, Jupyter Book's extensions and those the
    book's configuration adds (``sphinx.extra_extensions``); for a Chinese book, load the search index's word
    segmenter."""
    import jupyter_book.sphinx  # noqa: F401  (Sphinx itself)
    from jupyter_book.config import get_default_sphinx_config

    book = yaml.safe_load(BOOK_CONFIG_TEMPLATE.read_text(encoding="utf-8")) or {}
    extra = (book.get("sphinx") or {}).get("extra_extensions") or []
    for name in [*get_default_sphinx_config().get("extensions", []), *extra, *LATE_IMPORTS]:
        try:
            importlib.import_module(name)
        except ImportError:  # Sphinx reports a missing extension itself, with its own message
            pass
    if lang == "zh":
        from sphinx.search import zh

        if zh.JIEBA:
            zh.jieba.initialize()


def die_with_parent(parent: int | None) -> None:
    """Be killed when the build process dies (Linux ``PR_SET_PDEATHSIG``), so that no orphaned Sphinx keeps writing
    after a killed build; done here, in the child, not between fork and exec. A parent already gone by then: exit."""
    import ctypes
    import os
    import signal

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def main() -> int:
    die_with_parent(int(sys.argv[2]) if len(sys.argv) > 2 else None)
    skip_unused_imports()
    from jupyter_book.cli.main import main as jupyter_book

    preload(sys.argv[1] if len(sys.argv) > 1 else None)
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    sys.argv = ["jupyter-book", *json.loads(line)]
    return jupyter_book()


if __name__ == "__main__":
    sys.exit(main())
