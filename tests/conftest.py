"""Test setup: headless SDL, an offline Keras cache seeded with the shipped weights, and test data.

Everything the default test run needs is in the repository: the MobileNet weights shipped in
``models/`` are copied into a temporary ``$KERAS_HOME/models`` (so that the unchanged
``weights="imagenet"`` loading code is what the tests exercise) and 200 hand photos live in
``tests/data/signdigits``. A fresh clone runs every test with nothing skipped for missing data.

Tests that need the larger data in ``../shared`` (the full photo set, the room frames) use the
``shared_dir`` fixture; they are marked ``shared`` automatically and left out of the default run
(run them with ``pytest -m shared``, as ``.ci/run`` does).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
WEIGHTS_NAME = "mobilenet_2_5_224_tf_no_top.h5"
SHIPPED_WEIGHTS = REPO_ROOT / "models" / WEIGHTS_NAME
SIGNDIGITS = REPO_ROOT / "tests" / "data" / "signdigits"

_session_dir = Path(tempfile.mkdtemp(prefix="gesture-pacman-tests-"))
KERAS_HOME = _session_dir / "keras"
(KERAS_HOME / "models").mkdir(parents=True)
if SHIPPED_WEIGHTS.is_file():
    shutil.copyfile(SHIPPED_WEIGHTS, KERAS_HOME / "models" / WEIGHTS_NAME)
os.environ["KERAS_HOME"] = str(KERAS_HOME)
# Tests never write into the checkout's models/ directory.
os.environ["GESTURE_PACMAN_MODELS"] = str(_session_dir / "models")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session's Keras cache and models directory go when the run ends (about 3 MB a run)."""
    shutil.rmtree(_session_dir, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need ../shared (through the ``shared_dir`` fixture) are marked ``shared``."""
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The larger data beside the checkout; only tests marked ``shared`` (``pytest -m shared``) use it."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing: the larger shared test data (rooms, full photo set) is not here")
    return SHARED


@pytest.fixture(scope="session")
def signdigits() -> Path:
    """200 real hand photos shipped in tests/data (50 per class); see tests/data/README.md."""
    assert SIGNDIGITS.is_dir(), f"{SIGNDIGITS} is missing from the checkout"
    return SIGNDIGITS


@pytest.fixture(scope="session")
def imagenet_weights() -> Path:
    """The ImageNet weights in the test $KERAS_HOME's cache (a copy of the shipped file)."""
    cached = KERAS_HOME / "models" / WEIGHTS_NAME
    assert cached.is_file(), f"{SHIPPED_WEIGHTS} is missing from the checkout"
    return cached


@pytest.fixture(scope="session")
def session_models_dir() -> Path:
    """The models directory every test shares (converted backbones are cached here once)."""
    path = Path(os.environ["GESTURE_PACMAN_MODELS"])
    path.mkdir(parents=True, exist_ok=True)
    return path
