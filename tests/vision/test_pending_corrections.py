"""The pending-corrections file: learned samples kept aside when a game ended without asking.

Written atomically and read without pickle; restored only into the profile they belong to. A
damaged or foreign file is renamed aside with a message, never deleted, and restoring goes on
without it. Saving the profile (calibration, ``train --add``) carries the file along.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from game.vision.corrections import Corrections, LearningSettings, NewSamples
from game.vision.head_arrays import DenseArrays, HeadArrays
from game.vision.pending_corrections import (
    PENDING_FILE,
    ProfileIdentity,
    load_pending,
    read_pending,
    save_pending,
    waiting_note,
)
from game.vision.profile import Profile, Samples, load_profile, save_profile
from game.vision.recognizer import HAND, feature_shape

CLASSES = ("up", "down", "left", "right")
SHAPE = tuple(feature_shape(HAND))
IDENTITY = ProfileIdentity(CLASSES, HAND, "hand-landmarks", "a" * 64, SHAPE)


def learned(n: int, seed: int = 0) -> NewSamples:
    rng = np.random.default_rng(seed)
    return NewSamples(
        rng.normal(size=(n, *SHAPE)).astype(np.float32),
        np.arange(n, dtype=np.int64) % len(CLASSES),
        rng.integers(0, 256, (n, 48, 48, 3), dtype=np.uint8),
        # Set aside before and after hand profiles' thumbnails became hand crops: both kinds.
        np.arange(n, dtype=np.uint8) % 2,
    )


def assert_same(a: NewSamples, b: NewSamples) -> None:
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.thumbnails, b.thumbnails)
    np.testing.assert_array_equal(a.thumbnail_kinds, b.thumbnail_kinds)


def test_samples_round_trip_without_pickle_and_without_temporary_files(tmp_path: Path) -> None:
    samples = learned(5)
    path = save_pending(tmp_path, IDENTITY, samples)
    assert path == tmp_path / PENDING_FILE
    assert [p.name for p in tmp_path.iterdir()] == [PENDING_FILE]  # the temporary file was renamed
    with np.load(path, allow_pickle=False) as data:  # every member reads without pickle
        assert {name: data[name].dtype.kind for name in data.files} == {
            "meta": "U",
            "features": "f",
            "labels": "i",
            "thumbnails": "u",
            "thumbnail_kinds": "u",
            "batches": "i",
        }
    assert_same(read_pending(path, IDENTITY), samples)
    found = load_pending(tmp_path, IDENTITY)
    assert found.samples is not None and len(found.samples) == 5
    assert found.screen == "Restored 5 corrections from the last game (not saved yet)"
    assert str(path) in found.terminal
    assert path.is_file()  # restoring does not remove it: only an answer to the question does


def test_no_pending_file_is_nothing_to_say(tmp_path: Path) -> None:
    found = load_pending(tmp_path, IDENTITY)
    assert found.samples is None and found.terminal == "" and found.screen == ""
    assert waiting_note(tmp_path) is None


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (ProfileIdentity(("a", "b"), HAND, "hand-landmarks", "a" * 64, SHAPE), "another profile"),
        (ProfileIdentity(CLASSES, HAND, "other-backbone", "a" * 64, SHAPE), "another backbone"),
        (ProfileIdentity(CLASSES, HAND, "hand-landmarks", "b" * 64, SHAPE), "backbone weights"),
        (ProfileIdentity(CLASSES, "frame", "hand-landmarks", "a" * 64, SHAPE), "another recognizer"),
    ],
)
def test_a_foreign_file_is_moved_aside_with_a_message(
    tmp_path: Path, other: ProfileIdentity, why: str
) -> None:
    path = save_pending(tmp_path, other, learned(3))
    written = path.read_bytes()
    found = load_pending(tmp_path, IDENTITY)
    assert found.samples is None
    assert not path.exists()
    assert found.moved_to is not None and found.moved_to.parent == tmp_path
    assert found.moved_to.name.startswith("pending-corrections.unusable-")
    assert found.moved_to.read_bytes() == written  # never deleted, never changed
    assert why in found.terminal and str(found.moved_to) in found.terminal
    assert "playing on without it" in found.terminal
    assert found.screen == "Earlier corrections unusable: moved aside"


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def _damaged(tmp_path: Path) -> dict[str, bytes]:
    good = (save_pending(tmp_path, IDENTITY, learned(2))).read_bytes()
    meta = np.array('{"kind": "gesture-pacman-pending-corrections", "format_version": 1}')
    return {
        "not a zip": b"this is not an archive",
        "truncated": good[: len(good) // 2],
        "no meta": _npz(features=np.zeros((1, *SHAPE), np.float32)),
        "object meta": _npz(meta=np.array([{"kind": 1}], dtype=object)),
        "meta without identity": _npz(meta=meta),
        "empty": b"",
    }


def test_a_damaged_file_is_moved_aside_with_a_message(tmp_path: Path) -> None:
    for name, data in _damaged(tmp_path).items():
        path = tmp_path / PENDING_FILE
        path.write_bytes(data)
        found = load_pending(tmp_path, IDENTITY)
        assert found.samples is None, name
        assert found.moved_to is not None and found.moved_to.read_bytes() == data, name
        assert "cannot be restored" in found.terminal, name
        assert not path.exists(), name
    assert len(list(tmp_path.glob("pending-corrections.unusable-*.npz"))) == 6  # each kept


def test_bad_labels_or_features_are_refused(tmp_path: Path) -> None:
    bad_label = learned(2)
    bad_label.labels[1] = len(CLASSES)
    save_pending(tmp_path, IDENTITY, bad_label)
    assert "labels outside" in load_pending(tmp_path, IDENTITY).terminal
    not_finite = learned(2)
    not_finite.features[0, 0] = np.nan
    save_pending(tmp_path, IDENTITY, not_finite)
    assert "not finite" in load_pending(tmp_path, IDENTITY).terminal
    wrong_shape = NewSamples(np.zeros((2, 5), np.float32), np.zeros(2, np.int64), learned(2).thumbnails)
    save_pending(tmp_path, IDENTITY, wrong_shape)
    assert "cannot be restored" in load_pending(tmp_path, IDENTITY).terminal
    assert not (tmp_path / PENDING_FILE).exists()


def test_a_file_that_cannot_be_moved_aside_stays_and_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / PENDING_FILE
    path.write_bytes(b"junk")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.rename", refuse)
    found = load_pending(tmp_path, IDENTITY)
    assert found.samples is None and found.moved_to is None
    assert path.read_bytes() == b"junk"
    assert "could not be moved aside" in found.terminal and "Permission denied" in found.terminal


def test_runs_that_do_not_learn_say_corrections_wait(tmp_path: Path) -> None:
    save_pending(tmp_path, IDENTITY, learned(3))
    note = waiting_note(tmp_path)
    assert note is not None and "3 learned corrections" in note and str(tmp_path / PENDING_FILE) in note
    assert (tmp_path / PENDING_FILE).is_file()


def test_saving_the_profile_carries_the_file_and_loading_ignores_it(tmp_path: Path) -> None:
    # Calibration and `train --add` save the profile through the store: the pending file is not
    # a part of it, so it is carried along as a file of the user's, and the profile still loads.
    rng = np.random.default_rng(1)
    profile = Profile(
        classes=list(CLASSES),
        backbone_id="hand-landmarks",
        weights_sha256="a" * 64,
        recognizer=HAND,
        samples=Samples.empty(HAND).add(0, rng.normal(size=(2, *SHAPE))),
    )
    folder = tmp_path / "profile"
    save_profile(profile, folder)
    samples = learned(4)
    save_pending(folder, ProfileIdentity.of(profile), samples)
    profile.samples = profile.samples.add(1, rng.normal(size=(3, *SHAPE)))
    save_profile(profile, folder)
    assert len(load_profile(folder, load_head=False).samples) == 5
    assert_same(read_pending(folder / PENDING_FILE, ProfileIdentity.of(profile)), samples)


def test_restored_samples_count_as_learned_and_refit_the_head() -> None:
    rng = np.random.default_rng(0)
    head = HeadArrays(
        "flatten",
        (DenseArrays(rng.normal(0, 0.1, (int(np.prod(SHAPE)), 4)).astype(np.float32), None, "softmax"),),
    )
    corrections = Corrections(
        list(CLASSES),
        head,
        rng.normal(size=(8, *SHAPE)).astype(np.float32),
        np.arange(8) % 4,
        LearningSettings(retrain_after=50),
    )
    samples = learned(3)
    corrections.restore(samples)
    assert corrections.count == 3
    assert corrections.wait(30)
    assert corrections.take_head() is not None  # refitted at once, not after 50 new samples
    assert corrections.fitted_on == 3
    assert_same(corrections.new_samples(), samples)
    corrections.close()


def test_the_archive_members_are_plain_arrays(tmp_path: Path) -> None:
    path = save_pending(tmp_path, IDENTITY, learned(1))
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "batches.npy",
            "features.npy",
            "labels.npy",
            "meta.npy",
            "thumbnail_kinds.npy",
            "thumbnails.npy",
        ]
