"""Frame sources: a webcam, a video file or a folder of images, all behind one small interface.

Every source yields RGB ``uint8`` frames with a timestamp and a running index, never blocks for
long (each wait is bounded), and raises :class:`CameraError` with a message a player can act on.
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

#: File suffixes treated as images when reading a folder (lower case).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm"})

#: How long a webcam may go without delivering a frame before it counts as stopped.
STALL_SECONDS = 2.0


class CameraError(Exception):
    """A frame source cannot be opened or stopped delivering frames; the message says which and why."""


class Frame:
    """One picture from a source: ``image`` is HxWx3 ``uint8`` RGB; ``timestamp`` is seconds (monotonic).

    A source that decodes with OpenCV keeps the picture as decoded (``pixels``: BGR, not yet
    mirrored) and makes ``image`` from it on first use, once. A consumer that needs only part of
    the picture can start from ``pixels`` instead: the frame recognizer resizes first and converts
    the small square (:func:`game.vision.preprocess.preprocess_camera`), which saves play a pass
    over the whole frame; only what is drawn then pays for ``image``.
    """

    __slots__ = ("_image", "bgr", "index", "mirror", "pixels", "timestamp")

    def __init__(
        self, image: np.ndarray, timestamp: float, index: int, *, bgr: bool = False, mirror: bool = False
    ) -> None:
        #: The picture as the source holds it: RGB, or, with ``bgr``, BGR as decoded (``mirror``: to
        #: be mirrored too). HxWx3 ``uint8`` either way.
        self.pixels = image
        self.timestamp = timestamp
        self.index = index
        self.bgr = bgr
        self.mirror = mirror if bgr else False
        self._image: np.ndarray | None = None if bgr else image

    @classmethod
    def decoded(cls, bgr: np.ndarray, timestamp: float, index: int, mirror: bool) -> Frame:
        """A frame of a picture OpenCV decoded; 3-channel BGR stays as it is until ``image`` is read."""
        if bgr.ndim == 3 and bgr.shape[2] == 3 and bgr.dtype == np.uint8:
            return cls(bgr, timestamp, index, bgr=True, mirror=mirror)
        return cls(_to_rgb(bgr, mirror), timestamp, index)

    @property
    def image(self) -> np.ndarray:
        """The RGB picture (mirrored if the source mirrors), converted on first use.

        Two threads asking at once may both convert; each gets the same pixels, and one copy is kept.
        """
        image = self._image
        if image is None:
            image = self._image = _to_rgb(self.pixels, self.mirror)
        return image

    @property
    def converted(self) -> bool:
        """Whether ``image`` exists yet (always, for a frame made from an RGB picture)."""
        return self._image is not None

    def __repr__(self) -> str:
        kind = "BGR" + (", mirrored" if self.mirror else "") if self.bgr else "RGB"
        return f"Frame(index={self.index}, timestamp={self.timestamp:.3f}, {self.pixels.shape} {kind})"


class FrameSource(ABC):
    """A source of frames. ``read()`` returns None once a finite source is exhausted."""

    fps: float | None = None
    description: str = ""

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None at the end of a finite source."""

    @abstractmethod
    def close(self) -> None:
        """Release the device or file; safe to call twice."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[Frame]:
        while True:
            frame = self.read()
            if frame is None:
                return
            yield frame


def _to_rgb(bgr: np.ndarray, mirror: bool) -> np.ndarray:
    if bgr.ndim == 3 and bgr.shape[2] == 3 and mirror:
        # Reversing each row's bytes mirrors the row and turns every BGR pixel into RGB in one pass:
        # B0 G0 R0 ... Bn Gn Rn -> Rn Gn Bn ... R0 G0 B0. A third of the time of a colour conversion
        # plus a flip of 3-byte pixels (0.45 instead of 0.75 ms for 640x480 on the 2-core machine).
        h, w = bgr.shape[:2]
        return cv2.flip(bgr.reshape(h, w * 3), 1).reshape(h, w, 3)
    if bgr.ndim == 2:
        rgb = cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB)
    elif bgr.shape[2] == 4:
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGRA2RGB)
    else:
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return cv2.flip(rgb, 1) if mirror else rgb


@contextmanager
def quiet_opencv() -> Iterator[None]:
    """OpenCV's own log lines off while probing a webcam index.

    A missing index makes OpenCV print a "can't open camera by index" warning (and more from
    other backends) per try; the camera thread retries every second, so the terminal filled with
    them. Failures are reported by ``CameraError`` instead. ``OPENCV_LOG_LEVEL`` set by the user
    is respected.
    """
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is None or "OPENCV_LOG_LEVEL" in os.environ:
        yield
        return
    previous = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        logging.setLogLevel(previous)


class WebcamSource(FrameSource):
    """A webcam through ``cv2.VideoCapture``; mirrored by default so moving left looks left."""

    def __init__(
        self,
        index: int = 0,
        width: int = 640,
        height: int = 480,
        mirror: bool = True,
        open_timeout: float = STALL_SECONDS,
    ) -> None:
        self.index = index
        self.mirror = mirror
        self.description = f"camera {index}"
        self._count = 0
        # Backends that honour these stop waiting instead of hanging on a device that never answers.
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(open_timeout * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(open_timeout * 1000),
        ]
        with quiet_opencv():
            try:
                self._capture = cv2.VideoCapture(index, cv2.CAP_ANY, params)
            except cv2.error:
                self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraError(
                f"Cannot open camera {index}: no such device, it is in use by another program, "
                "or this program is not allowed to use it. Try another --camera N "
                "(`gesture-pacman doctor` lists the cameras that open)."
            )
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        reported = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = reported if reported > 0 else None

    def read(self) -> Frame | None:
        deadline = time.monotonic() + STALL_SECONDS
        while True:
            ok, bgr = self._capture.read()
            if ok and bgr is not None:
                frame = Frame.decoded(bgr, time.monotonic(), self._count, self.mirror)
                self._count += 1
                return frame
            if time.monotonic() >= deadline:
                raise CameraError(
                    f"Camera {self.index} stopped delivering frames (unplugged, or taken by another program)."
                )
            time.sleep(0.01)

    def close(self) -> None:
        self._capture.release()


class VideoFileSource(FrameSource):
    """Frames of a video file; ``paced`` sleeps to the file's frame rate, ``loop`` restarts at the end."""

    def __init__(
        self, path: str | Path, loop: bool = False, paced: bool = False, mirror: bool = False
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise CameraError(f"Video file not found: {self.path}")
        self.loop = loop
        self.paced = paced
        self.mirror = mirror
        self.description = f"video {self.path.name}"
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraError(f"Cannot read video file {self.path}: not a video format OpenCV can decode.")
        reported = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = reported if reported > 0 else None
        self._count = 0
        self._next_due: float | None = None

    def read(self) -> Frame | None:
        ok, bgr = self._capture.read()
        if not ok and self.loop and self._count > 0:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = self._capture.read()
        if not ok or bgr is None:
            return None
        if self.paced and self.fps:
            now = time.monotonic()
            if self._next_due is not None and self._next_due > now:
                time.sleep(self._next_due - now)
            self._next_due = max(now, self._next_due or now) + 1.0 / self.fps
        frame = Frame.decoded(bgr, time.monotonic(), self._count, self.mirror)
        self._count += 1
        return frame

    def close(self) -> None:
        self._capture.release()


def list_images(folder: Path) -> list[Path]:
    """Image files directly inside ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


class ImageFolderSource(FrameSource):
    """The images of one folder in name order, as frames; undecodable files are skipped and counted."""

    def __init__(self, path: str | Path, loop: bool = False, mirror: bool = False) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise CameraError(f"Image folder not found: {self.path}")
        self._files = list_images(self.path)
        if not self._files:
            raise CameraError(f"No images in {self.path} (looked for {', '.join(sorted(IMAGE_SUFFIXES))}).")
        self.loop = loop
        self.mirror = mirror
        self.description = f"images in {self.path.name}"
        self.skipped = 0
        self._position = 0
        self._count = 0

    def read(self) -> Frame | None:
        attempts = 0
        while attempts < len(self._files):
            if self._position >= len(self._files):
                if not self.loop:
                    return None
                self._position = 0
            path = self._files[self._position]
            self._position += 1
            attempts += 1
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is None:
                self.skipped += 1
                continue
            frame = Frame.decoded(bgr, time.monotonic(), self._count, self.mirror)
            self._count += 1
            return frame
        return None

    def close(self) -> None:
        self._files = []


def open_source(
    camera: int | None,
    video: str | None,
    mirror: bool = True,
    *,
    loop: bool = True,
    paced: bool = True,
) -> FrameSource:
    """The source the command line asked for: a video file if given, else webcam ``camera`` (default 0).

    ``mirror`` applies to the webcam only: a recorded video is already in the orientation it was
    recorded in. A video loops and plays at its own frame rate unless told otherwise.
    """
    if video is not None:
        return VideoFileSource(video, loop=loop, paced=paced, mirror=False)
    return WebcamSource(0 if camera is None else camera, mirror=mirror)
