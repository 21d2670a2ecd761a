"""The text cache forgets its fonts at every ``pygame.quit``; small text is drawn at a legible size."""

from __future__ import annotations

import pygame
import pytest

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


WHITE = (255, 255, 255)


def test_text_too_small_to_read_is_drawn_at_the_smallest_legible_size() -> None:
    """The side panels' 5-pixel lines at scale 1 were 5 pixels tall, smudged past reading."""
    pygame.init()
    try:
        legible = text.render("Lives", 8, WHITE)
        for size in (5, 6, 7):
            assert text.render("Lives", size, WHITE).get_size() == legible.get_size()
    finally:
        pygame.quit()


def test_text_at_scale_2_and_above_is_drawn_as_asked() -> None:
    """The smallest size the game asks for at scale 2 (5 x 2) is drawn as before: twice the size, halved."""
    pygame.init()
    try:
        for size in (10, 12, 15):
            drawn = text.render("Level", size, WHITE)
            big = text.font(2 * size).render("Level", True, WHITE)
            expected = pygame.transform.smoothscale(big, (big.get_width() // 2, big.get_height() // 2))
            assert drawn.get_size() == expected.get_size()
            assert pygame.image.tobytes(drawn, "RGBA") == pygame.image.tobytes(expected, "RGBA")
    finally:
        pygame.quit()


MESSAGE = (
    "Calibration could not start: [Errno 13] Permission denied: "
    "'/home/player/.local/share/gesture-pacman/profiles/default'"
)


@pytest.mark.parametrize(("pixel_height", "width", "max_lines"), [(5, 208, 2), (10, 416, 3), (15, 624, 3)])
def test_wrapped_lines_fit_the_width_in_at_most_so_many_lines(
    pixel_height: int, width: int, max_lines: int
) -> None:
    pygame.init()
    try:
        lines = text.wrap_lines(MESSAGE, pixel_height, width, max_lines)
        assert 1 <= len(lines) <= max_lines
        assert all(text.render(line, pixel_height, WHITE).get_width() <= width for line in lines)
        assert lines[0].startswith("Calibration could not start")
        assert lines[-1].endswith("default'"), "a long path keeps its end"
    finally:
        pygame.quit()


def test_a_path_too_long_for_the_lines_loses_its_middle() -> None:
    pygame.init()
    try:
        lines = text.wrap_lines(MESSAGE, 8, 208, 2)
        joined = " ".join(lines)
        assert "…" in joined and "'/home/" in joined and "profiles/default'" in joined
        assert text.wrap_lines("Calibration is not available in this build", 8, 208, 2) == (
            "Calibration is not available in this build",
        )
    finally:
        pygame.quit()


def test_text_with_no_path_to_shorten_ends_its_last_line_with_an_ellipsis() -> None:
    pygame.init()
    try:
        lines = text.wrap_lines("word " * 60, 8, 100, 2)
        assert len(lines) == 2 and lines[-1].endswith("…")
        assert text.render(lines[-1], 8, WHITE).get_width() <= 100
    finally:
        pygame.quit()
