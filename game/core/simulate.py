"""Headless play: run a game for a number of simulated seconds, as fast as the CPU allows.

Used by ``gesture-pacman demo --headless`` and the benchmarks. Any ``InputSource`` steers (the
autopilot, a replay); the run stops early at game over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from game.core.input import InputSource
from game.core.levels import STEPS_PER_SECOND
from game.core.state import Phase, World
from game.core.world import new_world, step


@dataclass(frozen=True)
class DemoSummary:
    seconds_simulated: float
    steps: int
    score: int
    dots_eaten: int
    levels_cleared: int
    lives_lost: int
    ghosts_eaten: int
    #: Wall-clock simulation speed, the input source's thinking included.
    steps_per_second: float


def simulate(seconds: float, seed: int, source: InputSource) -> tuple[World, DemoSummary]:
    """Play ``seconds`` of game time (stopping at game over) and summarise the run."""
    if not seconds > 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    world = new_world(seed)
    limit = round(seconds * STEPS_PER_SECOND)
    steps = 0
    started = time.perf_counter()
    while steps < limit and world.phase is not Phase.GAME_OVER:
        step(world, source.poll(world))
        steps += 1
    elapsed = time.perf_counter() - started
    counters = world.counters
    summary = DemoSummary(
        seconds_simulated=steps / STEPS_PER_SECOND,
        steps=steps,
        score=world.score,
        dots_eaten=counters.dots_eaten,
        levels_cleared=counters.levels_cleared,
        lives_lost=counters.lives_lost,
        ghosts_eaten=counters.ghosts_eaten,
        steps_per_second=steps / elapsed if elapsed > 0 else float("inf"),
    )
    return world, summary
