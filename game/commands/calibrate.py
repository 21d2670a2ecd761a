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

from game.commands.options import OptionError, PlayOptions
from game.commands.play import make_play_scene
from game.scenes.base import Scene
from game.scenes.calibration.scene import CalibrationScene

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def _fail(message: str) -> int:
    print(f"gesture-pacman calibrate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from game.app import AppError, run_app

    try:
        options = PlayOptions.from_args(args)
    except OptionError as exc:
        return _fail(str(exc))
    from game.vision.profile_format import ProfileError
    from game.vision.profile_store import check_target

    try:
        # Saving comes minutes later: a folder it may not use is said now.
        check_target(options.source.profile_dir)
    except ProfileError as exc:
        return _fail(str(exc))
    calibration = options.source.calibration(started_directly=True)

    def first_scene() -> Scene:
        # Built after the window is up: its threads start on enter, the window shows at once.
        return CalibrationScene(
            calibration,
            play_factory=lambda folder: make_play_scene(options, folder),
            no_camera_play=lambda: make_play_scene(options),
        )

    try:
        return run_app(first_scene, scale=options.scale, fullscreen=options.fullscreen)
    except AppError as exc:
        return _fail(str(exc))
