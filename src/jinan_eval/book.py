"""Build a versioned annual edition: validate → run notebooks → Jupyter Book 1.x → atomic swap.

Layout of the published site::

    _build/site/index.html            every edition built, newest first
    _build/site/switcher.json         the version switcher of the Chinese editions
    _build/site/<year>/               one edition (Chinese, the primary language)
    _build/site/en/<year>/            the English edition of the same year
    _build/site/en/switcher.json

An edition is built in a temporary directory next to its final place and renamed into place only when the
whole build (notebooks, Sphinx with warnings as errors, downloads, link check) succeeded. An existing edition
is never replaced without ``force``. The site index and switchers are rewritten atomically afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import __version__
from .data import DEFAULT_DATA_DIR, Dataset, load_dataset
from .run import BUILD_DIR, ROOT, TEMPLATE_DIR, run_notebooks
from .store import swap_directory, write_text_atomic

BOOK_DIR = ROOT / "book"
CONFIG_TEMPLATE = ROOT / "_config.yml"
VENDOR_DIR = ROOT / "node_modules"
VENDOR_FILES = {
    "vega.min.js": "vega/build/vega.min.js",
    "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
    "mathjax/tex-svg.js": "mathjax/es5/tex-svg.js",
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
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(data_dir).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(data_dir)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
        "built_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "plan": dataset.plan.get("document_number"),
    }


def latest_year_with_data(dataset: Dataset) -> int:
    """The latest year with at least one observed Jinan figure (the default edition)."""
    obs = dataset.observations
    jinan = obs[(obs["region"] == dataset.plan.get("region", "jinan")) & (obs["record_type"] == "observed")]
    return int(jinan["year"].max())


def latest_edition_year(dataset: Dataset) -> int:
    """The default edition: the latest year with Jinan data, at most the plan's target year."""
    return min(latest_year_with_data(dataset), int(dataset.plan["target_year"]))


def edition_years(dataset: Dataset) -> list[int]:
    """Every report year from the first plan year to the default edition."""
    first = int(dataset.plan["base_year"]) + 1
    return list(range(first, latest_edition_year(dataset) + 1))


# ---------------------------------------------------------------- sources of the book


def book_config(edition: Edition, manifest: dict, dataset: Dataset) -> dict:
    """The edition's _config.yml: the shared template plus the edition's title, banner and switcher."""
    config = yaml.safe_load(CONFIG_TEMPLATE.read_text(encoding="utf-8"))
    zh = edition.lang == "zh"
    config["title"] = (f"济南市“十四五”节能减排评估报告 · {edition.year}年度版" if zh else
                       f"Jinan 14th FYP Energy-Saving and Emission-Reduction Evaluation · {edition.year} edition")
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["language"] = "zh_CN" if zh else "en"
    options = sphinx_config.setdefault("html_theme_options", {})
    banner = (f"{edition.year}年度版 · 数据截至 {manifest['data_cutoff']} · 评估年份 {edition.year}" if zh else
              f"{edition.year} edition · data cut-off {manifest['data_cutoff']} · report year {edition.year}")
    options["announcement"] = f'<span class="edition-banner" data-edition="{edition.year}">{html.escape(banner)}</span>'
    options["switcher"] = {"json_url": "../switcher.json", "version_match": str(edition.year)}
    return config


def toc(edition: Edition) -> dict:
    chapters = [{"file": "overview"}]
    chapters += [{"file": f"kp{i}"} for i in range(1, 11)]
    chapters += [{"file": "mechanisms"}, {"file": "data_sources"}, {"file": "changes"}, {"file": "methods"},
                 {"file": "data_dictionary"}, {"file": "how_to_review"}]
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


def prepare_source(edition: Edition, dataset: Dataset, manifest: dict, notebooks: Path, src: Path,
                   build_dir: Path = BUILD_DIR) -> None:
    """Assemble the Jupyter Book source of one edition in ``src``."""
    from . import pages

    # Jupyter Book adds every .js file of a static path to every page. The vendored libraries (and the MathJax
    # loader) are therefore copied as "extra" files into the output's _static/ and listed in _config.yml.
    shutil.copytree(BOOK_DIR / "_static", src / "_static")
    shutil.copytree(BOOK_DIR / "_vendor", src / "_extra" / "_static")
    vendor_static(src / "_extra" / "_static")
    for nb in notebooks.glob("*.ipynb"):
        shutil.copyfile(nb, src / nb.name)
    (src / "_config.yml").write_text(yaml.safe_dump(book_config(edition, manifest, dataset), allow_unicode=True,
                                                    sort_keys=False), encoding="utf-8")
    (src / "_toc.yml").write_text(yaml.safe_dump(toc(edition), sort_keys=False), encoding="utf-8")
    # the switcher file must exist at build time for the theme's check; the site-level one is written later
    for name, text in pages.markdown_pages(edition, dataset, manifest, BOOK_DIR, build_dir).items():
        (src / name).write_text(text, encoding="utf-8")


def run_jupyter_book(src: Path) -> Path:
    """``jupyter-book build`` with warnings as errors and nitpicky references; returns the HTML dir."""
    cmd = [str(Path(os.sys.executable).with_name("jupyter-book")), "build", str(src), "--builder", "html",
           "-W", "-n", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-40:])
        raise BuildFailed(f"jupyter-book build failed (warnings are errors):\n{tail}")
    return src / "_build" / "html"


# ---------------------------------------------------------------- checks on the built HTML

_REF = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LOADS = re.compile(r"""<(?:script|img|link|iframe|source|video|audio)\b[^>]*?(?:src|href)\s*=\s*["']([^"']+)["']""",
                    re.IGNORECASE)


def check_links(html_dir: Path) -> list[str]:
    """Internal links that point nowhere, and anything a page would load from another host."""
    problems = []
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
    return problems


# ---------------------------------------------------------------- publishing




def built_editions(build_dir: Path = BUILD_DIR) -> list[dict]:
    """Manifests of every edition present in the site, newest first."""
    site = build_dir / "site"
    found = []
    for manifest in list(site.glob(f"*/{MANIFEST}")) + list(site.glob(f"en/*/{MANIFEST}")):
        info = json.loads(manifest.read_text(encoding="utf-8"))
        info["path"] = str(manifest.parent.relative_to(site))
        found.append(info)
    return sorted(found, key=lambda m: (-int(m["edition"]), m["lang"]))


def write_site_index(build_dir: Path = BUILD_DIR) -> None:
    """Rewrite the site's index.html and the switcher JSON files from the editions present."""
    from . import pages

    site = build_dir / "site"
    editions = built_editions(build_dir)
    write_text_atomic(site / "index.html", pages.site_index_html(editions))
    for lang, folder in (("zh", site), ("en", site / "en")):
        entries = [e for e in editions if e["lang"] == lang]
        if not entries:
            continue
        newest = max(int(e["edition"]) for e in entries)
        switcher = [{"name": f"{e['edition']}" + (" (latest)" if int(e["edition"]) == newest else ""),
                     "version": str(e["edition"]), "url": f"../{e['edition']}/",
                     **({"preferred": True} if int(e["edition"]) == newest else {})} for e in entries]
        write_text_atomic(folder / "switcher.json", json.dumps(switcher, ensure_ascii=False, indent=2))


def build_edition(year: int, lang: str = "zh", force: bool = False, data_dir: Path = DEFAULT_DATA_DIR,
                  build_dir: Path = BUILD_DIR, jobs: int | None = None, progress: bool = True,
                  template_dir: Path = TEMPLATE_DIR) -> Path:
    """Build one edition end to end; returns its directory. Nothing is replaced unless all steps pass."""
    from . import downloads

    edition = Edition(int(year), lang)
    final = edition.site_dir(build_dir)
    if final.exists() and not force:
        raise EditionExists(f"edition {edition.rel} already exists at {final}; use --force to rebuild it")
    dataset = load_dataset(data_dir)
    manifest = manifest_for(edition, dataset, Path(data_dir))
    notebooks = run_notebooks(edition.year, lang, jobs=jobs, data_dir=data_dir, build_dir=build_dir,
                              progress=progress, template_dir=template_dir)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".build-{edition.year}-{lang}-", dir=final.parent))
    try:
        src = work / "src"
        src.mkdir()
        prepare_source(edition, dataset, manifest, notebooks, src, build_dir)
        html_dir = run_jupyter_book(src)
        shutil.copytree(notebooks / "charts", html_dir / "charts", dirs_exist_ok=True) \
            if (notebooks / "charts").exists() else None
        downloads.write_downloads(dataset, edition.year, html_dir / "data")
        (html_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        for leftover in (".buildinfo", "_sources"):
            path = html_dir / leftover
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        problems = check_links(html_dir)
        if problems:
            raise BuildFailed("link check failed:\n" + "\n".join(problems[:40]))
        staged = work / "edition"
        os.replace(html_dir, staged)
        swap_directory(staged, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_site_index(build_dir)
    return final


def build_all(lang: str = "zh", force: bool = False, data_dir: Path = DEFAULT_DATA_DIR,
              build_dir: Path = BUILD_DIR, jobs: int | None = None, progress: bool = True) -> list[Path]:
    dataset = load_dataset(data_dir)
    built = []
    for year in edition_years(dataset):
        if Edition(year, lang).site_dir(build_dir).exists() and not force:
            continue
        built.append(build_edition(year, lang, force, data_dir, build_dir, jobs, progress))
    write_site_index(build_dir)
    return built
