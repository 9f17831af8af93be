"""Writing files so that a failure never leaves anything half-written — not even a ``kill -9``.

* ``write_text_atomic`` / ``write_frames_atomic``: a temporary file beside the target, then one rename.
* ``swap_directory``: a finished folder takes the place of the published one in **one** step, the kernel's
  ``renameat2(RENAME_EXCHANGE)``: at every instant the path holds either the old folder or the new one. The old
  folder ends up where the new one was (a staging area outside the published tree) and is removed afterwards; a
  kill before that leaves it there, and the next build clears the staging area.
* ``build_lock``: one build at a time per build directory (an advisory ``flock``, released by the kernel even when
  the process is killed); a second build refuses at once and names the process that holds the lock.
* ``data_lock`` / ``data_transaction``: the data folder is read by builds (shared) and changed by ingests
  (exclusive), under one lock file beside it; an ingest changes a copy of the whole folder and puts it in the
  folder's place with the same one-step exchange, so the folder holds the old state or the new, never a mix.
* ``checkpoint``: named points of a build at which a test can have the process killed (``JINAN_EVAL_KILL_AT``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import signal
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


KILL_ENV = "JINAN_EVAL_KILL_AT"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def checkpoint(name: str) -> None:
    """A named point of a build: when ``JINAN_EVAL_KILL_AT`` names it, the process kills itself (SIGKILL), as a
    crash or an impatient operator would. Used by the tests of what a killed build leaves behind."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths of one file system atomically (Linux ``renameat2``); False where the call is missing."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):  # kernel or file system without the flag
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_directory(staging: Path, final: Path) -> None:
    """Put the finished folder ``staging`` in the place of ``final`` in one atomic step (see the module docstring);
    the previous folder, now at ``staging``, is removed afterwards."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        os.replace(staging, final)
        return
    if _exchange(staging, final):
        checkpoint("swapped")
        shutil.rmtree(staging, ignore_errors=True)
        return
    # no atomic exchange on this system: two renames (a crash between them leaves ``final`` missing)
    old = staging.with_name(staging.name + ".old")
    os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


class Busy(RuntimeError):
    """Another process holds a lock this command needs; nothing was changed."""


class BuildLocked(Busy):
    pass


class DataBusy(Busy):
    pass


_held: dict[Path, int] = {}


@contextlib.contextmanager
def build_lock(build_dir: Path):
    """Hold the build directory's lock for the block (re-entrant within one process); refuse if another process
    holds it."""
    key = Path(build_dir).resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    key.mkdir(parents=True, exist_ok=True)
    fd = os.open(key / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            raise BuildLocked(f"another build is running in {key} (process {holder}); run this one again when "
                              "it has finished") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def staging_area(build_dir: Path) -> Path:
    """Where builds assemble their folders: beside the published site, never inside it."""
    return Path(build_dir) / "staging"


def staging_folder(build_dir: Path, prefix: str) -> Path:
    """A new, empty folder of the staging area (on the same file system as the folder it will replace)."""
    staging_area(build_dir).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=staging_area(build_dir)))


def hash_files(digest, folder: Path, pattern: str = "*", skip=frozenset(), hidden: bool = True):
    """Add every file of ``folder`` matching ``pattern`` (path and bytes, in sorted order) to ``digest``; caches
    (``__pycache__``), the paths in ``skip`` and, unless ``hidden``, files whose name starts with "." are left
    out. Returns the digest."""
    folder = Path(folder)
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts
                       and p not in skip and (hidden or not p.name.startswith("."))):
        digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0" + path.read_bytes())
    return digest


def clear_leftovers(build_dir: Path) -> list[Path]:
    """What a killed build left behind: the staging area, and the hidden folders earlier versions staged inside
    the site and the notebooks folder. Call it only while holding the build lock. Returns what was removed."""
    build_dir = Path(build_dir)
    found = [p for p in staging_area(build_dir).glob("*")]
    for folder in (build_dir / "site", build_dir / "site" / "en", build_dir / "notebooks", build_dir / "notebooks" / "en"):
        if folder.is_dir():
            found += [p for p in folder.iterdir() if p.is_dir() and p.name.startswith((".build-", ".staging-"))
                      or p.is_dir() and p.name.startswith(".") and ".old-" in p.name]
    for path in found:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    return found


def data_lock_file(data_dir: Path) -> Path:
    """The data folder's lock: beside the folder (an ingest exchanges the folder itself)."""
    data_dir = Path(data_dir).resolve()
    return data_dir.parent / f".{data_dir.name}.lock"


def _flock_holders(fd: int) -> list[str]:
    """The processes holding a ``flock`` on the file open at ``fd`` (Linux ``/proc/locks``), for the message."""
    st = os.fstat(fd)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    return sorted({f[4] for f in (line.split() for line in lines) if len(f) > 5 and f[1] == "FLOCK" and f[5] == inode
                   and f[4] != str(os.getpid())})


_data_held: dict[Path, list] = {}  # lock file → [fd or None, count, exclusive]


@contextlib.contextmanager
def data_lock(data_dir: Path, exclusive: bool):
    """Hold the data folder's lock for the block: shared to read it (builds, validation), exclusive to change it
    (ingests). Re-entrant within one process (an exclusive hold covers a shared request). A conflicting holder
    makes it raise :class:`DataBusy` at once, naming the process. A folder whose lock file cannot be created
    (a read-only disk) can be read without it: nothing can change it."""
    if not Path(data_dir).is_dir():  # nothing to protect (the command reports the missing folder itself)
        yield
        return
    key = data_lock_file(data_dir)
    held = _data_held.get(key)
    if held is not None:
        if exclusive and not held[2]:
            raise DataBusy("this process reads the data folder and cannot change it at the same time")
        held[1] += 1
        try:
            yield
        finally:
            held[1] -= 1
        return
    try:
        fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        if exclusive:
            raise
        fd = None
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
            except BlockingIOError:
                who = ", ".join(_flock_holders(fd)) or "unknown"
                doing = "is being read (a build or a check) or changed" if exclusive else "is being changed (an ingest)"
                raise DataBusy(f"the data folder {Path(data_dir)} {doing} by process {who}; "
                               "run this again when it has finished") from None
        _data_held[key] = [fd, 1, exclusive]
        try:
            yield
        finally:
            del _data_held[key]
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if fd is not None:
            os.close(fd)


def data_leftovers(data_dir: Path) -> list[Path]:
    """What a killed ingest may leave: its copy of the folder beside it, and (from earlier versions) temporary
    files inside it."""
    data_dir = Path(data_dir).resolve()
    found = [p for p in data_dir.parent.glob(f".{data_dir.name}.staging-*")]
    if data_dir.is_dir():
        found += [p for p in data_dir.rglob(".*.tmp") if p.is_file()]
    return found


@contextlib.contextmanager
def data_transaction(data_dir: Path):
    """Change the data folder as one step: yields a copy of it (beside it, on the same file system) for the
    block to change and check; when the block ends without an exception the copy takes the folder's place in
    one atomic exchange. An exception, or a kill at any point, leaves the folder as it was (or, after the
    exchange, wholly new); the next transaction removes what a killed one left. Holds the exclusive data lock."""
    data_dir = Path(data_dir).resolve()
    with data_lock(data_dir, exclusive=True):
        for path in data_leftovers(data_dir):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.staging-", dir=data_dir.parent))
        try:
            shutil.copytree(data_dir, staging, symlinks=True, dirs_exist_ok=True)
            checkpoint("ingest-staged")
            yield staging
            checkpoint("ingest-checked")
            swap_directory(staging, data_dir)
            checkpoint("ingest-published")
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file in the same directory, then rename: a full disk or a
    kill leaves the file that was there (or none), never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, PUBLISHED_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
