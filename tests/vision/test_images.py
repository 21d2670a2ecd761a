"""Labelled folders: class order, bad files skipped with a reason, limits before decoding, shrinking."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest
from photo_support import png_header_only

from game.vision.images import MAX_FILE_BYTES, WORK_SIDE, DatasetError, load_labelled_folder


def _image(path: Path, value: int = 128) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((16, 24, 3), value, np.uint8))


def test_classes_in_gesture_order_with_ranks(tmp_path: Path) -> None:
    for name in ("right", "up", "left"):
        for i in range(3):
            _image(tmp_path / name / f"{i}.png")
    data = load_labelled_folder(tmp_path)
    assert data.classes == ["up", "left", "right"]
    assert len(data) == 9 and list(data.ranks[:3]) == [0, 1, 2]
    first, rest = data.split_first(2)
    assert len(first) == 6 and len(rest) == 3


def test_undecodable_files_are_skipped_and_counted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("up", "down"):
        _image(tmp_path / name / "good.png")
        (tmp_path / name / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    with caplog.at_level(logging.WARNING):
        data = load_labelled_folder(tmp_path)
    assert len(data) == 2 and len(data.skipped) == 2
    assert "skipped 2" in caplog.text


def test_empty_class_is_an_error_naming_it(tmp_path: Path) -> None:
    _image(tmp_path / "up" / "a.png")
    (tmp_path / "down").mkdir()
    with pytest.raises(DatasetError, match=r"'down'.*empty"):
        load_labelled_folder(tmp_path)


def test_folder_of_non_images_is_a_clear_error(tmp_path: Path) -> None:
    for name in ("up", "down"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "readme.txt").write_text("no pictures here")
    with pytest.raises(DatasetError, match="class 'up' has no usable image"):
        load_labelled_folder(tmp_path)


def test_folder_without_class_folders(tmp_path: Path) -> None:
    _image(tmp_path / "photo.png")
    with pytest.raises(DatasetError, match="at least two class folders"):
        load_labelled_folder(tmp_path)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        load_labelled_folder(tmp_path / "absent")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bomb.png", png_header_only(20000, 20000), "over the limit of 50 megapixels"),
        ("huge-header.png", png_header_only(60000, 60000), "megapixels"),
        ("text.jpg", b"not a picture", "not an image file"),
        ("truncated.png", png_header_only(64, 64), "OpenCV cannot decode it"),
    ],
)
def test_a_bad_image_is_skipped_with_its_reason_before_it_is_decoded(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    for cls in ("up", "down"):
        _image(tmp_path / cls / "good.png")
    (tmp_path / "up" / name).write_bytes(content)
    data = load_labelled_folder(tmp_path)
    assert len(data) == 2 and [p.name for p in data.skipped] == [name]
    assert reason in data.reasons[0]
    assert name in data.skipped_summary()


def test_a_file_over_the_size_limit_is_skipped_without_reading_it(tmp_path: Path) -> None:
    for cls in ("up", "down"):
        _image(tmp_path / cls / "good.png")
    with (tmp_path / "up" / "big.jpg").open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse
    data = load_labelled_folder(tmp_path)
    assert "MB limit" in data.reasons[0]


def test_big_photos_are_shrunk_as_they_are_decoded(tmp_path: Path) -> None:
    for cls, size in (("up", (3000, 4000)), ("down", (2000, 1500))):
        (tmp_path / cls).mkdir()
        cv2.imwrite(str(tmp_path / cls / "photo.jpg"), np.full((*size, 3), 90, np.uint8))
    data = load_labelled_folder(tmp_path)
    assert [im.shape for im in data.images] == [(960, WORK_SIDE, 3), (WORK_SIDE, 960, 3)]
    assert abs(int(data.images[0].mean()) - 90) <= 2


@pytest.mark.parametrize("classes", [None, ["up", "down"]], ids=["any-classes", "a-profiles-classes"])
def test_two_folders_for_one_class_are_an_error_naming_both(
    tmp_path: Path, classes: list[str] | None
) -> None:
    """Names are read without regard to case: ``Up`` and ``up`` would leave one of them out unsaid."""
    for name in ("Up", "up", "down"):
        _image(tmp_path / name / "a.png")
    with pytest.raises(DatasetError, match=r"2 folders for class 'up' \(Up, up\)"):
        load_labelled_folder(tmp_path, classes)
    # Twins among folders that are not classes are left alone, as those folders are.
    (tmp_path / "Up").rename(tmp_path / "Notes")
    (tmp_path / "notes").mkdir()
    assert load_labelled_folder(tmp_path, classes).classes == ["up", "down"]


def test_a_photo_that_cannot_be_read_says_so_rather_than_not_an_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A permission or I/O error is not "not an image file": the user would look for the wrong fix."""
    from PIL import Image

    for cls in ("up", "down"):
        _image(tmp_path / cls / "good.png")
    _image(tmp_path / "up" / "locked.png")
    real_open = Image.open

    def open_image(path: object, *args: object, **kwargs: object) -> object:
        if str(path).endswith("locked.png"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image, "open", open_image)
    data = load_labelled_folder(tmp_path)
    assert [p.name for p in data.skipped] == ["locked.png"]
    assert data.reasons[0] == "cannot be read (Permission denied)"
