"""Command line: parses arguments and hands them to the ``run`` function of one command module.

Each subcommand lives in ``game/commands/<name>.py`` and is imported only when used, so that
``gesture-pacman doctor`` or the game window appear before TensorFlow is loaded. Every option's
help shows its default. Unless ``--verbose``, TensorFlow's C++ log lines are kept off the terminal.
"""

from __future__ import annotations

import argparse
import importlib
import math
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import game
from game.input.gesture import DEFAULT_SMOOTHING, DEFAULT_THRESHOLD

COMMANDS = ("play", "calibrate", "demo", "train", "evaluate", "bench", "doctor")


#: Shown in ``train --help``; tests/test_cli.py checks them against training.DEFAULT
#: (not imported here: it loads OpenCV, which the parser of every command should not wait for).
TRAIN_DEFAULTS = {"epochs": 20, "lr": 3e-4, "hidden": 0, "batch_fraction": 0.25}
#: The same for hand profiles (training.HAND_DEFAULT), also checked by tests/test_cli.py.
HAND_TRAIN_DEFAULTS = {"epochs": 60, "lr": 1e-3, "hidden": 100, "batch_fraction": 0.25}
#: game.vision.recognizer's RECOGNIZERS and DEFAULT_RECOGNIZER, written out for the same reason
#: (tests/vision/test_hand_recognizer.py checks that they agree).
RECOGNIZERS = ("hand", "frame")
DEFAULT_RECOGNIZER = "hand"
#: Where a profile is read and written without --profile (game.config.default_profile_dir).
DEFAULT_PROFILE = "<models>/profiles/default, <models> being the --models directory"


def _add_recognizer(p: argparse.ArgumentParser, saved: bool = False) -> None:
    default = f"the saved profile's, else {DEFAULT_RECOGNIZER}" if saved else DEFAULT_RECOGNIZER
    p.add_argument(
        "--recognizer",
        choices=RECOGNIZERS,
        default=None,
        help="what the head reads: 'hand' (the hand's landmarks, found in each frame) or 'frame' "
        f"(MobileNet on the whole frame, for gestures that are not hand shapes) (default: {default})",
    )


def _train_default(key: str, fmt: str = "") -> str:
    if HAND_TRAIN_DEFAULTS[key] == TRAIN_DEFAULTS[key]:  # one value: say it once
        return f"(default: {TRAIN_DEFAULTS[key]:{fmt}})"
    return (
        f"(default: {HAND_TRAIN_DEFAULTS[key]:{fmt}} for hand profiles, "
        f"{TRAIN_DEFAULTS[key]:{fmt}} for frame ones)"
    )


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's help ends with its default: the value, "off" for a flag, or the text given."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text.lower() or action.default is argparse.SUPPRESS or not action.option_strings:
            return text
        if isinstance(action, argparse._StoreTrueAction):
            return f"{text} (default: off)"
        if action.default is None:
            return text  # the help must say it in words; the CLI test checks that every option does
        return f"{text} (default: %(default)s)"


def _add_verbose(p: argparse.ArgumentParser, default: Any) -> None:
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="show TensorFlow's log lines and the game's info messages (default: off)",
    )


def _add_models(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--models",
        metavar="DIR",
        help="directory for profiles and converted models (default: $GESTURE_PACMAN_MODELS, "
        "else models/ of the source checkout, else the per-user data directory)",
    )


def _add_weights(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--weights",
        metavar="FILE",
        help="MobileNet weights file (mobilenet_2_5_224_tf_no_top.h5) (default: Keras's cache, else "
        "the copy shipped in models/)",
    )


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``gesture-pacman play: --seconds must be ...`` and exit 2."""

    def error(self, message: str) -> NoReturn:
        # "argument --seconds: must be positive" reads better as "--seconds must be positive".
        message = re.sub(r"^argument (\S+?)(/\S+)?: ", r"\1 ", message)
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


class _SubParser(_Parser):
    """A subcommand's parser: the same help formatter, and ``--verbose`` also after the command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        _add_verbose(self, argparse.SUPPRESS)


def _number(
    kind: type[int] | type[float],
    low: float,
    high: float,
    low_open: bool = False,
    high_open: bool = False,
    between: bool = False,
) -> Callable[[str], Any]:
    """An argparse ``type``: a finite ``kind`` within [low, high] (ends open when asked).

    ``between`` words a refusal as a range (a setting like a probability); otherwise it names the
    end that was crossed (the upper end of a count or duration is only a sanity limit).
    """
    what = "a whole number" if kind is int else "a number"

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
        too_low = value < low or (low_open and value == low)
        too_high = value > high or (high_open and value == high)
        if not (too_low or too_high):
            return value
        if between:
            ends = " (both excluded)" if low_open and high_open else ""
            problem = f"must be between {_show(low)} and {_show(high)}{ends}"
        elif too_low:
            problem = "must be positive" if low == 0 and low_open else f"must be at least {_show(low)}"
        else:
            problem = f"must be at most {_show(high)}" if not high_open else f"must be below {_show(high)}"
        raise argparse.ArgumentTypeError(f"{problem}, got {text}")

    parse.__name__ = "number"
    return parse


def _show(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def _head_limit(name: str, kind: type[int] | type[float], **ends: bool) -> Callable[[str], Any]:
    """The same limits as a profile's stored head settings (``profile_format.LIMITS``)."""

    def parse(text: str) -> int | float:
        from game.vision.profile_format import LIMITS

        low, high = LIMITS[name]
        return _number(kind, low, high, **ends)(text)

    return parse


#: Limits of the numeric options that are not head settings.
SECONDS = _number(float, 0, 7 * 24 * 3600, low_open=True)
SEED = _number(int, 0, 2**32 - 1)
SMOOTHING = _number(int, 1, 600)
THRESHOLD = _number(float, 0, 1, between=True)
SCALE = _number(int, 1, 8, between=True)
CAMERA = _number(int, 0, 99, between=True)
FRAMES = _number(int, 1, 10_000_000)
MINUTES = _number(float, 0, 24 * 60, low_open=True)
LEARNING_RATE = _head_limit("learning_rate", float, low_open=True, high_open=True, between=True)
BATCH_FRACTION = _head_limit("batch_fraction", float, low_open=True, between=True)


def _add_camera(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--camera",
        type=CAMERA,
        metavar="N",
        help="webcam index (default: the profile's camera if it opens, else the first of 0, 1, 2 that opens)",
    )
    src.add_argument(
        "--video", metavar="FILE", help="use a video file instead of a webcam (default: the webcam)"
    )


def _add_window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=SCALE, metavar="N", help="integer window scale (default: fits the screen)")
    p.add_argument("--fullscreen", action="store_true", help="run full screen")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gesture-pacman",
        description="Pac-Man you steer with hand gestures in front of a webcam. "
        "With no command, the game starts at its title screen.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {game.__version__}")
    _add_verbose(parser, False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_SubParser)

    play = sub.add_parser(
        "play", help="play (the default): gestures when a profile is trained, else keyboard"
    )
    _add_camera(play)
    play.add_argument(
        "--profile", metavar="DIR", help=f"gesture profile directory (default: {DEFAULT_PROFILE})"
    )
    play.add_argument("--keyboard", action="store_true", help="keyboard only; do not open the camera")
    play.add_argument(
        "--no-title", action="store_true", help="with no command: start a game instead of the title screen"
    )
    play.add_argument(
        "--headless", action="store_true", help="no window: one video frame per game step (needs --video)"
    )
    play.add_argument(
        "--seconds", type=SECONDS, metavar="S", help="stop after S simulated seconds (default: no limit)"
    )
    play.add_argument(
        "--log", metavar="FILE", help="with --headless: write one JSON line per frame (default: no log)"
    )
    play.add_argument(
        "--seed",
        type=SEED,
        default=None,
        metavar="N",
        help="random seed for the ghosts (default: a random one; 0 with --headless)",
    )
    play.add_argument(
        "--smoothing",
        type=SMOOTHING,
        metavar="N",
        help=f"frames of prediction smoothing (default: {DEFAULT_SMOOTHING})",
    )
    play.add_argument(
        "--threshold",
        type=THRESHOLD,
        metavar="P",
        help=f"confidence needed to steer, 0-1 (default: {DEFAULT_THRESHOLD})",
    )
    play.add_argument(
        "--mirror", action=argparse.BooleanOptionalAction, default=True, help="mirror the webcam"
    )
    play.add_argument(
        "--learn",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="learn from arrow-key overrides during gesture play (L toggles it in the game)",
    )
    _add_window(play)
    _add_models(play)
    _add_weights(play)

    cal = sub.add_parser("calibrate", help="record your gestures from the webcam and train a profile")
    _add_camera(cal)
    cal.add_argument(
        "--profile",
        metavar="DIR",
        help=f"profile directory to load and save (default: {DEFAULT_PROFILE})",
    )
    cal.add_argument(
        "--mirror", action=argparse.BooleanOptionalAction, default=True, help="mirror the webcam"
    )
    _add_recognizer(cal, saved=True)
    _add_window(cal)
    _add_models(cal)
    _add_weights(cal)

    demo = sub.add_parser("demo", help="watch the autopilot play")
    demo.add_argument(
        "--seconds",
        type=SECONDS,
        default=None,
        metavar="S",
        help="stop after S simulated seconds (default: no limit; 60 with --headless)",
    )
    demo.add_argument("--seed", type=SEED, default=1, metavar="N", help="random seed")
    demo.add_argument("--headless", action="store_true", help="no window; simulate as fast as possible")
    demo.add_argument("--json", action="store_true", help="print a JSON summary last")
    demo.add_argument("--screenshot", metavar="PNG", help="save the last frame as a PNG (default: none)")
    _add_window(demo)
    _add_models(demo)

    train = sub.add_parser("train", help="train a profile from a folder of labelled images")
    train.add_argument(
        "--images",
        required=True,
        metavar="DIR",
        help="folder with one sub-folder per class (up, down, left, right, optionally idle)",
    )
    train.add_argument(
        "--profile", metavar="DIR", help=f"profile directory to write (default: {DEFAULT_PROFILE})"
    )
    train.add_argument(
        "--epochs",
        type=_head_limit("epochs", int),
        metavar="N",
        help=f"training epochs {_train_default('epochs')}",
    )
    train.add_argument(
        "--lr",
        type=LEARNING_RATE,
        metavar="F",
        help=f"learning rate {_train_default('lr', 'g')}",
    )
    train.add_argument(
        "--hidden",
        type=_head_limit("hidden_units", int),
        metavar="N",
        help=f"hidden units, 0 for none (a softmax straight on the features) {_train_default('hidden')}",
    )
    train.add_argument(
        "--batch-fraction",
        type=BATCH_FRACTION,
        metavar="F",
        help=f"batch size as a fraction of the samples {_train_default('batch_fraction', 'g')}",
    )
    train.add_argument("--seed", type=SEED, default=0, metavar="N", help="random seed")
    _add_recognizer(train)
    existing = train.add_mutually_exclusive_group()
    existing.add_argument(
        "--force",
        action="store_true",
        help="replace a profile that holds recorded samples (default: refuse, and say what it holds)",
    )
    existing.add_argument(
        "--add",
        action="store_true",
        help="train on the profile's recorded samples plus these images (default: off)",
    )
    train.add_argument("--json", action="store_true", help="print a JSON summary last")
    _add_models(train)
    _add_weights(train)

    ev = sub.add_parser("evaluate", help="accuracy of a saved profile on labelled images")
    ev.add_argument(
        "--images", required=True, metavar="DIR", help="folder with one sub-folder of images per class"
    )
    ev.add_argument(
        "--profile", metavar="DIR", help=f"profile directory to evaluate (default: {DEFAULT_PROFILE})"
    )
    ev.add_argument("--json", action="store_true", help="print a JSON object")
    _add_models(ev)
    _add_weights(ev)

    bench = sub.add_parser(
        "bench",
        help="speed, accuracy and memory figures, each against a baseline measured in the same run",
    )
    bench.add_argument(
        "--suite",
        choices=(
            "vision",
            "memory",
            "accuracy",
            "rooms",
            "game",
            "calibration",
            "play",
            "soak",
            "photos",
            "learning",
            "floor",
            "hands",
        ),
        default="vision",
        help="what to measure (default: vision)",
    )
    bench.add_argument(
        "--images",
        metavar="DIR",
        help="real images to use (default: generated frames, or ../shared's photos for the suites "
        "that need photos)",
    )
    bench.add_argument(
        "--frames", type=FRAMES, metavar="N", help="frames to run (default: the suite's own number)"
    )
    bench.add_argument(
        "--minutes", type=MINUTES, metavar="M", help="simulated minutes, soak suite (default: the suite's)"
    )
    bench.add_argument("--json", action="store_true", help="print only the JSON object")
    _add_models(bench)
    _add_weights(bench)

    doctor = sub.add_parser("doctor", help="check the installation, cameras, GPUs, weights and directories")
    _add_models(doctor)
    _add_weights(doctor)
    return parser


#: Options of ``gesture-pacman`` itself; any other leading option belongs to the default command, play.
_TOP_LEVEL_OPTIONS = frozenset({"-h", "--help", "--version", "-v", "--verbose"})
#: Top-level options that play takes too: before play's options they do not make a command line
#: one without play (``--verbose --camera 1`` is ``play --verbose --camera 1``).
_SHARED_OPTIONS = frozenset({"-v", "--verbose"})


def _is_bare(words: Sequence[str]) -> bool:
    """Whether ``words`` name no command: nothing, or play's options (after any ``--verbose``)."""
    first = next((word for word in words if word not in _SHARED_OPTIONS), None)
    if first is None:
        return not words
    return first.startswith("-") and first not in _TOP_LEVEL_OPTIONS


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Called with ``argv=None`` (the real command line), it also sets up the
    terminal: TensorFlow's C++ log lines are filtered out unless ``--verbose``."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    # No command (nothing, or play's options such as `--camera 1`): the game from its title screen.
    bare = _is_bare(words)
    try:
        args = parser.parse_args(["play", *words] if bare else words)
        if args.command is None:  # only top-level options, e.g. `--verbose`
            args, bare = parser.parse_args(["play", *words]), True
    except SystemExit as exc:  # --help, --version, or a one-line option error (status 2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    args.title = bare  # plain `gesture-pacman` opens at the title; `play` starts a game at once
    if args.command != "doctor" and hasattr(args, "models"):  # doctor reports it instead
        from game.config import check_models_dir, models_dir

        problem = check_models_dir(models_dir(args.models))
        if problem is not None:
            print(f"gesture-pacman {args.command}: {problem}", file=sys.stderr)
            return 2
    from game.commands.terminal import setup_logging

    setup_logging(verbose=args.verbose, filter_native=argv is None)
    if argv is None:
        from game.commands.signals import end_like_ctrl_c

        end_like_ctrl_c()
    module = importlib.import_module(f"game.commands.{args.command}")
    try:
        return int(module.run(args))
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (game.commands.signals)
        return int(getattr(exc, "status", 130))
