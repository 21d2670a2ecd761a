"""Fixtures for the calibration scene tests that run the real MobileNet."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.scenes.calibration.options import CalibrationOptions


@pytest.fixture(scope="module")
def models(session_models_dir: Path, imagenet_weights: Path) -> Path:
    """The models directory with the per-frame backbone converted once, so every scene loads it
    from the cache instead of converting it again in its background thread."""
    from game.vision.features import LiteRTBackbone

    LiteRTBackbone.load(session_models_dir)
    return session_models_dir


@pytest.fixture
def options(tmp_path: Path, models: Path) -> CalibrationOptions:
    """Options for the per-frame recognizer, saving into a fresh profile folder."""
    return CalibrationOptions(profile_dir=tmp_path / "profile", models=models, recognizer="frame")
