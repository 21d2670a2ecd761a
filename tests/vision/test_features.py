"""The backbone: LiteRT agrees with TensorFlow on real photos, caching, and missing weights."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.vision.features import (
    FEATURE_SHAPE,
    SHIPPED_WEIGHTS,
    WEIGHTS_FILE,
    Backbone,
    FeatureExtractor,
    LiteRTBackbone,
    WeightsUnavailableError,
    file_sha256,
    litert_cache_path,
    load_backbone,
)
from game.vision.images import LabelledImages
from game.vision.preprocess import preprocess

REPO = Path(__file__).resolve().parents[2]


def test_litert_agrees_with_tensorflow_on_real_photos(
    signdigits_images: LabelledImages, signdigits_features: np.ndarray, litert: LiteRTBackbone
) -> None:
    picks = np.linspace(0, len(signdigits_images) - 1, 12).astype(int)
    for i in picks:
        lite = litert.features(preprocess(signdigits_images.images[i])[None])
        reference = signdigits_features[i]
        assert lite.shape == (1, *FEATURE_SHAPE)
        relative = np.abs(lite[0] - reference).max() / np.abs(reference).max()
        assert relative < 1e-3, (signdigits_images.paths[i], relative)


def test_features_differ_between_gestures(
    signdigits_images: LabelledImages, signdigits_features: np.ndarray
) -> None:
    # Guards the agreement test: features must depend on the picture.
    a, b = signdigits_features[0], signdigits_features[-1]
    assert signdigits_images.labels[0] != signdigits_images.labels[-1]
    assert np.abs(a - b).max() > 0.1 * np.abs(a).max()


def test_batch_size_does_not_change_features(backbone: Backbone, signdigits_images: LabelledImages) -> None:
    images = signdigits_images.images[:5]
    one = FeatureExtractor(backbone, batch_size=1).from_images(images)
    many = FeatureExtractor(backbone, batch_size=64).from_images(images)
    assert np.allclose(one, many, rtol=1e-4, atol=1e-4)


def test_conversion_is_cached_by_weights_hash(litert: LiteRTBackbone, session_models_dir: Path) -> None:
    path = litert_cache_path(session_models_dir, litert.weights_sha256)
    assert path.is_file() and path == litert.model_path
    mtime = path.stat().st_mtime_ns
    again = LiteRTBackbone.load(session_models_dir)
    assert again.model_path == path and path.stat().st_mtime_ns == mtime
    assert again.backbone_id == litert.backbone_id


@pytest.mark.parametrize("damage", ["cut-short", "empty", "another-model"])
def test_a_damaged_cached_backbone_is_moved_aside_and_converted_again(
    damage: str, litert: LiteRTBackbone, backbone: Backbone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.vision import features

    good = litert.model_path.read_bytes()
    foreign = (REPO / "models" / "hand_landmark_lite.tflite").read_bytes()  # a model, not this one
    bad = {"cut-short": good[:1000], "empty": b"", "another-model": foreign}
    models = tmp_path / "models"
    cached = litert_cache_path(models, litert.weights_sha256)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(bad[damage])
    conversions: list[int] = []
    monkeypatch.setattr(features, "convert_backbone", lambda backbone: conversions.append(1) or good)
    runtime = LiteRTBackbone.load(models, num_threads=1)
    assert conversions == [1] and runtime.model_path == cached and cached.read_bytes() == good
    assert runtime.features(np.zeros((1, 224, 224, 3), np.float32)).shape == (1, *FEATURE_SHAPE)
    (moved,) = [p for p in cached.parent.iterdir() if p != cached]
    assert moved.name.startswith(f"{cached.name}.damaged-") and moved.read_bytes() == bad[damage]
    # The same for the conversion train caches for play.
    cached.write_bytes(bad[damage])
    LiteRTBackbone.from_backbone(backbone, models, num_threads=1)
    assert conversions == [1, 1] and cached.read_bytes() == good and len(list(cached.parent.iterdir())) == 3


def test_a_damaged_cached_backbone_without_tensorflow_is_one_message_naming_it(
    litert: LiteRTBackbone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.vision import features

    models = tmp_path / "models"
    cached = litert_cache_path(models, litert.weights_sha256)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\0" * 1000)
    monkeypatch.setattr(features, "_tensorflow_installed", lambda: False, raising=False)
    with pytest.raises(WeightsUnavailableError) as caught:
        LiteRTBackbone.load(models, num_threads=1)
    message = str(caught.value)
    assert str(cached) in message and "delete that file" in message and "\n" not in message
    assert type(caught.value).__name__ == "BackboneCacheError"  # a kind every command reports in one line
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]


def test_explicit_weights_file(imagenet_weights: Path, backbone: Backbone) -> None:
    explicit = load_backbone(imagenet_weights)
    assert explicit.weights_sha256 == backbone.weights_sha256
    x = np.zeros((1, 224, 224, 3), np.float32)
    assert np.allclose(explicit.model(x).numpy(), backbone.model(x).numpy(), atol=1e-5)


def test_explicit_weights_file_that_is_missing(tmp_path: Path) -> None:
    with pytest.raises(WeightsUnavailableError, match="not found"):
        load_backbone(tmp_path / WEIGHTS_FILE)


def _offline_env(tmp_path: Path, pythonpath: Path) -> dict[str, str]:
    """An empty Keras cache, no home or temp cache, and a proxy that refuses every download."""
    empty_home = tmp_path / "keras"
    (empty_home / "models").mkdir(parents=True)
    (tmp_path / "tmp").mkdir()
    return dict(
        os.environ,
        KERAS_HOME=str(empty_home),
        HOME=str(tmp_path),
        TMPDIR=str(tmp_path / "tmp"),
        PYTHONPATH=str(pythonpath),
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        http_proxy="http://127.0.0.1:9",
        GESTURE_PACMAN_MODELS=str(tmp_path / "models"),
    )


def _few_photos(signdigits: Path, target: Path, per_class: int) -> Path:
    for folder in sorted(p for p in signdigits.iterdir() if p.is_dir()):
        (target / folder.name).mkdir(parents=True)
        for photo in sorted(folder.iterdir())[:per_class]:
            (target / folder.name / photo.name).symlink_to(photo)
    return target


def test_first_run_without_cache_or_network_uses_the_shipped_weights(
    tmp_path: Path, signdigits: Path
) -> None:
    """A fresh machine: Keras's cache is empty and nothing can be downloaded, yet train works, with
    the weights shipped in models/, and doctor says where they come from."""
    assert SHIPPED_WEIGHTS.is_file()
    env = _offline_env(tmp_path, REPO)
    images = _few_photos(signdigits, tmp_path / "photos", 12)
    profile = tmp_path / "profile"
    argv = ["train", "--images", str(images), "--profile", str(profile), "--epochs", "2", "--json"]
    argv += ["--recognizer", "frame"]
    done = subprocess.run(
        [sys.executable, "-m", "game", *argv], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    meta = json.loads((profile / "profile.json").read_text())
    assert meta["weights_sha256"] == file_sha256(SHIPPED_WEIGHTS)
    assert not (tmp_path / "keras" / "models" / WEIGHTS_FILE).exists()  # nothing was downloaded

    doctor = subprocess.run(
        [sys.executable, "-m", "game", "doctor"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert doctor.returncode == 0, doctor.stderr
    weights_line = next(line for line in doctor.stdout.splitlines() if line.startswith("Weights"))
    assert str(SHIPPED_WEIGHTS) in weights_line and "shipped" in weights_line
    assert "no network needed" in doctor.stdout


def test_no_weights_anywhere_and_no_network_gives_one_clear_message(tmp_path: Path, signdigits: Path) -> None:
    """An install without the shipped file (the package copied on its own), an empty cache, no network."""
    app = tmp_path / "app"
    shutil.copytree(REPO / "game", app / "game", ignore=shutil.ignore_patterns("__pycache__"))
    env = _offline_env(tmp_path, app)
    images = _few_photos(signdigits, tmp_path / "photos", 10)
    done = subprocess.run(
        [sys.executable, "-m", "game", "train", "--images", str(images), "--recognizer", "frame"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert WEIGHTS_FILE in done.stderr and str(tmp_path / "keras" / "models") in done.stderr
    assert "--weights" in done.stderr and "network" in done.stderr

    doctor = subprocess.run(
        [sys.executable, "-m", "game", "doctor"], cwd=app, env=env, capture_output=True, text=True, timeout=90
    )
    assert doctor.returncode == 0, doctor.stderr
    assert "missing" in doctor.stdout and "network" in doctor.stdout


def test_explicit_weights_file_that_is_not_weights(tmp_path: Path, imagenet_weights: Path) -> None:
    bogus = tmp_path / WEIGHTS_FILE
    bogus.write_bytes(b"not an HDF5 file")
    with pytest.raises(WeightsUnavailableError, match="Cannot load weights"):
        load_backbone(bogus)
