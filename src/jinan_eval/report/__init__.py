"""Stage 3 · report: assessment → page content, per language.

Words come from the message catalogues (``messages/zh.yml``, ``messages/en.yml``); numbers pass through
:mod:`.text`; charts through :mod:`.charts` and the offline renderer :mod:`.render`. One module per kind of page:
:mod:`.overview`, :mod:`.project`, :mod:`.mechanisms`, :mod:`.sources`; :mod:`.book_pages` writes the Markdown
pages of an edition (front page, what changed, data dictionary, methods) and the site index.
"""

from .context import Context, Html, Markdown, context, show

__all__ = ["Context", "Html", "Markdown", "context", "show"]
