"""``gesture-pacman calibrate``: open the game window on the calibration scene.

Checks the arguments (a missing ``--video`` or ``--weights`` file is one clear line, not a
traceback), then runs the window with ``CalibrationScene`` as its only scene, so Esc quits.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from game.config import default_profile_dir, models_dir
from game.scenes.base import Scene
from game.scenes.calibration import CalibrationOptions, CalibrationScene

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def _fail(message: str) -> int:
    print(f"gesture-pacman calibrate: {message}", file=sys.stderr)
    return 2


def keyboard_play_factory() -> Callable[[], Scene] | None:
    """The keyboard-only game, offered on the no-camera screen, when the play scene exists."""
    try:
        play = importlib.import_module("game.scenes.play")
    except ImportError:
        return None
    return lambda: play.PlayScene()


def gesture_play_factory(args: argparse.Namespace) -> Callable[[Path], Scene] | None:
    """The game steered by the freshly saved profile: the gesture play builder, when it exists.

    Looks for ``build_gesture_play(profile_dir, args)`` in ``game.scenes.gesture_play``; without
    it the Play button stays disabled with "not available".
    """
    try:
        module = importlib.import_module("game.scenes.gesture_play")
    except ImportError:
        return None
    builder = getattr(module, "build_gesture_play", None)
    if builder is None:
        return None
    return lambda profile_dir: builder(profile_dir, args)


def run(args: argparse.Namespace) -> int:
    from game.app import AppError, run_app

    if args.video is not None and not Path(args.video).is_file():
        return _fail(f"video file not found: {args.video}")
    if args.weights is not None and not Path(args.weights).is_file():
        return _fail(f"weights file not found: {args.weights} (expected mobilenet_2_5_224_tf_no_top.h5)")
    models = models_dir(args.models)
    profile = Path(args.profile).expanduser().resolve() if args.profile else default_profile_dir(models)
    if profile.exists() and not profile.is_dir():
        return _fail(f"--profile {profile} is a file, not a directory")
    options = CalibrationOptions(
        profile_dir=profile,
        models=models,
        camera=args.camera,
        video=args.video,
        mirror=args.mirror,
        weights=Path(args.weights).expanduser() if args.weights else None,
        started_directly=True,
    )

    def first_scene() -> Scene:
        # Built after the window is up: its threads start on enter, the window shows at once.
        return CalibrationScene(
            options,
            play_factory=gesture_play_factory(args),
            no_camera_play=keyboard_play_factory(),
        )

    try:
        return run_app(first_scene, scale=args.scale, fullscreen=args.fullscreen)
    except AppError as exc:
        return _fail(str(exc))
