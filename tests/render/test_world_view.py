"""The arcade renderer: what it draws where, that it never changes the world, and its speed bound."""

from __future__ import annotations

import numpy as np
import pygame
import pytest
from scene_support import SCALE, open_manager, playing_world

from game.core.levels import FLASH_STEPS
from game.core.maze import load_maze
from game.core.snapshot import state_hash
from game.core.state import GhostMode, GhostName, Phase, World
from game.core.world import new_world, step
from game.input.autopilot import Autopilot
from game.render.layout import TILE, ScreenLayout
from game.render.maze_art import wall_mask
from game.render.palette import (
    BLACK,
    FRIGHT_BLUE,
    GHOST_COLORS,
    PACMAN_YELLOW,
    TEXT_RED,
    WALL_BLUE,
    WHITE,
)
from game.render.world_view import DEATH_FREEZE_S, LEVEL_FLASH_DELAY_S, MESSAGE_POS, draw_world

Screen = tuple[pygame.Surface, ScreenLayout]


@pytest.fixture()
def screen() -> Screen:
    manager = open_manager()
    return manager.surface, ScreenLayout.for_surface(manager.surface, SCALE)


def pixel(surface: pygame.Surface, pos: tuple[int, int]) -> tuple[int, int, int]:
    r, g, b, _ = surface.get_at(pos)
    return r, g, b


def body_point(layout: ScreenLayout, x: float, y: float) -> tuple[int, int]:
    """A point inside a ghost's body below its eyes: 3 arcade pixels under its centre."""
    cx, cy = layout.tile_px(x, y)
    return cx, cy + 3 * layout.scale


def region_has(surface: pygame.Surface, rect: pygame.Rect, color: tuple[int, int, int]) -> bool:
    pixels = pygame.surfarray.pixels3d(surface)
    area = pixels[rect.left : rect.right, rect.top : rect.bottom]
    found = bool(np.all(area == np.array(color), axis=-1).any())
    del pixels
    return found


def test_drawing_never_changes_the_world(screen: Screen) -> None:
    surface, layout = screen
    world = new_world(3)
    pilot = Autopilot(3)
    phases_seen = set()
    for n in range(1500):
        step(world, pilot.poll(world))
        if n % 7 == 0:
            before = state_hash(world)
            draw_world(surface, world, layout, 1234)
            assert state_hash(world) == before, f"drawing changed the world at step {n} ({world.phase})"
            phases_seen.add(world.phase)
    assert Phase.PLAYING in phases_seen and Phase.READY in phases_seen


def test_level_start_shows_ready_pacman_and_ghosts_in_their_colours(
    screen: Screen,
) -> None:
    surface, layout = screen
    world = new_world(1)
    draw_world(surface, world, layout)
    assert pixel(surface, layout.tile_px(world.pacman.x, world.pacman.y)) == PACMAN_YELLOW
    for ghost in world.ghosts:
        assert pixel(surface, body_point(layout, ghost.x, ghost.y)) == GHOST_COLORS[ghost.name], ghost.name
    cx, cy = layout.tile_px(*MESSAGE_POS)
    text_area = pygame.Rect(cx - 30 * SCALE, cy - 5 * SCALE, 60 * SCALE, 10 * SCALE)
    assert region_has(surface, text_area, PACMAN_YELLOW), "READY! is missing"
    step(world, Autopilot(1).poll(world))
    while world.phase is Phase.READY:
        step(world, Autopilot(1).poll(world))
    surface.fill(BLACK)
    draw_world(surface, world, layout)
    assert not region_has(surface, text_area, PACMAN_YELLOW), "READY! stays after the start"


def test_frightened_ghosts_are_blue_then_flash_white_and_eaten_ones_are_eyes(
    screen: Screen,
) -> None:
    surface, layout = screen
    world = playing_world()
    blinky = next(g for g in world.ghosts if g.name is GhostName.BLINKY)
    pinky = next(g for g in world.ghosts if g.name is GhostName.PINKY)
    for ghost in world.ghosts:
        ghost.frightened = True
    world.flash_frames = 5 * FLASH_STEPS
    world.frightened_left = 4.0  # long before the flashing part
    draw_world(surface, world, layout)
    assert pixel(surface, body_point(layout, blinky.x, blinky.y)) == FRIGHT_BLUE
    world.frightened_left = world.flash_frames / 60.0  # first step of the first flash: white
    draw_world(surface, world, layout)
    assert pixel(surface, body_point(layout, blinky.x, blinky.y)) == WHITE
    world.frightened_left = (world.flash_frames - FLASH_STEPS // 2) / 60.0  # second half of the flash: blue
    draw_world(surface, world, layout)
    assert pixel(surface, body_point(layout, blinky.x, blinky.y)) == FRIGHT_BLUE
    pinky.mode, pinky.frightened = GhostMode.EYES, False
    draw_world(surface, world, layout)
    assert pixel(surface, body_point(layout, pinky.x, pinky.y)) == BLACK, "eyes-only ghost has a body"


def test_death_hides_the_ghosts_and_game_over_is_written(screen: Screen) -> None:
    surface, layout = screen
    world = playing_world()
    blinky = world.ghosts[0]
    world.phase, world.phase_time = Phase.DYING, DEATH_FREEZE_S / 2
    draw_world(surface, world, layout)
    assert pixel(surface, body_point(layout, blinky.x, blinky.y)) == GHOST_COLORS[blinky.name]
    world.phase_time = DEATH_FREEZE_S + 0.1
    draw_world(surface, world, layout)
    assert pixel(surface, body_point(layout, blinky.x, blinky.y)) == BLACK
    world.phase, world.phase_time, world.lives = Phase.GAME_OVER, 0.0, 0
    draw_world(surface, world, layout)
    cx, cy = layout.tile_px(*MESSAGE_POS)
    assert region_has(surface, pygame.Rect(cx - 40 * SCALE, cy - 5 * SCALE, 80 * SCALE, 10 * SCALE), TEXT_RED)


def test_walls_flash_white_when_a_level_is_complete(screen: Screen) -> None:
    surface, layout = screen
    world: World = playing_world()
    rows, cols = np.nonzero(wall_mask(world.maze))
    px0, py0 = layout.playfield_origin
    wall_px = (px0 + int(cols[0]) * SCALE, py0 + int(rows[0]) * SCALE)
    draw_world(surface, world, layout)
    assert pixel(surface, wall_px) == WALL_BLUE
    world.phase, world.phase_time = Phase.LEVEL_COMPLETE, LEVEL_FLASH_DELAY_S + 0.01
    draw_world(surface, world, layout)
    assert pixel(surface, wall_px) == WHITE


def test_eaten_dots_disappear(screen: Screen) -> None:
    surface, layout = screen
    world = new_world(1)
    dot = next(t for t in world.edibles if t.row == 1 and t.col == 1)
    centre = layout.tile_px(dot.col + 0.5, dot.row + 0.5)
    draw_world(surface, world, layout)
    assert pixel(surface, centre) != BLACK
    world.edibles.discard(dot)
    draw_world(surface, world, layout)
    assert pixel(surface, centre) == BLACK


def test_wall_outline_is_mirror_symmetric_like_the_maze() -> None:
    mask = wall_mask(load_maze())
    assert mask.shape == (31 * TILE, 28 * TILE)
    assert mask.any()
    assert np.array_equal(mask, mask[:, ::-1])
