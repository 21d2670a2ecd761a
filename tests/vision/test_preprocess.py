"""The shared preprocessing step: crop, resize, scale, and its config as stored in profiles."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from game.vision.preprocess import PreprocessConfig, center_square, preprocess, preprocess_batch, thumbnail


def _frame(h: int, w: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def test_output_shape_dtype_and_range() -> None:
    out = preprocess(_frame(480, 640))
    assert out.shape == (224, 224, 3)
    assert out.dtype == np.float32
    assert out.min() >= -1.0 and out.max() <= 1.0


def test_scaling_maps_black_and_white_to_the_ends() -> None:
    black = preprocess(np.zeros((50, 50, 3), np.uint8))
    white = preprocess(np.full((50, 50, 3), 255, np.uint8))
    assert np.allclose(black, -1.0) and np.allclose(white, 1.0)


def test_center_crop_keeps_the_middle_square() -> None:
    frame = np.zeros((100, 200, 3), np.uint8)
    frame[:, 50:150] = 255  # the centered square is white, the sides black
    assert center_square(frame).shape == (100, 100, 3)
    assert np.allclose(preprocess(frame), 1.0)


def test_matches_the_reference_computation() -> None:
    frame = _frame(300, 400, seed=3)
    square = frame[:, 50:350]
    expected = cv2.resize(square, (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32) / 127.5 - 1.0
    assert np.allclose(preprocess(frame), expected, atol=1e-6)


def test_batch_equals_single_frames() -> None:
    frames = [_frame(120, 160, seed=i) for i in range(3)]
    batch = preprocess_batch(frames)
    for i, frame in enumerate(frames):
        assert np.array_equal(batch[i], preprocess(frame))


def test_thumbnail_is_small_uint8() -> None:
    thumb = thumbnail(_frame(480, 640), size=48)
    assert thumb.shape == (48, 48, 3) and thumb.dtype == np.uint8


def test_config_round_trip_and_rejects_unknown_settings() -> None:
    config = PreprocessConfig(size=160)
    assert PreprocessConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="unknown"):
        PreprocessConfig.from_dict({"size": 224, "gamma": 2})
    with pytest.raises(ValueError):
        PreprocessConfig(crop="left")


def test_rejects_non_rgb_input() -> None:
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        preprocess(np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        preprocess(np.zeros((10, 10, 3), np.float32))


def test_large_frames_stay_close_to_a_direct_area_resize() -> None:
    # Webcam frames are shrunk by a whole factor first (for speed); the result must stay within
    # a couple of grey levels of a single INTER_AREA resize of the same crop.
    small = np.random.default_rng(5).integers(0, 256, size=(30, 40, 3), dtype=np.uint8)
    frame = cv2.resize(small, (640, 480), interpolation=cv2.INTER_CUBIC)
    direct = cv2.resize(frame[:, 80:560], (224, 224), interpolation=cv2.INTER_AREA)
    expected = direct.astype(np.float32) / 127.5 - 1.0
    difference = np.abs(preprocess(frame) - expected)
    assert difference.mean() < 1.0 / 127.5 and difference.max() < 8.0 / 127.5
