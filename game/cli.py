"""Command line: parses arguments and hands them to the ``run`` function of one command module.

Each subcommand lives in ``game/commands/<name>.py`` and is imported only when used, so that
``gesture-pacman doctor`` or the game window appear before TensorFlow is loaded.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("play", "calibrate", "demo", "train", "evaluate", "bench", "doctor")


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
        help="MobileNet weights file (mobilenet_2_5_224_tf_no_top.h5) to use instead of Keras's cache",
    )


def _camera_index(text: str) -> int:
    """A webcam index: 0, 1, 2 ... (OpenCV treats a negative index as "any camera")."""
    try:
        index = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"camera index must be a whole number, got {text!r}") from None
    if index < 0:
        raise argparse.ArgumentTypeError(f"camera index must be 0 or more, got {index}")
    return index


def _add_camera(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=_camera_index, metavar="N", help="webcam index (default 0)")
    src.add_argument("--video", metavar="FILE", help="use a video file instead of a webcam")


def _add_window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=int, metavar="N", help="integer window scale (default: fits the screen)")
    p.add_argument("--fullscreen", action="store_true", help="run full screen")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gesture-pacman",
        description="Pac-Man you steer with hand gestures in front of a webcam. "
        "With no command, the game starts at its title screen.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser(
        "play", help="play (the default): gestures when a profile is trained, else keyboard"
    )
    _add_camera(play)
    play.add_argument(
        "--profile", metavar="DIR", help="gesture profile directory (default: models/profiles/default)"
    )
    play.add_argument("--keyboard", action="store_true", help="keyboard only; do not open the camera")
    play.add_argument("--no-title", action="store_true", help="skip the title screen")
    play.add_argument(
        "--headless", action="store_true", help="no window: one video frame per game step (needs --video)"
    )
    play.add_argument("--seconds", type=float, metavar="S", help="stop after S simulated seconds")
    play.add_argument("--log", metavar="FILE", help="with --headless: write one JSON line per frame")
    play.add_argument("--seed", type=int, default=None, metavar="N", help="random seed for the ghosts")
    play.add_argument("--smoothing", type=int, metavar="N", help="frames of prediction smoothing")
    play.add_argument("--threshold", type=float, metavar="P", help="confidence needed to steer (0-1)")
    play.add_argument(
        "--mirror", action=argparse.BooleanOptionalAction, default=True, help="mirror the webcam"
    )
    _add_window(play)
    _add_models(play)
    _add_weights(play)

    cal = sub.add_parser("calibrate", help="record your gestures from the webcam and train a profile")
    _add_camera(cal)
    cal.add_argument(
        "--profile",
        metavar="DIR",
        help="profile directory to load and save (default: models/profiles/default)",
    )
    cal.add_argument(
        "--mirror", action=argparse.BooleanOptionalAction, default=True, help="mirror the webcam"
    )
    _add_window(cal)
    _add_models(cal)
    _add_weights(cal)

    demo = sub.add_parser("demo", help="watch the autopilot play")
    demo.add_argument(
        "--seconds", type=float, default=None, metavar="S", help="stop after S simulated seconds"
    )
    demo.add_argument("--seed", type=int, default=1, metavar="N", help="random seed")
    demo.add_argument("--headless", action="store_true", help="no window; simulate as fast as possible")
    demo.add_argument("--json", action="store_true", help="print a JSON summary last")
    demo.add_argument("--screenshot", metavar="PNG", help="save the last frame as a PNG")
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
        "--profile", metavar="DIR", help="profile directory to write (default: models/profiles/default)"
    )
    train.add_argument("--epochs", type=int, metavar="N")
    train.add_argument("--lr", type=float, metavar="F", help="learning rate")
    train.add_argument("--hidden", type=int, metavar="N", help="hidden units")
    train.add_argument(
        "--batch-fraction", type=float, metavar="F", help="batch size as a fraction of the samples"
    )
    train.add_argument("--seed", type=int, default=0, metavar="N")
    train.add_argument("--json", action="store_true", help="print a JSON summary last")
    _add_models(train)
    _add_weights(train)

    ev = sub.add_parser("evaluate", help="accuracy of a saved profile on labelled images")
    ev.add_argument("--images", required=True, metavar="DIR")
    ev.add_argument("--profile", metavar="DIR")
    ev.add_argument("--json", action="store_true", help="print a JSON object")
    _add_models(ev)
    _add_weights(ev)

    bench = sub.add_parser("bench", help="measure speed; prints figures as ratios against a baseline")
    bench.add_argument(
        "--suite",
        choices=("vision", "memory", "accuracy", "game", "calibration", "play", "soak"),
        default="vision",
        help="what to measure (default: vision)",
    )
    bench.add_argument("--images", metavar="DIR", help="real images to use (else generated frames)")
    bench.add_argument("--frames", type=int, metavar="N", help="frames to run (suite-specific default)")
    bench.add_argument("--minutes", type=float, metavar="M", help="simulated minutes (soak suite)")
    bench.add_argument("--json", action="store_true", help="print only the JSON object")
    _add_models(bench)
    _add_weights(bench)

    doctor = sub.add_parser("doctor", help="check the installation, cameras, GPUs, weights and directories")
    _add_models(doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        args = parser.parse_args(["play", *(sys.argv[1:] if argv is None else argv)])
    module = importlib.import_module(f"game.commands.{args.command}")
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
