"""The text cache forgets its fonts at every ``pygame.quit``, not only the first one."""

from __future__ import annotations

import pygame

from game.render import text


def test_fonts_are_forgotten_at_every_quit() -> None:
    for _ in range(3):
        pygame.init()
        text.render("SCORE", 8, (255, 255, 255))
        assert text.font.cache_info().currsize > 0
        pygame.quit()
        # A cached font outliving its pygame session crashes the interpreter when used again.
        assert text.font.cache_info().currsize == 0
        assert text.render.cache_info().currsize == 0
