"""``gesture-pacman play`` (a game at once) and plain ``gesture-pacman`` (the title screen first).

The pieces are built by small functions so each kind of input can be added in one place:
``build_controls`` decides between keyboard and gesture play, ``make_play_scene`` builds a game,
``make_calibration_scene`` the calibration screen, and ``first_scene`` what the window opens with.
With a trained profile (and no ``--keyboard``) the game is steered by gestures from the camera
or ``--video``; ``--headless`` plays a video without a window (``game.commands.play_headless``).
Nothing heavy is imported before the window is up.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from game.config import high_score_path, models_dir
from game.core.input import InputSource
from game.highscore import HighScore
from game.render.panel import SidePanel
from game.scenes.base import Scene
from game.vision.gesture_setup import has_trained_profile, profile_dir_for


@dataclass
class Controls:
    """How a game is steered: extra input sources (the keyboard is always on), a side panel, a hint."""

    inputs: list[InputSource] = field(default_factory=list)
    panel: SidePanel | None = None
    hint: str | None = None


def profile_dir(args: argparse.Namespace) -> Path:
    return profile_dir_for(getattr(args, "profile", None), getattr(args, "models", None))


def build_controls(args: argparse.Namespace, profile: Path) -> Controls:
    """Keyboard play, with a hint on how to set up gestures, when gestures cannot be used."""
    if getattr(args, "keyboard", False):
        return Controls(hint="Keyboard only (--keyboard).")
    if not has_trained_profile(profile):
        return Controls(
            hint="No gesture profile yet: choose Calibrate on the title screen to teach "
            "the game your hand signs."
        )
    return Controls()


def make_play_scene(args: argparse.Namespace, profile: Path | None = None) -> Scene:
    from game.scenes.play import PlayScene

    profile = profile if profile is not None else profile_dir(args)
    controls = build_controls(args, profile)
    if controls.hint is not None:
        return PlayScene(
            getattr(args, "seed", None),
            controls.inputs,
            controls.panel,
            hint=controls.hint,
            high_score=high_score(args),
        )
    return make_gesture_scene(args, profile)


def high_score(args: argparse.Namespace) -> HighScore:
    """The high score in the models directory the player chose (``--models`` too), as the title reads it."""
    return HighScore(high_score_path(models_dir(getattr(args, "models", None))))


def make_gesture_scene(args: argparse.Namespace, profile: Path) -> Scene:
    """A game steered by the camera (or ``--video``); the model loads while the window shows it."""
    from game.input.gesture import GestureSettings
    from game.scenes.gesture.live import LiveGesture, profile_loader
    from game.scenes.gesture.scene import GesturePlayScene
    from game.vision.camera import open_source

    settings = GestureSettings.from_args(getattr(args, "threshold", None), getattr(args, "smoothing", None))
    camera, video = getattr(args, "camera", None), getattr(args, "video", None)
    mirror = getattr(args, "mirror", True)
    live = LiveGesture(
        profile_loader(profile, getattr(args, "models", None), getattr(args, "weights", None)),
        lambda: open_source(camera, video, mirror),
        settings,
    ).start()
    return GesturePlayScene(
        live,
        getattr(args, "seed", None),
        calibration=lambda: make_calibration_scene(args, back_to_game=True),
        high_score=high_score(args),
    )


def make_calibration_scene(args: argparse.Namespace, back_to_game: bool = False) -> Scene:
    """The calibration screen, returning to the title when left; imported only when chosen.

    With ``back_to_game`` it was opened from a running game (C): Play and Esc both return to it.
    """
    from game.scenes.calibration.scene import CalibrationOptions, CalibrationScene

    weights = getattr(args, "weights", None)
    options = CalibrationOptions(
        profile_dir=profile_dir(args),
        models=models_dir(getattr(args, "models", None)),
        camera=getattr(args, "camera", None),
        video=getattr(args, "video", None),
        mirror=getattr(args, "mirror", True),
        weights=Path(weights) if weights else None,
        started_directly=False,
    )
    if back_to_game:
        from game.scenes.gesture.scene import BackToGame

        return CalibrationScene(
            options, play_factory=lambda _profile: BackToGame(), no_camera_play=BackToGame
        )
    return CalibrationScene(
        options,
        play_factory=lambda profile: make_play_scene(args, profile),
        no_camera_play=lambda: make_play_scene(args),
    )


def first_scene(args: argparse.Namespace) -> Scene:
    """The title screen for plain ``gesture-pacman`` (``args.title``), else the game itself."""
    if not getattr(args, "title", False) or getattr(args, "no_title", False):
        return make_play_scene(args)
    from game.scenes.title import TitleInfo, TitleScene

    info = TitleInfo(profile_dir=profile_dir(args), high_score_file=high_score_path(models_dir(args.models)))
    return TitleScene(lambda: make_play_scene(args), lambda: make_calibration_scene(args), info)


def check_args(args: argparse.Namespace) -> str | None:
    """The first problem with the play options, as a message for the player, or None."""
    from game.input.gesture import DEFAULT_SMOOTHING, DEFAULT_THRESHOLD, validate_settings

    threshold, smoothing = getattr(args, "threshold", None), getattr(args, "smoothing", None)
    try:
        validate_settings(
            DEFAULT_THRESHOLD if threshold is None else threshold,
            DEFAULT_SMOOTHING if smoothing is None else smoothing,
        )
    except ValueError as exc:
        return str(exc)
    if getattr(args, "log", None) and not getattr(args, "headless", False):
        return "--log records a --headless run; add --headless (and --video FILE)"
    if getattr(args, "log", None):
        from game.config import check_output_file

        problem = check_output_file(args.log, "the log")
        if problem is not None:
            return problem
    seconds = getattr(args, "seconds", None)
    if seconds is not None and seconds <= 0:
        return f"--seconds must be positive, got {seconds}"
    # A mistyped path the player gave is reported now; in the window it would only show up as a
    # camera that never opens or a model that never loads.
    video, weights = getattr(args, "video", None), getattr(args, "weights", None)
    if video is not None and not Path(video).expanduser().is_file():
        return f"video file not found: {video}"
    if weights is not None and not Path(weights).expanduser().is_file():
        return f"weights file not found: {weights} (expected mobilenet_2_5_224_tf_no_top.h5)"
    profile = getattr(args, "profile", None)
    if profile is not None and Path(profile).expanduser().is_file():
        return f"--profile {profile} is a file, not a profile directory"
    return None


def run(args: argparse.Namespace) -> int:
    problem = check_args(args)
    if problem is not None:
        print(f"gesture-pacman play: {problem}", file=sys.stderr)
        return 2
    if getattr(args, "headless", False):
        from game.commands.play_headless import run_cli

        return run_cli(args)
    from game.app import AppError, run_app

    seconds = getattr(args, "seconds", None)
    max_frames = None if seconds is None else round(seconds * 60)
    try:
        return run_app(lambda: first_scene(args), args.scale, args.fullscreen, max_frames=max_frames)
    except AppError as exc:
        print(f"gesture-pacman play: {exc}", file=sys.stderr)
        return 2
