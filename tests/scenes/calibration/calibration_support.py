"""Helpers for the calibration scene tests: a "webcam" that shows the hand photos of whichever
class the test is posing, a driver that runs the real scene frame by frame on SDL's dummy video
driver with posted key events, and a calibration scene opened without MobileNet (and, unless a
source is given, without a camera) on a fake clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from game.render.layout import window_size
from game.scenes.base import Scene, SceneManager
from game.scenes.calibration.options import CalibrationOptions
from game.scenes.calibration.scene import CalibrationScene, PlayFactory
from game.vision.camera import CameraError, Frame, FrameSource, ImageFolderSource
from game.vision.profile import THUMBNAIL_SIZE
from game.vision.recognizer import FRAME, feature_shape
from game.vision.types import CameraState

CLASSES = ("up", "down", "left", "right")
KEYS = {"up": pygame.K_UP, "down": pygame.K_DOWN, "left": pygame.K_LEFT, "right": pygame.K_RIGHT}
LOAD_TIMEOUT = 300.0


class PoseSource(FrameSource):
    """Frames from ``root/<pose>/``, paced like a webcam; ``unplugged`` makes reads fail.

    Switching ``pose`` is the player changing gesture: every later frame shows the new class;
    ``show`` switches to another folder of photos (other hands making the same gestures).
    """

    def __init__(self, root: Path, fps: float = 60.0) -> None:
        self.description = "posed photos"
        self.pose = CLASSES[0]
        self.unplugged = False
        self.fps = fps
        self.show(root)
        self._count = 0
        self._next = 0.0

    def show(self, root: Path) -> None:
        """From the next frame on, pose the photos in ``root/<pose>/``."""
        self._folders = {name: ImageFolderSource(root / name, loop=True) for name in CLASSES}

    def read(self) -> Frame | None:
        if self.unplugged:
            raise CameraError("Camera 0 stopped delivering frames (unplugged, or taken by another program).")
        now = time.monotonic()
        if self._next > now:
            time.sleep(self._next - now)
        self._next = max(now, self._next) + 1.0 / self.fps
        frame = self._folders[self.pose].read()
        assert frame is not None
        self._count += 1
        return Frame(frame.image, time.monotonic(), self._count)

    def close(self) -> None:
        """The folders stay readable: a reconnect after ``unplugged`` resumes the same poses."""


class Driver:
    """Runs one scene in a real ``SceneManager`` on the dummy display."""

    def __init__(self, scene: Scene, scale: int = 2) -> None:
        pygame.display.init()
        pygame.font.init()
        surface = pygame.display.set_mode(window_size(scale))
        self.manager = SceneManager(surface, scale=scale)
        self.manager.push(scene)

    def frame(self) -> None:
        self.manager.run_frame(1 / 60)
        time.sleep(1 / 120)  # let the camera and worker threads run, as the real frame clock would

    def frames(self, n: int) -> None:
        for _ in range(n):
            self.frame()

    def until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            self.frame()

    def key(self, key: int, *, down: bool = True, mod: int = 0) -> None:
        kind = pygame.KEYDOWN if down else pygame.KEYUP
        pygame.event.post(pygame.event.Event(kind, key=key, mod=mod, unicode="", scancode=0))

    def tap(self, key: int, mod: int = 0) -> None:
        self.key(key, mod=mod)
        self.frame()
        self.key(key, down=False, mod=mod)
        self.frame()

    def close_window(self) -> None:
        """Press the window's close button (a ``QUIT`` event) and run one frame."""
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        self.frame()

    def close(self) -> None:
        self.manager.quit()


def wait_until_ready(driver: Driver, scene: CalibrationScene) -> None:
    """Run frames until MobileNet is loaded and the first camera frame is in, then two more."""
    driver.until(lambda: scene.backbone.ready, LOAD_TIMEOUT, "MobileNet to load")
    driver.until(lambda: scene.camera.state is CameraState.RUNNING, 30, "the first camera frame")
    driver.frames(2)


@contextmanager
def driven(scene: CalibrationScene, *, ready: bool = True) -> Iterator[Driver]:
    """A ``Driver`` running ``scene`` (after ``wait_until_ready`` unless ``ready`` is false), closed
    on the way out whatever happens."""
    driver = Driver(scene)
    try:
        if ready:
            wait_until_ready(driver, scene)
        yield driver
    finally:
        driver.close()


@contextmanager
def posed(
    options: CalibrationOptions,
    photos: Path,
    *,
    ready: bool = True,
    play_factory: PlayFactory | None = None,
) -> Iterator[tuple[CalibrationScene, Driver, PoseSource]]:
    """The real scene on one ``PoseSource`` of ``photos`` (the same one on every reconnect), in
    ``driven``; yields the scene, its driver and the source whose pose the test sets."""
    poses = PoseSource(photos)
    scene = CalibrationScene(options, source=lambda: poses, play_factory=play_factory)
    with driven(scene, ready=ready) as driver:
        yield scene, driver, poses


def press_pose(
    driver: Driver, scene: CalibrationScene, poses: PoseSource, label: str, n: int, what: str = ""
) -> None:
    """Pose ``label`` and press its key, running frames until the scene has at least ``n`` samples
    of it (``what`` names them in a timeout); the key stays down."""
    poses.pose = label
    driver.key(KEYS[label])
    driver.until(lambda: scene.book.count(label) >= n, 60, what or f"{n} {label} samples")


def settle(driver: Driver, scene: CalibrationScene) -> None:
    """After recording stopped: wait until the camera thread has finished the frame it may have
    been turning into a sample (or keeping for the recognizer) as it stopped, then run a frame so
    that the scene takes that sample in. Counts read afterwards stay put.

    The camera thread handles each frame before it reads the next, so two more frames delivered
    mean the one in hand when recording stopped is done, however slow the machine; a camera that
    stopped delivering has no frame in hand.
    """
    assert scene.camera.recording is None, "settle is for after recording stopped"
    seen = scene.camera.frames_seen
    driver.until(
        lambda: scene.camera.frames_seen >= seen + 2 or scene.camera.state is not CameraState.RUNNING,
        60,
        "the camera thread to finish the frame it had when recording stopped",
    )
    driver.frame()


def hold_pose(
    driver: Driver, scene: CalibrationScene, poses: PoseSource, label: str, n: int, what: str = ""
) -> None:
    """``press_pose``, then let go of the key, run three frames and ``settle``."""
    press_pose(driver, scene, poses, label, n, what)
    driver.key(KEYS[label], down=False)
    driver.frames(3)
    settle(driver, scene)


def source_that_never_opens(index: int = 0) -> Callable[[], FrameSource]:
    def opener() -> FrameSource:
        raise CameraError(f"Cannot open camera {index}: no such device.")

    return opener


class FakeClock:
    """The scene's clock, moved on only by the test (so a warning lasts until the test says)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Calibration:
    """A calibration scene in a running ``Driver``, with its fake clock and profile folder."""

    scene: CalibrationScene
    driver: Driver
    clock: FakeClock
    profile_dir: Path

    def record(self, label: str, n: int) -> None:
        """``n`` samples of ``label``, as the camera thread hands them to the scene."""
        rng = np.random.default_rng(n)
        for _ in range(n):
            features = rng.random(feature_shape(FRAME), dtype=np.float32)
            thumb = np.zeros((THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), np.uint8)
            self.scene.book.add(label, features, thumb, burst_id=1)

    @property
    def open(self) -> bool:
        return self.driver.manager.running and self.driver.manager.current is self.scene


def open_calibration(
    profile_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: Callable[[], FrameSource] | None = None,
    *,
    recognizer: str = FRAME,
    play_factory: PlayFactory | None = None,
    scale: int = 2,
) -> Calibration:
    """The real scene with MobileNet never loading (the loader thread is not started) and a stand-in
    recognizer for saves. Without ``source`` the camera thread does not start either; with it, the
    camera runs on ``source``, so recorded frames wait for MobileNet as they would at start-up.
    ``recognizer`` is the one the scene is for (its name is what the screen says the frames wait
    for); ``play_factory`` makes the scene P hands over to (None: gesture play is unavailable);
    ``scale`` is the window's."""
    models = profile_dir.parent / "models"
    options = CalibrationOptions(profile_dir=profile_dir, models=models, recognizer=recognizer)
    clock = FakeClock()
    scene = CalibrationScene(
        options, source=source or source_that_never_opens(), play_factory=play_factory, clock=clock
    )
    if source is None:
        monkeypatch.setattr(scene.camera, "start", lambda: scene.camera)
    monkeypatch.setattr(scene.backbone, "start", lambda: scene.backbone)
    scene.backbone.backbone = SimpleNamespace(backbone_id="test", weights_sha256="0" * 64)  # type: ignore[assignment]
    return Calibration(scene, Driver(scene, scale), clock, profile_dir)
