"""``gesture-pacman bench --suite soak [--minutes M]``: a long gesture game, faster than real time.

Per-frame inference that leaks (Keras ``predict`` in a loop is the classic case) or a render
path that accumulates surfaces only shows after many minutes. This plays ``--minutes``
simulated minutes (default 30) of the play scene steered by ``LiveGesture`` from a looping video
read as fast as the predictor takes it, stepping one 60 Hz tick per frame without waiting for
the clock (each frame only yields the interpreter lock, as the window's frame pacing would), and
starting a new game whenever one ends. Reported: resident memory after the first simulated
minute (warm-up: caches fill) and at the end, and frame time (update + draw + flip) over the
first and the last simulated minute.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from game.bench.play import ORDER, SEED, percentile, photos_dir
from game.config import models_dir
from game.core.levels import STEPS_PER_SECOND, TICK
from game.core.state import Phase
from game.input.gesture import GestureSettings
from game.scenes.gesture.live import LiveGesture
from game.vision.camera import open_source
from game.vision.gesture_setup import load_gesture_classifier
from game.vision.photo_sets import train_profile_from_photos, video_from_photos
from game.vision.types import PredictorState

DEFAULT_MINUTES = 30.0
#: A smaller window than play's: the soak is about growth over time, and it runs many frames.
SCALE = 2
MEMORY_LIMIT_MB = 50.0
STEPS_PER_MINUTE = 60 * STEPS_PER_SECOND


def resident_mb() -> float:
    """Current resident set size in MB (Linux), else the peak, which still bounds growth from above."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _times(ms: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 0.95), 2)}


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from game.highscore import HighScore
    from game.render.layout import window_size
    from game.scenes.base import SceneManager
    from game.scenes.play import PlayScene

    minutes = args.minutes if args.minutes is not None else DEFAULT_MINUTES
    if minutes <= 0:
        raise SystemExit(f"--minutes must be positive, got {minutes}")
    total = round(minutes * STEPS_PER_MINUTE)
    window = min(STEPS_PER_MINUTE, total // 2)
    folder = photos_dir(args.images)
    models = models_dir(args.models)
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp_name:
        tmp = Path(tmp_name)
        log("training a profile and writing a video…")
        profile = train_profile_from_photos(folder, models, tmp / "profile")
        video = video_from_photos(folder, tmp / "hands.avi", ORDER)
        classifier = load_gesture_classifier(profile, args.models, args.weights)
        pygame.display.init()
        pygame.font.init()
        live = LiveGesture(
            lambda: classifier,
            lambda: open_source(None, str(video.path), loop=True, paced=False),
            GestureSettings(),
        ).start()
        try:
            while live.stats().state is not PredictorState.RUNNING:
                time.sleep(0.01)
            manager = SceneManager(pygame.display.set_mode(window_size(SCALE)), SCALE)
            scene = PlayScene(SEED, [live.input], live.hud, high_score=HighScore(tmp / "highscore.json"))
            manager.push(scene)
            log(f"playing {minutes:g} simulated minutes ({total} frames) as fast as possible…")
            rss: list[float] = [resident_mb()]
            processed: list[int] = [live.stats().processed]
            # Only the two windows compared are kept: a list of every frame time would itself
            # grow by megabytes over a long soak and be measured as a leak.
            first_ms: list[float] = []
            last_ms: deque[float] = deque(maxlen=window)
            games = 1
            started = time.perf_counter()
            for frame in range(1, total + 1):
                manager.run_frame(TICK)
                # The window's clock sleeps between frames and so lets the predictor's threads take
                # the interpreter lock; a loop with no wait at all would starve them (the GIL), which
                # no real game does. sleep(0) yields it without slowing the soak down.
                time.sleep(0)
                ms = manager.frame_times[-1] * 1000.0
                if frame <= window:
                    first_ms.append(ms)
                last_ms.append(ms)
                if scene.world.phase is Phase.GAME_OVER:
                    scene.restart()
                    games += 1
                if frame % STEPS_PER_MINUTE == 0 or frame == total:
                    rss.append(resident_mb())
                    processed.append(live.stats().processed)
                    log(f"  minute {frame / STEPS_PER_MINUTE:5.1f}: {rss[-1]:.1f} MB resident")
            wall = time.perf_counter() - started
            stats = live.stats()
            steps = scene.steps
            manager.quit()
        finally:
            live.close()
            pygame.quit()
    # rss[0] is before play; rss[1] after the first simulated minute, once caches have filled.
    baseline = rss[1] if len(rss) > 2 else rss[0]
    growth = rss[-1] - baseline
    result: dict[str, Any] = {
        "suite": "soak",
        "simulated_minutes": minutes,
        "frames": total,
        "game_steps": steps,
        "games": games,
        "wall_seconds": round(wall, 1),
        "speedup_vs_real_time": round(total * TICK / wall, 2),
        "predictions": stats.processed,
        "camera_frames_dropped": stats.dropped,
        "rss_mb_before": round(rss[0], 1),
        "rss_mb_after_first_minute": round(baseline, 1),
        "rss_mb_end": round(rss[-1], 1),
        "rss_growth_mb": round(growth, 1),
        "memory_ok": growth < MEMORY_LIMIT_MB,
        "frame_ms_first_minute": _times(first_ms),
        "frame_ms_last_minute": _times(list(last_ms)),
        "rss_mb_by_minute": [round(v, 1) for v in rss],
        # Predictions made during each simulated minute: a stalled predictor shows up as a 0.
        "predictions_by_minute": [b - a for a, b in itertools.pairwise(processed)],
    }
    log(
        f"resident memory {baseline:.1f} -> {rss[-1]:.1f} MB ({growth:+.1f} MB); frame median "
        f"{result['frame_ms_first_minute']['median_ms']} -> {result['frame_ms_last_minute']['median_ms']} ms"
    )
    return result
