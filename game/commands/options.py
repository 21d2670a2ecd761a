"""Typed options for ``play`` and ``calibrate``: ``argparse`` stays in ``game.commands``, the
scenes get typed records.

Each command turns its ``Namespace`` into a frozen ``PlayOptions`` once, at the edge (calibrate has
no game options and keeps their defaults). Every check a player's mistake can fail
(``--threshold`` out of range, a missing ``--video`` file, ``--log`` without ``--headless`` or
naming the video it records, ...)
happens in ``from_args`` and is reported as one ``OptionError`` line, the same way for the window
and for ``play --headless``.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from game.config import check_output_file, high_score_path, models_dir, profile_dir
from game.input.gesture import GestureSettings
from game.scenes.calibration.options import CalibrationOptions

WEIGHTS_FILE = "mobilenet_2_5_224_tf_no_top.h5"


class OptionError(ValueError):
    """An option the player gave cannot be used; the message says which and why."""


@dataclass(frozen=True)
class SourceOptions:
    """Where frames and the model come from: the profile, models directory, weights and camera."""

    profile_dir: Path
    models: Path
    weights: Path | None = None
    camera: int | None = None
    video: str | None = None
    mirror: bool = True

    @property
    def high_score_file(self) -> Path:
        return high_score_path(self.models)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SourceOptions:
        """Raises ``OptionError`` for a missing video or weights file, or a profile that is a file."""
        # A mistyped path the player gave is reported now; in the window it would only show up as
        # a camera that never opens or a model that never loads.
        if args.video is not None and not Path(args.video).expanduser().is_file():
            raise OptionError(f"video file not found: {args.video}")
        if args.weights is not None and not Path(args.weights).expanduser().is_file():
            raise OptionError(f"weights file not found: {args.weights} (expected {WEIGHTS_FILE})")
        models = models_dir(args.models)
        profile = profile_dir(args.profile, models)
        if profile.exists() and not profile.is_dir():
            raise OptionError(f"--profile {args.profile or profile} is a file, not a profile directory")
        return cls(
            profile_dir=profile,
            models=models,
            weights=Path(args.weights).expanduser() if args.weights else None,
            camera=args.camera,
            video=args.video,
            mirror=args.mirror,
        )

    def calibration(self, started_directly: bool) -> CalibrationOptions:
        """The calibration screen's options for these sources."""
        return CalibrationOptions(
            profile_dir=self.profile_dir,
            models=self.models,
            camera=self.camera,
            video=self.video,
            mirror=self.mirror,
            weights=self.weights,
            started_directly=started_directly,
        )


@dataclass(frozen=True)
class PlayOptions:
    """What ``gesture-pacman play`` was asked for (``calibrate`` keeps the game options' defaults)."""

    source: SourceOptions
    gesture: GestureSettings = field(default_factory=GestureSettings)
    seed: int | None = None
    keyboard: bool = False
    #: Open on the title screen (plain ``gesture-pacman``); ``play`` starts the game at once.
    title: bool = False
    scale: int | None = None
    fullscreen: bool = False
    #: Stop after this many simulated seconds (tests, recordings).
    seconds: float | None = None
    headless: bool = False
    log: Path | None = None
    #: Learn from arrow-key overrides during gesture play (``--no-learn`` turns it off).
    learn: bool = True

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> PlayOptions:
        """Raises ``OptionError`` with the first problem, as a message for the player.

        ``calibrate`` has no game options: its namespace gives the sources and window only.
        """
        if args.command == "calibrate":
            return cls(SourceOptions.from_args(args), scale=args.scale, fullscreen=args.fullscreen)
        try:
            gesture = GestureSettings.from_args(args.threshold, args.smoothing)
        except ValueError as exc:
            raise OptionError(str(exc)) from None
        log = Path(args.log) if args.log else None
        if log is not None and not args.headless:
            raise OptionError("--log records a --headless run; add --headless (and --video FILE)")
        problem = check_output_file(log, "the log") if log is not None else None
        if problem is not None:
            raise OptionError(problem)
        if args.seconds is not None and args.seconds <= 0:
            raise OptionError(f"--seconds must be positive, got {args.seconds}")
        source = SourceOptions.from_args(args)
        if args.headless and not source.video:
            raise OptionError(
                "--headless plays from a video file: give --video FILE (a webcam cannot be replayed)"
            )
        taken = _taken_by(log, source) if log is not None else None
        if taken is not None:
            raise OptionError(f"--log {log} is {taken}: the log would replace it; give another file name")
        return cls(
            source,
            gesture,
            seed=args.seed,
            keyboard=args.keyboard,
            # ``title`` is set by ``game.cli.main`` only; a namespace built elsewhere plays at once.
            title=getattr(args, "title", False) and not args.no_title,
            scale=args.scale,
            fullscreen=args.fullscreen,
            seconds=args.seconds,
            headless=args.headless,
            log=log,
            learn=getattr(args, "learn", True),
        )


def _taken_by(log: Path, source: SourceOptions) -> str | None:
    """What of the player's ``log`` already is (the video played, a file of the profile, the high
    scores), or None: the log replaces its file, and none of those may be lost to it."""
    from game.vision.profile_format import PARTS, PENDING_FILE, is_own_name

    log = log.expanduser()
    if source.video is not None and _same_file(log, Path(source.video).expanduser()):
        return "the video being played"
    if _same_file(log, source.high_score_file):
        return "the high score file"
    if _same_file(log.parent, source.profile_dir) and is_own_name(log.name):
        return f"the profile's {log.name}"
    for name in (*PARTS, PENDING_FILE):
        if _same_file(log, source.profile_dir / name):
            return f"the profile's {name}"
    return None


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file: the same file on disk (links included) when both
    exist, else the same path once resolved."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        try:
            return a.resolve() == b.resolve()
        except (OSError, RuntimeError):
            return False
