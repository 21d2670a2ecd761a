"""Helpers for the tests of learning while playing in the game scene: a camera whose frames always
differ, a learning classifier whose features are the frame's quarter brightnesses (no network),
and a driver that holds an arrow key while the scene runs on SDL's dummy driver."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame
from scene_support import key, open_manager, run_frames

from game.scenes.base import SceneManager
from game.scenes.gesture.scene import GesturePlayScene
from game.vision.camera import Frame, FrameSource
from game.vision.corrections import Corrections, LearningSettings
from game.vision.head_arrays import DenseArrays, HeadArrays
from game.vision.learning_classifier import LearningClassifier
from game.vision.pending_corrections import ProfileIdentity
from game.vision.play_learning import PlayLearning
from game.vision.variety import GateConfig

CLASSES = ["up", "down", "left", "right"]
#: What the stand-in head's features belong to (four quarter brightnesses per frame).
IDENTITY = ProfileIdentity(tuple(CLASSES), "frame", "quarter-means", "0" * 64, (4,))


class ChangingSource(FrameSource):
    """64x64 frames whose bright quarter moves every frame (so each frame adds something)."""

    def __init__(self) -> None:
        self.count = 0

    def read(self) -> Frame | None:
        time.sleep(0.01)
        self.count += 1
        image = np.zeros((64, 64, 3), np.uint8)
        r, c = divmod(self.count % 4, 2)
        image[r * 32 : r * 32 + 32, c * 32 : c * 32 + 32] = 255
        return Frame(image, time.monotonic(), self.count)

    def close(self) -> None:
        pass


def quarter_means(image: np.ndarray) -> np.ndarray:
    return np.array(
        [image[r : r + 32, c : c + 32].mean() / 255 for r in (0, 32) for c in (0, 32)], np.float32
    )


def make_learning(profile_dir: Path) -> PlayLearning:
    """Learning for a stand-in profile in ``profile_dir``: 8 samples, a small two-layer head."""
    rng = np.random.default_rng(0)
    head = HeadArrays(
        "flatten",
        (
            DenseArrays(rng.normal(0, 0.5, (4, 6)).astype(np.float32), np.zeros(6, np.float32), "relu"),
            DenseArrays(rng.normal(0, 0.5, (6, 4)).astype(np.float32), None, "softmax"),
        ),
    )
    corrections = Corrections(
        CLASSES,
        head,
        rng.random((8, 4)).astype(np.float32),
        np.arange(8) % 4,
        LearningSettings(retrain_after=3, gate=GateConfig(min_change=0.05, max_per_second=100)),
    )
    return PlayLearning(LearningClassifier(quarter_means, CLASSES, head), corrections, profile_dir, IDENTITY)


#: Longest wait for the camera, predictor or refit threads: it only ends a stuck test.
WAIT_S = 60.0


def wait_for(condition: Callable[[], bool], timeout: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.01)
    return condition()


def open_game(scene: GesturePlayScene) -> SceneManager:
    """A running ``SceneManager`` on the dummy display with ``scene`` on top."""
    manager = open_manager()
    manager.push(scene)
    return manager


def hold(
    manager: SceneManager,
    scene: GesturePlayScene,
    arrow: int,
    until: Callable[[], bool],
    *,
    let_go: bool = True,
) -> None:
    """Hold ``arrow``, running a frame every 0.01 s until ``until()`` holds (``WAIT_S`` at most),
    then let go unless ``let_go`` is false."""
    scene.handle_event(key(pygame.KEYDOWN, arrow))
    deadline = time.monotonic() + WAIT_S
    while not until() and time.monotonic() < deadline:
        run_frames(manager, 1)
        time.sleep(0.01)
    if let_go:
        scene.handle_event(key(pygame.KEYUP, arrow))
