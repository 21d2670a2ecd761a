"""``bench --suite memory``: resident memory over many frames of the per-frame path.

Runs ``--frames`` (default 10,000) frames through preprocessing, LiteRT features and the numpy
head, and reports the growth of resident memory against the level after a warm-up, sampled as
it goes. The per-frame path must not grow (Keras ``predict`` in a loop is the known offender).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from game.config import models_dir

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

LIMIT_MB = 50.0
WARMUP_FRAMES = 300

Log = Callable[[str], None]


def rss_mb() -> float:
    """Current resident memory of this process in MiB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if os.uname().sysname == "Darwin" else peak / 2**10


def _frames(args: argparse.Namespace) -> list[np.ndarray]:
    if args.images:
        from game.vision.camera import list_images
        from game.vision.images import class_folders, read_rgb

        files = [f for _, folder in class_folders(Path(args.images)) for f in list_images(folder)[:4]]
        frames = [im for im in (read_rgb(f) for f in files) if im is not None]
        if frames:
            return frames
    from game.bench.vision import generated_frame

    rng = np.random.default_rng(0)
    return [generated_frame(rng) for _ in range(8)]


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    from game.vision.classifier import GestureClassifier
    from game.vision.features import LiteRTBackbone
    from game.vision.profile import Profile
    from game.vision.training import DEFAULT, build_head
    from game.vision.types import DIRECTION_CLASSES

    count = args.frames or 10_000
    runtime = LiteRTBackbone.load(models_dir(args.models), Path(args.weights) if args.weights else None)
    classes = list(DIRECTION_CLASSES)
    head = build_head(len(classes), DEFAULT, seed=0)
    profile = Profile(classes, runtime.backbone_id, runtime.weights_sha256, head=head)
    classifier = GestureClassifier(profile, runtime)
    frames = _frames(args)

    for i in range(WARMUP_FRAMES):
        classifier.predict(frames[i % len(frames)].copy())
    baseline = rss_mb()
    log(f"RSS after {WARMUP_FRAMES} warm-up frames: {baseline:.1f} MiB")
    samples: list[float] = []
    every = max(1, count // 20)
    start = time.perf_counter()
    for i in range(count):
        # A fresh array per frame, as a camera delivers, so leaks tied to inputs would show.
        classifier.predict(frames[i % len(frames)].copy())
        if (i + 1) % every == 0:
            samples.append(rss_mb())
            log(f"frame {i + 1:>6}: RSS {samples[-1]:.1f} MiB ({samples[-1] - baseline:+.1f})")
    seconds = time.perf_counter() - start
    final = rss_mb()
    growth = final - baseline
    return {
        "frames": count,
        "rss_warm_mb": round(baseline, 1),
        "rss_final_mb": round(final, 1),
        "growth_mb": round(growth, 2),
        "max_growth_mb": round(max(samples, default=final) - baseline, 2),
        "limit_mb": LIMIT_MB,
        "within_limit": growth < LIMIT_MB,
        "frames_per_second": round(count / seconds, 1),
    }
