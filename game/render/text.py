"""Text as pre-rendered surfaces: fonts and rendered strings are cached, so a frame only blits.

Sizes are given in arcade pixels (the height of a capital) and multiplied by the scale; pygame's
default font is used, which is always available (no font files to ship or find).
"""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.render.palette import Color

#: pygame's default font draws capitals about 0.7 of its nominal size tall.
_CAP_HEIGHT_RATIO = 0.7


_forget_registered = False


def _forget_fonts() -> None:
    # A font (and a surface it rendered) must not outlive ``pygame.quit``: using it after pygame is
    # initialised again crashes the interpreter.
    global _forget_registered
    _forget_registered = False
    font.cache_clear()
    render.cache_clear()


def _forget_fonts_at_quit() -> None:
    # pygame calls a registered quit function once and then drops it, so register again for every
    # pygame session that caches a font (a second quit would otherwise keep fonts of a dead session).
    global _forget_registered
    if not _forget_registered:
        pygame.register_quit(_forget_fonts)
        _forget_registered = True


@lru_cache(maxsize=32)
def font(pixel_height: int) -> pygame.font.Font:
    """The default font sized so capitals are about ``pixel_height`` real pixels tall."""
    if not pygame.font.get_init():
        pygame.font.init()
    _forget_fonts_at_quit()
    return pygame.font.Font(None, max(8, round(pixel_height / _CAP_HEIGHT_RATIO)))


@lru_cache(maxsize=1024)
def render(text: str, pixel_height: int, color: Color) -> pygame.Surface:
    """``text`` rendered once and reused (score digits, labels, menu items).

    Drawn at twice the size and smoothly halved: at small sizes the default font's glyph advances
    are rounded to whole pixels, which spaced letters unevenly ("f ront", "key board").
    """
    big = font(2 * pixel_height).render(text, True, color)
    if big.get_width() < 2 or big.get_height() < 2:  # "" renders 0 pixels wide: nothing to scale
        return font(pixel_height).render(text, True, color)
    return pygame.transform.smoothscale(big, (big.get_width() // 2, big.get_height() // 2))


def blit_text(
    surface: pygame.Surface,
    text: str,
    pixel_height: int,
    color: Color,
    pos: tuple[int, int],
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw ``text`` with its rect's ``anchor`` (``topleft``, ``center``, ``topright``, ...) at ``pos``."""
    image = render(text, pixel_height, color)
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect

