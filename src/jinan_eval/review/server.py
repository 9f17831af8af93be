"""``jinan-eval serve``: the published site and its comment service from one process on one port.

The site is served at ``/`` as built; Isso (a self-hosted comment server: SQLite, moderation, its own script and
Chinese interface, nothing from another host) is mounted at ``/comments/`` with werkzeug's
``DispatcherMiddleware``. Only this process answers ``<edition>/_static/review-server.json`` with
``{"enabled": true}``: the same site served by any plain web server keeps its file ``{"enabled": false}`` and its
comment slots show a plain line (``review-comments.js``).

Safe by default: bound to 127.0.0.1; moderation on (a comment shows once the team approves it, in Isso's admin
page behind the moderator's password, or with ``jinan-eval reviews approve``); the password from the environment
(``JINAN_REVIEW_PASSWORD``) or a file, never from the repository or the site; the comment store outside the site
folder, so it is never published with it. A new comment is taken only on a thread the editions list
(``_static/review-threads.json``: a methods section, a rating page), signed "Name (Affiliation)", at most
:data:`~jinan_eval.report.reviews.MAX_COMMENT_CHARS` characters, at most :data:`FLOOD_POSTS` a minute from one
address; anything else is refused with a message saying why. Isso returns a comment's text as escaped HTML.
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs

from ..config import REVIEW_PASSWORD_ENV, REVIEW_STORE_DIR, SITE_DIR
from ..report.messages import Messages
from ..report.reviews import FLOOD_POSTS, MAX_COMMENT_CHARS, THREADS_FILE, signature

MOUNT = "/comments"
STORE_FILE = "comments.db"
#: at most FLOOD_POSTS new comments from one address in this many seconds
FLOOD_SECONDS = 60
#: the largest request body a new comment may have (a comment of the longest length is far smaller)
MAX_BODY = 64 * 1024


class ServeError(Exception):
    """The review server cannot start as asked: one line saying why and what to do."""


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def known_threads(site: Path) -> dict[str, str]:
    """Every comment thread of the editions in ``site``: address → title (from each edition's threads file)."""
    threads: dict[str, str] = {}
    for listing in sorted(site.glob(f"**/_static/{THREADS_FILE}")):
        try:
            for thread in json.loads(listing.read_text(encoding="utf-8"))["threads"]:
                threads.setdefault(str(thread["uri"]), str(thread["title"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ServeError(f"{listing}: not a list of comment threads ({exc}); rebuild the edition") from None
    return threads


def moderator_password(password_file: Path | None, site: Path) -> str:
    """The moderator's password: from ``password_file`` (its first line) or the environment variable
    :data:`~jinan_eval.config.REVIEW_PASSWORD_ENV`. A file inside the site folder would be published with it: refused."""
    if password_file is not None:
        if _inside(password_file, site):
            raise ServeError(f"{password_file} is inside the site folder {site}, which is published: keep the "
                             f"password file elsewhere")
        try:
            password = password_file.read_text(encoding="utf-8").splitlines()[0].strip() \
                if password_file.stat().st_size else ""
        except OSError as exc:
            raise ServeError(f"cannot read the password file {password_file}: {exc.strerror}") from None
    else:
        password = os.environ.get(REVIEW_PASSWORD_ENV, "").strip()
    if len(password) < 8:
        raise ServeError(f"the moderator needs a password of at least 8 characters: set {REVIEW_PASSWORD_ENV} or give "
                         f"--password-file (never a file in the repository or the site)")
    return password


def store_path(store: Path, site: Path) -> Path:
    """The comment store (one SQLite file) in the folder ``store``, created if need be; never in the site."""
    if _inside(store, site):
        raise ServeError(f"the comment store {store} is inside the site folder {site}, which is published: "
                         f"name a folder outside it (default {REVIEW_STORE_DIR})")
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServeError(f"cannot create the comment store folder {store}: {exc.strerror}") from None
    return store / STORE_FILE


def both_languages(key: str, **values: object) -> str:
    """A refusal in both languages (the server does not know which edition the reviewer reads)."""
    return " / ".join(Messages(lang)(key, **values) for lang in ("zh", "en"))


def _json_response(status: int, body: dict, start_response) -> list[bytes]:
    from werkzeug.http import HTTP_STATUS_CODES

    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(f"{status} {HTTP_STATUS_CODES.get(status, '')}",
                   [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-store")])
    return [data]


class CommentGuard:
    """In front of Isso: a new comment is taken only on a known thread (its title the thread's, whatever was sent),
    signed, not too long, not one too many; an edit only when not too long."""

    def __init__(self, app, threads: dict[str, str], now=time.monotonic):
        self.app, self.threads, self.now = app, threads, now
        self.recent: dict[str, deque] = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        if method == "POST" and path == "/new":
            return self.new_comment(environ, start_response)
        if method == "PUT" and path.startswith("/id/"):
            return self.edit(environ, start_response)
        return self.app(environ, start_response)

    def _read(self, environ) -> dict | tuple[int, str]:
        """The request's JSON object, or the status and message refusing it."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return 413, both_languages("review.too_long", n=MAX_COMMENT_CHARS)
        try:
            data = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except (ValueError, UnicodeDecodeError):
            return 400, both_languages("review.refused_body")
        if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
            return 400, both_languages("review.refused_body")
        if len(data.get("text", "")) > MAX_COMMENT_CHARS:
            return 413, both_languages("review.too_long", n=MAX_COMMENT_CHARS)
        return data

    def _pass_on(self, environ, start_response, data: dict):
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _flooded(self, address: str) -> bool:
        with self.lock:
            now = self.now()
            times = self.recent.setdefault(address, deque())
            while times and now - times[0] > FLOOD_SECONDS:
                times.popleft()
            if len(times) >= FLOOD_POSTS:
                return True
            times.append(now)
            return False

    def new_comment(self, environ, start_response):
        uri = (parse_qs(environ.get("QUERY_STRING", "")).get("uri") or [""])[0]
        if uri not in self.threads:
            return _json_response(404, {"message": both_languages("review.refused_thread")}, start_response)
        data = self._read(environ)
        if isinstance(data, tuple):
            return _json_response(data[0], {"message": data[1]}, start_response)
        if signature(str(data.get("author") or "")) is None:
            return _json_response(400, {"message": both_languages("review.needs_signature")}, start_response)
        if self._flooded(environ.get("REMOTE_ADDR", "")):
            return _json_response(429, {"message": both_languages("review.refused_flood")}, start_response)
        data.update(title=self.threads[uri], email=None, website=None)
        return self._pass_on(environ, start_response, data)

    def edit(self, environ, start_response):
        data = self._read(environ)
        if isinstance(data, tuple):
            return _json_response(data[0], {"message": data[1]}, start_response)
        return self._pass_on(environ, start_response, data)


def site_app(site: Path):
    """The published site as built, but for the one file that tells its pages the review server is here."""
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.shared_data import SharedDataMiddleware
    from werkzeug.utils import redirect

    shared = SharedDataMiddleware(NotFound(), {"/": str(site)}, cache=False)

    def app(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path.endswith("/_static/review-server.json"):
            root = environ.get("SCRIPT_NAME", "")
            return _json_response(200, {"enabled": True, "endpoint": f"{root}{MOUNT}/"}, start_response)
        if path == "/admin/":  # Isso's admin page sends its search form to /admin/, not under its mount
            query = environ.get("QUERY_STRING", "")
            return redirect(f"{MOUNT}/admin/" + (f"?{query}" if query else ""))(environ, start_response)
        if path.endswith("/"):
            environ["PATH_INFO"] = path + "index.html"
        return shared(environ, start_response)

    return app


def isso_config(db: Path, origin: str, password: str):
    """Isso's settings: every default of the installed version, then ours."""
    from isso import config

    conf = config.load(config.default_file())
    settings = {
        "general": {"dbpath": str(db), "host": origin, "notify": "stdout", "gravatar": "false",
                    "reply-notifications": "false", "max-age": "15m"},
        # pending comments are kept until the team approves or deletes them (Isso purges them after 30 days)
        "moderation": {"enabled": "true", "approve-if-email-previously-approved": "false", "purge-after": "3650d"},
        "admin": {"enabled": "true", "password": password},
        # Isso's own rate guard counts per /24 network (every reviewer on one intranet would share it): the
        # guard in front of it (CommentGuard) counts per address
        "guard": {"enabled": "true", "ratelimit": "1000", "direct-reply": "1000", "reply-to-self": "true",
                  "require-author": "true", "require-email": "false"},
        "server": {"public-endpoint": origin + MOUNT},
    }
    for section, options in settings.items():
        for key, value in options.items():
            conf.set(section, key, value)
    return conf


def review_app(site: Path, db: Path, origin: str, password: str):
    """The one WSGI application: the site at ``/``, Isso (behind :class:`CommentGuard`) at :data:`MOUNT`."""
    if not (site / "index.html").is_file():
        raise ServeError(f"no published site in {site}: build it first (make report)")
    threads = known_threads(site)
    if not threads:
        raise ServeError(f"the editions in {site} list no comment threads: rebuild them (make report)")
    from isso import make_app  # (importing Isso sets up logging: only when serving)
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    # Isso logs each comment with its delete key, and warns at start that it cannot reach the site (this process
    # listens only once the application is made): its errors only
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("isso").setLevel(logging.ERROR)
    isso = make_app(isso_config(db, origin, password))
    return DispatcherMiddleware(site_app(site), {MOUNT: CommentGuard(isso, threads)})


def serve(site: Path = SITE_DIR, store: Path = REVIEW_STORE_DIR, host: str = "127.0.0.1", port: int = 8000,
          password_file: Path | None = None, ready=print) -> None:
    """Serve until interrupted. ``ready`` is told the address once the server listens."""
    from werkzeug.serving import make_server

    password = moderator_password(password_file, site)
    db = store_path(store, site)
    origin = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    app = review_app(site, db, origin, password)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    ready(f"Serving {site} at http://{host}:{server.port}/ with comments under {MOUNT}/ (moderation on: approve at "
          f"http://{host}:{server.port}{MOUNT}/admin/ or with `jinan-eval reviews approve`); comment store {db}. "
          f"Ctrl+C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
