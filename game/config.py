"""Where the game keeps its files: one rule for the models/profiles directory, shared by every command.

Resolution order:
1. ``--models DIR`` on the command line;
2. the ``GESTURE_PACMAN_MODELS`` environment variable;
3. ``models/`` of the source checkout, when the package runs from one (the usual case);
4. the per-user data directory (``platformdirs``), for installs outside a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

MODELS_ENV = "GESTURE_PACMAN_MODELS"
REPO_ROOT = Path(__file__).resolve().parents[1]
ASSETS_DIR = REPO_ROOT / "assets"
DEFAULT_PROFILE_NAME = "default"


def _checkout_models_dir() -> Path | None:
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "game").is_dir():
        return REPO_ROOT / "models"
    return None


def models_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding profiles, converted backbones and the high score."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env).expanduser().resolve()
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


def profiles_dir(models: Path) -> Path:
    return models / "profiles"


def default_profile_dir(models: Path) -> Path:
    return profiles_dir(models) / DEFAULT_PROFILE_NAME


def profile_dir(profile: str | os.PathLike[str] | None, models: Path) -> Path:
    """The profile a command works on: ``--profile DIR`` when given, else the models directory's default."""
    if profile:
        return Path(profile).expanduser().resolve()
    return default_profile_dir(models)


def backbones_dir(models: Path) -> Path:
    """Converted per-frame backbones (LiteRT files), keyed by weights hash and converter version."""
    return models / "backbones"


def high_score_path(models: Path) -> Path:
    return models / "highscore.json"
