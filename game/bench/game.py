"""``gesture-pacman bench --suite game``: headless simulation speed and the play scene's frame time.

Simulation: steps per second of the rules engine with the autopilot (from ``game_sim``), against
the 60 steps a second of play needs. Rendering: the play scene's ``draw`` plus the display flip at
scale 3 on SDL's dummy video driver, over a game the autopilot is playing, against the 16.7 ms a
60 Hz frame may take and against a baseline frame (clear + flip only) timed in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from game.bench.game_sim import measure_simulation

SCALE = 3
FRAME_BUDGET_S = 1.0 / 60.0
DEFAULT_FRAMES = 600
SIMULATED_SECONDS = 120.0
#: Steps the autopilot plays before timing starts, so ghosts are out and dots partly eaten.
WARMUP_STEPS = 20 * 60


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(times) * 1000.0,
        "p95_ms": _percentile(times, 0.95) * 1000.0,
        "max_ms": max(times) * 1000.0,
    }


def measure_rendering(frames: int = DEFAULT_FRAMES, seed: int = 1) -> dict[str, float]:
    """Time the play scene's frame (draw + flip) at scale 3 while the autopilot plays, and a bare frame."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"  # the figure is defined on the dummy driver
    import pygame

    from game.audio import Audio
    from game.highscore import HighScore
    from game.input.autopilot import Autopilot
    from game.render.layout import window_size
    from game.scenes.base import SceneManager
    from game.scenes.play import PlayScene

    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(window_size(SCALE))
    manager = SceneManager(surface, SCALE)
    scene = PlayScene(seed, [Autopilot(seed)], audio=Audio(enabled=False), high_score=HighScore(None))
    manager.push(scene)
    for _ in range(WARMUP_STEPS):
        scene.advance_one_step()

    def timed(frame: Callable[[], None]) -> list[float]:
        times = []
        for _ in range(frames):
            scene.advance_one_step()  # a new picture each frame, not timed
            start = time.perf_counter()
            frame()
            times.append(time.perf_counter() - start)
        return times

    def bare() -> None:
        surface.fill((0, 0, 0))
        pygame.display.flip()

    def full() -> None:
        scene.draw(surface)
        pygame.display.flip()

    timed(full)  # warm-up: sprites, text and maze surfaces are built on first use
    baseline = _summary(timed(bare))
    frame = _summary(timed(full))
    pygame.display.quit()
    return {
        "frames": float(frames),
        "frame_median_ms": frame["median_ms"],
        "frame_p95_ms": frame["p95_ms"],
        "frame_max_ms": frame["max_ms"],
        "frame_median_budget_fraction": frame["median_ms"] / (FRAME_BUDGET_S * 1000.0),
        "frame_p95_budget_fraction": frame["p95_ms"] / (FRAME_BUDGET_S * 1000.0),
        "baseline_median_ms": baseline["median_ms"],
        "frame_over_baseline": frame["median_ms"] / baseline["median_ms"],
    }


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, object]:
    frames = args.frames or DEFAULT_FRAMES
    log(f"simulating {SIMULATED_SECONDS:.0f} s of autopilot play headless ...")
    simulation = measure_simulation(SIMULATED_SECONDS, seed=1)
    log(
        f"  {simulation['steps_per_second']:.0f} steps/s = {simulation['realtime_factor']:.1f}x real time "
        f"over {simulation['seconds_simulated']:.1f} simulated s (target >= 2000 steps/s)"
    )
    log(f"rendering {frames} frames of the play scene at scale {SCALE} (dummy video driver) ...")
    rendering = measure_rendering(frames)
    log(
        f"  frame median {rendering['frame_median_ms']:.2f} ms, p95 {rendering['frame_p95_ms']:.2f} ms "
        f"= {rendering['frame_median_budget_fraction']:.1%} / {rendering['frame_p95_budget_fraction']:.1%} "
        f"of the 16.7 ms frame; {rendering['frame_over_baseline']:.1f}x a bare clear+flip "
        f"({rendering['baseline_median_ms']:.2f} ms); target median <= 4 ms"
    )
    return {
        "suite": "game",
        "simulation": simulation,
        "rendering": rendering,
        "simulation_target_met": simulation["steps_per_second"] >= 2000.0,
        "render_target_met": rendering["frame_median_ms"] <= 4.0,
    }
