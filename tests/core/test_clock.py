"""The fixed-timestep accumulator the render loop uses."""

from __future__ import annotations

import pytest

from game.core.clock import FixedClock
from game.core.levels import TICK


def test_whole_ticks_come_out_exactly() -> None:
    clock = FixedClock()
    assert [clock.advance(TICK) for _ in range(120)] == [1] * 120
    assert clock.steps == 120


def test_fractions_accumulate() -> None:
    clock = FixedClock()
    assert clock.advance(TICK * 0.4) == 0
    assert clock.alpha == pytest.approx(0.4)
    assert clock.advance(TICK * 0.4) == 0
    assert clock.advance(TICK * 0.4) == 1
    assert clock.alpha == pytest.approx(0.2)


def test_a_stall_is_clamped() -> None:
    clock = FixedClock(max_steps=5)
    assert clock.advance(2.0) == 5
    assert clock.accumulator == 0.0
    assert clock.advance(TICK) == 1


def test_bad_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        FixedClock().advance(-0.1)
    with pytest.raises(ValueError, match="tick"):
        FixedClock(tick=0.0)
