"""Command line: ``jinan-eval validate | ingest | workbook | assess | run | build | serve | reviews``.

A thin shell over the stages: each sub-command parses its arguments and calls one function. Heavier stages
(papermill, Sphinx) are imported when their command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import BOOK_DIR, BUILD_DIR, DEFAULT_DATA_DIR, LANGS, REVIEW_PASSWORD_ENV, REVIEW_STORE_DIR, SITE_DIR
from .data import DataValidationError, load_dataset, validate
from .edition.startup import skip_unused_imports
from .store import BuildLocked, Busy, data_lock


def _print_report(report, *, quiet_warnings: bool = False) -> None:
    for p in report.errors:
        print(p, file=sys.stderr)
    if not quiet_warnings:
        for p in report.warnings:
            print(p, file=sys.stderr)


def _failed(report) -> int:
    _print_report(report)
    print(f"FAILED: {len(report.errors)} error(s); nothing was done", file=sys.stderr)
    return 1


def cmd_validate(args: argparse.Namespace) -> int:
    report, dataset = validate(Path(args.data_dir), args.plan)
    _print_report(report, quiet_warnings=args.quiet)
    if report.ok and dataset is not None:
        print(f"OK: {args.data_dir} · plan {dataset.plan.id}: {len(dataset.targets)} targets, "
              f"{len(dataset.indicators)} indicators, {len(dataset.observations)} observations, "
              f"{len(dataset.sources)} sources ({len(report.warnings)} warning(s))")
        return 0
    print(f"FAILED: {len(report.errors)} error(s), {len(report.warnings)} warning(s) in {args.data_dir}",
          file=sys.stderr)
    return 1


def cmd_ingest(args: argparse.Namespace) -> int:
    from .data.ingest import ingest

    if args.workbook:
        return _ingest_workbook(args)
    raw_dir = Path(args.raw_dir) if args.raw_dir else Path(args.data_dir) / "raw"
    try:
        report = ingest(raw_dir, Path(args.data_dir), args.plan)
    except DataValidationError as exc:
        _print_report(exc.report)
        print(f"FAILED: nothing written; {len(exc.report.errors)} error(s)", file=sys.stderr)
        return 1
    except OSError as exc:  # a full or read-only disk: the data folder is as it was
        return _not_written(exc, args.data_dir)
    _print_report(report, quiet_warnings=True)
    print(f"OK: ingested {raw_dir} into {args.data_dir}")
    return 0


def _ingest_workbook(args: argparse.Namespace) -> int:
    from .data.workbook import WorkbookError
    from .edition.workbook import ingest_workbooks

    names = ", ".join(args.workbook)
    try:
        result = ingest_workbooks([Path(p) for p in args.workbook], Path(args.data_dir), args.plan)
    except (WorkbookError, DataValidationError) as exc:
        _print_report(exc.report)
        refused: dict[str, set] = {}
        for p in exc.report.errors:
            refused.setdefault(p.file, set()).add(p.row)
        for where, rows in refused.items():
            print(f"  refused: {where}: {len(rows)} row(s)", file=sys.stderr)
        print(f"FAILED: nothing written; {len(exc.report.errors)} problem(s) in {names}", file=sys.stderr)
        return 1
    except OSError as exc:
        return _not_written(exc, args.data_dir)
    for problem in result.warnings:
        print(problem, file=sys.stderr)
    print("workbook › sheet: requested, answered, still open")
    for (workbook, sheet), asked in result.requested.items():
        got = result.read.get((workbook, sheet), 0)
        print(f"  {workbook} › {sheet}: {asked}, {got}, {max(asked - got, 0)}")
    for department, rows in result.replaced.items():
        print(f"  {department}: {len(rows)} earlier row(s) replaced")
        for row in rows:
            print(f"    {row}")
    if result.newly_rated:
        print(f"  targets now rated: {', '.join(result.newly_rated)}")
    print(f"OK: {result.figures} figure(s) and {result.evidence} evidence row(s) from {names} "
          f"ingested into {args.data_dir}")
    return 0


def _not_written(exc: OSError, data_dir: str) -> int:
    """A disk that is full or cannot be written: one line, and the data folder left exactly as it was."""
    what = exc.strerror or type(exc).__name__
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    print(f"FAILED: could not write the data folder {data_dir}: {what}{where}; nothing was changed",
          file=sys.stderr)
    return 1


def cmd_workbook(args: argparse.Namespace) -> int:
    from .edition.workbook import write_request_workbook

    out = Path(args.out)
    if (refused := _workbook_out_problem(out, Path(args.data_dir), args.force)) is not None:
        print(f"FAILED: {refused}; nothing was written", file=sys.stderr)
        return 1

    def write(dataset, year) -> int:
        existed = out.exists()
        try:  # a temporary file beside the target, then one rename: a failure leaves what was there
            counts = write_request_workbook(dataset, year, out)
        except OSError as exc:  # a full disk, a read-only or missing folder …
            what = exc.strerror or type(exc).__name__
            print(f"FAILED: could not write {args.out}: {what}; "
                  + ("the existing file was left as it was" if existed else "nothing was written"), file=sys.stderr)
            return 1
        print(f"OK: {args.out}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
        return 0

    return _for_year(args, write)


def _workbook_out_problem(out: Path, data_dir: Path, force: bool) -> str | None:
    """Why ``workbook --out`` may not write ``out``, or None: it must be an .xlsx file outside the data folder, not a
    folder, and not an existing file unless ``--force``."""
    if out.suffix.lower() != ".xlsx":
        return f"{out} does not end in .xlsx: the request workbook is an .xlsx file (e.g. --out requests-2025.xlsx)"
    try:
        target, data = out.resolve(), data_dir.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links …
        return f"{out}: {exc}"
    if target == data or target.is_relative_to(data):
        return f"{out} is inside the data folder {data_dir}: write the workbook somewhere else"
    if out.is_dir():
        return f"{out} is a folder: name the .xlsx file to write"
    if out.exists() and not out.is_file():
        return f"{out} is not a regular file"
    if (out.exists() or out.is_symlink()) and not force:
        return f"{out} already exists: give --force to replace it, or another file name"
    return None


def _for_year(args: argparse.Namespace, action) -> int:
    """Load and check the data and the report year, then run ``action(dataset, year)``; 1 on invalid data, 2 on a
    year outside the plan."""
    try:
        dataset, year = _dataset_and_year(args)
    except DataValidationError as exc:
        return _failed(exc.report)
    return 2 if year is None else action(dataset, year)


def _dataset_and_year(args: argparse.Namespace):
    """The dataset, and the report year checked against the plan's report years (None when refused)."""
    dataset = load_dataset(Path(args.data_dir), args.plan)
    year = getattr(args, "year", None)
    if year is not None and year not in dataset.plan.report_years:
        print(f"FAILED: report year {year} is outside the plan's report years "
              f"{dataset.plan.first_year}–{dataset.plan.target_year}", file=sys.stderr)
        return dataset, None
    return dataset, year


def cmd_assess(args: argparse.Namespace) -> int:
    from .assess import assess_edition

    def write(dataset, year) -> int:
        assess_edition(dataset, year).to_csv(args.output or sys.stdout, index=False)
        return 0

    return _for_year(args, write)


def cmd_run(args: argparse.Namespace) -> int:
    from .edition.run import NotebookFailed, run_notebooks

    try:
        dataset, year = _dataset_and_year(args)
        if year is None:
            return 2
        out = run_notebooks(year, args.lang, jobs=args.jobs, data_dir=Path(args.data_dir), dataset=dataset)
    except DataValidationError as exc:
        return _failed(exc.report)
    except NotebookFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    except BuildLocked as exc:
        print(f"BUSY: {exc}", file=sys.stderr)
        return 4
    print(f"OK: notebooks in {out}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .edition.book import (
        BuildFailed,
        Edition,
        EditionExists,
        build_all,
        build_edition,
        is_up_to_date,
        latest_edition_year,
    )
    from .edition.run import NotebookFailed

    data_dir, build_dir = Path(args.data_dir), Path(args.build_dir).resolve()  # the kernels run elsewhere
    try:
        if args.all:
            built = build_all(args.lang, args.force, data_dir, build_dir, jobs=args.jobs, plan_id=args.plan)
            print(f"OK: {len(built)} edition(s) built")
            return 0
        dataset, year = _dataset_and_year(args)
        if args.year is not None and year is None:
            return 2
        year = year if year is not None else latest_edition_year(dataset)
        force = args.force
        if args.if_changed:
            if is_up_to_date(Edition(year, args.lang), data_dir, build_dir):
                print(f"UP TO DATE: edition {year} ({args.lang}) was built from the current data, code, templates "
                      "and book sources; nothing to do")
                return 0
            force = True
        path = build_edition(year, args.lang, force, data_dir, build_dir, jobs=args.jobs, dataset=dataset)
        print(f"OK: edition {year} ({args.lang}) in {path}")
        return 0
    except EditionExists as exc:
        print(f"EXISTS: {exc}", file=sys.stderr)
        return 3
    except DataValidationError as exc:
        return _failed(exc.report)
    except (NotebookFailed, BuildFailed) as exc:
        print(f"FAILED: {exc}\nThe previous edition and index were left as they were.", file=sys.stderr)
        return 1
    except BuildLocked as exc:
        print(f"BUSY: {exc}\nNothing was changed.", file=sys.stderr)
        return 4
    except OSError as exc:  # a full disk, a folder that cannot be written …
        print(f"FAILED: {exc}\nThe previous edition and index were left as they were.", file=sys.stderr)
        return 1


def _common(p: argparse.ArgumentParser, lang: bool = False) -> None:
    p.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p.add_argument("--plan", default=None, help="plan id (a folder of data/plans/); default: the only plan")
    if lang:
        p.add_argument("--lang", choices=LANGS, default="zh")


def cmd_serve(args: argparse.Namespace) -> int:
    from .review.server import ServeError, serve

    try:
        serve(Path(args.site), Path(args.store), args.host, args.port,
              Path(args.password_file) if args.password_file else None,
              ready=lambda line: print(line, file=sys.stderr, flush=True))
    except ServeError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_reviews(args: argparse.Namespace) -> int:
    from .report.reviews import ReviewLogError
    from .review import store
    from .review.server import ServeError

    where = Path(args.store)
    try:
        if args.action == "pending":
            waiting = store.comments(where, store.PENDING)
            for c in waiting:
                text = " ".join(c["text"].split())
                print(f"#{c['id']}  {c['title']}  ·  {c['author']}\n    {text[:200]}")
            print(f"{len(waiting)} comment(s) awaiting approval", file=sys.stderr)
        elif args.action == "approve":
            if not args.ids:
                raise ServeError("name the comments to approve by their numbers (see `jinan-eval reviews pending`)")
            for number in store.approve(where, args.ids):
                print(f"#{number}: approved")
        else:
            added = store.export(where, Path(args.log))
            for e in added:
                print(f"{e['ref']}  {e['section']}  ·  {e['reviewer']}  {e['date']}")
            print(f"{len(added)} comment(s) added to {args.log}; write each response and status there",
                  file=sys.stderr)
    except (ServeError, ReviewLogError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jinan-eval", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the plan and every table and cross-reference of the data directory")
    _common(p)
    p.add_argument("--quiet", action="store_true", help="print errors only, not warnings")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ingest", help="turn collected CSVs (data/raw) into data/observations and data/sources.csv")
    p.add_argument("--raw-dir", default=None, help="collected CSVs (default: the data folder's raw/)")
    p.add_argument("--workbook", nargs="+", metavar="XLSX",
                   help="filled data-request workbooks (.xlsx) to read in instead, one or several (all or nothing)")
    _common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("workbook", help="write the data-request workbook of one report year (.xlsx)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True, help="the .xlsx file to write (not inside the data folder)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    _common(p)
    p.set_defaults(func=cmd_workbook)

    p = sub.add_parser("assess", help="print the assessment table of one report year (CSV)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--output", help="file to write (default: standard output)")
    _common(p)
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("run", help="execute every notebook of one edition with papermill")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: number of cores)")
    _common(p, lang=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("build", help="build an edition of the report (default: the latest year with data)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--year", type=int)
    group.add_argument("--all", action="store_true", help="every report year from the first to the latest")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--force", action="store_true", help="replace an edition that already exists")
    how.add_argument("--if-changed", action="store_true",
                     help="build the edition if it is missing or its inputs changed (replacing it); else do nothing")
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--build-dir", default=str(BUILD_DIR), help=argparse.SUPPRESS)
    _common(p, lang=True)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="serve the published site with its comment service (the review server)")
    p.add_argument("--site", default=str(SITE_DIR), help="the published site (default: %(default)s)")
    p.add_argument("--store", default=str(REVIEW_STORE_DIR),
                   help="folder of the comment store, never inside the site (default: %(default)s)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine "
                   "only; 0.0.0.0 for every address of it)")
    p.add_argument("--port", type=int, default=8000, help="(default: %(default)s)")
    p.add_argument("--password-file", help=f"the moderator's password, first line (default: ${REVIEW_PASSWORD_ENV})")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("reviews", help="the comments of the review server: list, approve, export to the review log")
    p.add_argument("action", choices=("pending", "approve", "export"),
                   help="pending: list comments awaiting approval; approve N…; export: append the approved comments "
                        "to the review log (once each)")
    p.add_argument("ids", nargs="*", type=int, help="comment numbers (approve)")
    p.add_argument("--store", default=str(REVIEW_STORE_DIR), help="folder of the comment store (default: %(default)s)")
    p.add_argument("--log", default=str(BOOK_DIR / "reviews" / "reviews.yml"),
                   help="the review log (default: %(default)s)")
    p.set_defaults(func=cmd_reviews)
    return parser


def main(argv: list[str] | None = None) -> int:
    skip_unused_imports()  # before a command imports jsonschema (through Altair or Jupyter Book): edition/startup.py
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("ingest", "serve", "reviews"):  # an ingest locks the data folder itself; the review
            return args.func(args)  # server and the review log do not read it
        with data_lock(Path(args.data_dir), exclusive=False):  # the others read it: no ingest meanwhile
            return args.func(args)
    except Busy as exc:
        print(f"BUSY: {exc}\nNothing was changed.", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
