"""Benchmark: prints, in one run, side by side

(a) the full edition build from clean with this project's runner (papermill in parallel + Jupyter Book),
(b) the same notebooks executed the naive way (`jupyter-book build` with `execute_notebooks: force`),
(c) the rebuild after one figure of the fourth key project changed (a copy of data/ with that value edited),
(d) the rebuild when nothing changed (`build --if-changed`: the edition is found up to date and left alone),
(e) each page's first-visit transfer in headless Chromium (the page and every script, style, font and image it
    loads),
(f) the time the heaviest chart page takes to draw its charts,

then one line of JSON with the same figures (seconds and bytes), for scripts.

    make bench        # or: .venv/bin/python bench/benchmark.py [--year 2025]

These are measurements, not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import yaml

from jinan_eval.config import DEFAULT_DATA_DIR, TEMPLATE_DIR
from jinan_eval.data import load_dataset
from jinan_eval.edition.book import Edition, EditionResults, build_edition, is_up_to_date, manifest_for, prepare_source
from jinan_eval.edition.run import fill_placeholders, page_jobs

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def naive_build(year: int, workdir: Path) -> float:
    """Templates with their parameters set, executed by Jupyter Book itself (execute_notebooks: force)."""
    dataset = load_dataset()
    edition = Edition(year)
    src = workdir / "naive-src"
    src.mkdir(parents=True)
    executed = workdir / "naive-notebooks"
    executed.mkdir()
    jobs = page_jobs(dataset, year, "zh", DEFAULT_DATA_DIR)
    for job in jobs:
        nb = fill_placeholders(nbformat.read(TEMPLATE_DIR / job.template, as_version=4),
                               {**job.parameters, **job.placeholders})
        for cell in nb.cells:
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = "\n".join(f"{k} = {v!r}" for k, v in job.parameters.items())
        nbformat.write(nb, executed / job.output)
    prepare_source(edition, dataset, manifest_for(edition, dataset, DEFAULT_DATA_DIR), executed, src,
                   [job.page for job in jobs], EditionResults.compute(dataset, year), workdir / "naive-build")
    config = yaml.safe_load((src / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {"execute_notebooks": "force", "timeout": 600}
    (src / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(src), "--quiet"],
                   check=True, capture_output=True)
    return time.perf_counter() - start


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line per request on the benchmark's output
        pass


def page_weights(site: Path, year: int) -> list[tuple[str, int]]:
    """Bytes a first visit to each page of the edition transfers, as Chromium fetches them (a fresh browser
    context per page, so nothing is cached): the page, its scripts, styles, fonts, images and data, MathJax where
    the page loads it. Falls back to the files each page references when Chromium is missing."""
    pages = sorted((site / str(year)).glob("*.html"))
    if not Path(CHROMIUM).exists():
        return [(p.name, _referenced_bytes(p)) for p in pages]
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for page_file in pages:
                context = browser.new_context()
                page = context.new_page()
                fetched: list[int] = []

                def count(response, fetched=fetched):
                    try:
                        fetched.append(len(response.body()))
                    except Exception:  # noqa: BLE001 — a redirect or an aborted request has no body
                        pass

                page.on("response", count)
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/{year}/{page_file.name}",
                          wait_until="networkidle")
                sizes.append((page_file.name, sum(fetched)))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return sizes


def _referenced_bytes(page: Path) -> int:
    import re

    text = page.read_text(encoding="utf-8", errors="replace")
    total = page.stat().st_size
    for ref in set(re.findall(r'(?:src|href)="([^"#?]+\.(?:js|css|svg|woff2?))', text)):
        path = (page.parent / ref).resolve()
        total += path.stat().st_size if path.exists() else 0
    return total


def chart_render_time(site: Path, rel_page: str) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            url = f"http://127.0.0.1:{server.server_address[1]}/{rel_page}"
            start = time.perf_counter()
            page.goto(url)
            count = page.locator(".jinan-chart").count()
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jinan-chart')].every(d => d.querySelector('svg.marks'))",
                timeout=60000)
            elapsed = time.perf_counter() - start
            browser.close()
    finally:
        server.shutdown()
    return elapsed, count


def changed_figure_copy(work: Path, section: str = "KP4") -> tuple[Path, str]:
    """A copy of data/ in which one observed figure of the section's targets is changed (its value + 1)."""
    data = work / "data-changed"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    dataset = load_dataset(data)
    indicators = set(dataset.targets.loc[dataset.targets["section_id"] == section, "indicator_key"].dropna())
    for path in sorted((data / "observations").glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header = lines[0].rstrip("\r\n").split(",")
        key, value = header.index("indicator_key"), header.index("value")
        for i, line in enumerate(lines[1:], start=1):
            cells = line.rstrip("\r\n").split(",")
            if len(cells) == len(header) and cells[key] in indicators and cells[value]:
                cells[value] = repr(float(cells[value]) + 1)
                lines[i] = ",".join(cells) + "\n"
                path.write_text("".join(lines), encoding="utf-8")
                return data, f"{cells[key]} in {path.name}, line {i + 1}"
    raise SystemExit(f"no plain observation row of {section} found to change")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jinan-bench-"))
    try:
        build_dir = work / "build"
        t_full, _ = timed(build_edition, args.year, build_dir=build_dir, progress=False)

        def if_changed(data_dir: Path = DEFAULT_DATA_DIR) -> None:  # what `build --if-changed` does
            if not is_up_to_date(Edition(args.year), data_dir, build_dir):
                build_edition(args.year, force=True, data_dir=data_dir, build_dir=build_dir, progress=False)

        t_noop, _ = timed(if_changed)
        changed, what = changed_figure_copy(work)
        t_one, _ = timed(if_changed, changed)
        t_naive = naive_build(args.year, work)
        # the pages measured are those built from the real data
        build_edition(args.year, force=True, build_dir=build_dir, progress=False)
        weights = page_weights(build_dir / "site", args.year)
        chart_pages = [w for w in weights if 'class="jinan-chart"' in
                       (build_dir / "site" / str(args.year) / w[0]).read_text(encoding="utf-8")]
        heaviest = max(chart_pages or weights, key=lambda w: w[1])
        render_s, charts = (chart_render_time(build_dir / "site", f"{args.year}/{heaviest[0]}")
                            if Path(CHROMIUM).exists() else (float("nan"), 0))
        print(f"\njinan-eval benchmark · edition {args.year} · {len(weights)} pages\n")
        print(f"{'measurement':62s} {'value':>12s}")
        print(f"{'(a) full build from clean, papermill runner + book':62s} {t_full:10.1f} s")
        print(f"{'(b) naive: jupyter-book build, execute_notebooks: force':62s} {t_naive:10.1f} s")
        print(f"{'(c) rebuild after one key-project-4 figure changed':62s} {t_one:10.1f} s")
        print(f"    (changed: {what})")
        print(f"{'(d) rebuild with nothing changed (--if-changed)':62s} {t_noop:10.1f} s")
        print(f"{'(f) heaviest chart page: ' + heaviest[0] + f' ({charts} charts) drawn in':62s} {render_s:10.2f} s")
        print("\n(e) first-visit transfer of each page in Chromium (page, scripts, styles, fonts, images, data):")
        for name, size in weights:
            print(f"    {name:28s} {size / 1e6:8.2f} MB")
        print(json.dumps({"edition": args.year, "clean_build_s": round(t_full, 2), "naive_build_s": round(t_naive, 2),
                          "one_figure_rebuild_s": round(t_one, 2), "unchanged_rebuild_s": round(t_noop, 2),
                          "page_bytes": dict(weights), "heaviest_chart_page": heaviest[0],
                          "chart_render_s": round(render_s, 3)}, ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
