"""The arcade's blocky lettering: a 5x7 bitmap font widened to 7x7 with two-pixel side strokes.

Each character takes one 8x8 tile, as on the arcade screen, so text lines up with the maze's
grid ("HIGH SCORE" starts at tile column 9). Strings are rendered at 1x, enlarged with
nearest-neighbour scaling and cached per (text, colour, size). Lowercase is drawn as uppercase;
characters the font lacks are drawn as spaces.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pygame

from game.render.palette import Color
from game.render.pixelart import enlarge, mask_surface, rows_mask
from game.render.text import place

CELL = 8
GLYPH_H = 7

_GLYPHS_5X7: dict[str, tuple[str, ...]] = {
    "A": ("01110", "10001", "10001", "11111", "10001", "10001", "10001"),
    "B": ("11110", "10001", "10001", "11110", "10001", "10001", "11110"),
    "C": ("01110", "10001", "10000", "10000", "10000", "10001", "01110"),
    "D": ("11100", "10010", "10001", "10001", "10001", "10010", "11100"),
    "E": ("11111", "10000", "10000", "11110", "10000", "10000", "11111"),
    "F": ("11111", "10000", "10000", "11110", "10000", "10000", "10000"),
    "G": ("01110", "10001", "10000", "10111", "10001", "10001", "01111"),
    "H": ("10001", "10001", "10001", "11111", "10001", "10001", "10001"),
    "I": ("01110", "00100", "00100", "00100", "00100", "00100", "01110"),
    "J": ("00111", "00010", "00010", "00010", "00010", "10010", "01100"),
    "K": ("10001", "10010", "10100", "11000", "10100", "10010", "10001"),
    "L": ("10000", "10000", "10000", "10000", "10000", "10000", "11111"),
    "M": ("10001", "11011", "10101", "10101", "10001", "10001", "10001"),
    "N": ("10001", "10001", "11001", "10101", "10011", "10001", "10001"),
    "O": ("01110", "10001", "10001", "10001", "10001", "10001", "01110"),
    "P": ("11110", "10001", "10001", "11110", "10000", "10000", "10000"),
    "Q": ("01110", "10001", "10001", "10001", "10101", "10010", "01101"),
    "R": ("11110", "10001", "10001", "11110", "10100", "10010", "10001"),
    "S": ("01111", "10000", "10000", "01110", "00001", "00001", "11110"),
    "T": ("11111", "00100", "00100", "00100", "00100", "00100", "00100"),
    "U": ("10001", "10001", "10001", "10001", "10001", "10001", "01110"),
    "V": ("10001", "10001", "10001", "10001", "10001", "01010", "00100"),
    "W": ("10001", "10001", "10001", "10101", "10101", "10101", "01010"),
    "X": ("10001", "10001", "01010", "00100", "01010", "10001", "10001"),
    "Y": ("10001", "10001", "10001", "01010", "00100", "00100", "00100"),
    "Z": ("11111", "00001", "00010", "00100", "01000", "10000", "11111"),
    "!": ("00100", "00100", "00100", "00100", "00100", "00000", "00100"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
    "+": ("00000", "00100", "00100", "11111", "00100", "00100", "00000"),
    "/": ("00000", "00001", "00010", "00100", "01000", "10000", "00000"),
    '"': ("01010", "01010", "01010", "00000", "00000", "00000", "00000"),
    ".": ("00000", "00000", "00000", "00000", "00000", "01100", "01100"),
    ",": ("00000", "00000", "00000", "00000", "01100", "00100", "01000"),
    ":": ("00000", "01100", "01100", "00000", "01100", "01100", "00000"),
    " ": ("00000",) * 7,
}


def _widen(rows: tuple[str, ...]) -> np.ndarray:
    """5 columns to 7 by doubling the outer ones: the arcade's two-pixel side strokes."""
    grid = np.array([[ch == "1" for ch in row] for row in rows], dtype=bool)
    return grid[:, [0, 0, 1, 2, 3, 4, 4]]


#: The digits drawn at full 7-pixel width, closer to the arcade's than widened 5x7 ones.
_DIGITS_7X7: dict[str, tuple[str, ...]] = {
    "0": ("..###..", ".#...##", "##...##", "##...##", "##...##", ".##..#.", "..###.."),
    "1": ("...##..", "..###..", "...##..", "...##..", "...##..", "...##..", ".######"),
    "2": (".#####.", "##...##", ".....##", "...###.", ".####..", "###....", "#######"),
    "3": ("#######", "....##.", "...##..", "..####.", ".....##", "##...##", ".#####."),
    "4": ("...###.", "..####.", ".##.##.", "##..##.", "#######", "....##.", "....##."),
    "5": ("######.", "##.....", "######.", ".....##", ".....##", "##...##", ".#####."),
    "6": ("..####.", ".##....", "##.....", "######.", "##...##", "##...##", ".#####."),
    "7": ("#######", "##...##", "....##.", "...##..", "..##...", "..##...", "..##..."),
    "8": (".####..", "##...#.", "###..#.", ".####..", "#..####", "#....##", ".#####."),
    "9": (".#####.", "##...##", "##...##", ".######", ".....##", "....##.", ".####.."),
}

_GLYPHS = {ch: _widen(rows) for ch, rows in _GLYPHS_5X7.items()}
_GLYPHS.update({ch: rows_mask(rows) for ch, rows in _DIGITS_7X7.items()})


def text_mask(text: str) -> np.ndarray:
    """The 1x pixels of ``text``: 8 pixels per character, 7 rows."""
    mask = np.zeros((GLYPH_H, CELL * max(1, len(text))), dtype=bool)
    for i, ch in enumerate(text.upper()):
        mask[:, i * CELL : i * CELL + 7] = _GLYPHS.get(ch, _GLYPHS[" "])
    return mask


@lru_cache(maxsize=512)
def arcade_text(text: str, size: int, color: Color) -> pygame.Surface:
    """``text`` in the arcade font, each 1x pixel ``size`` real pixels wide."""
    return enlarge(mask_surface(text_mask(text), color), size)


def blit_arcade(
    surface: pygame.Surface,
    text: str,
    size: int,
    color: Color,
    pos: tuple[int, int],
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw ``text`` with its rect's ``anchor`` (``topleft``, ``center``, ``topright``, ...) at ``pos``."""
    return place(surface, arcade_text(text, size, color), pos, anchor)
