"""Each sample's thumbnail says what it shows (``types.ThumbKind``): the frame's centre square, or
the hand crop a hand profile keeps since its thumbnails became hand crops. Hand profiles and
set-aside corrections from before keep centre squares (there are no frames to recut them from), so
the variety meter and the sample gates compare only thumbnails of one kind; a class topped up with
hand crops reads the variety of those alone.

The kinds are saved with the samples (``thumbnail_kinds`` in ``samples.npz`` and in the pending
corrections; absent in older files: all centre squares) and checked when loaded.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from room_hands_support import record, session, still_hand_changing_rooms

from game.vision.calibration_profile import load_calibration, save_calibration
from game.vision.corrections import NewSamples
from game.vision.hand_features import HandFeatureExtractor
from game.vision.pending_corrections import (
    PENDING_FILE,
    ProfileIdentity,
    load_pending,
    read_pending,
    save_pending,
)
from game.vision.preprocess import thumbnail
from game.vision.profile import SAMPLES_FILE, Profile, ProfileError, Samples, load_profile, save_profile
from game.vision.recognizer import HAND, feature_shape
from game.vision.samples import SampleBook
from game.vision.types import ThumbKind
from game.vision.variety import SampleGate, VarietyMeter, signature

CLASSES = ["up", "down", "left", "right"]
SHAPE = tuple(feature_shape(HAND))
RNG = np.random.default_rng(0)


def _thumbs(n: int) -> np.ndarray:
    return RNG.integers(0, 256, (n, 48, 48, 3), dtype=np.uint8)


def _features(n: int) -> np.ndarray:
    return RNG.normal(size=(n, *SHAPE)).astype(np.float32)


def _save_old_format(
    folder: Path, thumbs: np.ndarray, backbone: tuple[str, str] = ("hand", "a" * 64)
) -> Path:
    """A hand profile as saved before thumbnails had kinds: ``samples.npz`` without ``thumbnail_kinds``
    (every sample of ``up``, with ``thumbs``)."""
    samples = Samples.empty(HAND).add(0, _features(len(thumbs)), thumbs)
    save_profile(Profile(CLASSES, *backbone, samples=samples, recognizer=HAND), folder)
    _rewrite_samples(folder, thumbnail_kinds=None)
    return folder


def _rewrite_samples(folder: Path, **changes: np.ndarray | None) -> None:
    """``samples.npz`` written again with ``changes`` (None: the member left out)."""
    with np.load(folder / SAMPLES_FILE, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(changes)
    np.savez(folder / SAMPLES_FILE, **{k: v for k, v in arrays.items() if v is not None})  # type: ignore[arg-type]


def test_the_kinds_are_saved_and_loaded_with_the_samples(tmp_path: Path) -> None:
    samples = (
        Samples.empty(HAND)
        .add(0, _features(3), _thumbs(3))  # centre squares unless said otherwise
        .add(1, _features(2), _thumbs(2), ThumbKind.HAND)
        .add(0, _features(2), _thumbs(2), np.array([ThumbKind.HAND, ThumbKind.CENTRE]))
    )
    save_profile(Profile(CLASSES, "hand", "a" * 64, samples=samples, recognizer=HAND), tmp_path / "p")
    with np.load(tmp_path / "p" / SAMPLES_FILE, allow_pickle=False) as data:
        assert data["thumbnail_kinds"].dtype == np.uint8
    loaded = load_profile(tmp_path / "p", load_head=False).samples
    assert loaded.thumbnail_kinds.tolist() == [0, 0, 0, 1, 1, 1, 0]
    np.testing.assert_array_equal(loaded.thumbnails, samples.thumbnails)


def test_a_profile_from_before_kinds_loads_as_centre_squares(tmp_path: Path) -> None:
    folder = _save_old_format(tmp_path / "p", _thumbs(4))
    assert load_profile(folder, load_head=False).samples.thumbnail_kinds.tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("kinds", "why"),
    [
        (np.array([0, 1, 7, 0], np.uint8), "'thumbnail_kinds' holds 7, which is no kind of thumbnail"),
        (np.array([0, 1, 1, 0], np.int64), "'thumbnail_kinds' holds int64, expected |u1"),
        (np.array([0, 1, 1], np.uint8), "'thumbnail_kinds' has 3 rows but the other arrays 4"),
        (np.zeros((4, 2), np.uint8), "'thumbnail_kinds' has shape (4, 2), expected (N, )"),
        (np.array(["hand"] * 4), "'thumbnail_kinds' holds <U4"),
    ],
)
def test_damaged_kinds_get_one_clear_message(tmp_path: Path, kinds: np.ndarray, why: str) -> None:
    folder = _save_old_format(tmp_path / "p", _thumbs(4))
    _rewrite_samples(folder, thumbnail_kinds=kinds)
    with pytest.raises(ProfileError) as caught:
        load_profile(folder, load_head=False)
    assert str(caught.value).startswith(f"{folder / SAMPLES_FILE} is not a usable samples file: ")
    assert why in str(caught.value)


IDENTITY = ProfileIdentity(tuple(CLASSES), HAND, "hand", "a" * 64, SHAPE)


def test_set_aside_corrections_keep_their_kinds(tmp_path: Path) -> None:
    learned = NewSamples(_features(3), np.array([0, 0, 1]), _thumbs(3), np.array([0, 1, 1], np.uint8))
    save_pending(tmp_path, IDENTITY, learned)
    assert read_pending(tmp_path / PENDING_FILE, IDENTITY).thumbnail_kinds.tolist() == [0, 1, 1]


def _pending_without(tmp_path: Path, **changes: np.ndarray | None) -> Path:
    """The pending file written again with ``changes`` (None: the member left out)."""
    path = save_pending(tmp_path, IDENTITY, NewSamples(_features(2), np.array([0, 1]), _thumbs(2)))
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(changes)
    buffer = io.BytesIO()
    np.savez(buffer, **{k: v for k, v in arrays.items() if v is not None})  # type: ignore[arg-type]
    path.write_bytes(buffer.getvalue())
    return path


def test_corrections_set_aside_before_kinds_are_centre_squares_and_damaged_kinds_are_refused(
    tmp_path: Path,
) -> None:
    path = _pending_without(tmp_path, thumbnail_kinds=None)
    with zipfile.ZipFile(path) as archive:
        assert "thumbnail_kinds.npy" not in archive.namelist()
    assert read_pending(path, IDENTITY).thumbnail_kinds.tolist() == [0, 0]
    path.unlink()
    _pending_without(tmp_path, thumbnail_kinds=np.array([1, 9], np.uint8))
    found = load_pending(tmp_path, IDENTITY)
    assert found.samples is None and found.moved_to is not None  # moved aside, never deleted
    assert "'thumbnail_kinds' holds 9, which is no kind of thumbnail" in found.terminal


def test_the_gate_compares_a_frame_only_with_one_of_its_kind() -> None:
    gate = SampleGate()
    sig = signature(_thumbs(1)[0])
    assert gate.offer("up", sig, 0.0, ThumbKind.CENTRE)
    assert gate.offer("up", sig, 1.0, ThumbKind.HAND)  # nothing of its kind to be like
    assert not gate.offer("up", sig, 2.0, ThumbKind.HAND)  # the same hand crop again


def test_an_old_hand_profile_topped_up_with_hand_crops_reads_their_variety_alone(
    shared_dir: Path, tmp_path: Path
) -> None:
    # A still hand before changing rooms: its centre squares vary (the background), its hand
    # crops hardly do. The old profile kept the centre squares, calibration now adds the crops.
    frames = still_hand_changing_rooms(shared_dir, session(shared_dir))
    centres = np.stack([thumbnail(image, 48) for image in frames])
    stage = HandFeatureExtractor()
    folder = _save_old_format(tmp_path / "p", centres, (stage.backbone_id, stage.weights_sha256))
    saved = load_calibration(folder)
    assert saved is not None
    book = SampleBook(min_per_class=1)
    book.load("up", *saved.samples["up"])
    crops = record(frames)
    for sample in crops:  # as the scene's _collect_samples adds them
        book.add(sample.label, sample.features, sample.thumbnail, sample.burst_id, sample.kind)
    assert {sample.kind for sample in crops} == {ThumbKind.HAND}

    meter = VarietyMeter().variety("up", book.thumbnails("up"), book.thumbnail_kinds("up"))  # the scene's
    alone = VarietyMeter().variety("up", [sample.thumbnail for sample in crops])
    mixed = VarietyMeter().variety("up", book.thumbnails("up"))  # what the meter read before kinds
    assert VarietyMeter().variety("up", list(centres)).good  # the old samples: 0.51
    assert (meter.spread, meter.count) == (alone.spread, len(crops))  # 0.06 of 14 crops
    assert not meter.good and mixed.good, (meter.spread, mixed.spread)  # mixed: 0.51, green

    save_calibration(folder, book, None, stage)  # saving keeps what each thumbnail shows
    kinds = load_profile(folder, load_head=False).samples.thumbnail_kinds
    assert kinds.tolist() == [ThumbKind.CENTRE] * len(frames) + [ThumbKind.HAND] * len(crops)
