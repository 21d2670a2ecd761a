"""Small helpers that turn boolean masks and 1x pixel art into scaled pygame surfaces.

Everything in the arcade area is drawn as 1x pixel art first and enlarged with nearest-neighbour
scaling, which keeps the blocky arcade look at any integer scale and lets each sprite be built once.
"""

from __future__ import annotations

import numpy as np
import pygame

from game.render.palette import Color


def mask_surface(mask: np.ndarray, color: Color) -> pygame.Surface:
    """A per-pixel-alpha surface, ``color`` where ``mask`` (rows x cols) is True, transparent elsewhere."""
    height, width = mask.shape
    surface = pygame.Surface((width, height), pygame.SRCALPHA)
    surface.fill((*color, 0))
    pixels = pygame.surfarray.pixels3d(surface)
    alpha = pygame.surfarray.pixels_alpha(surface)
    pixels[mask.T] = color
    alpha[...] = np.where(mask.T, 255, 0).astype(np.uint8)
    del pixels, alpha  # release the surface lock
    return surface


def paint(surface: pygame.Surface, mask: np.ndarray, color: Color) -> None:
    """Set the pixels of a same-sized SRCALPHA surface to an opaque ``color`` where ``mask`` is True."""
    pixels = pygame.surfarray.pixels3d(surface)
    alpha = pygame.surfarray.pixels_alpha(surface)
    pixels[mask.T] = color
    alpha[mask.T] = 255
    del pixels, alpha


def rows_mask(rows: list[str] | tuple[str, ...], on: str = "#") -> np.ndarray:
    """A boolean mask from rows of characters, True where the character is ``on``."""
    return np.array([[ch == on for ch in row] for row in rows], dtype=bool)


def enlarge(surface: pygame.Surface, scale: int) -> pygame.Surface:
    """Nearest-neighbour enlargement by an integer factor (pixel art stays crisp)."""
    if scale == 1:
        return surface.copy()
    width, height = surface.get_size()
    return pygame.transform.scale(surface, (width * scale, height * scale))


def disc_mask(size: int, radius: float, cx: float | None = None, cy: float | None = None) -> np.ndarray:
    """Pixels of a ``size`` x ``size`` grid whose centres lie within ``radius`` of (cx, cy)."""
    cx = (size - 1) / 2 if cx is None else cx
    cy = (size - 1) / 2 if cy is None else cy
    ys, xs = np.mgrid[0:size, 0:size]
    return bool_array((xs - cx) ** 2 + (ys - cy) ** 2 <= radius**2)


def bool_array(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=bool)
