"""``gesture-pacman play`` (and plain ``gesture-pacman``): the game window, from the title screen.

The pieces are built by small functions so each kind of input can be added in one place:
``build_controls`` decides the input sources and the side panel, ``make_play_scene`` builds a game,
``make_calibration_scene`` the calibration screen, and ``first_scene`` what the window opens with.
Nothing heavy is imported before the window is up.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from game.config import default_profile_dir, high_score_path, models_dir
from game.input.base import InputSource
from game.render.panel import SidePanel
from game.scenes.base import Scene


@dataclass
class Controls:
    """How a game is steered: extra input sources (the keyboard is always on), a side panel, a hint."""

    inputs: list[InputSource] = field(default_factory=list)
    panel: SidePanel | None = None
    hint: str | None = None


def profile_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "profile", None):
        return Path(args.profile).expanduser().resolve()
    return default_profile_dir(models_dir(getattr(args, "models", None)))


def build_controls(args: argparse.Namespace, profile: Path) -> Controls:
    """Keyboard play, with a hint on how to set up gestures."""
    if getattr(args, "keyboard", False):
        return Controls(hint="Keyboard only (--keyboard).")
    if not profile.is_dir():
        return Controls(hint="No gesture profile yet: choose Calibrate on the title screen to teach "
                        "the game your hand signs.")
    return Controls(hint=f"Gesture profile: {profile.name}. Keyboard play for now.")


def make_play_scene(args: argparse.Namespace, profile: Path | None = None) -> Scene:
    from game.scenes.play import PlayScene

    controls = build_controls(args, profile if profile is not None else profile_dir(args))
    return PlayScene(getattr(args, "seed", None), controls.inputs, controls.panel, hint=controls.hint)


def make_calibration_scene(args: argparse.Namespace) -> Scene:
    """The calibration screen, returning to the title when left; imported only when chosen."""
    from game.scenes.calibration import CalibrationOptions, CalibrationScene

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
    return CalibrationScene(
        options,
        play_factory=lambda profile: make_play_scene(args, profile),
        no_camera_play=lambda: make_play_scene(args),
    )


def first_scene(args: argparse.Namespace) -> Scene:
    if getattr(args, "no_title", False):
        return make_play_scene(args)
    from game.scenes.title import TitleInfo, TitleScene

    info = TitleInfo(profile_dir=profile_dir(args), high_score_file=high_score_path(models_dir(args.models)))
    return TitleScene(lambda: make_play_scene(args), lambda: make_calibration_scene(args), info)


def run(args: argparse.Namespace) -> int:
    from game.app import AppError, run_app

    try:
        return run_app(lambda: first_scene(args), args.scale, args.fullscreen)
    except AppError as exc:
        print(f"gesture-pacman play: {exc}", file=sys.stderr)
        return 2
