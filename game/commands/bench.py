"""``gesture-pacman bench``: run one benchmark suite and print its figures, a JSON object last.

Each suite is a module ``game/bench/<suite>.py`` with ``run(args, log) -> dict``; ``log`` prints
progress lines (suppressed with ``--json``). Figures are reported against a baseline measured in
the same run, never against a number written in the code. Bad options and missing inputs (weights,
a profile, an images folder) end in one message and exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys


def _fail(message: str) -> int:
    print(f"gesture-pacman bench: {message}", file=sys.stderr)
    return 1


def _check(args: argparse.Namespace) -> str | None:
    frames = getattr(args, "frames", None)
    if frames is not None and frames < 1:
        return f"--frames must be at least 1, got {frames}"
    minutes = getattr(args, "minutes", None)
    if minutes is not None and not minutes > 0:
        return f"--minutes must be positive, got {minutes}"
    return None


def run(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem is not None:
        return _fail(problem)
    from game.bench.photos import PhotosBenchError
    from game.vision.camera import CameraError
    from game.vision.features import WeightsUnavailableError
    from game.vision.gesture_setup import GestureSetupError
    from game.vision.images import DatasetError
    from game.vision.photo_sets import PhotoSetError
    from game.vision.profile import ProfileError
    from game.vision.synthetic_video import VideoBuildError

    module = importlib.import_module(f"game.bench.{args.suite}")

    def log(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr, flush=True)

    try:
        result = module.run(args, log)
    except (
        WeightsUnavailableError,
        DatasetError,
        ProfileError,
        GestureSetupError,
        CameraError,
        PhotoSetError,
        VideoBuildError,
        PhotosBenchError,
    ) as exc:
        return _fail(str(exc))
    print(json.dumps(result))
    return 0
