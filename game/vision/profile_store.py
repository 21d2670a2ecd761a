"""Where a profile lives on disk: safe saves, the one recovery rule, and reads that see one whole profile.

Saving (:func:`commit`) writes the parts into a staging folder beside the profile
(``.NAME.new-*``), hard-links the folder's other entries into it (the user's files are neither
copied nor rewritten), gives it the old folder's permissions, and swaps it in with two renames:
the old folder goes to ``.NAME.old-*`` and is deleted afterwards. Only an empty folder, a new one
or a gesture profile (its ``profile.json`` says so, or the folder holds only a damaged one and
the game's own files) is ever saved over; see :func:`check_target`.
Staging and moved-aside folders are locked (``flock``) while their save runs.

Recovery (:func:`settle`), run by every loader before it reads: when the profile folder is missing
and a moved-aside one exists (a crash between the two renames), the newest comes back (after
waiting a moment for a save still running); staging folders of dead saves and moved-aside
leftovers are deleted. Reads (:func:`read_consistent`) compare the folder's identity before and
after: when a save swapped it meanwhile the read runs again, so a load sees the old or the new
profile, never a mix of both.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TypeVar

from game.files import fsync_dir
from game.vision.profile_format import (
    FORMAT_VERSION,
    PARTS,
    PROFILE_FILE,
    PROFILE_KIND,
    ProfileError,
    is_own_name,
)

try:
    import fcntl
except ImportError:  # Windows: no flock; folders are judged by age instead
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")

#: A staging folder younger than this may not be locked yet by its save, so it is left alone.
FRESH_S = 5.0
#: Without flock, a staging folder older than this belongs to a save that died.
STALE_WITHOUT_LOCK_S = 3600.0
#: How long a loader waits for a save caught between its two renames.
WAIT_S = 10.0
READ_TRIES = 20


def resolve(folder: str | os.PathLike[str]) -> Path:
    """``folder`` as an absolute path with links resolved; a symlink loop is a :class:`ProfileError`."""
    try:
        return Path(folder).expanduser().resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: "Symlink loop" (Python < 3.13)
        raise ProfileError(f"Cannot use {folder} as a profile folder: {_reason(exc)}.") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    text = str(exc) or type(exc).__name__
    return "it is a symbolic link loop" if "loop" in text.lower() else text


def _leftovers(target: Path) -> tuple[list[Path], list[Path]]:
    """(staging folders, moved-aside folders) of ``target``'s saves."""
    new, old = f".{target.name}.new-", f".{target.name}.old-"
    try:
        entries = [p for p in target.parent.iterdir() if p.name.startswith((new, old))]
    except OSError:
        return [], []
    entries = [p for p in entries if p.is_dir() and not p.is_symlink()]
    return [p for p in entries if p.name.startswith(new)], [p for p in entries if p.name.startswith(old)]


def _lock(folder: Path) -> int | None:
    """Hold ``folder``'s lock until the returned descriptor is closed (None without flock)."""
    if fcntl is None:
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def _in_use(folder: Path, fresh_s: float = 0.0) -> bool:
    """True while a live save holds ``folder`` (its lock; without flock, its age)."""
    try:
        age = time.time() - folder.lstat().st_mtime
    except OSError:
        return False
    if age < fresh_s:
        return True
    if fcntl is None:
        return age < STALE_WITHOUT_LOCK_S
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also drops the lock just taken
    return False


def _written_at(folder: Path) -> int:
    try:
        return (folder / PROFILE_FILE).lstat().st_mtime_ns
    except OSError:
        return -1


def settle(target: Path) -> None:
    """The one recovery rule for interrupted saves; every loader calls it before reading ``target``.

    Never raises: a folder it cannot change (read-only) is left as it is.
    """
    deadline = time.monotonic() + WAIT_S
    while True:
        staging, retired = _leftovers(target)
        if not retired or _exists(target):
            break
        if not any(_in_use(p) for p in retired) or time.monotonic() > deadline:
            break
        time.sleep(0.05)  # a save between its two renames: the new folder arrives in a moment
    try:
        if not _exists(target):
            # The suffixes are random, so the newest is told by when its contents were written: an
            # older leftover (a clean-up that failed) must not come back in place of the latest save.
            idle = [p for p in retired if not _in_use(p)]
            if idle:
                newest = max(idle, key=_written_at)
                os.replace(newest, target)
                retired.remove(newest)
    except OSError:
        return
    for leftover in retired:
        if not _in_use(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in staging:
        if not _in_use(leftover, FRESH_S):
            shutil.rmtree(leftover, ignore_errors=True)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _identity(target: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(target)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def read_consistent(target: Path, read: Callable[[Path], T]) -> T:
    """``read(target)`` from one version of the folder: repeated when a save swapped it meanwhile.

    The folder is held open during the read, so its inode number cannot be reused by a later
    save's folder: the same identity before and after means the same folder.
    """
    for attempt in range(READ_TRIES):
        held = _hold(target)
        try:
            before = _identity(target)
            try:
                result = read(target)
            except (ProfileError, OSError):
                after = _identity(target)
                # Swapped meanwhile, or caught between a save's two renames (the folder is
                # missing for a moment): settle() waits for that save, then read again.
                if attempt + 1 < READ_TRIES and (after != before or after is None):
                    settle(target)
                    continue
                raise
            if _identity(target) == before:
                return result
        finally:
            if held is not None:
                os.close(held)
        settle(target)
    raise ProfileError(f"{target} kept changing while it was read (is it being saved?). Try again.")


def _hold(target: Path) -> int | None:
    try:
        return os.open(target, os.O_RDONLY)
    except OSError:  # missing, or a platform that cannot open folders
        return None


def is_profile_folder(folder: Path) -> str | None:
    """None when a profile may be saved over ``folder``; else why not, as a clause for a message.

    A profile is told by its ``profile.json`` (``kind`` says so). One whose ``profile.json`` is
    damaged (not JSON, cut short) or missing counts too as long as the folder holds nothing but
    names the game gives (:func:`profile_format.is_own_name`): saving over it is how it gets
    repaired, and a user's folder that merely holds an unreadable file of that name keeps its
    other files safe.
    """
    meta = folder / PROFILE_FILE
    why, damaged = _judge_metadata(meta)
    if why is None:
        return None
    if not damaged:
        if not _exists(meta) and not _foreign_entries(folder):
            return None  # the game's files alone, their profile.json lost: a damaged profile too
        return f"{why}, so it is not a gesture profile"
    others = _foreign_entries(folder)
    if not others:
        return None  # a damaged profile and nothing else: replacing it is the repair
    shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    return (
        f"{why} and it holds files that are not a profile's ({shown}), so it may not be a gesture "
        "profile. To replace the damaged profile there, move those files out of the folder; or save "
        "the profile elsewhere"
    )


def _judge_metadata(meta: Path) -> tuple[str | None, bool]:
    """(why ``meta`` does not make its folder a profile, or None; whether it looks damaged rather
    than someone else's file)."""
    try:
        info = meta.lstat()
    except OSError:
        return f"it has no {PROFILE_FILE}", False
    if not stat.S_ISREG(info.st_mode):
        return f"its {PROFILE_FILE} is not a regular file", False
    if info.st_size > PARTS[PROFILE_FILE]:
        return f"its {PROFILE_FILE} is too large to be a profile's", True
    try:
        data = json.loads(meta.read_bytes().decode("utf-8"))
    except OSError as exc:
        return f"its {PROFILE_FILE} cannot be read ({_reason(exc)})", False
    except (UnicodeDecodeError, ValueError, RecursionError):
        return f"its {PROFILE_FILE} is not readable JSON", True
    if not isinstance(data, dict):
        return f"its {PROFILE_FILE} is not a JSON object", True
    if data.get("kind") != PROFILE_KIND:
        return f"its {PROFILE_FILE} is not a gesture-pacman profile's", False
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        return f"it was saved by a newer gesture-pacman (profile format {version})", False
    return None, False


def _foreign_entries(folder: Path) -> list[str]:
    """Names in ``folder`` the game does not give (a folder counts whatever its name: a save
    would delete what it holds); a folder that cannot be listed yields a placeholder."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        return [f"unlisted entries: {_reason(exc)}"]
    return [e.name for e in entries if not is_own_name(e.name) or e.is_dir(follow_symlinks=False)]


def check_target(folder: str | os.PathLike[str]) -> Path:
    """The resolved ``folder`` if a profile may be saved there; raises :class:`ProfileError` if not.

    Allowed: a new folder, an empty one, or an existing gesture profile, damaged ones included
    (see :func:`is_profile_folder`; saving over one is how it gets repaired). Commands call it
    before the slow work, so a wrong ``--profile`` is reported at once.
    """
    target = resolve(folder)
    blocker = next((p for p in target.parents if _exists(p) and not p.is_dir()), None)
    if blocker is not None:
        raise ProfileError(f"Cannot save a profile at {target}: {blocker} is a file, not a folder.")
    if _exists(target):
        if not target.is_dir():
            raise ProfileError(f"Refusing to overwrite {target}: it is not a folder.")
        try:
            empty = not any(target.iterdir())
        except OSError as exc:
            raise ProfileError(f"Cannot save a profile at {target}: {_reason(exc)}.") from None
        why = None if empty else is_profile_folder(target)
        if why is not None:
            raise ProfileError(f"Refusing to overwrite {target}: {why}.")
    home = next((p for p in (target.parent, *target.parent.parents) if p.is_dir()), None)
    if home is not None and not os.access(home, os.W_OK | os.X_OK):
        raise ProfileError(f"Cannot save a profile at {target}: {home} is not writable.")
    return target


def find_profile(folder: str | os.PathLike[str]) -> Path | None:
    """``folder`` (resolved, an interrupted save recovered) when it holds a ``profile.json``, else None.

    Cheap (no TensorFlow, nothing validated): for "is there a profile?" before loading one.
    """
    try:
        target = resolve(folder)
    except ProfileError:
        return None
    settle(target)
    return target if (target / PROFILE_FILE).is_file() else None


def _new_staging(target: Path) -> Path:
    while True:
        staging = target.parent / f".{target.name}.new-{secrets.token_hex(6)}"
        try:
            staging.mkdir()  # the usual permissions (umask), unlike tempfile.mkdtemp's owner-only
            return staging
        except FileExistsError:
            continue


def _carry(old: Path, new: Path, skip: Collection[str]) -> None:
    """Hard-link every entry of ``old`` except ``skip`` into ``new`` (folders are recreated)."""
    for entry in os.scandir(old):
        if entry.name in skip:
            continue
        src, dst = Path(entry.path), new / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                dst.mkdir()
                _carry(src, dst, ())
                shutil.copystat(src, dst, follow_symlinks=False)
            else:
                os.link(src, dst, follow_symlinks=False)
        except OSError as exc:
            raise ProfileError(
                f"Cannot save over {old} without touching {src} ({_reason(exc)}): "
                "move your own files out of the profile folder, or save the profile elsewhere."
            ) from None


def commit(target: Path, write: Callable[[Path], None], parts: Collection[str] = PARTS) -> Path:
    """Save into ``target`` through ``write(staging)``: a crash at any point leaves the old profile
    loadable, and entries of ``target`` not named in ``parts`` are kept as they are."""
    target = check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _new_staging(target)
    lock = _lock(staging)
    try:
        write(staging)
        if target.is_dir():
            _carry(target, staging, parts)
            _keep_modes(target, staging, parts)
            retired = target.parent / f".{target.name}.old-{secrets.token_hex(6)}"
            old_lock = _lock(target)
            try:
                # A folder cannot be replaced in one rename, so the old one moves aside first;
                # settle() restores it if a crash lands between the two renames.
                os.replace(target, retired)
                os.replace(staging, target)
            finally:
                _unlock(old_lock)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        _unlock(lock)
    return target


def _keep_modes(old: Path, new: Path, parts: Collection[str]) -> None:
    """The folder's permissions, and each part's, as the user had them."""
    os.chmod(new, stat.S_IMODE(old.stat().st_mode))
    for name in parts:
        try:
            mode = stat.S_IMODE((old / name).lstat().st_mode)
            if (new / name).is_file() and not (new / name).is_symlink():
                os.chmod(new / name, mode)
        except OSError:
            continue
