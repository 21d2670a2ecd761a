"""Synthetic "webcam" videos made from labelled hand photos, for end-to-end runs without a camera.

Each segment shows photos of one gesture class, every photo held for a few frames, the way a
player holds a pose. Frames are 4:3 like a webcam's, with the photo filling the centred square
that preprocessing crops, so the video exercises the same crop as a real camera. Written as
MJPG in an ``.avi``: lossy, like a webcam, and decodable by every OpenCV build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from game.files import atomic_path

DEFAULT_FPS = 30.0
#: Frame height; the width is 4/3 of it.
DEFAULT_HEIGHT = 240


class VideoBuildError(RuntimeError):
    """A photo could not be read or the video could not be written."""


@dataclass(frozen=True)
class Segment:
    """Frames ``[start, stop)`` of the video show class ``label``."""

    label: str
    start: int
    stop: int

    def __contains__(self, frame: int) -> bool:
        return self.start <= frame < self.stop


@dataclass(frozen=True)
class GestureVideo:
    path: Path
    fps: float
    frames: int
    segments: tuple[Segment, ...]

    def label_at(self, frame: int) -> str | None:
        """The class shown at ``frame`` (counting from 0), or None past the end."""
        for segment in self.segments:
            if frame in segment:
                return segment.label
        return None


def webcam_frame(photo_bgr: np.ndarray, height: int = DEFAULT_HEIGHT) -> np.ndarray:
    """``photo_bgr`` scaled into the centre square of a 4:3 frame; the sides repeat its edge columns."""
    square = cv2.resize(photo_bgr, (height, height), interpolation=cv2.INTER_LINEAR)
    side = _side_margin(height)
    return cv2.copyMakeBorder(square, 0, 0, side, side, cv2.BORDER_REPLICATE)


def _side_margin(height: int) -> int:
    return (height * 4 // 3 - height) // 2


def write_gesture_video(
    path: Path,
    segments: Sequence[tuple[str, Sequence[Path]]],
    *,
    hold_frames: int = 3,
    fps: float = DEFAULT_FPS,
    height: int = DEFAULT_HEIGHT,
) -> GestureVideo:
    """Write one segment per ``(label, photos)``: each photo for ``hold_frames`` frames, in order.

    The file appears complete or not at all (written beside, then renamed).
    """
    if hold_frames < 1:
        raise ValueError(f"hold_frames must be at least 1, got {hold_frames}")
    path = Path(path)
    size = (height + 2 * _side_margin(height), height)
    placed: list[Segment] = []
    frame_no = 0
    with atomic_path(path) as tmp:
        writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
        if not writer.isOpened():
            raise VideoBuildError(f"OpenCV cannot write an MJPG video at {tmp}")
        try:
            for label, photos in segments:
                start = frame_no
                for photo in photos:
                    bgr = cv2.imread(str(photo), cv2.IMREAD_COLOR)
                    if bgr is None:
                        raise VideoBuildError(f"cannot read image {photo}")
                    frame = webcam_frame(bgr, height)
                    for _ in range(hold_frames):
                        writer.write(frame)
                        frame_no += 1
                placed.append(Segment(label, start, frame_no))
        finally:
            writer.release()
    return GestureVideo(path, fps, frame_no, tuple(placed))
