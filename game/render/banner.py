"""Messages laid over the maze: PAUSED, a paused-by-the-panel reason, hints. Cached per text and scale."""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.render.layout import ARCADE_W, ScreenLayout
from game.render.palette import BLACK, WHITE, Color
from game.render.text import render

#: Where banners sit on the arcade screen (arcade pixels from its top): over the maze's middle.
BANNER_Y = 136
#: Arcade pixels from one banner row to the next (``row_offset`` in steps of it stacks banners).
ROW = 28
#: READY! and GAME OVER are drawn in the maze one ``ROW`` below ``BANNER_Y`` (playfield row 17.5,
#: ``world_view.MESSAGE_POS``): no banner goes there. A message that stays up while the game
#: runs (the side panel's) sits in the row below them, clear of both.
BELOW_READY = 2 * ROW


@lru_cache(maxsize=64)
def _banner_image(text: str, scale: int, color: Color) -> pygame.Surface:
    label = render(text, 6 * scale, color)
    width = min(ARCADE_W * scale - 8 * scale, label.get_width() + 12 * scale)
    height = label.get_height() + 8 * scale
    box = pygame.Surface((width, height), pygame.SRCALPHA)
    box.fill((*BLACK, 200))
    pygame.draw.rect(box, (*color, 255), box.get_rect(), max(1, scale // 2 + 1))
    box.blit(label, label.get_rect(center=box.get_rect().center))
    return box


def draw_banner(
    surface: pygame.Surface, layout: ScreenLayout, text: str, color: Color = WHITE, row_offset: int = 0
) -> None:
    """A framed, translucent message centred on the arcade screen; ``row_offset`` stacks several."""
    image = _banner_image(text, layout.scale, color)
    arcade = layout.arcade_rect
    centre = (arcade.centerx, arcade.y + (BANNER_Y + row_offset) * layout.scale)
    surface.blit(image, image.get_rect(center=centre))
