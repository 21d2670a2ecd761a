"""Real webcam frames of a hand beside a still centre, and of a still hand before changing rooms.

The frames are real webcam pictures (session 996 of ``../shared/data/rooms``: a person raising one
finger beside their head, the hand first on the left of the picture, then on the right), put on a
wider canvas so that the hand is always beside the centre square: what the centre-square
thumbnail shows stays the same while the hand moves, and changes when only the background away
from the hand does. Used by the calibration tests (``test_hand_variety``) and the play-learning
ones (``test_play_hand_variety``); :func:`record` records frames as a hand profile's calibration does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.vision.camera import Frame
from game.vision.hand_features import HandFeatureExtractor
from game.vision.images import read_rgb
from game.vision.preprocess import thumbnail
from game.vision.recorder import CameraWorker, RecordedSample
from game.vision.variety import GateConfig, signature, spread

#: The canvas: a 320-pixel strip either side of the 480x480 centre square of a 1120x480 frame.
SIDE, HEIGHT, WIDTH = 320, 480, 1120
#: A gate that keeps every recorded frame.
EVERY_FRAME = GateConfig(min_change=0.0, max_per_second=100.0)


def session(shared_dir: Path) -> list[tuple[np.ndarray, bool]]:
    """The frames of session 996 / one and, for each, whether its hand is on the left."""
    folder = shared_dir / "data" / "rooms" / "996" / "one"
    if not folder.is_dir():  # ../shared is here (shared_dir skips without it), so this is a fault
        pytest.fail(f"{folder} is missing from ../shared: the room recordings of session 996 are not there")
    stage = HandFeatureExtractor()
    frames = []
    for path in sorted(folder.iterdir()):
        image = read_rgb(path)
        assert image is not None and image.shape == (HEIGHT, 640, 3), path
        result = stage.photo(image)[1]
        assert result.found and result.roi is not None, path
        frames.append((image, result.roi.cx < 320))
    assert 4 <= sum(left for _, left in frames) <= len(frames) - 4  # the hand was on both sides
    return frames


def canvas(background: np.ndarray) -> np.ndarray:
    """A 640x480 room picture spread over the wide frame: its halves at the sides, its centre between."""
    out = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    out[:, :SIDE] = background[:, :SIDE]
    out[:, SIDE : WIDTH - SIDE] = background[:, 80:560]
    out[:, WIDTH - SIDE :] = background[:, SIDE:]
    return out


def with_hand(wide: np.ndarray, image: np.ndarray, left: bool) -> np.ndarray:
    """``wide`` (a :func:`canvas`) with the half of ``image`` that holds the hand as its side strip."""
    out = wide.copy()
    if left:
        out[:, :SIDE] = image[:, :SIDE]
    else:
        out[:, WIDTH - SIDE :] = image[:, SIDE:]
    return out


def moving_hand(frames: list[tuple[np.ndarray, bool]]) -> list[np.ndarray]:
    """The session's hand moving beside a centre that never changes: the room without the hand (the
    left half of a frame whose hand is on the right, and so on) with each frame's hand at its side."""
    right_hand = next(image for image, left in frames if not left)
    left_hand = next(image for image, left in frames if left)
    empty = np.concatenate([right_hand[:, :SIDE], left_hand[:, SIDE:]], axis=1)
    wide = canvas(empty)
    return [with_hand(wide, image, left) for image, left in frames]


def still_hand_changing_rooms(shared_dir: Path, frames: list[tuple[np.ndarray, bool]]) -> list[np.ndarray]:
    """The session's first frame (hand on the left) with 15 other rooms' pictures filling the right
    640 pixels, centre included: the half of each room frame on the other side of its hand."""
    image, left = frames[0]
    assert left
    rooms = []
    for name in ("2", "5", "15", "35", "46"):
        folder = shared_dir / "data" / "rooms" / name / "five"
        for path in sorted(folder.iterdir())[:3]:
            room = read_rgb(path)
            assert room is not None
            rooms.append(room)
    stage = HandFeatureExtractor()
    out = []
    for room in rooms:
        roi = stage.photo(room)[1].roi
        free = room[:, SIDE:] if roi is not None and roi.cx < 240 else room[:, :SIDE]
        wide = canvas(image)
        wide[:, WIDTH - 2 * SIDE :] = np.concatenate([free, free], axis=1)  # the right 640 pixels
        out.append(with_hand(wide, image, True))
    return out


def centre_spread(frames: list[np.ndarray]) -> float:
    """The old measure: the spread of the frames' centre-square thumbnails."""
    return spread([signature(thumbnail(image, 48)) for image in frames])


class NoSource:
    def read(self) -> Frame | None:
        return None

    def close(self) -> None:
        pass


def record(
    frames: list[np.ndarray], loading: int = 0, gate: GateConfig = EVERY_FRAME
) -> list[RecordedSample]:
    """The samples a hand profile's calibration records from ``frames``, wired as the scene wires it;
    the first ``loading`` frames arrive while the hand models load."""
    stage = HandFeatureExtractor()
    worker = CameraWorker(NoSource, gate=gate)
    worker.keep_whole_frames = True  # what the scene sets for the hand recognizer

    def features(image: np.ndarray) -> np.ndarray | None:
        return stage.frame(image)[0]

    def seen() -> np.ndarray | None:  # BackboneLoader.last_crop, as the scene passes it
        return stage.last.seen if stage.last is not None else None

    worker.set_recording("up", 1)
    for i, image in enumerate(frames):
        if i == loading:
            worker.set_features(features, seen)
        worker._process(Frame(image, float(i), i))  # the camera thread's per-frame call
    worker.set_recording(None)
    worker.set_features(features, seen)
    for i in range(len(frames), len(frames) + 20):  # the preview goes on; the backlog drains
        worker._process(Frame(frames[-1], float(i), i))
    assert worker.pending == 0
    return worker.drain_samples()
