"""Command line: ``jinan-eval validate | ingest | assess | run | build``.

A thin shell over the package: each sub-command parses its arguments and calls one function.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .data import DEFAULT_DATA_DIR, validate
from .problems import DataValidationError


def _print_report(report, *, quiet_warnings: bool = False) -> None:
    for p in report.errors:
        print(p, file=sys.stderr)
    if not quiet_warnings:
        for p in report.warnings:
            print(p, file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    report, dataset = validate(Path(args.data_dir))
    _print_report(report, quiet_warnings=args.quiet)
    if report.ok and dataset is not None:
        print(f"OK: {args.data_dir}: {len(dataset.targets)} targets, {len(dataset.indicators)} indicators, "
              f"{len(dataset.observations)} observations, {len(dataset.sources)} sources "
              f"({len(report.warnings)} warning(s))")
        return 0
    print(f"FAILED: {len(report.errors)} error(s), {len(report.warnings)} warning(s) in {args.data_dir}",
          file=sys.stderr)
    return 1


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest

    try:
        report = ingest(Path(args.raw_dir), Path(args.data_dir))
    except DataValidationError as exc:
        _print_report(exc.report)
        print(f"FAILED: nothing written; {len(exc.report.errors)} error(s)", file=sys.stderr)
        return 1
    _print_report(report, quiet_warnings=True)
    print(f"OK: ingested {args.raw_dir} into {args.data_dir}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jinan-eval", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every table and cross-reference of the data directory")
    p.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p.add_argument("--quiet", action="store_true", help="print errors only, not warnings")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ingest", help="turn collected CSVs (data/raw) into data/observations and data/sources.csv")
    p.add_argument("--raw-dir", default=str(DEFAULT_DATA_DIR / "raw"))
    p.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p.set_defaults(func=cmd_ingest)

    _add_later_commands(sub)
    return parser


def _add_later_commands(sub) -> None:
    """Sub-commands whose modules import heavier libraries (papermill, sphinx) are imported lazily."""
    try:
        from . import commands  # noqa: F401  (registers assess / run / build)
    except ImportError:
        return
    commands.register(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
