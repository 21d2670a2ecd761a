"""Profiles: round trip, atomic save, top-up of one class, and a clear error for each bad profile."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.vision import profile as profile_module
from game.vision.classifier import NumpyHead
from game.vision.features import Backbone
from game.vision.head_arrays import HEAD_ARRAYS_FILE
from game.vision.preprocess import PreprocessConfig
from game.vision.profile import (
    FORMAT_VERSION,
    HEAD_FILE,
    PROFILE_FILE,
    SAMPLES_FILE,
    Profile,
    ProfileError,
    load_profile,
    save_profile,
    train_profile,
)
from game.vision.training import DEFAULT, build_head

#: Quick, and with a hidden layer, so that every kind of entry of the head file is exercised.
QUICK = DEFAULT.replace(epochs=3, hidden_units=100)


def _profile(backbone: Backbone, split: dict[str, Any], per_class: int = 12) -> Profile:
    profile = Profile(
        classes=list(split["classes"]),
        backbone_id=backbone.backbone_id,
        weights_sha256=backbone.weights_sha256,
        preprocess=PreprocessConfig(),
    )
    for label in range(len(split["classes"])):
        rows = np.flatnonzero(split["y_train"] == label)[:per_class]
        thumbs = np.full((len(rows), 48, 48, 3), label, np.uint8)
        profile.samples = profile.samples.add(label, split["x_train"][rows], thumbs)
    return profile


@pytest.fixture(scope="module")
def trained(backbone: Backbone, split: dict[str, Any]) -> Profile:
    profile = _profile(backbone, split)
    train_profile(profile, QUICK, seed=0)
    return profile


@pytest.fixture()
def saved(trained: Profile, tmp_path: Path) -> Path:
    return save_profile(trained, tmp_path / "me")


def test_round_trip(trained: Profile, saved: Path, split: dict[str, Any]) -> None:
    loaded = load_profile(saved)
    assert loaded.classes == trained.classes
    assert loaded.backbone_id == trained.backbone_id
    assert loaded.preprocess == trained.preprocess
    assert loaded.head_config == QUICK
    assert loaded.metrics["samples"] == [12, 12, 12, 12]
    assert np.array_equal(loaded.samples.labels, trained.samples.labels)
    assert np.array_equal(loaded.samples.thumbnails, trained.samples.thumbnails)
    assert np.allclose(loaded.samples.features, trained.samples.features.astype(np.float32), atol=1e-2)
    x = split["x_test"][:8]
    assert np.allclose(loaded.head(x).numpy(), trained.head(x).numpy(), atol=1e-6)
    meta = json.loads((saved / PROFILE_FILE).read_text())
    assert meta["format_version"] == FORMAT_VERSION and meta["classes"] == trained.classes


def test_crash_mid_save_leaves_the_old_profile(
    trained: Profile, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (saved / PROFILE_FILE).read_bytes()
    changed = Profile(**{**trained.__dict__, "classes": ["a", "b", "c", "d"]})

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(profile_module.np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        save_profile(changed, saved)
    assert (saved / PROFILE_FILE).read_bytes() == before
    assert load_profile(saved).classes == trained.classes
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary left behind


def test_crash_between_the_two_renames_is_recovered(saved: Path) -> None:
    retired = saved.parent / f".{saved.name}.old-x1"
    saved.rename(retired)  # the state a crash after moving the old profile aside leaves
    assert load_profile(saved).classes == ["up", "down", "left", "right"]
    assert saved.is_dir() and not retired.exists()


def test_top_up_one_class_keeps_the_others(trained: Profile, split: dict[str, Any], tmp_path: Path) -> None:
    topped = load_profile(save_profile(trained, tmp_path / "p"))
    left = topped.classes.index("left")
    extra = np.flatnonzero(split["y_train"] == left)[12:18]
    topped.samples = topped.samples.add(left, split["x_train"][extra])
    train_profile(topped, QUICK, seed=1)
    reloaded = load_profile(save_profile(topped, tmp_path / "p"))
    assert reloaded.samples.counts(4) == [12, 12, 18, 12]
    for label in (0, 1, 3):
        old = trained.samples.features[trained.samples.labels == label]
        new = reloaded.samples.features[reloaded.samples.labels == label]
        assert np.array_equal(old, new)


def test_missing_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="No profile"):
        load_profile(tmp_path / "nobody")


def test_corrupt_profile_json(saved: Path) -> None:
    (saved / PROFILE_FILE).write_text('{"kind": "gesture-pacman-profile", "format_ver')
    with pytest.raises(ProfileError, match="damaged"):
        load_profile(saved)


def test_foreign_json(saved: Path) -> None:
    (saved / PROFILE_FILE).write_text(json.dumps({"name": "something else"}))
    with pytest.raises(ProfileError, match="not a gesture-pacman profile"):
        load_profile(saved)


def test_newer_format_version(saved: Path) -> None:
    meta = json.loads((saved / PROFILE_FILE).read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    (saved / PROFILE_FILE).write_text(json.dumps(meta))
    with pytest.raises(ProfileError, match="newer"):
        load_profile(saved)


def test_incomplete_metadata(saved: Path) -> None:
    meta = json.loads((saved / PROFILE_FILE).read_text())
    del meta["classes"]
    (saved / PROFILE_FILE).write_text(json.dumps(meta))
    with pytest.raises(ProfileError, match="incomplete"):
        load_profile(saved)


def test_truncated_head(saved: Path) -> None:
    data = (saved / HEAD_FILE).read_bytes()
    (saved / HEAD_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ProfileError, match="damaged or not a Keras head"):
        load_profile(saved)


def test_truncated_samples(saved: Path) -> None:
    data = (saved / SAMPLES_FILE).read_bytes()
    (saved / SAMPLES_FILE).write_bytes(data[:100])
    with pytest.raises(ProfileError, match="damaged"):
        load_profile(saved)


def test_head_from_another_backbone(saved: Path) -> None:
    import keras

    inputs = keras.Input(shape=(5, 5, 1024))
    outputs = keras.layers.Dense(4, activation="softmax")(keras.layers.Flatten()(inputs))
    keras.Model(inputs, outputs).save(str(saved / HEAD_FILE))
    with pytest.raises(ProfileError, match="another backbone"):
        load_profile(saved)


def test_head_with_the_wrong_number_of_classes(saved: Path) -> None:
    build_head(3, QUICK, seed=0).save(str(saved / HEAD_FILE))
    with pytest.raises(ProfileError, match="predicts 3 classes"):
        load_profile(saved)


def test_save_refuses_to_overwrite_something_else(trained: Profile, tmp_path: Path) -> None:
    precious = tmp_path / "holiday"
    precious.mkdir()
    (precious / "photo.jpg").write_bytes(b"memories")
    with pytest.raises(ProfileError, match="Refusing to overwrite"):
        save_profile(trained, precious)
    assert (precious / "photo.jpg").read_bytes() == b"memories"


def test_recovery_restores_the_newest_of_several_moved_aside_profiles(saved: Path) -> None:
    newest = saved.parent / f".{saved.name}.old-a"  # sorts first by name
    stale = saved.parent / f".{saved.name}.old-z"  # an older leftover that sorts last
    shutil.copytree(saved, stale)
    meta = json.loads((stale / PROFILE_FILE).read_text())
    (stale / PROFILE_FILE).write_text(json.dumps({**meta, "classes": ["a", "b", "c", "d"]}))
    os.utime(stale / PROFILE_FILE, ns=(1_000_000_000, 1_000_000_000))
    saved.rename(newest)  # a crash between the two renames of the latest save
    assert load_profile(saved).classes == ["up", "down", "left", "right"]
    assert not newest.exists() and not stale.exists()  # the older leftover is removed, not restored


def test_damaged_parts_get_messages_that_do_not_mislead(saved: Path) -> None:
    (saved / SAMPLES_FILE).write_text("garbage")
    with pytest.raises(ProfileError, match="damaged") as samples_error:
        load_profile(saved, load_head=False)
    assert "pickle" not in str(samples_error.value)
    data = (saved / HEAD_FILE).read_bytes()
    (saved / HEAD_FILE).write_bytes(data[:1000])
    (saved / SAMPLES_FILE).unlink()
    with pytest.raises(ProfileError, match="damaged or not a Keras head") as head_error:
        load_profile(saved)
    assert "not found" not in str(head_error.value).lower()


def _keras_output(trained: Profile, x: np.ndarray) -> np.ndarray:
    return np.asarray(trained.head(x, training=False).numpy())


def test_the_numpy_head_is_saved_and_loads_without_keras(
    trained: Profile, saved: Path, split: dict[str, Any]
) -> None:
    loaded = load_profile(saved, keras_head=False)
    assert loaded.head is None and loaded.head_arrays is not None
    x = split["x_test"][:16]
    assert np.allclose(NumpyHead(loaded.head_arrays)(x), _keras_output(trained, x), atol=1e-5)
    with np.load(saved / HEAD_ARRAYS_FILE, allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)


def test_a_profile_without_the_numpy_head_gets_it_once(
    trained: Profile, saved: Path, split: dict[str, Any]
) -> None:
    (saved / HEAD_ARRAYS_FILE).unlink()  # as saved by a version before head.npz
    first = load_profile(saved, keras_head=False)
    assert (saved / HEAD_ARRAYS_FILE).is_file() and first.head_arrays is not None
    second = load_profile(saved, keras_head=False)
    x = split["x_test"][:8]
    assert second.head_arrays is not None
    assert np.allclose(NumpyHead(second.head_arrays)(x), _keras_output(trained, x), atol=1e-5)


def test_retraining_replaces_the_numpy_head_too(saved: Path, split: dict[str, Any]) -> None:
    profile = load_profile(saved)
    train_profile(profile, QUICK, seed=7)
    again = save_profile(profile, saved)
    x = split["x_test"][:8]
    arrays = load_profile(again, keras_head=False).head_arrays
    assert arrays is not None
    assert np.allclose(NumpyHead(arrays)(x), _keras_output(profile, x), atol=1e-5)


def _rewrite_arrays(saved: Path, **changes: Any) -> None:
    with np.load(saved / HEAD_ARRAYS_FILE, allow_pickle=False) as data:
        entries = {name: data[name] for name in data.files}
    entries.update(changes)
    np.savez(saved / HEAD_ARRAYS_FILE, **{k: v for k, v in entries.items() if v is not None})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kernel_1": np.zeros((100, 3), np.float32)}, "predicts 3 classes"),
        ({"kernel_0": np.zeros((1024, 100), np.float32)}, r"expected float32 \(12544, units\)"),
        ({"kernel_0": np.zeros((12544, 100), np.float64)}, "float64"),
        ({"bias_0": np.full(100, np.nan, np.float32)}, "not finite"),
        ({"activations": np.asarray(["relu", "sigmoid"])}, "sigmoid"),
        ({"pooling": np.asarray("max")}, "unknown pooling"),
        ({"kernel_1": None}, "kernel_1 is missing"),
        ({"extra": np.zeros(3)}, "unexpected contents: extra"),
        ({"kernel_0": np.asarray([{"a": 1}], dtype=object)}, r"not a readable head file \(ValueError\)"),
    ],
)
def test_a_bad_numpy_head_gets_one_clear_message(saved: Path, changes: dict[str, Any], message: str) -> None:
    _rewrite_arrays(saved, **changes)
    with pytest.raises(ProfileError, match=message) as error:
        load_profile(saved, keras_head=False)
    assert str(error.value).startswith(str(saved / HEAD_ARRAYS_FILE))
    assert "allow_pickle" not in str(error.value)


def test_a_truncated_numpy_head(saved: Path) -> None:
    data = (saved / HEAD_ARRAYS_FILE).read_bytes()
    (saved / HEAD_ARRAYS_FILE).write_bytes(data[:5000])
    with pytest.raises(ProfileError, match="damaged or not a gesture head"):
        load_profile(saved, keras_head=False)


def test_a_numpy_head_that_declares_gigabytes_is_refused_before_it_is_unpacked(saved: Path) -> None:
    # A few hundred bytes on disk whose array header promises 40 GB: refused from the header alone.
    import io
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (100_000, 100_000)}
    )
    with zipfile.ZipFile(saved / HEAD_ARRAYS_FILE, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kernel_0.npy", header.getvalue() + bytes(1000))
    with pytest.raises(ProfileError, match="more than 67,108,864 numbers"):
        load_profile(saved, keras_head=False)
