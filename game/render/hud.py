"""The arcade's score lines: 1UP and score, HIGH SCORE on top; lives and the level's fruit at the bottom."""

from __future__ import annotations

import pygame

from game.core.levels import level_params
from game.core.state import Phase, World
from game.core.types import Direction
from game.render import sprites
from game.render.arcade_font import blit_arcade
from game.render.layout import ScreenLayout
from game.render.palette import WHITE

#: Fruit shown in the bottom-right row: the current level's and up to six before it.
FRUIT_ROW_LENGTH = 7
#: Ticks per blink half of the "1UP" label while playing.
ONE_UP_BLINK_TICKS = 16
#: Screen rows of the bottom line (lives and fruit).
BOTTOM_ROW = 34


def draw_hud(surface: pygame.Surface, world: World, layout: ScreenLayout, high_score: int) -> None:
    size = layout.scale
    blink_off = world.phase is Phase.PLAYING and (world.tick // ONE_UP_BLINK_TICKS) % 2 == 1
    if not blink_off:
        blit_arcade(surface, "1UP", size, WHITE, layout.screen_row_px(3, 0))
    blit_arcade(surface, "HIGH SCORE", size, WHITE, layout.screen_row_px(9, 0))
    blit_arcade(surface, _score_text(world.score), size, WHITE, layout.screen_row_px(7, 1), "topright")
    if high_score > 0:
        blit_arcade(surface, _score_text(high_score), size, WHITE, layout.screen_row_px(17, 1), "topright")
    _draw_lives(surface, world, layout)
    _draw_fruit_row(surface, world, layout)


def _score_text(score: int) -> str:
    # The arcade never shows a lone 0: an empty score reads "00".
    return f"{score:02d}"


def _draw_lives(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    icon = sprites.pacman_sprite(layout.scale, Direction.LEFT, 1)
    reserve = max(0, world.lives - 1) if world.phase is not Phase.GAME_OVER else 0
    for i in range(min(reserve, 5)):
        x, y = layout.screen_row_px(2 + 2 * i, BOTTOM_ROW)
        surface.blit(icon, (x, y))


def _draw_fruit_row(surface: pygame.Surface, world: World, layout: ScreenLayout) -> None:
    first = max(1, world.level - FRUIT_ROW_LENGTH + 1)
    for i, level in enumerate(range(world.level, first - 1, -1)):
        name = level_params(level).fruit.name
        x, y = layout.screen_row_px(24 - 2 * i, BOTTOM_ROW)
        surface.blit(sprites.fruit_sprite(layout.scale, name), (x, y))
