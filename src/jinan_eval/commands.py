"""Sub-commands that drive notebooks and the book: ``assess``, ``run`` and ``build``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .data import DEFAULT_DATA_DIR
from .problems import DataValidationError


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))


def cmd_assess(args: argparse.Namespace) -> int:
    from .assess import assess_targets
    from .data import load_dataset

    d = load_dataset(Path(args.data_dir))
    result = assess_targets(d.targets, d.observations, d.indicators, args.year)
    result.to_csv(args.output or sys.stdout, index=False)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .run import NotebookFailed, run_notebooks

    try:
        out = run_notebooks(args.year, args.lang, jobs=args.jobs, data_dir=Path(args.data_dir))
    except NotebookFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"OK: notebooks in {out}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .book import BuildFailed, EditionExists, build_all, build_edition
    from .data import load_dataset
    from .run import NotebookFailed

    try:
        if args.all:
            built = build_all(args.lang, args.force, Path(args.data_dir), jobs=args.jobs)
            print(f"OK: {len(built)} edition(s) built")
            return 0
        year = args.year
        if year is None:
            from .book import latest_edition_year

            year = latest_edition_year(load_dataset(Path(args.data_dir)))
        path = build_edition(year, args.lang, args.force, Path(args.data_dir), jobs=args.jobs)
        print(f"OK: edition {year} ({args.lang}) in {path}")
        return 0
    except EditionExists as exc:
        print(f"EXISTS: {exc}", file=sys.stderr)
        return 3
    except (NotebookFailed, BuildFailed, DataValidationError) as exc:
        print(f"FAILED: {exc}\nThe previous edition and index were left as they were.", file=sys.stderr)
        return 1


def register(sub) -> None:
    p = sub.add_parser("assess", help="print the assessment table of one report year (CSV)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--output", help="file to write (default: standard output)")
    _common(p)
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("run", help="execute every notebook of one edition with papermill")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: number of cores)")
    _common(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("build", help="build an edition of the report (default: the latest year with data)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--year", type=int)
    group.add_argument("--all", action="store_true", help="every report year from the first to the latest")
    p.add_argument("--force", action="store_true", help="replace an edition that already exists")
    p.add_argument("--jobs", type=int, default=None)
    _common(p)
    p.set_defaults(func=cmd_build)
