"""Play and evaluate never import TensorFlow: each in a fresh process, checked at its exit.

The profile is trained here (TensorFlow is fine in the test process) and the per-frame backbone is
converted once into the session's models folder; then ``python -m game play --headless`` runs in a
subprocess through a small wrapper that runs the real entry point and reports which modules were
loaded when it returned. A profile from before ``head.npz`` existed loads through Keras once and
gets the file, so the next game needs no TensorFlow either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from photo_support import labelled_subset

from game.vision.classifier import NumpyHead
from game.vision.features import FeatureExtractor, load_backbone
from game.vision.head_arrays import HEAD_ARRAYS_FILE
from game.vision.images import load_labelled_folder
from game.vision.photo_sets import train_profile_from_photos, video_from_photos
from game.vision.profile import load_profile
from game.vision.synthetic_video import GestureVideo

REPO = Path(__file__).resolve().parents[2]

#: Runs ``python -m game ARGS`` in this process and prints, last, what it left in ``sys.modules``.
WRAPPER = """
import json, runpy, sys
sys.argv = ["game", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("game", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "modules": sorted(m for m in ("tensorflow", "keras") if m in sys.modules)}))
"""


@pytest.fixture(scope="module")
def profile(signdigits: Path, session_models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("profile") / "hands"
    return train_profile_from_photos(signdigits, session_models_dir, out, train_per_class=10)


@pytest.fixture(scope="module")
def video(signdigits: Path, tmp_path_factory: pytest.TempPathFactory) -> GestureVideo:
    return video_from_photos(
        signdigits,
        tmp_path_factory.mktemp("video") / "hands.avi",
        ["left", "up"],
        photos_per_segment=4,
        video_from_rank=20,  # photos the profile was not trained on (it takes the first 10)
    )


def in_a_fresh_process(*args: str) -> tuple[dict[str, Any], str]:
    """Run ``python -m game ARGS`` in a new interpreter: (what it left loaded and its exit, its stdout)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    report: dict[str, Any] = json.loads(lines[-1])
    assert report["exit"] == 0, done.stdout + done.stderr
    return report, "\n".join(lines[:-1])


def play_in_a_fresh_process(profile: Path, video: GestureVideo, models: Path, log: Path) -> dict[str, Any]:
    report, _ = in_a_fresh_process(
        *("play", "--headless", "--video", str(video.path), "--profile", str(profile)),
        *("--models", str(models), "--seconds", "2", "--log", str(log)),
    )
    return report


def test_a_headless_game_never_imports_tensorflow(
    profile: Path, video: GestureVideo, session_models_dir: Path, tmp_path: Path
) -> None:
    log = tmp_path / "run.jsonl"
    report = play_in_a_fresh_process(profile, video, session_models_dir, log)
    assert report["modules"] == []
    # It did play: one line per frame, each with a prediction.
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == video.frames
    assert all(set(line["probs"]) == {"up", "down", "left", "right"} for line in lines)


def test_an_old_profile_needs_tensorflow_once(
    profile: Path, video: GestureVideo, session_models_dir: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old"
    old.mkdir()
    for part in profile.iterdir():
        if part.name != HEAD_ARRAYS_FILE:
            (old / part.name).write_bytes(part.read_bytes())
    first = play_in_a_fresh_process(old, video, session_models_dir, tmp_path / "first.jsonl")
    assert "tensorflow" in first["modules"]  # the wrapper can see TensorFlow when it is there
    assert (old / HEAD_ARRAYS_FILE).is_file()
    second = play_in_a_fresh_process(old, video, session_models_dir, tmp_path / "second.jsonl")
    assert second["modules"] == []
    # The head read back from head.npz predicts exactly what the Keras head did.
    assert _probs(tmp_path / "first.jsonl") == _probs(tmp_path / "second.jsonl")


def _probs(path: Path) -> list[dict[str, float]]:
    return [json.loads(line)["probs"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_evaluate_never_imports_tensorflow_and_agrees_with_it(
    profile: Path, signdigits: Path, session_models_dir: Path, tmp_path: Path
) -> None:
    # Held-out photos (the profile learned the first 10 of each class), as a labelled folder.
    images = labelled_subset(signdigits, tmp_path / "held_out", 20, 15)
    report, out = in_a_fresh_process(
        *("evaluate", "--images", str(images), "--profile", str(profile)),
        *("--models", str(session_models_dir), "--json"),
    )
    assert report["modules"] == []
    figures = json.loads(out.splitlines()[-1])
    # The same photos through TensorFlow's batched features (training's path) and the same head.
    data = load_labelled_folder(images, ["up", "down", "left", "right"], 448)
    features = FeatureExtractor(load_backbone()).from_images(data.images)
    head = NumpyHead(load_profile(profile, keras_head=False).head_arrays)
    expected = np.argmax(head(features), axis=1) == data.labels
    assert figures["n"] == len(expected) == 60
    assert figures["accuracy"] == pytest.approx(float(np.mean(expected)), abs=1.5 / 60)
    # ImageNet weights score 0.93 here; random MobileNet weights (test_transfer.py's control) 0.23.
    assert figures["accuracy"] >= 0.8
