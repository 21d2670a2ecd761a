"""The game window: opens it at an integer scale (or full screen) and runs a stack of scenes at 60 fps.

A ``--scale`` whose window would not fit the desktop is lowered to the largest that fits, with one
line on the terminal saying so. The window can be resized (by the player or a tiling window
manager); the scene manager then fits the picture to it.

The window is shown, with a "Loading..." line, before the first scene is built, so that whatever
the scene imports (the vision stack for gesture play) never keeps the player staring at nothing.
This module imports only pygame and the scene base.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pygame

from game.render.layout import LOGICAL_H, LOGICAL_W, MAX_SCALE, fit_scale, largest_scale, window_size
from game.render.palette import BLACK, PACMAN_YELLOW
from game.render.text import blit_text
from game.scenes.base import Scene, SceneManager

TITLE = "Gesture Pac-Man"
#: Assumed screen when the desktop size is unknown (e.g. the dummy video driver): 1080p.
FALLBACK_SCREEN = (1920, 1080)

log = logging.getLogger(__name__)


#: SDL's video drivers that show nothing. SDL falls back to "offscreen" when no display answers;
#: the game then ran on, invisible, for ever. Chosen explicitly (SDL_VIDEODRIVER), they are honoured.
INVISIBLE_DRIVERS = ("offscreen", "dummy")
NO_DISPLAY = (
    "no display to open the game window on (no X11 or Wayland desktop answered): run it in a "
    "desktop session, or watch the game without a window: gesture-pacman demo --headless"
)


class AppError(Exception):
    """The window could not be opened as asked; the message says why."""


def known_desktop_size() -> tuple[int, int] | None:
    """The desktop's size, or None when the video driver does not know it."""
    try:
        sizes = pygame.display.get_desktop_sizes()
    except pygame.error:
        sizes = []
    if not sizes or sizes[0][0] < LOGICAL_W or sizes[0][1] < LOGICAL_H:
        return None
    width, height = sizes[0]
    return int(width), int(height)


def desktop_size() -> tuple[int, int]:
    """The desktop's size, or 1080p when the video driver does not know it."""
    return known_desktop_size() or FALLBACK_SCREEN


def default_scale() -> int:
    """The largest integer scale whose window fits the desktop (3 on a 1080p screen)."""
    return min(MAX_SCALE, largest_scale(*desktop_size()))


def check_scale(scale: int | None) -> None:
    if scale is not None and not 1 <= scale <= MAX_SCALE:
        raise AppError(f"--scale must be between 1 and {MAX_SCALE}, got {scale}")


def fitting_scale(asked: int, screen: tuple[int, int] | None, margin: int = 80) -> int:
    """``asked``, or the largest scale whose window fits ``screen`` when ``asked`` does not (said
    once on the terminal); ``asked`` as it is when the screen's size is unknown."""
    if screen is None:
        return asked
    fitting = min(MAX_SCALE, largest_scale(*screen, margin=margin))
    if asked <= fitting:
        return asked
    width, height = screen
    log.warning(
        "--scale %d makes a %dx%d window, too big for the %dx%d screen: using --scale %d",
        asked,
        *window_size(asked),
        width,
        height,
        fitting,
    )
    return fitting


def open_window(scale: int | None, fullscreen: bool) -> tuple[pygame.Surface, int]:
    """Open the window; return its surface and the scale in use."""
    check_scale(scale)
    # On X11 with Mesa, SDL's OpenGL probe for the window surface loads Mesa's libLLVM; TensorFlow,
    # imported later for calibration or gesture play, bundles its own LLVM and the process crashes
    # (segmentation fault in TensorFlow's import). The game draws in software anyway.
    os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.mixer.pre_init(22050, -16, 2, 512)  # small buffer: sounds follow events closely
    chosen = os.environ.get("SDL_VIDEODRIVER")
    try:
        pygame.display.init()
        if not chosen and pygame.display.get_driver() in INVISIBLE_DRIVERS:
            pygame.display.quit()
            raise AppError(NO_DISPLAY)
        pygame.font.init()
        if fullscreen:
            surface = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            screen = surface.get_size()
            scale = fitting_scale(scale, screen, margin=0) if scale else fit_scale(*screen)
        else:
            desktop = None if pygame.display.get_driver() in INVISIBLE_DRIVERS else known_desktop_size()
            scale = default_scale() if scale is None else fitting_scale(scale, desktop)
            surface = pygame.display.set_mode(window_size(scale), pygame.RESIZABLE)
    except pygame.error as exc:
        driver = os.environ.get("SDL_VIDEODRIVER", "")
        hint = f" (SDL_VIDEODRIVER={driver})" if driver else " (is there a display? try `demo --headless`)"
        raise AppError(f"cannot open the game window: {exc}{hint}") from None
    pygame.display.set_caption(TITLE)
    return surface, scale


def show_loading(surface: pygame.Surface, scale: int, text: str = "Loading...") -> None:
    surface.fill(BLACK)
    rect = surface.get_rect()
    blit_text(surface, text, 8 * scale, PACMAN_YELLOW, rect.center, "center")
    pygame.display.flip()
    pygame.event.pump()


def run_app(
    first_scene_factory: Callable[[], Scene],
    scale: int | None = None,
    fullscreen: bool = False,
    *,
    max_frames: int | None = None,
    screenshot: Path | None = None,
) -> int:
    """Open the window, build the first scene, and run until the scene stack empties or the window closes.

    ``screenshot`` saves the last frame as a PNG when the loop ends; ``max_frames`` bounds the run
    (tests). Returns the process exit status.
    """
    surface, scale = open_window(scale, fullscreen)
    manager = SceneManager(surface, scale)
    try:
        show_loading(surface, scale)
        manager.push(first_scene_factory())
        manager.run(max_frames=max_frames)
        if screenshot is not None:
            from game.render.screenshot import save_png

            save_png(manager.window, screenshot)  # the window as shown, whatever it was resized to
    finally:
        try:
            # Scenes still open (the run hit max_frames, or Ctrl-C or an error ended it) release
            # their cameras and threads and save the high score, as when the player quits.
            manager.quit()
        finally:
            close_window()
    return 0


def close_window() -> None:
    """Close the window and the audio device."""
    pygame.mixer.quit()
    pygame.display.quit()
