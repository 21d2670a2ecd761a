"""Sample variety: near-twins are dropped, varied frames kept, and the spread tells a burst from a session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.vision.images import read_rgb
from game.vision.preprocess import thumbnail
from game.vision.variety import (
    GOOD_SPREAD,
    GateConfig,
    SampleGate,
    Variety,
    VarietyMeter,
    change,
    signature,
    spread,
)


def picture(shift: int = 0, noise: float = 0.0, seed: int = 0, size: int = 40) -> np.ndarray:
    """A 120x160 grey scene with a bright 'hand' square of ``size`` at row 40, column 40+shift."""
    rng = np.random.default_rng(seed)
    image = np.full((120, 160, 3), 60, np.float32)
    image[40 : 40 + size, 40 + shift : 40 + shift + size] = 200
    image += rng.normal(0, noise, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def test_noise_is_no_change_and_a_moved_hand_is() -> None:
    still = change(signature(picture(noise=4, seed=1)), signature(picture(noise=4, seed=2)))
    moved = change(signature(picture()), signature(picture(shift=15)))
    assert still < 0.01
    assert moved > 0.05


def test_gate_keeps_the_first_frame_drops_twins_and_keeps_a_change() -> None:
    gate = SampleGate(GateConfig(min_change=0.05, max_per_second=10))
    assert gate.offer("up", signature(picture(seed=0, noise=3)), 0.0)
    assert not gate.offer("up", signature(picture(seed=1, noise=3)), 0.5)
    assert gate.offer("up", signature(picture(shift=15)), 1.0)
    # another class is compared with its own last frame only
    assert gate.offer("down", signature(picture(shift=15)), 1.01)
    assert gate.offered == {"up": 3, "down": 1} and gate.kept == {"up": 2, "down": 1}


def test_gate_limits_the_rate_even_when_every_frame_changes() -> None:
    gate = SampleGate(GateConfig(min_change=0.0, max_per_second=4))
    kept = [gate.offer("up", signature(picture(shift=i % 30)), i / 30) for i in range(60)]
    assert 7 <= sum(kept) <= 8  # two seconds at 4 a second


def test_spread_of_twins_is_zero_and_of_moves_is_high() -> None:
    twins = [signature(picture(noise=2, seed=i)) for i in range(10)]
    slides = [signature(picture(shift=s)) for s in range(-40, 60, 10)]
    # closer and farther as well as around: the hand's size changes too
    # (close to a webcam a hand fills much of the picture)
    sizes = (20, 110, 35, 90, 50, 120, 25, 80, 60, 100)
    moves = [signature(picture(shift=s, size=z)) for s, z in zip(range(-40, 40, 8), sizes, strict=True)]
    assert spread(twins) < 0.01
    assert 0.05 < spread(slides) < spread(moves)
    assert spread(moves) > GOOD_SPREAD
    assert not Variety(spread(twins), 10).good and Variety(spread(moves), 10).good
    assert Variety(0.15, 10).level == pytest.approx(0.15 / GOOD_SPREAD)
    assert spread(twins[:1]) == 0.0


def test_a_burst_of_real_webcam_frames_spreads_less_than_frames_over_the_session(shared_dir: Path) -> None:
    """On real room recordings: the first 20 frames of a class vs 20 taken over the whole session."""
    folder = shared_dir / "data" / "rooms" / "2"
    if not folder.is_dir():  # ../shared is here (shared_dir skips without it), so this is a fault
        pytest.fail(f"{folder} is missing from ../shared: the room recordings of session 2 are not there")
    for name in ("fist", "one", "two"):
        paths = sorted((folder / name).iterdir())
        sigs = []
        for path in paths:
            image = read_rgb(path)
            assert image is not None
            sigs.append(signature(thumbnail(image, 48)))
        burst = spread(sigs[:20])
        even = spread([sigs[i] for i in np.linspace(0, len(sigs) - 1, 20).round().astype(int)])
        assert burst < GOOD_SPREAD <= even, (name, burst, even)


def test_meter_follows_the_samples_as_they_change() -> None:
    meter = VarietyMeter()
    thumbs = [picture(noise=2, seed=i) for i in range(5)]
    low = meter.variety("up", thumbs)
    assert low.count == 5 and not low.good
    sizes = (20, 110, 35, 90, 50, 120)
    thumbs += [picture(shift=s, size=z) for s, z in zip(range(-40, 20, 10), sizes, strict=True)]
    high = meter.variety("up", thumbs)
    assert high.count == 11 and high.spread > low.spread
    assert meter.variety("up", thumbs) is high  # unchanged samples: the cached answer
    assert meter.variety("down", []).count == 0
