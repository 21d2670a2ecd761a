"""Simulation speed: how many fixed steps per second the rules engine and the autopilot run headless.

``measure_simulation`` is called by the ``game`` bench suite next to its rendering figures. The
real-time factor is steps per second over the 60 steps the game needs per second of play. As a
baseline in the same run, the very same game is replayed from the recorded intents without the
autopilot: the difference is what the autopilot's planning costs, and the identical end state
(same hash) checks that the replay really was the same game.
"""

from __future__ import annotations

from game.core.levels import STEPS_PER_SECOND
from game.core.simulate import simulate
from game.core.snapshot import state_hash
from game.core.state import World
from game.core.types import Intent
from game.input.autopilot import Autopilot


class _Recorder:
    """Passes the autopilot's intents through and keeps them for the replay."""

    def __init__(self, seed: int) -> None:
        self._pilot = Autopilot(seed)
        self.intents: list[Intent] = []

    def poll(self, world: World) -> Intent:
        intent = self._pilot.poll(world)
        self.intents.append(intent)
        return intent


class _Replay:
    def __init__(self, intents: list[Intent]) -> None:
        self._intents = iter(intents)

    def poll(self, world: World) -> Intent:
        return next(self._intents, Intent())


def measure_simulation(seconds: float = 120.0, seed: int = 1) -> dict[str, float]:
    """Simulate ``seconds`` of autopilot play; report its speed and the rules-only replay's speed."""
    # A short warm-up builds the maze's distance tables once, so they are not timed.
    simulate(1.0, seed, Autopilot(seed))
    recorder = _Recorder(seed)
    played, summary = simulate(seconds, seed, recorder)
    replayed, rules_only = simulate(seconds, seed, _Replay(recorder.intents))
    return {
        "seconds_simulated": summary.seconds_simulated,
        "steps": float(summary.steps),
        "steps_per_second": summary.steps_per_second,
        "realtime_factor": summary.steps_per_second / STEPS_PER_SECOND,
        "rules_only_steps_per_second": rules_only.steps_per_second,
        "autopilot_time_fraction": 1.0 - summary.steps_per_second / rules_only.steps_per_second,
        "replay_identical": float(state_hash(played) == state_hash(replayed)),
    }
