"""Frame sources: clear errors for cameras and files that do not exist, and frames from files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from game.vision.camera import (
    CameraError,
    Frame,
    ImageFolderSource,
    VideoFileSource,
    WebcamSource,
    _to_rgb,
    open_source,
)


@pytest.mark.timeout(60)  # a camera that never opens must fail, not hang
def test_camera_that_does_not_open_names_the_index() -> None:
    with pytest.raises(CameraError, match="camera 97"):
        WebcamSource(97)


def test_missing_video_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    with pytest.raises(CameraError, match="not found"):
        open_source(None, str(missing))


def test_file_that_is_not_a_video(tmp_path: Path) -> None:
    bogus = tmp_path / "clip.avi"
    bogus.write_bytes(b"this is not a video")
    with pytest.raises(CameraError, match="Cannot read video"):
        VideoFileSource(bogus)


def _write_video(path: Path, frames: int) -> list[np.ndarray]:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    if not writer.isOpened():
        pytest.skip("OpenCV cannot write an MJPG video here")
    colours = []
    for i in range(frames):
        rgb = np.zeros((48, 64, 3), np.uint8)
        rgb[:, :32] = (200, 40 * (i % 5), 10)  # left half coloured, right half black
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        colours.append(rgb)
    writer.release()
    return colours


def test_video_frames_are_rgb_indexed_and_end(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    written = _write_video(path, 5)
    with VideoFileSource(path) as source:
        frames = list(source)
    assert [f.index for f in frames] == list(range(5))
    first = frames[0].image
    assert first.shape == (48, 64, 3) and first.dtype == np.uint8
    assert abs(int(first[24, 10, 0]) - int(written[0][24, 10, 0])) < 20  # red stays red: RGB, not BGR
    assert first[24, 50].max() < 30


def test_mirror_and_loop(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    _write_video(path, 3)
    with VideoFileSource(path, loop=True, mirror=True) as source:
        frames = [source.read() for _ in range(7)]
    assert all(f is not None for f in frames)
    image = frames[0].image  # type: ignore[union-attr]
    assert image[24, 60, 0] > 150 and image[24, 5].max() < 30  # mirrored: colour on the right


def test_image_folder_skips_and_counts_undecodable_files(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), np.full((20, 30, 3), 255, np.uint8))
    (tmp_path / "b.jpg").write_bytes(b"not a jpeg")
    cv2.imwrite(str(tmp_path / "c.png"), np.zeros((20, 30, 3), np.uint8))
    with ImageFolderSource(tmp_path) as source:
        frames = list(source)
        assert source.skipped == 1
    assert len(frames) == 2 and frames[0].image.shape == (20, 30, 3)


def test_image_folder_without_images(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CameraError, match="No images"):
        ImageFolderSource(tmp_path)


@pytest.mark.parametrize("shape", [(480, 640, 3), (7, 5, 3), (4, 6), (4, 6, 4)])
@pytest.mark.parametrize("mirror", [True, False])
def test_conversion_equals_a_colour_conversion_then_a_flip(shape: tuple[int, ...], mirror: bool) -> None:
    bgr = np.random.default_rng(len(shape)).integers(0, 256, size=shape, dtype=np.uint8)
    channels = 1 if len(shape) == 2 else shape[2]
    code = {1: cv2.COLOR_GRAY2RGB, 3: cv2.COLOR_BGR2RGB, 4: cv2.COLOR_BGRA2RGB}[channels]
    expected = cv2.cvtColor(bgr, code)
    if mirror:
        expected = cv2.flip(expected, 1)
    got = _to_rgb(bgr, mirror)
    assert got.shape == (*shape[:2], 3) and np.array_equal(got, expected)


@pytest.mark.parametrize("shape", [(480, 640, 3), (4, 6), (4, 6, 4)])
@pytest.mark.parametrize("mirror", [True, False])
def test_a_decoded_frame_converts_once_when_its_image_is_first_read(
    shape: tuple[int, ...], mirror: bool
) -> None:
    bgr = np.random.default_rng(1).integers(0, 256, size=shape, dtype=np.uint8)
    frame = Frame.decoded(bgr, 1.5, 3, mirror)
    if len(shape) == 3 and shape[2] == 3:
        # Kept as decoded: play's frame recognizer reads these pixels and never needs ``image``.
        assert frame.bgr and frame.pixels is bgr and frame.mirror is mirror
    else:  # grey or BGRA: converted at once, as before
        assert not frame.bgr
    assert frame.converted is not frame.bgr
    image = frame.image
    assert frame.converted
    assert np.array_equal(image, _to_rgb(bgr, mirror))
    assert frame.image is image  # once
    assert (frame.timestamp, frame.index) == (1.5, 3)


def test_an_rgb_frame_is_its_own_image() -> None:
    rgb = np.zeros((4, 6, 3), np.uint8)
    frame = Frame(rgb, 0.0, 0, mirror=True)  # mirror applies to decoded pictures only
    assert frame.image is rgb and frame.pixels is rgb and not frame.bgr and not frame.mirror


def test_sources_keep_camera_frames_as_decoded(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(
        cv2.imencode(".png", np.full((8, 8, 3), (10, 20, 30), np.uint8))[1].tobytes()
    )
    with ImageFolderSource(tmp_path, mirror=True) as source:
        frame = source.read()
    assert frame is not None and frame.bgr and frame.mirror
    assert tuple(frame.image[0, 0]) == (30, 20, 10)
