"""Helpers for the calibration scene tests: a "webcam" that shows the hand photos of whichever
class the test is posing, and a driver that runs the real scene frame by frame on SDL's dummy
video driver with posted key events."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pygame

from game.render.layout import window_size
from game.scenes.base import Scene, SceneManager
from game.vision.camera import CameraError, Frame, FrameSource, ImageFolderSource

CLASSES = ("up", "down", "left", "right")


class PoseSource(FrameSource):
    """Frames from ``root/<pose>/``, paced like a webcam; ``unplugged`` makes reads fail.

    Switching ``pose`` is the player changing gesture: every later frame shows the new class.
    """

    def __init__(self, root: Path, fps: float = 60.0) -> None:
        self.description = "posed photos"
        self.pose = CLASSES[0]
        self.unplugged = False
        self.fps = fps
        self._folders = {name: ImageFolderSource(root / name, loop=True) for name in CLASSES}
        self._count = 0
        self._next = 0.0

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


def source_that_never_opens(index: int = 0) -> Callable[[], FrameSource]:
    def opener() -> FrameSource:
        raise CameraError(f"Cannot open camera {index}: no such device.")

    return opener
