"""For a hand profile, a sample's thumbnail (what the gate and the variety meter compare) is the hand
crop the hand stage cut, not the frame's centre square.

The frames are real webcam pictures of a hand moving beside a still centre, and of a still hand
before changing rooms (``room_hands_support``): what the centre-square thumbnail showed (the old
measure) stays the same while the hand moves, and changes when only the background away from the
hand does.
"""

from __future__ import annotations

from pathlib import Path

from room_hands_support import (
    canvas,
    centre_spread,
    moving_hand,
    record,
    session,
    still_hand_changing_rooms,
    with_hand,
)

from game.vision.recorder import RecordedSample
from game.vision.variety import GOOD_SPREAD, GateConfig, VarietyMeter


def _meter(samples: list[RecordedSample]) -> float:
    return VarietyMeter().variety("up", [s.thumbnail for s in samples]).spread


def test_a_hand_moving_beside_a_still_centre_is_variety(shared_dir: Path) -> None:
    frames = moving_hand(session(shared_dir))
    assert centre_spread(frames) == 0.0  # the centre square never changes: no variety the old way
    samples = record(frames)
    assert len(samples) >= len(frames) - 2  # the hand stage found the hand beside the centre
    assert _meter(samples) >= GOOD_SPREAD, _meter(samples)  # 0.61 on these frames


def test_a_still_hand_before_a_changing_background_is_no_variety(shared_dir: Path) -> None:
    frames = still_hand_changing_rooms(shared_dir, session(shared_dir))
    assert centre_spread(frames) >= GOOD_SPREAD  # the old measure counted the background as variety
    samples = record(frames)
    assert len(samples) == len(frames)
    # The hand crop shifts a little as the stage tracks the hand (0.06 here), far below the meter's
    # green; the centre square's spread was 0.51.
    assert _meter(samples) < GOOD_SPREAD / 3, _meter(samples)


def test_frames_kept_while_the_hand_models_load_are_judged_by_their_hand_crop(shared_dir: Path) -> None:
    frames = session(shared_dir)
    image, left = frames[0]
    wide = canvas(image)
    moving = [with_hand(wide, other, side) for other, side in frames]
    still = [with_hand(wide, image, left)] * len(frames)
    # All recorded before the hand models are loaded, gated as calibration gates (a second apart).
    kept_moving = record(moving, loading=len(moving), gate=GateConfig())
    kept_still = record(still, loading=len(still), gate=GateConfig())
    assert len(kept_moving) >= len(moving) - 4 and _meter(kept_moving) >= GOOD_SPREAD
    assert len(kept_still) <= 3  # holding still adds (next to) nothing
