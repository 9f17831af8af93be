"""Writing files so that a failure never leaves anything half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

PUBLISHED_MODE = 0o644  # mkstemp creates 0600 files: a web server running as another user could not read them


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, PUBLISHED_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def frame_to_csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def write_frames_atomic(root: Path, frames: dict[str, pd.DataFrame], remove: list[Path] = ()) -> None:
    """Write several CSVs: all are prepared as temporary files first and renamed only when all are ready."""
    staged: list[tuple[str, Path]] = []
    try:
        for rel, frame in frames.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(frame_to_csv_text(frame))
            os.chmod(tmp, PUBLISHED_MODE)
            staged.append((tmp, target))
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    for path in remove:
        path.unlink(missing_ok=True)


def swap_directory(staging: Path, final: Path) -> None:
    """Put ``staging`` in the place of ``final`` by renames; the old directory is removed only afterwards."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
