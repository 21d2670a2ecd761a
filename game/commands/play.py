"""``gesture-pacman play`` (a game at once) and plain ``gesture-pacman`` (the title screen first).

The options are parsed once into a ``PlayOptions`` (``game.commands.options``); the pieces are
built by small functions so each kind of input can be added in one place: ``build_controls``
decides between keyboard and gesture play, ``make_play_scene`` builds a game,
``make_calibration_scene`` the calibration screen, and ``first_scene`` what the window opens with.
With a trained profile (and no ``--keyboard``) the game is steered by gestures from the camera
or ``--video``; ``--headless`` plays a video without a window (``game.commands.play_headless``).
Nothing heavy is imported before the window is up.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from game.commands.options import OptionError, PlayOptions
from game.core.input import InputSource
from game.highscore import HighScore
from game.scenes.base import Scene
from game.scenes.panel import SidePanel
from game.vision.gesture_setup import has_trained_profile


@dataclass
class Controls:
    """How a game is steered: extra input sources (the keyboard is always on), a side panel, a hint."""

    inputs: list[InputSource] = field(default_factory=list)
    panel: SidePanel | None = None
    hint: str | None = None


def build_controls(options: PlayOptions, profile: Path) -> Controls:
    """Keyboard play, with a hint on how to set up gestures, when gestures cannot be used."""
    if options.keyboard:
        return Controls(hint="Keyboard only (--keyboard).")
    if not has_trained_profile(profile):
        # ``play`` started from the command line has no title screen to point at.
        how = "choose Calibrate on the title screen" if options.title else "run gesture-pacman calibrate"
        return Controls(hint=f"No gesture profile yet: {how} to teach the game your hand signs.")
    return Controls()


def make_play_scene(options: PlayOptions, profile: Path | None = None) -> Scene:
    from game.scenes.play import PlayScene

    profile = profile if profile is not None else options.source.profile_dir
    controls = build_controls(options, profile)
    if controls.hint is not None:
        return PlayScene(
            options.seed,
            controls.inputs,
            controls.panel,
            hint=controls.hint,
            high_score=high_score(options),
        )
    return make_gesture_scene(options, profile)


def high_score(options: PlayOptions) -> HighScore:
    """The high score in the models directory the player chose (``--models`` too), as the title reads it."""
    return HighScore(options.source.high_score_file)


def make_gesture_scene(options: PlayOptions, profile: Path) -> Scene:
    """A game steered by the camera (or ``--video``); the model loads while the window shows it."""
    from game.scenes.gesture.live import LearningLoader, LiveGesture, profile_loader
    from game.scenes.gesture.scene import GesturePlayScene
    from game.vision.profile import remembered_camera
    from game.vision.sources import SourceChooser

    source = options.source
    chooser = SourceChooser(source.camera, source.video, source.mirror, preferred=remembered_camera(profile))
    learn: LearningLoader | None = None
    if options.learn:
        from game.vision.corrections import LearningSettings
        from game.vision.play_learning import load_play_learning

        learn = partial(load_play_learning, profile, source.models, source.weights, LearningSettings())
    else:
        _note_waiting_corrections(profile)
    live = LiveGesture(
        profile_loader(profile, source.models, source.weights), chooser.opener(), options.gesture, learn=learn
    ).start()
    return GesturePlayScene(
        live,
        options.seed,
        calibration=lambda: make_calibration_scene(options, back_to_game=True),
        high_score=high_score(options),
    )


def _note_waiting_corrections(profile: Path) -> None:
    """Without learning the pending corrections of an earlier game stay where they are: say so."""
    from game.vision.pending_corrections import waiting_note

    note = waiting_note(profile)
    if note is not None:
        print(note, file=sys.stderr)


def make_calibration_scene(options: PlayOptions, back_to_game: bool = False) -> Scene:
    """The calibration screen, returning to the title when left; imported only when chosen.

    With ``back_to_game`` it was opened from a running game (C): Play and Esc both return to it.
    """
    from game.scenes.calibration.scene import CalibrationScene

    calibration = options.source.calibration(started_directly=False)
    if back_to_game:
        from game.scenes.gesture.scene import BackToGame

        return CalibrationScene(
            calibration, play_factory=lambda _profile: BackToGame(), no_camera_play=BackToGame
        )
    return CalibrationScene(
        calibration,
        play_factory=lambda profile: make_play_scene(options, profile),
        no_camera_play=lambda: make_play_scene(options),
    )


def first_scene(options: PlayOptions) -> Scene:
    """The title screen for plain ``gesture-pacman`` (``options.title``), else the game itself."""
    if not options.title:
        return make_play_scene(options)
    from game.scenes.title import TitleInfo, TitleScene

    info = TitleInfo(profile_dir=options.source.profile_dir, high_score_file=options.source.high_score_file)
    return TitleScene(lambda: make_play_scene(options), lambda: make_calibration_scene(options), info)


def run(args: argparse.Namespace) -> int:
    # Messages name the command the player typed: plain `gesture-pacman` (the title) is not `play`.
    name = "gesture-pacman" if getattr(args, "title", False) else "gesture-pacman play"
    try:
        options = PlayOptions.from_args(args)
    except OptionError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    if options.headless:
        from game.commands.play_headless import run_cli

        return run_cli(options)
    from game.app import AppError, run_app

    max_frames = None if options.seconds is None else round(options.seconds * 60)
    try:
        return run_app(lambda: first_scene(options), options.scale, options.fullscreen, max_frames=max_frames)
    except AppError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
