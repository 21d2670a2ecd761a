"""``gesture-pacman demo``: watch the autopilot play, in a window or headless as fast as possible.

``--headless`` opens no window: the game is simulated (``game.core.simulate``) and a one-line
summary is printed, or with ``--json`` one JSON object instead. ``--screenshot PNG`` saves the
last frame, rendered offscreen when headless.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from game.core.state import World

#: Simulated seconds of a headless demo when ``--seconds`` is not given.
DEFAULT_HEADLESS_SECONDS = 60.0


class DemoError(Exception):
    """Bad options or an output that cannot be written; the message says which."""


def run(args: argparse.Namespace) -> int:
    try:
        _check(args)
        return _run_headless(args) if args.headless else _run_window(args)
    except DemoError as exc:
        print(f"gesture-pacman demo: {exc}", file=sys.stderr)
        return 2


def _check(args: argparse.Namespace) -> None:
    if args.seconds is not None and not args.seconds > 0:
        raise DemoError(f"--seconds must be positive, got {args.seconds}")
    if args.scale is not None and not 1 <= args.scale <= 8:
        raise DemoError(f"--scale must be between 1 and 8, got {args.scale}")
    if args.screenshot is not None:
        from game.config import check_output_file

        problem = check_output_file(args.screenshot, "the screenshot")
        if problem is not None:
            raise DemoError(problem)


def _run_headless(args: argparse.Namespace) -> int:
    from game.core.simulate import simulate
    from game.input.autopilot import Autopilot

    seconds = args.seconds if args.seconds is not None else DEFAULT_HEADLESS_SECONDS
    world, summary = simulate(seconds, args.seed, Autopilot(args.seed))
    # DemoSummary holds exactly the documented fields, in the documented order.
    figures = dataclasses.asdict(summary)
    if args.screenshot is not None:
        _save_offscreen(world, Path(args.screenshot), args.scale or 3)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"autopilot, seed {args.seed}: {figures['seconds_simulated']:.1f} s simulated, "
            f"score {figures['score']}, {figures['dots_eaten']} dots, "
            f"{_count(figures['levels_cleared'], 'level')} cleared, "
            f"{_count(figures['lives_lost'], 'life', 'lives')} lost, "
            f"{figures['steps_per_second']:.0f} steps/s"
        )
    return 0


def _count(n: int, one: str, many: str | None = None) -> str:
    """``1 life``, ``2 lives``, ``0 levels``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _save_offscreen(world: World, path: Path, scale: int) -> None:
    """Render ``world`` to an offscreen surface (no window) and save it."""
    import pygame

    from game.render.keyboard_panel import KeyboardHelpPanel
    from game.render.layout import ScreenLayout, window_size
    from game.render.screenshot import ScreenshotError, save_png
    from game.render.world_view import draw_world

    pygame.font.init()
    surface = pygame.Surface(window_size(scale))
    layout = ScreenLayout.for_surface(surface, scale)
    draw_world(surface, world, layout, world.score)
    KeyboardHelpPanel(lambda: world, title="AUTOPILOT DEMO", controls=()).draw(surface, layout.panel_rect)
    try:
        save_png(surface, path)
    except ScreenshotError as exc:
        raise DemoError(str(exc)) from None


def _run_window(args: argparse.Namespace) -> int:
    from game.app import AppError, run_app
    from game.render.screenshot import ScreenshotError
    from game.scenes.demo import DemoScene

    screenshot = Path(args.screenshot) if args.screenshot else None
    try:
        return run_app(
            lambda: DemoScene(args.seed, args.seconds), args.scale, args.fullscreen, screenshot=screenshot
        )
    except (AppError, ScreenshotError) as exc:
        raise DemoError(str(exc)) from None
