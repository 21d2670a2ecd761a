"""Test setup: headless SDL, an offline Keras cache seeded from ../shared, and shared-data fixtures.

The MobileNet weights are copied from ``../shared/models`` into a temporary ``$KERAS_HOME/models``
so that the unchanged ``weights="imagenet"`` loading code is what the tests exercise. Tests that
need ``../shared`` skip with a reason when it is absent.
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
SHARED_WEIGHTS = SHARED / "models" / WEIGHTS_NAME
SIGNDIGITS = SHARED / "data" / "signdigits"

_session_dir = Path(tempfile.mkdtemp(prefix="gesture-pacman-tests-"))
KERAS_HOME = _session_dir / "keras"
(KERAS_HOME / "models").mkdir(parents=True)
if SHARED_WEIGHTS.is_file():
    shutil.copyfile(SHARED_WEIGHTS, KERAS_HOME / "models" / WEIGHTS_NAME)
os.environ["KERAS_HOME"] = str(KERAS_HOME)
# Tests never write into the checkout's models/ directory.
os.environ["GESTURE_PACMAN_MODELS"] = str(_session_dir / "models")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing: the shared test data (weights, hand photos) is not here")
    return SHARED


@pytest.fixture(scope="session")
def signdigits(shared_dir: Path) -> Path:
    if not SIGNDIGITS.is_dir():
        pytest.skip(f"{SIGNDIGITS} is missing: no real hand photos to test the vision pipeline with")
    return SIGNDIGITS


@pytest.fixture(scope="session")
def imagenet_weights(shared_dir: Path) -> Path:
    """The cached ImageNet weights file inside the test $KERAS_HOME."""
    cached = KERAS_HOME / "models" / WEIGHTS_NAME
    if not cached.is_file():
        pytest.skip(f"{SHARED_WEIGHTS} is missing: cannot test with the real MobileNet weights offline")
    return cached


@pytest.fixture(scope="session")
def session_models_dir() -> Path:
    """The models directory every test shares (converted backbones are cached here once)."""
    path = Path(os.environ["GESTURE_PACMAN_MODELS"])
    path.mkdir(parents=True, exist_ok=True)
    return path
