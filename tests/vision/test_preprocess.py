"""The shared preprocessing step: crop, resize, scale, and its config as stored in profiles."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from game.vision.preprocess import (
    PreprocessConfig,
    Resize,
    center_square,
    preprocess,
    preprocess_batch,
    preprocess_camera,
    resize_camera_square,
    resize_square,
    scale_pixels,
    thumbnail,
)


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


def _webcam_like(h: int, w: int, seed: int = 5) -> np.ndarray:
    small = np.random.default_rng(seed).integers(0, 256, size=(h // 16, w // 16, 3), dtype=np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def test_profiles_from_before_the_resize_setting_keep_their_resize() -> None:
    # Saved profiles have no "resize" key; their features were made with area-then-bilinear, which
    # must stay within a couple of grey levels of a single INTER_AREA resize of the whole square.
    legacy = PreprocessConfig.from_dict({"size": 224, "crop": "center", "scale": "minus1_1"})
    assert legacy.resize == Resize.AREA_THEN_LINEAR.value
    frame = _webcam_like(480, 640)
    direct = cv2.resize(frame[:, 80:560], (224, 224), interpolation=cv2.INTER_AREA)
    expected = direct.astype(np.float32) / 127.5 - 1.0
    difference = np.abs(preprocess(frame, legacy) - expected)
    assert difference.mean() < 1.0 / 127.5 and difference.max() < 8.0 / 127.5
    assert not np.array_equal(preprocess(frame, legacy), preprocess(frame))


@pytest.mark.parametrize(("h", "w", "side"), [(480, 640, 448), (720, 1280, 672), (960, 1280, 896)])
def test_webcam_frames_get_one_area_resize_of_a_trimmed_square(h: int, w: int, side: int) -> None:
    # The default: the centre square trimmed to a whole multiple of 224, then one INTER_AREA step.
    frame = _webcam_like(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = frame[top : top + side, left : left + side]
    expected = cv2.resize(square, (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32) / 127.5 - 1.0
    assert np.allclose(preprocess(frame), expected, atol=1e-6)


def test_no_trim_that_would_cut_more_than_a_tenth() -> None:
    # 1080 -> 896 would lose 17% of the side: the whole square is used (area, then bilinear).
    frame = _webcam_like(1080, 1440)
    whole = cv2.resize(frame[:, 180:1260], (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32)
    trimmed = cv2.resize(frame[92:988, 272:1168], (224, 224), interpolation=cv2.INTER_AREA).astype(np.float32)
    to_whole = np.abs(preprocess(frame) - (whole / 127.5 - 1.0)).mean()
    to_trimmed = np.abs(preprocess(frame) - (trimmed / 127.5 - 1.0)).mean()
    assert to_whole < 2.0 / 127.5 and to_trimmed > 3 * to_whole


def test_config_without_resize_round_trips_and_new_configs_say_theirs() -> None:
    assert PreprocessConfig().to_dict()["resize"] == Resize.AREA.value
    assert PreprocessConfig.from_dict(PreprocessConfig().to_dict()) == PreprocessConfig()
    with pytest.raises(ValueError):
        PreprocessConfig(resize="cubic")


def test_writes_into_given_buffers_without_allocating_new_ones() -> None:
    frame = _webcam_like(480, 640)
    out = np.empty((224, 224, 3), np.float32)
    work = np.empty((224, 224, 3), np.uint8)
    assert preprocess(frame, out=out, work=work) is out
    assert np.array_equal(out, preprocess(frame))
    assert np.array_equal(work, resize_square(frame))


@pytest.mark.parametrize(
    ("h", "w"), [(480, 640), (481, 641), (720, 1280), (1080, 1920), (100, 100), (200, 300), (240, 320)]
)
@pytest.mark.parametrize("mirror", [True, False])
@pytest.mark.parametrize(
    "config",
    [
        PreprocessConfig(),
        PreprocessConfig(resize=Resize.AREA_THEN_LINEAR.value),
        PreprocessConfig(crop="none"),
        PreprocessConfig(size=48),
    ],
    ids=["area", "area_then_linear", "squash", "size48"],
)
def test_a_camera_frame_preprocessed_as_decoded_equals_converting_it_first(
    h: int, w: int, mirror: bool, config: PreprocessConfig
) -> None:
    # Play cuts and resizes the camera's BGR picture and converts only the small square; training
    # and evaluation see the converted (RGB, mirrored) frame. The numbers must be the same.
    bgr = cv2.resize(_frame(h // 8 + 1, w // 8 + 1, seed=h + w), (w, h), interpolation=cv2.INTER_CUBIC)
    bgr[:, : w // 3] //= 2  # left and right differ, so a missed mirror shows
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    rgb = np.ascontiguousarray(rgb[:, ::-1]) if mirror else rgb
    expected = preprocess(rgb, config)
    size = config.size
    work = (np.empty((size, size, 3), np.uint8), np.empty((size, size, 3), np.uint8))
    out = np.full((size, size, 3), 7.0, np.float32)
    got = preprocess_camera(bgr, mirror, config, out=out, work=work)
    assert got is out
    assert np.array_equal(got, expected)
    assert np.array_equal(resize_camera_square(bgr, mirror, config), resize_square(rgb, config))
    # Guard: the other orientation gives other numbers.
    assert not np.array_equal(preprocess_camera(bgr, not mirror, config), expected)


def test_scaling_is_one_table_look_up_with_the_same_values() -> None:
    pixels = np.arange(256, dtype=np.uint8).repeat(3).reshape(16, 16, 3)
    expected = pixels * np.float32(1.0 / 127.5) - np.float32(1.0)
    assert np.array_equal(scale_pixels(pixels), expected)
    assert np.array_equal(scale_pixels(pixels[::-1]), expected[::-1])  # a view that is not contiguous
