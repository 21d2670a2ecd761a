"""The arcade bitmap font: one tile per character, every character distinct, unknown ones blank."""

from __future__ import annotations

import numpy as np

from game.render.arcade_font import CELL, GLYPH_H, text_mask

CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!-+/".,:'


def test_each_character_takes_one_tile_and_leaves_a_gap_column() -> None:
    mask = text_mask("HIGH SCORE")
    assert mask.shape == (GLYPH_H, 10 * CELL)
    assert not mask[:, CELL - 1 :: CELL].any(), "the eighth column of every cell is spacing"


def test_every_character_has_its_own_shape() -> None:
    shapes = {text_mask(ch).tobytes() for ch in CHARACTERS}
    assert len(shapes) == len(CHARACTERS)
    assert all(text_mask(ch).any() for ch in CHARACTERS)


def test_lowercase_reads_as_uppercase_and_unknown_characters_are_blank() -> None:
    assert np.array_equal(text_mask("ready!"), text_mask("READY!"))
    assert not text_mask("~").any()
    assert not text_mask(" ").any()
