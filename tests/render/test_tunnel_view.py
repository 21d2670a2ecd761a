"""Actors in the side tunnel slip behind the maze's edge; the side panel's frame leaves the tunnel open."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.core.graph import TUNNEL_ROW
from game.core.state import GhostMode, GhostName, Phase, World
from game.core.types import Direction, Intent
from game.core.world import new_world, step
from game.render.keyboard_panel import KeyboardHelpPanel
from game.render.layout import TILE, ScreenLayout, window_size
from game.render.palette import GHOST_COLORS, WALL_BLUE
from game.render.world_view import draw_world

SCALE = 2
RED = GHOST_COLORS[GhostName.BLINKY]


@pytest.fixture(autouse=True)
def _fonts() -> None:
    pygame.font.init()


def playing() -> World:
    world = new_world(1)
    while world.phase is Phase.READY:
        step(world, Intent())
    return world


def blinky_at(world: World, x: float) -> None:
    blinky = world.ghosts[0]
    blinky.x, blinky.y = x, TUNNEL_ROW + 0.5
    blinky.direction, blinky.mode = Direction.RIGHT, GhostMode.SCATTER


def render(world: World) -> tuple[pygame.Surface, ScreenLayout]:
    surface = pygame.Surface(window_size(SCALE))
    layout = ScreenLayout.for_surface(surface, SCALE)
    draw_world(surface, world, layout)
    KeyboardHelpPanel(lambda: world).draw(surface, layout.panel_rect)
    return surface, layout


def count(surface: pygame.Surface, rect: pygame.Rect, color: tuple[int, int, int]) -> int:
    pixels = pygame.surfarray.pixels3d(surface)
    area = pixels[rect.left : rect.right, rect.top : rect.bottom]
    found = int(np.all(area == np.array(color), axis=-1).sum())
    del pixels
    return found


def tunnel_band(layout: ScreenLayout) -> pygame.Rect:
    """The tunnel row across the whole window, two tiles high around it."""
    _, y = layout.tile_px(0, TUNNEL_ROW - 0.5)
    return pygame.Rect(0, y, layout.window_w, 2 * TILE * SCALE)


def test_a_ghost_half_out_of_the_tunnel_is_cut_at_the_maze_edge() -> None:
    world = playing()
    blinky_at(world, 27.9)
    surface, layout = render(world)
    band = tunnel_band(layout)
    assert count(surface, band.clip(layout.arcade_rect), RED) > 0, "the half still inside shows"
    assert count(surface, band.clip(layout.panel_rect), RED) == 0, "nothing over the side panel"


@pytest.mark.parametrize("x", [-1.5, -1.0, 29.0, 29.5])
def test_a_ghost_on_the_off_screen_tiles_is_hidden(x: float) -> None:
    world = playing()
    blinky_at(world, x)
    surface, layout = render(world)
    assert count(surface, tunnel_band(layout), RED) == 0


def test_the_panel_frame_leaves_the_tunnel_mouth_open() -> None:
    world = playing()
    surface, layout = render(world)
    x = layout.panel_rect.x
    _, mouth_y = layout.tile_px(0, TUNNEL_ROW + 0.5)
    _, elsewhere_y = layout.tile_px(0, 5.5)
    assert tuple(surface.get_at((x, elsewhere_y)))[:3] == WALL_BLUE
    assert tuple(surface.get_at((x, mouth_y)))[:3] != WALL_BLUE
