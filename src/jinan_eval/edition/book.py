"""Build a versioned annual edition: validate → run notebooks → Jupyter Book 1.x → atomic swap.

Layout of the published site::

    _build/site/index.html            every edition built, newest first
    _build/site/switcher.json         the version switcher of the Chinese editions
    _build/site/<year>/               one edition (Chinese, the primary language)
    _build/site/en/<year>/            the English edition of the same year
    _build/site/en/switcher.json
    _build/book/[en/]<year>/          the edition's book sources and Sphinx's caches, kept between builds (never
                                      published): a rebuild re-reads and re-writes only the pages that changed
    _build/notebooks/[en/]<year>/     the executed notebooks, with each page's key (see run.py)

An edition is assembled in the staging area (``_build/staging/``, outside the published site) and takes the place of
the published one in a single atomic step only when the whole build (notebooks, Sphinx with warnings as errors,
downloads, link check) succeeded. One build runs at a time per build directory (a lock); each build first clears
what a killed build may have left in the staging area. See the fault matrix in the README. An existing edition
is never replaced without ``force``. The site index and switchers are rewritten atomically afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from .. import __version__
from ..assess import sensitivity
from ..config import BOOK_CONFIG_TEMPLATE, BOOK_DIR, BUILD_DIR, DEFAULT_DATA_DIR, ROOT, TEMPLATE_DIR, VENDOR_DIR
from ..data import Dataset, load_dataset
from ..data.load import host_kind, host_of, url_problem
from ..report import book_pages, overview, reviews
from ..report.context import Context, EditionResults
from ..report.messages import Messages
from ..store import (
    build_lock,
    checkpoint,
    clear_leftovers,
    data_lock,
    hash_files,
    staging_folder,
    swap_directory,
    write_text_atomic,
)
from ..vocabulary import HOST_BLOCKED, RATED_KINDS, SECTION_MAIN
from . import downloads
from .run import PAGE_KEYS_FILE, KernelPool, output_dir_for, page_jobs, run_notebooks

VENDOR_FILES = {
    "vega.min.js": "vega/build/vega.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
}
MANIFEST = "manifest.json"


class EditionExists(RuntimeError):
    pass


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Edition:
    year: int
    lang: str = "zh"

    @property
    def rel(self) -> str:
        return str(self.year) if self.lang == "zh" else f"en/{self.year}"

    def site_dir(self, build_dir: Path = BUILD_DIR) -> Path:
        return build_dir / "site" / self.rel


# ---------------------------------------------------------------- identity


def data_hash(data_dir: Path) -> str:
    """SHA-256 over every file of the data directory (path and bytes), in sorted order."""
    return hash_files(hashlib.sha256(), data_dir).hexdigest()


def git_commit(root: Path = ROOT) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "data", "notebooks", "book"],
                               cwd=root, capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def data_cutoff(dataset: Dataset, report_year: int) -> str:
    """The newest publication date among the sources of the observations an edition uses."""
    obs = dataset.observations[dataset.observations["year"] <= report_year]
    dates = dataset.sources.loc[dataset.sources["source_id"].isin(obs["source_id"]), "date"].dropna()
    return max(dates) if len(dates) else "unknown"


def manifest_for(edition: Edition, dataset: Dataset, data_dir: Path) -> dict:
    return {
        "edition": edition.year,
        "lang": edition.lang,
        "parameters": {"report_year": edition.year, "lang": edition.lang},
        "package_version": __version__,
        "git_commit": git_commit(),
        "data_hash": data_hash(data_dir),
        "data_cutoff": data_cutoff(dataset, edition.year),
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "plan": dataset.plan.id,
        "plan_document": dataset.plan.document_number,
    }


def latest_year_with_data(dataset: Dataset) -> int:
    """The latest year with at least one observed figure of the region assessed."""
    years = dataset.years_with_data()
    if not years:
        raise BuildFailed(f"no observed figure for {dataset.plan.region!r}: there is no edition to build")
    return years[-1]


def latest_edition_year(dataset: Dataset) -> int:
    """The default edition: the latest year with data of the region assessed, within the plan's report years."""
    return max(min(latest_year_with_data(dataset), dataset.plan.target_year), dataset.plan.first_year)


def edition_years(dataset: Dataset) -> list[int]:
    """Every report year from the plan's first report year to the default edition."""
    return list(range(dataset.plan.first_year, latest_edition_year(dataset) + 1))


# ---------------------------------------------------------------- sources of the book


def book_config(edition: Edition, manifest: dict, dataset: Dataset) -> dict:
    """The edition's _config.yml: the shared template plus the edition's title, banner and switcher."""
    config = yaml.safe_load(BOOK_CONFIG_TEMPLATE.read_text(encoding="utf-8"))
    m = Messages(edition.lang)
    plan = dataset.plan
    # the theme writes the title (sidebar brand) and the author (footer) into the page as markup: they are text
    config["title"] = html.escape(m("page.book_title", title=plan.text("report_title", edition.lang),
                                    year=edition.year), quote=True)
    config["author"] = html.escape(plan.text("report_title", edition.lang), quote=True)
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["language"] = "zh_CN" if m.zh else "en"
    options = sphinx_config.setdefault("html_theme_options", {})
    repository = plan.repository_url
    html_options = config.setdefault("html", {})
    for key in ("use_issues_button", "use_repository_button"):
        html_options[key] = bool(repository)
        options[key] = bool(repository)
    if repository:
        config.setdefault("repository", {})["url"] = repository
        options["repository_url"] = repository
    else:
        config.pop("repository", None)
        options.pop("repository_url", None)
    banner = m("page.banner", year=edition.year, cutoff=manifest["data_cutoff"])
    options["announcement"] = f'<span class="edition-banner" data-edition="{edition.year}">{html.escape(banner)}</span>'
    options["switcher"] = {"json_url": "../switcher.json", "version_match": str(edition.year)}
    return config


MARKDOWN_PAGES = ("changes", "methods", "data_dictionary", "how_to_review", "reviews")


def toc(pages: list[str]) -> dict:
    """The table of contents: the notebook pages in the order papermill runs them, then the generated pages."""
    chapters = [{"file": page} for page in [*pages, *MARKDOWN_PAGES]]
    return {"format": "jb-book", "root": "index", "chapters": chapters}


def vendor_static(static_dir: Path) -> None:
    """Copy the npm-installed Vega/MathJax files into the book's static files (run `make assets` first)."""
    for name, rel in VENDOR_FILES.items():
        source = VENDOR_DIR / rel
        if not source.exists():
            raise BuildFailed(f"{source} is missing: run `make assets` (npm ci) first")
        target = static_dir / "vendor" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _worked_example(dataset: Dataset, results: EditionResults, lang: str) -> str:
    """The first rated headline target, field by field."""
    main = dataset.sections.loc[dataset.sections["kind"] == SECTION_MAIN, "section_id"]
    targets = dataset.targets[dataset.targets["section_id"].isin(main) & dataset.targets["kind"].isin(RATED_KINDS)]
    if targets.empty:
        return ""
    target = targets.iloc[0].to_dict()
    row = results.assessment.set_index("target_id").loc[target["target_id"]].to_dict()
    row["target_id"] = target["target_id"]
    return book_pages.worked_example(target, row, lang)


#: the notebook of the pages that rate targets (the main targets', each key project's): each has a comment thread
RATING_TEMPLATE = "key_project.ipynb"


def rating_titles(jobs: list) -> dict[str, str]:
    """Of an edition's page jobs, the pages that rate targets with their titles (page → title), in book order."""
    return {job.page: job.placeholders["page_title"] for job in jobs if job.template == RATING_TEMPLATE}


def rating_pages(dataset: Dataset, year: int, lang: str) -> dict[str, str]:
    """The pages that rate targets of an edition, with their titles (:func:`rating_titles`)."""
    return rating_titles(page_jobs(dataset, year, lang, DEFAULT_DATA_DIR))


def edition_reviews(lang: str, rating: dict[str, str]) -> list[dict]:
    """The review log, checked against the sections the book has (the methods chapter's and the rating pages'):
    a log the book cannot use fails the build before any page runs, naming the entry and the field."""
    labels = set(book_pages.methods_sections(book_pages.methods_template(BOOK_DIR, lang)))
    try:
        return reviews.load_reviews(BOOK_DIR / reviews.REVIEWS_FILE, sections=labels | set(rating))
    except reviews.ReviewLogError as exc:
        raise BuildFailed(str(exc)) from None


def markdown_pages(edition: Edition, dataset: Dataset, manifest: dict, results: EditionResults,
                   build_dir: Path, rating: dict[str, str] | None = None,
                   log: list[dict] | None = None) -> dict[str, str]:
    """The generated pages of an edition; "what changed" compares with the published previous edition if any.
    ``rating``: the rating pages and their titles (:func:`rating_pages`); ``log``: the review log
    (:func:`edition_reviews`)."""
    lang = edition.lang
    m = Messages(lang)
    rating = rating_pages(dataset, edition.year, lang) if rating is None else rating
    log = edition_reviews(lang, rating) if log is None else log
    previous_file = Edition(edition.year - 1, lang).site_dir(build_dir) / "data" / "assessment.csv"
    published = previous_file.exists()
    if published:
        before = pd.read_csv(previous_file)
        before = before[before["report_year"] == edition.year - 1]
    else:
        before = results.previous(dataset, edition.year)
    methods = book_pages.methods_page(lang, BOOK_DIR, dataset, _worked_example(dataset, results, lang),
                                      sensitivity(dataset, edition.year), log)
    headings = book_pages.methods_sections(methods)
    names = {**{label: m("review.methods_thread", heading=h) for label, h in headings.items()}, **rating}
    links = {**{label: f"methods.html#{label}" for label in headings}, **{page: f"{page}.html" for page in rating}}
    return {
        "index.md": book_pages.index_page(edition.year, lang, dataset, manifest,
                                          overview.findings(Context(dataset, edition.year, lang, results))),
        "changes.md": book_pages.changes_page(edition.year, lang, dataset, results.assessment, before, published,
                                              results.commitments),
        "data_dictionary.md": book_pages.data_dictionary_page(lang, dataset.plan),
        "methods.md": methods,
        "how_to_review.md": book_pages.how_to_review_page(BOOK_DIR, lang),
        "reviews.md": reviews.reviews_page(log, lang, links, names),
    }


def review_threads(edition: Edition, methods: str, rating: dict[str, str]) -> list[dict]:
    """The edition's comment threads (one per methods section, one per rating page): address, title, where."""
    m = Messages(edition.lang)
    threads = [{"uri": reviews.thread_uri(label), "title": m("review.methods_thread", heading=heading),
                "page": "methods.html", "anchor": label}
               for label, heading in book_pages.methods_sections(methods).items()]
    threads += [{"uri": reviews.thread_uri(page, edition.year),
                 "title": m("review.page_thread", title=title, year=edition.year), "page": f"{page}.html",
                 "anchor": ""} for page, title in rating.items()]
    return threads


def rating_page_cells(edition: Edition, rating: dict[str, str], log: list[dict]) -> dict[str, str]:
    """The closing cell of each rating page: the reviews of its ratings in this edition, then its comment slot."""
    m = Messages(edition.lang)
    cells = {}
    for page, title in rating.items():
        entries = reviews.entries_for(log, page, edition.year)
        block = reviews.review_block(entries, edition.lang) + "\n\n" if entries else ""
        slot = reviews.comment_slot(reviews.thread_uri(page, edition.year),
                                    m("review.page_thread", title=title, year=edition.year), edition.lang)
        cells[page] = f"## {m('review.page_heading')}\n\n{block}{slot}\n"
    return cells


def copy_pages(notebooks: Path, src: Path, closing: dict[str, str]) -> None:
    """The executed notebooks into the book's sources, a rating page with its closing cell (reviews, comments)."""
    for nb in notebooks.glob("*.ipynb"):
        if nb.stem not in closing:
            shutil.copyfile(nb, src / nb.name)
            continue
        page = nbformat.read(nb, as_version=4)
        page.cells.append(nbformat.v4.new_markdown_cell(closing[nb.stem]))
        nbformat.write(page, src / nb.name)


def prepare_source(edition: Edition, dataset: Dataset, manifest: dict, notebooks: Path | None, src: Path,
                   pages: list[str], results: EditionResults, build_dir: Path = BUILD_DIR,
                   rating: dict[str, str] | None = None, log: list[dict] | None = None) -> dict[str, str]:
    """Assemble the Jupyter Book source of one edition in ``src`` (the executed notebooks of ``notebooks`` too,
    unless it is None). Returns the rating pages' closing cells (:func:`copy_pages` adds them)."""
    rating = rating_pages(dataset, edition.year, edition.lang) if rating is None else rating
    log = edition_reviews(edition.lang, rating) if log is None else log
    # Jupyter Book adds every .js file of a static path to every page. The vendored libraries (and the MathJax
    # loader) are therefore copied as "extra" files into the output's _static/ and listed in _config.yml.
    shutil.copytree(BOOK_DIR / "_static", src / "_static")
    shutil.copytree(BOOK_DIR / "_vendor", src / "_extra" / "_static")
    vendor_static(src / "_extra" / "_static")
    closing = rating_page_cells(edition, rating, log)
    if notebooks is not None:
        copy_pages(notebooks, src, closing)
    (src / "_config.yml").write_text(yaml.safe_dump(book_config(edition, manifest, dataset), allow_unicode=True,
                                                    sort_keys=False), encoding="utf-8")
    (src / "_toc.yml").write_text(yaml.safe_dump(toc(pages), sort_keys=False), encoding="utf-8")
    generated = markdown_pages(edition, dataset, manifest, results, build_dir, rating, log)
    for name, text in generated.items():
        (src / name).write_text(text, encoding="utf-8")
    threads = review_threads(edition, generated["methods.md"], rating)
    (src / "_extra" / "_static" / reviews.THREADS_FILE).write_text(reviews.threads_json(threads), encoding="utf-8")
    return closing


def book_source_dir(edition: Edition, build_dir: Path = BUILD_DIR) -> Path:
    """Where an edition's book sources live between builds (beside the published site, never inside it), so that
    Sphinx re-reads and re-writes only the pages whose sources changed."""
    return build_dir / "book" / edition.rel


def sync_tree(fresh: Path, target: Path, keep: set[str] = frozenset()) -> list[str]:
    """Make ``target`` hold exactly the files of ``fresh``: a file whose bytes are unchanged is not touched (its
    time stamp tells Sphinx it is unchanged), a changed or new one is copied, one that is gone is removed; the
    top-level entries named in ``keep`` (Sphinx's own output and caches) are left alone. Returns what changed."""
    changed = []
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    for rel in sorted(wanted):
        source, dest = fresh / rel, target / rel
        if dest.is_file() and dest.read_bytes() == source.read_bytes():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        changed.append(str(rel))
    ours = [p for top in target.iterdir() if top.name not in keep for p in [top, *top.rglob("*")]]
    for path in sorted(ours, reverse=True):  # (Sphinx's own folders, thousands of files, are not walked)
        rel = path.relative_to(target)
        if path.is_file() and rel not in wanted:
            path.unlink()
            changed.append(str(rel))
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


class SphinxProcess:
    """``jupyter-book build`` (warnings as errors, nitpicky references) in a child process started before it is
    needed (:mod:`.sphinx_child`): its start-up overlaps the notebooks. The child dies with the build process; a
    build that stops before :meth:`build` ends it without building."""

    #: how long Sphinx may take to write the book before the build gives up on it (a full build takes under a minute)
    TIMEOUT = 900

    def __init__(self, lang: str) -> None:
        # a plain fork and exec (no code run between them: the build's threads may hold locks); the child asks the
        # kernel itself to end it when this process dies (sphinx_child.die_with_parent)
        self.proc = subprocess.Popen([os.sys.executable, "-m", "jinan_eval.edition.sphinx_child", lang,
                                      str(os.getpid())], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)

    def build(self, src: Path) -> Path:
        """Build the book in ``src``; returns the HTML dir. Raises :class:`BuildFailed` with Sphinx's last lines."""
        args = ["build", str(src), "--builder", "html", "-W", "-n", "--keep-going", "--quiet"]
        try:
            self.proc.stdin.write(json.dumps(args) + "\n")
            self.proc.stdin.flush()
        except OSError:  # the child ended before it was asked to build (it could not start): its output says why
            pass
        checkpoint("sphinx-running")  # a test may kill the build here, while Sphinx writes
        try:
            output, _ = self.proc.communicate(timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.close()
            raise BuildFailed(f"jupyter-book build did not finish within {self.TIMEOUT} s; stopped") from None
        if self.proc.returncode != 0:
            tail = "\n".join(output.strip().splitlines()[-40:])
            raise BuildFailed(f"jupyter-book build failed (warnings are errors):\n{tail}")
        return src / "_build" / "html"

    def close(self) -> None:
        """End the child if it is still there (it never started building, or the build is being abandoned)."""
        if self.proc.returncode is None:
            self.proc.kill()
            self.proc.communicate()


# ---------------------------------------------------------------- checks on the built HTML

_REF = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LOADS = re.compile(r"""<(?:script|img|link|iframe|source|video|audio)\b[^>]*?(?:src|href)\s*=\s*["']([^"']+)["']""",
                    re.IGNORECASE)
#: a link or a load of any element, its value quoted or not
_ADDRESS_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
#: an address on another site: http(s), or scheme-relative (a browser reads \ as / in either)
_EXTERNAL = re.compile(r"^(?:https?:|[/\\]{2})", re.IGNORECASE)
#: a web address in a download's text (a spreadsheet program makes it a link)
_WEB_ADDRESS = re.compile(r"https?:[/\\]+[^\s\"'<>,，。；、）)\]]+", re.IGNORECASE)
#: the downloads of an edition: every file of these kinds outside the theme's _static folder
_DOWNLOAD_SUFFIXES = (".csv", ".json", ".xlsx")


def _shown(url: str) -> str:
    text = url if len(url) <= 200 else url[:199] + "…"
    return re.sub(r"[\x00-\x1f\x7f]", "\ufffd", text)


def _address_problem(url: str, kinds: dict[str, str]) -> str | None:
    """Why an address on another site must not be published: url_problem refuses it (a browser could open another
    host than the one checked), or its host is blocked (host_kind: a listed host, or a name under one)."""
    url = url.strip()
    why = url_problem("http:" + url if url[:2] == "//" else url)
    if why is not None:
        return f"link refused: {why}"
    host = host_of(url if url[:2] != "//" else "http:" + url)
    return f"link to blocked host {host}: {_shown(url)}" if host_kind(host, kinds) == HOST_BLOCKED else None


def _download_texts(path: Path) -> list[str]:
    """The text of a download that a reader's program may show as links: a CSV file's cells, a JSON file's strings
    (keys too), a workbook's XML parts (cell text, and the relations that hold cells' hyperlinks)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return [html.unescape(book.read(info).decode("utf-8", errors="replace")) for info in book.infolist()
                    if info.filename.endswith((".xml", ".rels"))]
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if not _WEB_ADDRESS.search(text):
        return []
    if suffix == ".csv":
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    try:
        found, stack = [], [json.loads(text)]
    except ValueError:
        return [text]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def check_links(html_dir: Path, hosts: dict[str, str] | None = None) -> list[str]:
    """Internal links that point nowhere, anything a page would load from another host, and every address on a
    page (href, src) or in a download (CSV, JSON, the cells and hyperlinks of a workbook) that leads to a host
    ``hosts`` (host → kind, as hosts.csv) blocks, or that a browser could read as another host (url_problem)."""
    kinds = hosts or {}
    problems = []
    verdicts: dict[str, str | None] = {}  # an address is judged once, however many files repeat it

    def judged(where: object, urls) -> list[str]:
        found = (verdicts[u] if u in verdicts else verdicts.setdefault(u, _address_problem(u, kinds)) for u in urls)
        return list(dict.fromkeys(f"{where}: {why}" for why in found if why))

    for page in sorted(html_dir.rglob("*.html")):
        if "_static" in page.relative_to(html_dir).parts:  # theme template fragments, not pages
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for url in _LOADS.findall(text):
            if re.match(r"^(https?:)?//", url):
                problems.append(f"{page.relative_to(html_dir)} loads from another host: {url}")
        for url in _REF.findall(text):
            if re.match(r"^([a-z][a-z0-9+.-]*:|//|#)", url, re.IGNORECASE):
                continue
            target = url.split("#")[0].split("?")[0]
            if not target:
                continue
            if not (page.parent / target).resolve().exists():
                problems.append(f"{page.relative_to(html_dir)} links to missing {url}")
        addresses = (html.unescape(next(v for v in m.groups() if v is not None)).strip()
                     for m in _ADDRESS_ATTR.finditer(text))
        problems.extend(judged(page.relative_to(html_dir), (url for url in addresses if _EXTERNAL.match(url))))
    for path in sorted(html_dir.rglob("*")):
        rel = path.relative_to(html_dir)
        if path.suffix.lower() not in _DOWNLOAD_SUFFIXES or "_static" in rel.parts or not path.is_file():
            continue
        try:
            texts = _download_texts(path)
        except (OSError, zipfile.BadZipFile) as exc:
            problems.append(f"{rel}: cannot be read for the link check: {exc}")
            continue
        problems.extend(judged(rel, (url for text in texts if ":" in text for url in _WEB_ADDRESS.findall(text))))
    return problems


# ---------------------------------------------------------------- publishing




def built_editions(build_dir: Path = BUILD_DIR) -> list[dict]:
    """Manifests of every edition present in the site, newest first."""
    site = build_dir / "site"
    found = []
    for manifest in list(site.glob(f"*/{MANIFEST}")) + list(site.glob(f"en/*/{MANIFEST}")):
        if manifest.parent.name.startswith("."):  # never an edition: what an older, killed build left behind
            continue
        info = json.loads(manifest.read_text(encoding="utf-8"))
        info["path"] = str(manifest.parent.relative_to(site))
        found.append(info)
    return sorted(found, key=lambda m: (-int(m["edition"]), m["lang"]))


def write_site_index(plan, build_dir: Path = BUILD_DIR) -> None:
    """Rewrite the site's index.html and the switcher JSON files from the editions present."""
    site = build_dir / "site"
    editions = built_editions(build_dir)
    write_text_atomic(site / "index.html", book_pages.site_index_html(editions, plan))
    for lang, folder in (("zh", site), ("en", site / "en")):
        entries = [e for e in editions if e["lang"] == lang]
        if not entries:
            continue
        write_text_atomic(folder / "switcher.json", json.dumps(switcher_entries(editions, lang), ensure_ascii=False,
                                                               indent=2))


def switcher_entries(editions: list[dict], lang: str) -> list[dict]:
    """The version switcher of one language's editions: its own editions (newest marked latest), then the other
    language's, each named in its own language and linked from this language's folder."""
    m = Messages(lang)
    own = [e for e in editions if e["lang"] == lang]
    newest = max(int(e["edition"]) for e in own)
    entries = [{"name": m("page.switcher_latest", year=e["edition"]) if int(e["edition"]) == newest
                else str(e["edition"]),
                "version": str(e["edition"]), "url": f"../{e['edition']}/",
                **({"preferred": True} if int(e["edition"]) == newest else {})} for e in own]
    # zh editions sit at the site root and en ones under en/: from one edition's folder to the other language's
    up = "../" if lang == "zh" else "../../"
    for e in editions:
        if e["lang"] != lang:
            other = Messages(e["lang"])
            entries.append({"name": other("page.switcher_other_language", year=e["edition"]),
                            "version": f"{e['edition']}-{e['lang']}", "url": f"{up}{e['path']}/"})
    return entries


#: the files at the project's root an edition is built with: the locked Python and npm packages, the project's
#: own metadata, and the book's configuration
ROOT_INPUTS = ("requirements.lock", "pyproject.toml", "package.json", "package-lock.json")


def build_key(edition: Edition, data_dir: Path, template_dir: Path) -> str:
    """Everything an edition is built from: data, templates, every file of the package (code, catalogues, Node
    scripts), book sources, the locked packages and the parameters."""
    digest = hashlib.sha256(f"{edition.year}|{edition.lang}".encode())
    package = Path(__file__).resolve().parents[1]
    for folder, pattern in ((data_dir, "*"), (template_dir, "*.ipynb"), (package, "*"), (BOOK_DIR, "*")):
        hash_files(digest, folder, pattern)
    for path in (*(ROOT / name for name in ROOT_INPUTS), BOOK_CONFIG_TEMPLATE):
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()


def is_up_to_date(edition: Edition, data_dir: Path, build_dir: Path, template_dir: Path = TEMPLATE_DIR) -> bool:
    """Whether the published edition was built from exactly the current inputs."""
    manifest = edition.site_dir(build_dir) / MANIFEST
    if not manifest.exists():
        return False
    recorded = json.loads(manifest.read_text(encoding="utf-8")).get("build_key")
    return recorded == build_key(edition, data_dir, template_dir)


def build_edition(year: int, lang: str = "zh", force: bool = False, data_dir: Path = DEFAULT_DATA_DIR,
                  build_dir: Path = BUILD_DIR, jobs: int | None = None, progress: bool = True,
                  template_dir: Path = TEMPLATE_DIR, plan_id: str | None = None,
                  dataset: Dataset | None = None) -> Path:
    """Build one edition end to end; returns its directory. Nothing is replaced unless all steps pass.

    The dataset is loaded once and the assessment computed once; both are handed down to every step. The data
    folder's shared lock is held throughout: no ingest can change it while the pages read it."""
    with build_lock(build_dir), data_lock(data_dir, exclusive=False):
        clear_leftovers(build_dir)
        edition = Edition(int(year), lang)
        final = edition.site_dir(build_dir)
        if final.exists() and not force:
            raise EditionExists(f"edition {edition.rel} already exists at {final}; use --force to rebuild it")
        final.parent.mkdir(parents=True, exist_ok=True)
        work = staging_folder(build_dir, f"build-{edition.year}-{lang}-")
        # What takes a second or two to start (the kernels, the Sphinx process) starts first, while this process
        # loads the data, assesses it and keys the pages. A first build runs every page, so every kernel starts at
        # once; a rebuild usually runs few (one starts, the others when there are pages for them). While the
        # notebooks run, a side thread writes the book's other sources; the downloads are written while Sphinx
        # writes the pages.
        rebuild = (output_dir_for(edition.year, lang, build_dir) / PAGE_KEYS_FILE).exists()
        sphinx = SphinxProcess(lang)  # first: started before this process starts any thread of its own
        pool, side = None, None
        try:
            pool = KernelPool(max(1, jobs or os.cpu_count() or 1), work, eager=1 if rebuild else None)
            side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="edition-side")
            dataset = dataset if dataset is not None else load_dataset(data_dir, plan_id)
            plan = dataset.plan
            if edition.year not in plan.report_years:
                raise BuildFailed(f"report year {edition.year} is outside the plan's report years "
                                  f"{plan.first_year}–{plan.target_year}")
            manifest = manifest_for(edition, dataset, Path(data_dir))
            manifest["build_key"] = build_key(edition, data_dir, template_dir)
            jobs_of_pages = page_jobs(dataset, edition.year, lang, Path(data_dir).resolve())
            pages = [job.page for job in jobs_of_pages]
            rating = rating_titles(jobs_of_pages)
            log = edition_reviews(lang, rating)  # (checked before any page runs)
            fresh = work / "src"
            fresh.mkdir()
            results = EditionResults.compute(dataset, edition.year)  # the one assessment: the pages get it too
            sources = side.submit(prepare_source, edition, dataset, manifest, None, fresh, pages, results, build_dir,
                                  rating, log)
            notebooks = run_notebooks(edition.year, lang, jobs=jobs, data_dir=data_dir, build_dir=build_dir,
                                      progress=progress, template_dir=template_dir, dataset=dataset, pool=pool,
                                      results=results)
            checkpoint("notebooks-run")
            closing = sources.result()
            # the downloads are written while Sphinx writes the pages (not before: this process's own work before
            # Sphinx starts is what a one-figure rebuild waits for)
            writing = side.submit(downloads.write_downloads, dataset, results.history, edition.year, work / "data",
                                  results.commitments, edition.lang)
            copy_pages(notebooks, fresh, closing)
            src = book_source_dir(edition, build_dir)
            sync_tree(fresh, src, keep={"_build"})
            html_dir = sphinx.build(src)
            checkpoint("sphinx-done")
            staged = work / "edition"
            shutil.copytree(html_dir, staged, ignore=shutil.ignore_patterns(".buildinfo", "_sources"))
            shutil.copytree(notebooks / "charts", staged / "charts", dirs_exist_ok=True) \
                if (notebooks / "charts").exists() else None
            writing.result()
            os.replace(work / "data", staged / "data")
            (staged / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            problems = check_links(staged, hosts=dict(zip(dataset.hosts["host"], dataset.hosts["kind"])))
            if problems:
                raise BuildFailed("link check failed:\n" + "\n".join(problems[:40]))
            checkpoint("staged")
            swap_directory(staged, final)
            checkpoint("published")
        finally:
            if pool is not None:
                pool.close()
            sphinx.close()
            if side is not None:
                side.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(work, ignore_errors=True)
        write_site_index(plan, build_dir)
        return final


def build_all(lang: str = "zh", force: bool = False, data_dir: Path = DEFAULT_DATA_DIR,
              build_dir: Path = BUILD_DIR, jobs: int | None = None, progress: bool = True,
              plan_id: str | None = None) -> list[Path]:
    """Every edition of the plan (those missing, or all with ``force``), under one hold of the build lock."""
    built = []
    with build_lock(build_dir), data_lock(data_dir, exclusive=False):
        dataset = load_dataset(data_dir, plan_id)
        for year in edition_years(dataset):
            if Edition(year, lang).site_dir(build_dir).exists() and not force:
                continue
            built.append(build_edition(year, lang, force, data_dir, build_dir, jobs, progress, dataset=dataset))
        write_site_index(dataset.plan, build_dir)
    return built
