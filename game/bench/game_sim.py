"""Simulation speed: how many fixed steps per second the rules engine and the autopilot run headless.

``measure_simulation`` is called by the ``game`` bench suite next to its rendering figures. The
real-time factor is steps per second over the 60 steps the game needs per second of play.
"""

from __future__ import annotations

from game.core.levels import STEPS_PER_SECOND
from game.core.simulate import simulate


def measure_simulation(seconds: float = 120.0, seed: int = 1) -> dict[str, float]:
    """Simulate ``seconds`` of autopilot play and report its speed (wall clock, autopilot included)."""
    # A short warm-up builds the maze's distance tables once, so they are not timed.
    simulate(1.0, seed)
    _, summary = simulate(seconds, seed)
    return {
        "seconds_simulated": summary.seconds_simulated,
        "steps": float(summary.steps),
        "steps_per_second": summary.steps_per_second,
        "realtime_factor": summary.steps_per_second / STEPS_PER_SECOND,
    }
