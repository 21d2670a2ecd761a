"""Fixed-timestep clock for the render loop: real elapsed time in, whole simulation steps out.

The render loop calls ``advance(elapsed)`` once per frame and runs ``step`` that many times; the
leftover fraction (``alpha``) lets a renderer interpolate. A long stall (a window drag, a slow
frame) is clamped to ``max_steps`` so the game slows down instead of jumping ahead. Tests tick
it by hand with exact elapsed values.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.core.levels import TICK


@dataclass
class FixedClock:
    tick: float = TICK
    #: At most this many steps per ``advance``; the rest of a long stall is dropped.
    max_steps: int = 5
    accumulator: float = 0.0
    #: Steps handed out so far.
    steps: int = 0

    def __post_init__(self) -> None:
        if self.tick <= 0.0:
            raise ValueError(f"tick must be positive, got {self.tick}")
        if self.max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {self.max_steps}")

    def advance(self, elapsed: float) -> int:
        """Add ``elapsed`` real seconds; return how many fixed steps to run now."""
        if elapsed < 0.0:
            raise ValueError(f"elapsed time cannot be negative, got {elapsed}")
        self.accumulator += elapsed
        # A tiny tolerance so that e.g. 1/60 + 1/60 + 1/60 yields exactly 3 steps.
        due = int((self.accumulator + 1e-9) / self.tick)
        if due > self.max_steps:
            due = self.max_steps
            self.accumulator = 0.0
        else:
            self.accumulator = max(0.0, self.accumulator - due * self.tick)
        self.steps += due
        return due

    @property
    def alpha(self) -> float:
        """How far (0..1) real time is into the next step, for interpolated drawing."""
        return min(1.0, self.accumulator / self.tick)
