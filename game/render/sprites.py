"""Pac-Man, the ghosts and the fruit as 1x pixel art, enlarged and cached per scale.

Every sprite is built on first use from a few lines of geometry or a character bitmap, so the
game ships no image files. Sprites are 16x16 arcade pixels and are drawn centred on an actor.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pygame

from game.core.types import Direction
from game.render.palette import (
    BLACK,
    EYE_BLUE,
    FLASH_FACE,
    FRIGHT_BLUE,
    FRIGHT_FACE,
    FRUIT_BLUE,
    FRUIT_CYAN,
    FRUIT_GREEN,
    FRUIT_ORANGE,
    FRUIT_PEACH_CREASE,
    FRUIT_RED,
    FRUIT_STEM,
    FRUIT_YELLOW,
    PACMAN_YELLOW,
    WHITE,
    Color,
)
from game.render.pixelart import disc_mask, enlarge, paint, rows_mask

SPRITE = 16
#: Mouth half-angles (degrees) of the four chomp frames: closed, half open, open, half open.
MOUTH_FRAMES = (0.0, 28.0, 55.0, 28.0)
DEATH_FRAMES = 12

_GHOST_BODY = (
    ".....####.....",
    "...########...",
    "..##########..",
    ".############.",
    ".############.",
    ".############.",
    "##############",
    "##############",
    "##############",
    "##############",
    "##############",
    "##############",
)
_GHOST_SKIRTS = (
    ("##.###..###.##", "#...##..##...#"),
    ("####.####.####", ".##...##...##."),
)
#: Top-left of the two eye whites (in the 14x14 ghost grid) and the pupil offset inside them.
_EYES: dict[Direction | None, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    None: ((2, 3), (8, 3), (1, 2)),
    Direction.LEFT: ((1, 3), (7, 3), (0, 2)),
    Direction.RIGHT: ((3, 3), (9, 3), (2, 2)),
    Direction.UP: ((2, 1), (8, 1), (1, 0)),
    Direction.DOWN: ((2, 4), (8, 4), (1, 3)),
}
_EYE_WHITE = (".##.", "####", "####", "####", ".##.")


def _canvas() -> pygame.Surface:
    surface = pygame.Surface((SPRITE, SPRITE), pygame.SRCALPHA)
    surface.fill((*BLACK, 0))
    return surface


def _finish(small: pygame.Surface, scale: int) -> pygame.Surface:
    big = enlarge(small, scale)
    return big.convert_alpha() if pygame.display.get_surface() is not None else big


def _angle_to(direction: Direction) -> float:
    return math.atan2(direction.dy, direction.dx)


def pacman_mask(direction: Direction, mouth_deg: float) -> np.ndarray:
    """Pac-Man's 16x16 pixels: a 13-pixel disc less a wedge of ``mouth_deg`` either side of ``direction``."""
    body = disc_mask(SPRITE, 6.6, 7.5, 7.5)
    if mouth_deg <= 0:
        return body
    ys, xs = np.mgrid[0:SPRITE, 0:SPRITE]
    angles = np.arctan2(ys - 7.5, xs - 7.5)
    diff = np.abs((angles - _angle_to(direction) + math.pi) % (2 * math.pi) - math.pi)
    return body & ~(diff <= math.radians(mouth_deg))


@lru_cache(maxsize=64)
def pacman_sprite(scale: int, direction: Direction, frame: int) -> pygame.Surface:
    small = _canvas()
    paint(small, pacman_mask(direction, MOUTH_FRAMES[frame % len(MOUTH_FRAMES)]), PACMAN_YELLOW)
    return _finish(small, scale)


@lru_cache(maxsize=32)
def death_sprite(scale: int, frame: int) -> pygame.Surface:
    """Frame ``frame`` of the death animation: the mouth opens upwards until he vanishes, then a pop."""
    small = _canvas()
    if frame < DEATH_FRAMES - 2:
        mouth = 180.0 * (frame + 1) / (DEATH_FRAMES - 2)
        if mouth < 179.0:
            paint(small, pacman_mask(Direction.UP, mouth), PACMAN_YELLOW)
    else:
        # The little starburst the arcade shows as he disappears.
        radius = 3 if frame == DEATH_FRAMES - 2 else 6
        for k in range(8):
            angle = k * math.pi / 4
            inner = (7.5 + math.cos(angle) * (radius - 2), 7.5 + math.sin(angle) * (radius - 2))
            outer = (7.5 + math.cos(angle) * radius, 7.5 + math.sin(angle) * radius)
            pygame.draw.line(small, (*PACMAN_YELLOW, 255), inner, outer)
    return _finish(small, scale)


def _ghost_grid(skirt: int) -> np.ndarray:
    return rows_mask(_GHOST_BODY + _GHOST_SKIRTS[skirt % 2])


def _place(grid14: np.ndarray) -> np.ndarray:
    """Put a 14x14 grid in the middle of a 16x16 sprite."""
    mask = np.zeros((SPRITE, SPRITE), dtype=bool)
    mask[1:15, 1:15] = grid14
    return mask


def _eyes_masks(direction: Direction | None) -> tuple[np.ndarray, np.ndarray]:
    whites = np.zeros((14, 14), dtype=bool)
    pupils = np.zeros((14, 14), dtype=bool)
    white_shape = rows_mask(_EYE_WHITE)
    left, right, (px, py) = _EYES[direction]
    for x, y in (left, right):
        whites[y : y + 5, x : x + 4] |= white_shape
        pupils[y + py : y + py + 2, x + px : x + px + 2] = True
    return _place(whites & ~pupils), _place(pupils)


@lru_cache(maxsize=64)
def ghost_sprite(scale: int, color: Color, direction: Direction | None, skirt: int) -> pygame.Surface:
    small = _canvas()
    paint(small, _place(_ghost_grid(skirt)), color)
    whites, pupils = _eyes_masks(direction)
    paint(small, whites, WHITE)
    paint(small, pupils, EYE_BLUE)
    return _finish(small, scale)


@lru_cache(maxsize=16)
def eyes_sprite(scale: int, direction: Direction | None) -> pygame.Surface:
    """An eaten ghost: only its eyes travel back to the house."""
    small = _canvas()
    whites, pupils = _eyes_masks(direction)
    paint(small, whites, WHITE)
    paint(small, pupils, EYE_BLUE)
    return _finish(small, scale)


@lru_cache(maxsize=8)
def frightened_sprite(scale: int, flash: bool, skirt: int) -> pygame.Surface:
    """A frightened ghost: blue with a peach face, or white with a red face during the flashes."""
    body, face = (WHITE, FLASH_FACE) if flash else (FRIGHT_BLUE, FRIGHT_FACE)
    small = _canvas()
    paint(small, _place(_ghost_grid(skirt)), body)
    features = np.zeros((14, 14), dtype=bool)
    features[5:7, 4:6] = True
    features[5:7, 8:10] = True
    for x in range(1, 13):
        # A zig-zag mouth: two pixels up, two pixels down.
        features[9 if (x + 1) // 2 % 2 == 0 else 10, x] = True
    paint(small, _place(features), face)
    return _finish(small, scale)


# -- fruit -------------------------------------------------------------------------------------

_RED = (*FRUIT_RED, 255)
_GREEN = (*FRUIT_GREEN, 255)
_STEM = (*FRUIT_STEM, 255)
_WHITE_A = (*WHITE, 255)
_ORANGE = (*FRUIT_ORANGE, 255)
_YELLOW = (*FRUIT_YELLOW, 255)
_CYAN = (*FRUIT_CYAN, 255)
_BLUE = (*FRUIT_BLUE, 255)
_CLEAR = (*BLACK, 0)


def _cherry(s: pygame.Surface) -> None:
    pygame.draw.line(s, _STEM, (12, 2), (5, 9))
    pygame.draw.line(s, _STEM, (12, 2), (10, 10))
    pygame.draw.line(s, _STEM, (11, 2), (13, 2))
    pygame.draw.circle(s, _RED, (4, 11), 3)
    pygame.draw.circle(s, _RED, (10, 12), 3)
    s.set_at((3, 10), _WHITE_A)
    s.set_at((9, 11), _WHITE_A)


def _strawberry(s: pygame.Surface) -> None:
    pygame.draw.polygon(s, _RED, [(2, 5), (13, 5), (12, 10), (8, 14), (7, 14), (3, 10)])
    for x, y in ((4, 7), (7, 6), (10, 7), (6, 9), (9, 10), (5, 11), (8, 12), (11, 8)):
        s.set_at((x, y), _WHITE_A)
    pygame.draw.line(s, _GREEN, (4, 4), (11, 4))
    pygame.draw.line(s, _GREEN, (7, 2), (8, 4))


def _peach(s: pygame.Surface) -> None:
    pygame.draw.circle(s, _ORANGE, (8, 9), 6)
    pygame.draw.line(s, (*FRUIT_PEACH_CREASE, 255), (8, 4), (8, 13))
    pygame.draw.line(s, _GREEN, (8, 3), (12, 1))
    pygame.draw.line(s, _GREEN, (9, 3), (12, 2))


def _apple(s: pygame.Surface) -> None:
    pygame.draw.circle(s, _RED, (8, 9), 6)
    pygame.draw.line(s, _STEM, (8, 4), (9, 1))
    pygame.draw.line(s, _GREEN, (9, 3), (12, 2))
    s.set_at((5, 7), _WHITE_A)
    s.set_at((5, 8), _WHITE_A)


def _grapes(s: pygame.Surface) -> None:
    for x, y in ((5, 6), (8, 6), (11, 6), (6, 9), (9, 9), (7, 12), (10, 12), (4, 9), (12, 9)):
        pygame.draw.circle(s, _GREEN, (x, y), 2)
    pygame.draw.line(s, _STEM, (8, 1), (8, 4))


def _galaxian(s: pygame.Surface) -> None:
    pygame.draw.polygon(s, _BLUE, [(1, 4), (7, 9), (1, 11)])
    pygame.draw.polygon(s, _BLUE, [(14, 4), (8, 9), (14, 11)])
    pygame.draw.polygon(s, _YELLOW, [(7, 3), (8, 3), (10, 10), (8, 14), (7, 14), (5, 10)])
    pygame.draw.rect(s, _RED, (6, 4, 4, 3))


def _bell(s: pygame.Surface) -> None:
    pygame.draw.polygon(s, _YELLOW, [(6, 2), (9, 2), (12, 7), (13, 12), (2, 12), (3, 7)])
    pygame.draw.line(s, _WHITE_A, (5, 5), (4, 10))
    pygame.draw.rect(s, _CYAN, (6, 12, 4, 2))


def _key(s: pygame.Surface) -> None:
    pygame.draw.rect(s, _CYAN, (4, 1, 8, 5), border_radius=2)
    pygame.draw.rect(s, _CLEAR, (6, 2, 4, 2))
    pygame.draw.line(s, _WHITE_A, (8, 6), (8, 14))
    pygame.draw.line(s, _WHITE_A, (8, 10), (10, 10))
    pygame.draw.line(s, _WHITE_A, (8, 13), (10, 13))


_FRUIT_DRAWERS = {
    "cherry": _cherry,
    "strawberry": _strawberry,
    "peach": _peach,
    "orange": _peach,
    "apple": _apple,
    "grapes": _grapes,
    "melon": _grapes,
    "galaxian": _galaxian,
    "bell": _bell,
    "key": _key,
}


@lru_cache(maxsize=32)
def fruit_sprite(scale: int, name: str) -> pygame.Surface:
    """A fruit by its rules name (cherry, strawberry, ..., key); unknown names draw as a cherry."""
    small = _canvas()
    _FRUIT_DRAWERS.get(name, _cherry)(small)
    return _finish(small, scale)
