"""Where things go on the window: the 224x288 arcade screen on the left, a 160-pixel side panel on the right.

All sizes here are in logical (arcade) pixels; ``ScreenLayout`` multiplies them by the integer
scale and offsets them so the whole picture is centred in the window (full screen included).
``fit_scale`` picks the scale for a window the player (or a tiling window manager) resized.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

TILE = 8
ARCADE_W, ARCADE_H = 224, 288
PANEL_W = 160
LOGICAL_W, LOGICAL_H = ARCADE_W + PANEL_W, ARCADE_H
#: Screen rows above the playfield (score lines); the playfield's row 0 is screen row 3.
TOP_ROWS = 3
PLAYFIELD_COLS, PLAYFIELD_ROWS = 28, 31
#: The largest integer scale the game draws at (3072x2304 pixels).
MAX_SCALE = 8


def window_size(scale: int) -> tuple[int, int]:
    """The window's size in real pixels at an integer ``scale``."""
    return LOGICAL_W * scale, LOGICAL_H * scale


def largest_scale(screen_w: int, screen_h: int, margin: int = 80) -> int:
    """The largest integer scale whose window fits a screen, leaving ``margin`` pixels for title bars."""
    return max(1, min((screen_w - margin) // LOGICAL_W, (screen_h - margin) // LOGICAL_H))


def fits(window_w: int, window_h: int, scale: int) -> bool:
    """True when the whole picture at ``scale`` fits in a window of this size."""
    width, height = window_size(scale)
    return width <= window_w and height <= window_h


def fit_scale(window_w: int, window_h: int) -> int:
    """The largest integer scale (1 to ``MAX_SCALE``) whose picture fits a window of this size; 1 when
    even that does not fit (the caller then has to shrink the picture itself)."""
    return min(MAX_SCALE, largest_scale(window_w, window_h, margin=0))


def shrunk_rect(window_w: int, window_h: int) -> pygame.Rect:
    """Where the 1x picture goes, shrunk to keep its shape, centred in a window too small for it."""
    factor = min(window_w / LOGICAL_W, window_h / LOGICAL_H)
    width, height = max(1, round(LOGICAL_W * factor)), max(1, round(LOGICAL_H * factor))
    return pygame.Rect((window_w - width) // 2, (window_h - height) // 2, width, height)


@dataclass(frozen=True)
class ScreenLayout:
    """The arcade screen and side panel placed on a window of a given size at an integer scale."""

    scale: int
    window_w: int
    window_h: int

    @classmethod
    def for_surface(cls, surface: pygame.Surface, scale: int) -> ScreenLayout:
        return cls(scale, surface.get_width(), surface.get_height())

    @property
    def origin(self) -> tuple[int, int]:
        """Top-left of the arcade screen in window pixels (the picture is centred)."""
        return (
            max(0, (self.window_w - LOGICAL_W * self.scale) // 2),
            max(0, (self.window_h - LOGICAL_H * self.scale) // 2),
        )

    @property
    def arcade_rect(self) -> pygame.Rect:
        ox, oy = self.origin
        return pygame.Rect(ox, oy, ARCADE_W * self.scale, ARCADE_H * self.scale)

    @property
    def panel_rect(self) -> pygame.Rect:
        ox, oy = self.origin
        return pygame.Rect(ox + ARCADE_W * self.scale, oy, PANEL_W * self.scale, ARCADE_H * self.scale)

    @property
    def playfield_origin(self) -> tuple[int, int]:
        """Window pixel of the playfield's top-left corner (tile (0, 0))."""
        ox, oy = self.origin
        return ox, oy + TOP_ROWS * TILE * self.scale

    def tile_px(self, x: float, y: float) -> tuple[int, int]:
        """Window pixel of a playfield position given in tiles (an actor's centre)."""
        px, py = self.playfield_origin
        unit = TILE * self.scale
        return px + round(x * unit), py + round(y * unit)

    def screen_row_px(self, col: float, row: float) -> tuple[int, int]:
        """Window pixel of a screen position in tiles, counting rows from the very top (score rows)."""
        ox, oy = self.origin
        unit = TILE * self.scale
        return ox + round(col * unit), oy + round(row * unit)
