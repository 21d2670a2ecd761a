"""A frame profile reopened in calibration keeps the preprocessing its samples were made with: new
samples, the live test and the save use it, so play and training keep agreeing exactly (profiles
saved before the ``area`` resize existed use ``area_then_linear``)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from game.vision.backbone_loader import BackboneLoader
from game.vision.calibration_profile import build_profile
from game.vision.preprocess import PreprocessConfig, Resize
from game.vision.profile import THUMBNAIL_SIZE, Profile, Samples, load_profile, save_profile
from game.vision.recognizer import FRAME, HAND, feature_shape
from game.vision.samples import SampleBook

LEGACY = PreprocessConfig(resize=Resize.AREA_THEN_LINEAR.value)
CLASSES = ["up", "down", "left", "right"]


def legacy_profile(folder: Path) -> None:
    n = 8
    samples = Samples(
        np.zeros((n, *feature_shape(FRAME)), np.float16),
        np.arange(n, dtype=np.int64) % len(CLASSES),
        np.zeros((n, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), np.uint8),
    )
    profile = Profile(CLASSES, "test", "0" * 64, preprocess=LEGACY, samples=samples, recognizer=FRAME)
    save_profile(profile, folder)


def test_calibration_on_a_legacy_profile_keeps_its_preprocessing(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    legacy_profile(folder)
    loader = BackboneLoader(tmp_path / "models", profile_dir=folder)
    assert loader.recognizer == FRAME and loader.preprocess_config == LEGACY

    book = SampleBook(1)
    for i, name in enumerate(CLASSES):
        book.add(name, np.full(feature_shape(FRAME), i, np.float32), np.zeros((48, 48, 3), np.uint8), 1)
    stand_in = SimpleNamespace(backbone_id="test", weights_sha256="0" * 64)
    saved = build_profile(book, None, stand_in, preprocess=loader.preprocess_config)  # type: ignore[arg-type]
    save_profile(saved, folder)
    assert load_profile(folder, load_head=False).preprocess == LEGACY


def test_another_recognizer_starts_from_the_current_preprocessing(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    legacy_profile(folder)
    loader = BackboneLoader(tmp_path / "models", profile_dir=folder, recognizer=HAND)
    assert loader.preprocess_config == PreprocessConfig(), "its samples are not kept: nothing to match"
