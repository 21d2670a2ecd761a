"""``gesture-pacman bench --suite play``: gesture latency, and the render loop with the predictor running.

A profile is trained on some hand photos and a video is made of others (``game.vision.photo_sets``);
the video plays at its own 30 fps through the live ``Predictor``, like a webcam. Two runs of
the play scene on SDL's dummy driver, paced at 60 fps, each ``--frames`` long (default 600):

* baseline: keyboard play, no camera, no model;
* gesture: the same scene steered by ``LiveGesture`` (predictor thread + HUD).

Reported: capture -> prediction available (the moment the game can read the intent), and
capture -> first render frame that read it, against the camera's frame interval in the same
run; render frame time (update + draw + flip) median and p95 in both runs, and their ratio.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.config import REPO_ROOT, models_dir
from game.input.gesture import GestureSettings
from game.scenes.gesture.live import LiveGesture
from game.vision.camera import open_source
from game.vision.gesture_setup import load_gesture_classifier
from game.vision.photo_sets import CLASSES, PhotoSetError, train_profile_from_photos, video_from_photos
from game.vision.predictor import LivePrediction
from game.vision.synthetic_video import GestureVideo
from game.vision.types import PredictorState

DEFAULT_FRAMES = 600
#: Frames run before measuring: the first ones load fonts and synthesise sounds.
WARMUP_FRAMES = 30
SCALE = 3
SEED = 7
#: Allowed capture -> intent latency beyond one camera frame interval.
LATENCY_BUDGET_MS = 5.0
FRAME_BUDGET_MS = 17.0
#: The hand photos the gesture suites use unless ``--images`` says otherwise.
SHARED_PHOTOS = REPO_ROOT.parent / "shared" / "data" / "signdigits"
ORDER = ("left", "up", "right", "down", "left", "down", "right", "up")


def photos_dir(images: str | None) -> Path:
    folder = Path(images).expanduser() if images else SHARED_PHOTOS
    if not folder.is_dir():
        raise PhotoSetError(
            f"No hand photos at {folder}: pass --images DIR with one sub-folder per class "
            f"({', '.join(CLASSES)})"
        )
    return folder


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class LatencyProbe:
    """Watches ``latest()`` once per render frame and records each new prediction once."""

    latest: Callable[[], LivePrediction | None]
    seen: list[tuple[LivePrediction, float]] = field(default_factory=list)

    def __call__(self, _frame: int) -> None:
        current = self.latest()
        if current is not None and (not self.seen or self.seen[-1][0] is not current):
            self.seen.append((current, time.monotonic()))

    def summary(self) -> dict[str, float]:
        predictions = [p for p, _ in self.seen]
        if len(predictions) < 3:
            raise RuntimeError("the predictor delivered fewer than 3 predictions during the run")
        intervals = [
            (b.captured_at - a.captured_at) * 1000.0 / (b.frame_index - a.frame_index)
            for a, b in itertools.pairwise(predictions)
            if b.frame_index > a.frame_index
        ]
        return {
            "predictions": len(predictions),
            "frame_interval_ms": statistics.median(intervals),
            "capture_to_available_ms_median": statistics.median(p.latency_ms for p in predictions),
            "capture_to_available_ms_p95": percentile([p.latency_ms for p in predictions], 0.95),
            "inference_ms_median": statistics.median(p.inference_ms for p in predictions),
            "capture_to_game_read_ms_median": statistics.median(
                (seen - p.captured_at) * 1000.0 for p, seen in self.seen
            ),
        }


def frame_stats(times_s: list[float]) -> dict[str, float]:
    ms = [t * 1000.0 for t in times_s]
    return {"median_ms": statistics.median(ms), "p95_ms": percentile(ms, 0.95), "max_ms": max(ms)}


def run_scene(scene: Any, frames: int, on_frame: Callable[[int], None] | None = None) -> list[float]:
    """Run ``scene`` at 60 fps on the dummy display; return the times of ``frames`` frames after warm-up."""
    import pygame

    from game.render.layout import window_size
    from game.scenes.base import SceneManager

    surface = pygame.display.set_mode(window_size(SCALE))
    manager = SceneManager(surface, SCALE)
    manager.push(scene)
    manager.run(max_frames=WARMUP_FRAMES)
    times: list[float] = []

    def record(frame: int) -> None:
        # The manager keeps only its last 600 frame times; collect each one as it happens.
        times.append(manager.frame_times[-1])
        if on_frame is not None:
            on_frame(frame)

    manager.run(max_frames=frames, on_frame=record)
    manager.quit()
    return times


def profile_and_video(
    folder: Path, models: Path, tmp: Path, log: Callable[[str], None]
) -> tuple[Path, GestureVideo]:
    """A profile trained on some photos of ``folder`` and a video of others, both under ``tmp``."""
    log("training a profile on 20 photos per class and writing a video of other photos…")
    return train_profile_from_photos(folder, models, tmp / "profile"), video_from_photos(
        folder, tmp / "hands.avi", ORDER
    )


def start_live(classifier: Any, video: Path) -> LiveGesture:
    """Gesture input from ``classifier`` on ``video`` (looped, paced), once its predictor runs."""
    live = LiveGesture(
        lambda: classifier,
        lambda: open_source(None, str(video), loop=True, paced=True),
        GestureSettings(),
    ).start()
    deadline = time.monotonic() + 30
    while live.stats().state is not PredictorState.RUNNING and time.monotonic() < deadline:
        time.sleep(0.01)
    return live


def headless_drivers() -> None:
    """SDL's dummy video and audio drivers unless the user chose others: benches draw off screen."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def run(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    headless_drivers()
    import pygame

    from game.highscore import HighScore
    from game.scenes.play import PlayScene

    frames = args.frames or DEFAULT_FRAMES
    folder = photos_dir(args.images)
    models = models_dir(args.models)
    with tempfile.TemporaryDirectory(prefix="bench-play-") as tmp_name:
        tmp = Path(tmp_name)
        profile, video = profile_and_video(folder, models, tmp, log)
        classifier = load_gesture_classifier(profile, args.models, args.weights)
        pygame.display.init()
        pygame.font.init()
        try:
            high = HighScore(tmp / "highscore.json")
            log(f"baseline: keyboard play scene, {frames} frames at 60 fps…")
            baseline = run_scene(PlayScene(SEED, high_score=high), frames)

            live = start_live(classifier, video.path)
            try:
                probe = LatencyProbe(live.latest)
                log(f"gesture: the same scene with the predictor on a 30 fps video, {frames} frames…")
                scene = PlayScene(SEED, [live.input], live.hud, high_score=high)
                gesture = run_scene(scene, frames, probe)
                stats = live.stats()
            finally:
                live.close()
        finally:
            pygame.quit()
    latency = probe.summary()
    base, with_pred = frame_stats(baseline), frame_stats(gesture)
    result: dict[str, Any] = {
        "suite": "play",
        "frames": frames,
        "scale": SCALE,
        "video_fps": video.fps,
        **{k: round(v, 2) for k, v in latency.items()},
        "latency_beyond_interval_ms": round(
            latency["capture_to_available_ms_median"] - latency["frame_interval_ms"], 2
        ),
        "latency_ok": latency["capture_to_available_ms_median"]
        <= latency["frame_interval_ms"] + LATENCY_BUDGET_MS,
        "dropped_frames": stats.dropped,
        "frame_ms_baseline": {k: round(v, 2) for k, v in base.items()},
        "frame_ms_with_predictor": {k: round(v, 2) for k, v in with_pred.items()},
        "frame_p95_ratio": round(with_pred["p95_ms"] / base["p95_ms"], 2),
        "frame_ok": with_pred["p95_ms"] <= FRAME_BUDGET_MS,
    }
    log(
        f"capture->available median {latency['capture_to_available_ms_median']:.1f} ms "
        f"(camera interval {latency['frame_interval_ms']:.1f} ms, inference "
        f"{latency['inference_ms_median']:.1f} ms); frame p95 {base['p95_ms']:.1f} ms without, "
        f"{with_pred['p95_ms']:.1f} ms with the predictor"
    )
    return result
