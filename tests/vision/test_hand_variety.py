"""For a hand profile, a sample's thumbnail (what the gate and the variety meter compare) is the hand
crop the hand stage cut, not the frame's centre square.

The frames are real webcam pictures (session 996 of ``../shared/data/rooms``: a person raising one
finger beside their head, the hand first on the left of the picture, then on the right), put on a
wider canvas so that the hand is always beside the centre square: what the centre-square
thumbnail showed (the old measure) stays the same while the hand moves, and changes when only the
background away from the hand does.
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
from game.vision.variety import GOOD_SPREAD, GateConfig, VarietyMeter, signature, spread

#: The canvas: a 320-pixel strip either side of the 480x480 centre square of a 1120x480 frame.
SIDE, HEIGHT, WIDTH = 320, 480, 1120
EVERY_FRAME = GateConfig(min_change=0.0, max_per_second=100.0)


class NoSource:
    def read(self) -> Frame | None:
        return None

    def close(self) -> None:
        pass


def _session(shared_dir: Path) -> list[tuple[np.ndarray, bool]]:
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


def _canvas(background: np.ndarray) -> np.ndarray:
    """A 640x480 room picture spread over the wide frame: its halves at the sides, its centre between."""
    canvas = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    canvas[:, :SIDE] = background[:, :SIDE]
    canvas[:, SIDE : WIDTH - SIDE] = background[:, 80:560]
    canvas[:, WIDTH - SIDE :] = background[:, SIDE:]
    return canvas


def _with_hand(canvas: np.ndarray, image: np.ndarray, left: bool) -> np.ndarray:
    """``canvas`` with the half of ``image`` that holds the hand as its side strip."""
    out = canvas.copy()
    if left:
        out[:, :SIDE] = image[:, :SIDE]
    else:
        out[:, WIDTH - SIDE :] = image[:, SIDE:]
    return out


def _record(
    frames: list[np.ndarray], loading: int = 0, gate: GateConfig = EVERY_FRAME
) -> list[RecordedSample]:
    """The samples a hand profile's calibration records from ``frames``, wired as the scene wires it;
    the first ``loading`` frames arrive while the hand models load."""
    stage = HandFeatureExtractor()
    worker = CameraWorker(NoSource, gate=gate)
    worker.keep_whole_frames = True  # what the scene sets for the hand recognizer

    def features(image: np.ndarray) -> np.ndarray | None:
        return stage.frame(image)[0]

    def seen() -> np.ndarray | None:
        last = stage.last
        return last.crop if last is not None and last.found else None

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


def _centre_spread(frames: list[np.ndarray]) -> float:
    """The old measure: the spread of the frames' centre-square thumbnails."""
    return spread([signature(thumbnail(image, 48)) for image in frames])


def _meter(samples: list[RecordedSample]) -> float:
    return VarietyMeter().variety("up", [s.thumbnail for s in samples]).spread


def test_a_hand_moving_beside_a_still_centre_is_variety(shared_dir: Path) -> None:
    session = _session(shared_dir)
    # The room without the hand: the left half of a frame whose hand is on the right, and so on.
    right_hand = next(image for image, left in session if not left)
    left_hand = next(image for image, left in session if left)
    empty = np.concatenate([right_hand[:, :SIDE], left_hand[:, SIDE:]], axis=1)
    canvas = _canvas(empty)
    frames = [_with_hand(canvas, image, left) for image, left in session]
    assert _centre_spread(frames) == 0.0  # the centre square never changes: no variety the old way
    samples = _record(frames)
    assert len(samples) >= len(frames) - 2  # the hand stage found the hand beside the centre
    assert _meter(samples) >= GOOD_SPREAD, _meter(samples)  # 0.61 on these frames


def test_a_still_hand_before_a_changing_background_is_no_variety(shared_dir: Path) -> None:
    session = _session(shared_dir)
    image, left = session[0]
    assert left
    # Other rooms, far from the hand: the half of a room frame on the other side of its hand.
    rooms = []
    for name in ("2", "5", "15", "35", "46"):
        folder = shared_dir / "data" / "rooms" / name / "five"
        for path in sorted(folder.iterdir())[:3]:
            room = read_rgb(path)
            assert room is not None
            rooms.append(room)
    stage = HandFeatureExtractor()
    frames = []
    for room in rooms:
        roi = stage.photo(room)[1].roi
        free = room[:, SIDE:] if roi is not None and roi.cx < 240 else room[:, :SIDE]
        canvas = _canvas(image)
        canvas[:, WIDTH - 2 * SIDE :] = np.concatenate([free, free], axis=1)  # the right 640 pixels
        frames.append(_with_hand(canvas, image, True))
    assert _centre_spread(frames) >= GOOD_SPREAD  # the old measure counted the background as variety
    samples = _record(frames)
    assert len(samples) == len(frames)
    # The hand crop shifts a little as the stage tracks the hand (0.06 here), far below the meter's
    # green; the centre square's spread was 0.51.
    assert _meter(samples) < GOOD_SPREAD / 3, _meter(samples)


def test_frames_kept_while_the_hand_models_load_are_judged_by_their_hand_crop(shared_dir: Path) -> None:
    session = _session(shared_dir)
    image, left = session[0]
    canvas = _canvas(image)
    moving = [_with_hand(canvas, other, side) for other, side in session]
    still = [_with_hand(canvas, image, left)] * len(session)
    # All recorded before the hand models are loaded, gated as calibration gates (a second apart).
    kept_moving = _record(moving, loading=len(moving), gate=GateConfig())
    kept_still = _record(still, loading=len(still), gate=GateConfig())
    assert len(kept_moving) >= len(moving) - 4 and _meter(kept_moving) >= GOOD_SPREAD
    assert len(kept_still) <= 3  # holding still adds (next to) nothing
