"""An installed wheel has what a checkout has beside ``game/``: the maze and the shipped model files.

A wheel holds only the ``game`` package unless ``pyproject.toml`` lists data files, and the game
cannot start without ``assets/maze.txt`` (nor recognize a hand without the shipped models). The
files git tracks in ``assets/`` and ``models/`` must all be listed, and an install must look for
them where the wheel puts them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game import config
from game.core import maze

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: tomli, which the test extras install there, is the same parser
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def _tracked(folder: str) -> set[str]:
    """The files git tracks in ``folder``; outside a git checkout a skip, but a failure under CI
    (``CI=true``, as .ci/run sets), which always runs in a clone."""
    done = subprocess.run(["git", "ls-files", folder], cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        why = f"git ls-files {folder} failed ({done.stderr.strip() or 'it gave nothing'})"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{why}: CI runs in a git clone, where it must list the shipped files")
        pytest.skip(f"not a git checkout: {why}")
    return set(done.stdout.split())


def test_every_shipped_file_is_a_data_file_of_the_wheel() -> None:
    data_files = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    listed = {
        folder.removeprefix("share/gesture-pacman/"): set(files) for folder, files in data_files.items()
    }
    assert listed == {"assets": _tracked("assets"), "models": _tracked("models")}
    for files in listed.values():
        assert all((REPO / f).is_file() for f in files)


def test_outside_a_checkout_the_shipped_files_are_read_from_the_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert config.shipped_dir("models") == REPO / "models"  # the checkout's own, here
    monkeypatch.setattr(config, "REPO_ROOT", Path(sys.prefix) / "lib" / "site-packages")
    assert config.shipped_dir("models") == Path(sys.prefix) / "share" / "gesture-pacman" / "models"
    assert config.shipped_dir("assets") == config.INSTALLED_DATA / "assets"
    # The rules find the maze by the same rule, written out in core (which imports nothing else).
    assert maze.ASSETS_DIR == REPO / "assets" and maze.DEFAULT_MAZE_PATH.is_file()
