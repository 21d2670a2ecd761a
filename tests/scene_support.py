"""Helpers for scene and rendering tests on SDL's dummy drivers (tests/conftest.py selects them)."""

from __future__ import annotations

import numpy as np
import pygame

from game.core.state import Phase, World
from game.core.types import Intent
from game.core.world import new_world, step
from game.render.arcade_font import arcade_text
from game.render.layout import ScreenLayout, window_size
from game.render.palette import WHITE
from game.render.world_view import MESSAGE_POS
from game.scenes.base import Scene, SceneManager

SCALE = 3
FRAME = 1.0 / 60.0


def open_manager(scale: int = SCALE) -> SceneManager:
    """A scene manager on a dummy-driver window of the game's size."""
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(window_size(scale))
    return SceneManager(surface, scale)


def run_frames(manager: SceneManager, frames: int, dt: float = FRAME) -> None:
    for _ in range(frames):
        if not manager.running:
            return
        manager.run_frame(dt)


def key(event_type: int, key_code: int) -> pygame.event.Event:
    return pygame.event.Event(event_type, key=key_code, mod=0, unicode="", scancode=0)


def post_key(key_code: int) -> None:
    """A full key press (down and up), as the window would deliver it."""
    pygame.event.post(key(pygame.KEYDOWN, key_code))
    pygame.event.post(key(pygame.KEYUP, key_code))


def maze_message_pixels(manager: SceneManager, phase: Phase) -> np.ndarray:
    """The window's pixels where the maze shows READY! or GAME OVER (``phase``), as last drawn."""
    text = "READY!" if phase is Phase.READY else "GAME  OVER"
    layout = ScreenLayout.for_surface(manager.surface, manager.scale)
    rect = arcade_text(text, layout.scale, WHITE).get_rect(center=layout.tile_px(*MESSAGE_POS))
    return pygame.surfarray.array3d(manager.surface.subsurface(rect)).copy()


def playing_world(seed: int = 1) -> World:
    """A new game stepped past READY!, so the actors move on the next step."""
    world = new_world(seed)
    while world.phase is Phase.READY:
        step(world, Intent())
    return world


class Marker(Scene):
    """A scene that only records that it was entered (to see what another scene pushed)."""

    def __init__(self) -> None:
        self.entered = 0

    def enter(self) -> None:
        self.entered += 1
