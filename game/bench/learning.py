"""``gesture-pacman bench --suite learning``: does a retrain during gesture play cost the game frames?

Learning while playing refits the head in the background (``game.vision.corrections``). This
suite runs the gesture play scene (predictor on a 30 fps video of hand photos, as in the ``play``
suite) three times, ``--frames`` frames each at 60 fps on SDL's dummy driver:

* ``idle``: nothing else runs;
* ``numpy_refit``: the numpy refit that play uses runs back to back (in play one runs after every
  few corrections) on the profile's samples plus as many "learned" ones;
* ``tensorflow_retrain``: a full TensorFlow retrain of the head (what calibration runs) back to
  back, for comparison (TensorFlow is already imported here: the profile was trained with it).

Reported per run: render frame time median, p95 and max, and how many refits finished. A
TensorFlow import in a thread is measured apart (``import_stall``): a fresh interpreter ticks a
16 ms loop while another thread imports TensorFlow, and the longest tick is reported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from game.bench.play import (
    SCALE,
    SEED,
    frame_stats,
    headless_drivers,
    photos_dir,
    profile_and_video,
    run_scene,
    start_live,
)
from game.config import models_dir

DEFAULT_FRAMES = 600

_IMPORT_PROBE = """
import threading, time, sys
done = threading.Event()
def load():
    import tensorflow  # noqa: F401
    done.set()
threading.Thread(target=load, daemon=True).start()
worst = 0.0
last = time.perf_counter()
while not done.is_set():
    time.sleep(0.016)
    now = time.perf_counter()
    worst = max(worst, now - last)
    last = now
print(round(worst * 1000.0, 1))
"""


class _Background:
    """Runs ``work`` over and over on a thread until stopped; counts completed runs."""

    def __init__(self, work: Callable[[], object]) -> None:
        self._work = work
        self._stop = threading.Event()
        self.done = 0
        self._thread = threading.Thread(target=self._loop, name="bench-learning", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._work()
            self.done += 1

    def __enter__(self) -> _Background:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(120)


def import_stall_ms() -> float | None:
    """The longest 16 ms tick of a fresh interpreter while a thread imports TensorFlow."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, timeout=300, env=env
        )
        return float(out.stdout.strip().splitlines()[-1])
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
        return None


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    headless_drivers()
    import pygame

    from game.highscore import HighScore
    from game.scenes.play import PlayScene
    from game.vision.gesture_setup import load_gesture_classifier
    from game.vision.head_arrays import arrays_from_keras
    from game.vision.profile import load_profile
    from game.vision.refit import embed, frozen_layers, refit_config_for, refit_embedded
    from game.vision.training import DEFAULT, train_head

    frames = args.frames or DEFAULT_FRAMES
    folder = photos_dir(args.images)
    models = models_dir(args.models)
    runs: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-learning-") as tmp_name:
        tmp = Path(tmp_name)
        profile_dir, video = profile_and_video(folder, Path(models), tmp, log)
        profile = load_profile(profile_dir)
        base = profile.samples.features.astype(np.float32)
        labels = profile.samples.labels
        # As many "learned" samples again: the base ones, slightly perturbed.
        rng = np.random.default_rng(0)
        features = np.concatenate([base, base * rng.uniform(0.9, 1.1, base.shape).astype(np.float32)])
        all_labels = np.concatenate([labels, labels])
        is_new = np.r_[np.zeros(len(labels), bool), np.ones(len(labels), bool)]
        head = arrays_from_keras(profile.head)
        # As in play (game.vision.corrections), the frozen layers' outputs are computed once.
        config = refit_config_for(head)
        n_frozen = frozen_layers(head, config)
        embedded = embed(head, features, n_frozen)
        workloads: dict[str, Callable[[], object] | None] = {
            "idle": None,
            "numpy_refit": lambda: refit_embedded(
                head, embedded, all_labels, n_frozen, is_new=is_new, config=config
            ),
            "tensorflow_retrain": lambda: train_head(features, all_labels, profile.classes, DEFAULT),
        }
        classifier = load_gesture_classifier(profile_dir, args.models, args.weights)
        pygame.display.init()
        pygame.font.init()
        try:
            high = HighScore(tmp / "highscore.json")
            for name, work in workloads.items():
                live = start_live(classifier, video.path)
                try:
                    log(f"{name}: gesture play scene, {frames} frames at 60 fps…")
                    scene = PlayScene(SEED, [live.input], live.hud, high_score=high)
                    if work is None:
                        times = run_scene(scene, frames)
                        counts[name] = 0
                    else:
                        with _Background(work) as background:
                            times = run_scene(scene, frames)
                        counts[name] = background.done
                finally:
                    live.close()
                runs[name] = {k: round(v, 2) for k, v in frame_stats(times).items()}
        finally:
            pygame.quit()
    log("import stall: a 16 ms loop while a thread imports TensorFlow in a fresh interpreter…")
    stall = import_stall_ms()
    result: dict[str, Any] = {
        "suite": "learning",
        "frames": frames,
        "scale": SCALE,
        **{f"frame_ms_{name}": stats for name, stats in runs.items()},
        **{f"completed_{name}": n for name, n in counts.items() if n},
        "frame_p95_ratio_numpy_refit": round(runs["numpy_refit"]["p95_ms"] / runs["idle"]["p95_ms"], 2),
        "frame_p95_ratio_tensorflow_retrain": round(
            runs["tensorflow_retrain"]["p95_ms"] / runs["idle"]["p95_ms"], 2
        ),
        "tensorflow_import_longest_tick_ms": stall,
    }
    log(
        f"frame p95: {runs['idle']['p95_ms']:.1f} ms idle, {runs['numpy_refit']['p95_ms']:.1f} ms during "
        f"numpy refits ({counts['numpy_refit']} done), {runs['tensorflow_retrain']['p95_ms']:.1f} ms during "
        f"TensorFlow retrains ({counts['tensorflow_retrain']} done); a TensorFlow import stalls a loop "
        f"for {stall} ms"
    )
    return result
