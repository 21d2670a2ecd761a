"""Where the game keeps its files: one rule for the models/profiles directory, shared by every command.

Resolution order:
1. ``--models DIR`` on the command line;
2. the ``GESTURE_PACMAN_MODELS`` environment variable;
3. ``models/`` of the source checkout, when the package runs from one (the usual case);
4. the per-user data directory (``platformdirs``), for installs outside a checkout.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from platformdirs import user_data_dir

MODELS_ENV = "GESTURE_PACMAN_MODELS"
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Where an installed wheel puts the read-only files that a checkout keeps beside ``game/``
#: (``pyproject.toml``'s data files: the maze, the shipped model files and their notices).
INSTALLED_DATA = Path(sys.prefix) / "share" / "gesture-pacman"
DEFAULT_PROFILE_NAME = "default"


def _in_checkout() -> bool:
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "game").is_dir()


def shipped_dir(name: str) -> Path:
    """The folder holding the read-only files shipped under ``name`` (``assets`` or ``models``):
    the checkout's own, or the installed copy when the package runs from a wheel."""
    return REPO_ROOT / name if _in_checkout() else INSTALLED_DATA / name


ASSETS_DIR = shipped_dir("assets")


def _resolve(path: str | os.PathLike[str]) -> Path:
    """``path`` absolute with links resolved; a symbolic link loop is left unresolved (absolute), so
    that the command using it reports the loop with its own message instead of a traceback here."""
    try:
        return Path(path).expanduser().resolve()
    except (RuntimeError, OSError):  # RuntimeError: "Symlink loop" (Python < 3.13)
        return Path(os.path.abspath(Path(path).expanduser()))


def _checkout_models_dir() -> Path | None:
    return REPO_ROOT / "models" if _in_checkout() else None


def models_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding profiles, converted backbones and the high score."""
    if cli_value:
        return _resolve(cli_value)
    env = os.environ.get(MODELS_ENV)
    if env:
        return _resolve(env)
    checkout = _checkout_models_dir()
    if checkout is not None:
        return checkout
    return Path(user_data_dir("gesture-pacman", appauthor=False))


def models_dir_source(cli_value: str | os.PathLike[str] | None = None) -> str:
    """Which rule picked the models directory, for ``doctor``."""
    if cli_value:
        return "--models option"
    if os.environ.get(MODELS_ENV):
        return f"${MODELS_ENV}"
    if _checkout_models_dir() is not None:
        return "models/ of the source checkout"
    return "per-user data directory"


def check_models_dir(models: Path) -> str | None:
    """Why ``models`` cannot be the models directory (one line), or None. Nothing is created.

    Catches before any work what would otherwise fail mid-way: a file (or a device) where the
    folder should be, a file among its parents, a symbolic link loop.
    """
    return _check_folder_path(models, "the models directory")


def _check_folder_path(folder: Path, what: str) -> str | None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{what} {folder} is a symbolic link loop"
        if exc.errno != errno.ENOTDIR:
            return f"{what} {folder} cannot be used ({exc.strerror})"
        info = None
    if info is not None:
        return None if stat.S_ISDIR(info.st_mode) else f"{what} {folder} is not a folder"
    blocker = next((p for p in folder.parents if os.path.lexists(p) and not p.is_dir()), None)
    if blocker is not None:
        return f"{what} {folder} cannot be created: {blocker} is not a folder"
    return None


def check_output_file(path: str | os.PathLike[str], what: str) -> str | None:
    """Why ``path`` cannot receive a file written by a command (one line), or None.

    An existing entry must be a regular file (it is replaced by a new one): a device, a folder
    or a symbolic link there is refused, so that writing never replaces or follows them. The
    folder must exist.
    """
    target = Path(path).expanduser()
    if os.path.islink(target):
        return f"{what} {target} is a symbolic link; give the path of a regular file"
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        return f"{what} {target} cannot be used ({exc.strerror})"
    if info is not None and stat.S_ISDIR(info.st_mode):
        return f"{what} {target} is a folder; give a file name"
    if info is not None and not stat.S_ISREG(info.st_mode):
        return f"{what} {target} is not a regular file (a device or a pipe)"
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        return f"cannot write {what} {target}: the folder {folder} does not exist"
    return None


def profiles_dir(models: Path) -> Path:
    return models / "profiles"


def default_profile_dir(models: Path) -> Path:
    return profiles_dir(models) / DEFAULT_PROFILE_NAME


def profile_dir(profile: str | os.PathLike[str] | None, models: Path) -> Path:
    """The profile a command works on: ``--profile DIR`` when given, else the models directory's default."""
    if profile:
        return _resolve(profile)
    return default_profile_dir(models)


def backbones_dir(models: Path) -> Path:
    """Converted per-frame backbones (LiteRT files), keyed by weights hash and converter version."""
    return models / "backbones"


def high_score_path(models: Path) -> Path:
    return models / "highscore.json"
