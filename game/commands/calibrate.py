"""``gesture-pacman calibrate``: open the game window on the calibration scene.

Checks the arguments (a missing ``--video`` or ``--weights`` file is one clear line, not a
traceback), then runs the window with ``CalibrationScene`` as its only scene, so Esc quits.
Play (after training) and keyboard play (when there is no camera) build the game the way
``gesture-pacman play`` does.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from game.commands.play import make_play_scene
from game.config import models_dir, profile_dir
from game.scenes.base import Scene
from game.scenes.calibration.scene import CalibrationOptions, CalibrationScene

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def _fail(message: str) -> int:
    print(f"gesture-pacman calibrate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from game.app import AppError, run_app

    if args.video is not None and not Path(args.video).is_file():
        return _fail(f"video file not found: {args.video}")
    if args.weights is not None and not Path(args.weights).is_file():
        return _fail(f"weights file not found: {args.weights} (expected mobilenet_2_5_224_tf_no_top.h5)")
    models = models_dir(args.models)
    profile = profile_dir(args.profile, models)
    if profile.exists() and not profile.is_dir():
        return _fail(f"--profile {profile} is a file, not a directory")
    from game.vision.profile_format import ProfileError
    from game.vision.profile_store import check_target

    try:
        check_target(profile)  # saving comes minutes later: a folder it may not use is said now
    except ProfileError as exc:
        return _fail(str(exc))
    options = CalibrationOptions(
        profile_dir=profile,
        models=models,
        camera=args.camera,
        video=args.video,
        mirror=args.mirror,
        weights=Path(args.weights).expanduser() if args.weights else None,
        started_directly=True,
        recognizer=getattr(args, "recognizer", None),
    )

    def first_scene() -> Scene:
        # Built after the window is up: its threads start on enter, the window shows at once.
        return CalibrationScene(
            options,
            play_factory=lambda folder: make_play_scene(args, folder),
            no_camera_play=lambda: make_play_scene(args),
        )

    try:
        return run_app(first_scene, scale=args.scale, fullscreen=args.fullscreen)
    except AppError as exc:
        return _fail(str(exc))
