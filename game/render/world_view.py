"""Draw a ``World`` the way the arcade showed it: maze, dots, fruit, ghosts, Pac-Man, popups and texts.

``draw_world`` only reads the world. Animations (chomping, wavy skirts, blinking energizers,
flashes) are derived from the world's own counters (``tick``, ``phase_time``, ``distance``), so a
paused game is a still picture and the same world always draws the same frame.
"""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.core import levels
from game.core.maze import Cell, Maze
from game.core.state import Ghost, GhostMode, Phase, World
from game.core.types import Tile
from game.render import sprites
from game.render.arcade_font import blit_arcade
from game.render.hud import draw_hud
from game.render.layout import TILE, ScreenLayout
from game.render.maze_art import flash_surface, maze_surface
from game.render.palette import BLACK, DOT, GHOST_COLORS, PACMAN_YELLOW, TEXT_CYAN, TEXT_PINK, TEXT_RED
from game.render.pixelart import disc_mask, enlarge, mask_surface
from game.render.text import blit_text

#: The death sequence (the rules own its length): a still picture, then the shrinking animation,
#: which ends a little before the phase does so the empty maze shows for a moment, as in the arcade.
DEATH_FREEZE_S = levels.DEATH_FREEZE_STEPS / levels.STEPS_PER_SECOND
DEATH_ANIMATION_S = levels.DEATH_ANIMATION_STEPS / levels.STEPS_PER_SECOND - 0.6
#: The level-complete freeze before the walls start flashing, and the length of one flash half.
LEVEL_FLASH_DELAY_S = 0.5
LEVEL_FLASH_HALF_S = 0.2
#: Ticks per energizer blink half and per ghost skirt frame.
ENERGIZER_BLINK_TICKS = 10
SKIRT_TICKS = 8
#: A frightened ghost's flash is white for half of its steps, then blue.
FLASH_HALF_STEPS = levels.FLASH_STEPS // 2
STEPS_PER_SECOND = levels.STEPS_PER_SECOND
#: Points a ghost can be worth; popups of these values are cyan, fruit points pink.
GHOST_POINT_VALUES = frozenset(levels.GHOST_POINTS)
#: Where READY! and GAME OVER are centred (playfield tiles: the row under the ghost house).
MESSAGE_POS = (14.0, 17.5)


@lru_cache(maxsize=4)
def _energizers(maze: Maze) -> frozenset[Tile]:
    return frozenset(maze.tiles_of(Cell.ENERGIZER))


@lru_cache(maxsize=8)
def _energizer_sprite(scale: int) -> pygame.Surface:
    return enlarge(mask_surface(disc_mask(8, 3.9), DOT), scale)


def draw_world(surface: pygame.Surface, world: World, layout: ScreenLayout, high_score: int = 0) -> None:
    """Draw the whole arcade screen (score lines, playfield, lives and fruit row) for ``world``."""
    arcade = layout.arcade_rect
    surface.fill(BLACK, arcade)
    previous_clip = surface.get_clip()
    surface.set_clip(arcade.clip(previous_clip) if previous_clip else arcade)
    try:
        _draw_walls(surface, world, layout)
        _draw_edibles(surface, world, layout)
        # Actors are clipped to the maze: in the side tunnel they slip out of sight behind its edge
        # (the tunnel runs on off-screen) and never show over the score rows or the side panel.
        surface.set_clip(_maze_rect(world, layout).clip(surface.get_clip()))
        _draw_fruit(surface, world, layout)
        _draw_ghosts(surface, world, layout)
        _draw_pacman(surface, world, layout)
        _draw_popups(surface, world, layout)
        surface.set_clip(arcade.clip(previous_clip) if previous_clip else arcade)
        _draw_message(surface, world, layout)
        draw_hud(surface, world, layout, max(high_score, world.score))
    finally:
        surface.set_clip(previous_clip)


def _maze_rect(world: World, layout: ScreenLayout) -> pygame.Rect:
    """The playfield in window pixels."""
    unit = TILE * layout.scale
    return pygame.Rect(layout.playfield_origin, (world.maze.width * unit, world.maze.height * unit))


def _walls_flash_white(world: World) -> bool:
    if world.phase is not Phase.LEVEL_COMPLETE or world.phase_time < LEVEL_FLASH_DELAY_S:
        return False
    return int((world.phase_time - LEVEL_FLASH_DELAY_S) / LEVEL_FLASH_HALF_S) % 2 == 0


def _draw_walls(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    walls = flash_surface(world.maze, layout.scale) if _walls_flash_white(world) else None
    if walls is None:
        walls = maze_surface(world.maze, layout.scale)
    surface.blit(walls, layout.playfield_origin)


def _draw_edibles(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    scale = layout.scale
    energizers = _energizers(world.maze)
    # Energizers blink while the game runs and stay lit during READY!, as in the arcade.
    blink_on = world.phase is not Phase.PLAYING or (world.tick // ENERGIZER_BLINK_TICKS) % 2 == 0
    energizer = _energizer_sprite(scale)
    px0, py0 = layout.playfield_origin
    unit = TILE * scale
    dot_size = 2 * scale
    dot_offset = 3 * scale
    fill = surface.fill
    for tile in world.edibles:
        x, y = px0 + tile.col * unit, py0 + tile.row * unit
        if tile in energizers:
            if blink_on:
                surface.blit(energizer, (x, y))
        else:
            fill(DOT, (x + dot_offset, y + dot_offset, dot_size, dot_size))


def _blit_centred(surface: pygame.Surface, image: pygame.Surface, centre: tuple[int, int]) -> None:
    width, height = image.get_size()
    surface.blit(image, (centre[0] - width // 2, centre[1] - height // 2))


def _draw_fruit(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    if world.fruit is not None and world.phase is not Phase.LEVEL_COMPLETE:
        image = sprites.fruit_sprite(layout.scale, world.fruit.name)
        _blit_centred(surface, image, layout.tile_px(world.fruit.x, world.fruit.y))


def _ghosts_visible(world: World) -> bool:
    if world.phase is Phase.DYING:
        return world.phase_time < DEATH_FREEZE_S
    if world.phase is Phase.LEVEL_COMPLETE:
        return world.phase_time < LEVEL_FLASH_DELAY_S
    return world.phase is not Phase.GAME_OVER


def _ghost_image(world: World, ghost: Ghost, scale: int) -> pygame.Surface:
    skirt = (world.tick // SKIRT_TICKS) % 2
    if ghost.mode in (GhostMode.EYES, GhostMode.ENTERING):
        return sprites.eyes_sprite(scale, ghost.direction)
    if ghost.frightened:
        return sprites.frightened_sprite(scale, _flash_white(world), skirt)
    return sprites.ghost_sprite(scale, GHOST_COLORS[ghost.name], ghost.direction, skirt)


def _flash_white(world: World) -> bool:
    """Whether frightened ghosts show white now: the last ``flash_frames`` steps alternate white/blue."""
    steps_left = round(world.frightened_left * STEPS_PER_SECOND)
    if world.flash_frames <= 0 or steps_left > world.flash_frames:
        return False
    return ((world.flash_frames - steps_left) // FLASH_HALF_STEPS) % 2 == 0


def _draw_ghosts(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    if not _ghosts_visible(world):
        return
    hidden = world.eaten_ghost if world.phase is Phase.GHOST_EATEN else None
    for ghost in world.ghosts:
        if ghost.name is hidden:
            continue
        _blit_centred(surface, _ghost_image(world, ghost, layout.scale), layout.tile_px(ghost.x, ghost.y))


def _draw_pacman(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    pac = world.pacman
    centre = layout.tile_px(pac.x, pac.y)
    if world.phase is Phase.GHOST_EATEN or world.phase is Phase.GAME_OVER:
        return  # his place is taken by the ghost's points, or the game is over
    if world.phase is Phase.DYING and world.phase_time >= DEATH_FREEZE_S:
        progress = (world.phase_time - DEATH_FREEZE_S) / DEATH_ANIMATION_S
        if progress < 1.0:
            frame = min(sprites.DEATH_FRAMES - 1, int(progress * sprites.DEATH_FRAMES))
            _blit_centred(surface, sprites.death_sprite(layout.scale, frame), centre)
        return
    # Two arcade pixels per chomp frame; a still Pac-Man keeps his last frame, as in the arcade.
    frame = int(pac.distance * TILE / 2) % len(sprites.MOUTH_FRAMES)
    if world.phase is Phase.READY and pac.distance == 0:
        frame = 0
    _blit_centred(surface, sprites.pacman_sprite(layout.scale, pac.direction, frame), centre)


def _draw_popups(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    for popup in world.popups:
        color = TEXT_CYAN if popup.points in GHOST_POINT_VALUES else TEXT_PINK
        centre = layout.tile_px(popup.x, popup.y)
        blit_text(surface, str(popup.points), 5 * layout.scale, color, centre, "center")


def _draw_message(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    if world.phase is Phase.READY:
        text, color = "READY!", PACMAN_YELLOW
    elif world.phase is Phase.GAME_OVER:
        text, color = "GAME  OVER", TEXT_RED
    else:
        return
    blit_arcade(surface, text, layout.scale, color, layout.tile_px(*MESSAGE_POS), "center")
