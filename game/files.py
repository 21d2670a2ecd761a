"""Atomic file writes, defined once: write a temporary sibling, fsync it, rename it over the target.

A reader (or a crash) sees the old file or the new one, never half of one. Every file the game
writes goes through here (high score, screenshots, the headless log, converted backbones,
synthetic videos); a profile is a folder and is committed by ``game.vision.profile_store`` with
the same fsync-then-rename steps. Something at the target that is not a regular file (a folder, a
device, a symbolic link) is never replaced: ``NotAFileError`` says so in one line.

A rewrite keeps the permissions of the file it replaces; a new file gets the usual ones
(``0o666`` less the umask), not the owner-only mode ``tempfile.mkstemp`` would give it. Files that
two games may read, merge and rewrite at once (the high score, pending corrections) are changed
under ``locked_folder``; a file that cannot be read is renamed aside by ``move_aside``, never lost.
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows: no flock; two writers at the same instant may race
    fcntl = None  # type: ignore[assignment]


@contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` (where the system has one and the folder can be
    opened): two games that read, merge and rewrite a file in it do so one after the other."""
    fd = -1
    if fcntl is not None:
        try:
            fd = os.open(folder, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
    try:
        yield
    finally:
        if fd >= 0:
            os.close(fd)


class NotAFileError(OSError):
    """The target exists and is not a regular file; the message names it."""


def check_replaceable(path: Path) -> None:
    """Raise ``NotAFileError`` when ``path`` exists and is not a regular file.

    A symbolic link counts as not a file: the rename would replace the link itself, not the file
    it points to, so a user's link (to a file kept elsewhere) would silently become a copy.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise NotAFileError(f"{path} is a symbolic link: not replacing it (give the file it points to)")
    if stat.S_ISDIR(mode):
        raise NotAFileError(f"{path} is a folder, not a file: not replacing it")
    if not stat.S_ISREG(mode):
        raise NotAFileError(f"{path} is not a regular file: not replacing it")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``path`` (same suffix) for the caller to write; when the block
    ends without an exception it is fsynced and renamed over ``path``, otherwise removed.

    The folder must exist. For writers that take a file name (an image saver, a video writer).
    """
    path = Path(path)
    check_replaceable(path)
    tmp = _new_sibling(path)
    try:
        yield tmp
        _keep_mode(path, tmp)
        with tmp.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _new_sibling(path: Path) -> Path:
    """Create an empty, unused ``.<stem>.<random>.tmp<suffix>`` beside ``path``.

    Created with mode ``0o666`` so the umask decides, as for any new file (``mkstemp`` would make it
    owner-only, and the rename would carry that onto the target).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")


def _keep_mode(path: Path, tmp: Path) -> None:
    """Give ``tmp`` the permissions of the file it is about to replace (none there: leave them).

    Done after the caller wrote it, so a read-only target does not stop the write.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        os.chmod(tmp, stat.S_IMODE(mode))


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text handle whose contents replace ``path`` when the block ends without an exception."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as handle:
        yield handle


def write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def move_aside(path: Path, tag: str, keep_suffix: bool = False) -> Path:
    """Rename ``path`` to an unused name beside it that says why and when: ``<name>.<tag>-<time>``,
    or with ``keep_suffix`` ``<stem>.<tag>-<time><suffix>`` (the file keeps its type), with ``-k``
    added after the time when that is taken. Nothing is deleted; raises ``OSError``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for k in range(1000):
        mark = f".{tag}-{stamp}" + (f"-{k}" if k else "")
        target = path.with_name(f"{path.stem}{mark}{path.suffix}" if keep_suffix else f"{path.name}{mark}")
        if not os.path.lexists(target):
            os.rename(path, target)
            return target
    raise FileExistsError(f"no free name beside {path} to move it aside")
