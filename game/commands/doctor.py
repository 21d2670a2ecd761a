"""``gesture-pacman doctor``: what is installed, which cameras open, where the weights and profiles are.

Each check runs on its own with a bounded wait, so one broken part (no camera, a missing GPU
driver) is reported instead of stopping the others.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
from collections.abc import Callable
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from game.config import backbones_dir, check_models_dir, default_profile_dir, models_dir, models_dir_source

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

CAMERA_INDICES = range(5)
CAMERA_TIMEOUT_S = 3.0

PACKAGES = (
    ("TensorFlow", "tensorflow"),
    ("Keras", "keras"),
    ("LiteRT", "ai-edge-litert"),
    ("OpenCV", "opencv-python-headless"),
    ("pygame", "pygame"),
    ("numpy", "numpy"),
)

T = TypeVar("T")


def _with_timeout(fn: Callable[[], T], seconds: float) -> T | None:
    """``fn()``, or None if it has not returned after ``seconds`` (a hung driver must not hang doctor)."""
    box: list[T] = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    return box[0] if box else None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _probe_camera(index: int) -> str:
    import cv2

    try:
        capture = cv2.VideoCapture(index)
    except cv2.error as exc:
        return f"error: {exc}"
    try:
        if not capture.isOpened():
            return "does not open"
        ok, frame = capture.read()
        if not ok or frame is None:
            return "opens but delivers no frames"
        return f"ok, {frame.shape[1]}x{frame.shape[0]}"
    finally:
        capture.release()


def _gpus() -> str:
    try:
        import tensorflow as tf

        names = [d.name for d in tf.config.list_physical_devices("GPU")]
    except Exception as exc:  # a broken TensorFlow install is itself a finding to report
        return f"cannot ask TensorFlow ({type(exc).__name__}: {exc})"
    return ", ".join(names) if names else "none (CPU only)"


def run(args: argparse.Namespace) -> int:
    print(f"Python      {platform.python_version()} ({sys.executable})")
    for label, dist in PACKAGES:
        print(f"{label:<11} {_version(dist)}")

    gpus = _with_timeout(_gpus, 60.0)
    print(f"GPUs        {gpus or 'could not ask TensorFlow (timed out)'}")

    print("Cameras")
    for index in CAMERA_INDICES:
        state = _with_timeout(partial(_probe_camera, index), CAMERA_TIMEOUT_S)
        print(f"  {index}         {state or f'no answer within {CAMERA_TIMEOUT_S:.0f} s'}")

    for line in _weights_lines(args.weights):
        print(line)

    models = models_dir(args.models)
    print(f"Models      {models} (chosen by: {models_dir_source(args.models)})")
    problem = check_models_dir(models)
    if problem is not None:
        # Every command that needs the folder stops on this; the profile and backbones lines
        # below would describe a folder that cannot exist.
        print(f"            PROBLEM: {problem}; choose a folder with --models DIR")
        return 0
    profile = default_profile_dir(models)
    print(f"Profile     {profile} ({_profile_state(profile)})")
    converted = sorted(backbones_dir(models).glob("*.tflite")) if backbones_dir(models).is_dir() else []
    print(f"Backbones   {', '.join(p.name for p in converted) or 'none converted yet'}")
    return 0


def _weights_lines(explicit: str | None) -> list[str]:
    """Which MobileNet weights file the vision commands will use, and whether that needs the network."""
    from game.vision.features import (
        WEIGHTS_FILE,
        WEIGHTS_URL,
        cached_weights_path,
        keras_cache_dirs,
        shipped_weights_path,
    )

    if explicit:
        path = Path(explicit).expanduser()
        state = "present; no network needed" if path.is_file() else "NOT FOUND"
        return [f"Weights     {path} (--weights; {state})"]
    cached = cached_weights_path()
    if cached is not None:
        return [f"Weights     {cached} (Keras's cache; no network needed)"]
    looked = ", ".join(map(str, keras_cache_dirs()))
    shipped = shipped_weights_path()
    if shipped is not None:
        return [
            f"Weights     {shipped} (shipped with the game; no network needed)",
            f"            Keras's cache has no copy (looked in: {looked})",
        ]
    return [
        f"Weights     {WEIGHTS_FILE} missing; looked in: {looked}",
        f"            Keras downloads it on first use, which needs the network ({WEIGHTS_URL});",
        "            without a network, copy the file into one of those folders or pass --weights FILE",
    ]


def _profile_state(profile: Path) -> str:
    """Whether the default profile is trained, or what is wrong with it: its settings and samples
    are read and checked as every command reads them (the head only for its presence, so that
    nothing is loaded or converted)."""
    from game.vision.gesture_setup import has_trained_profile
    from game.vision.profile import ProfileError, load_profile
    from game.vision.profile_store import find_profile

    if find_profile(profile) is None and not profile.is_dir():
        return "not trained yet"
    try:
        loaded = load_profile(profile, load_head=False)
    except ProfileError as exc:
        return f"not usable: {exc}"
    if not has_trained_profile(profile):
        return f"{len(loaded.samples.labels)} samples, not trained yet; calibrate or train"
    return f"trained ({loaded.recognizer} recognizer: {', '.join(loaded.classes)})"
