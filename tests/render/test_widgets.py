"""The shared widgets draw what their arguments say: bar lengths follow the probabilities, the top
class is highlighted, matrix cells are coloured by their share of the row, buttons click only
when enabled."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.render import palette, widgets


@pytest.fixture(scope="module")
def font() -> pygame.font.Font:
    pygame.font.init()
    return pygame.font.Font(None, 24)


def _row_colors(surface: pygame.Surface, y: int, x0: int, x1: int) -> list[tuple[int, int, int]]:
    return [tuple(surface.get_at((x, y)))[:3] for x in range(x0, x1)]  # type: ignore[misc]


def test_confidence_bars_length_follows_probability_and_top_is_highlighted(font: pygame.font.Font) -> None:
    surface = pygame.Surface((400, 200))
    rect = pygame.Rect(0, 0, 400, 200)
    probs = {"up": 0.8, "down": 0.2, "left": 0.0, "right": 0.0}
    widgets.draw_confidence_bars(surface, rect, probs, "up", font, order=["up", "down", "left", "right"])
    row_h = 50
    up = _row_colors(surface, row_h // 2, 0, 400)
    down = _row_colors(surface, row_h + row_h // 2, 0, 400)
    left = _row_colors(surface, 2 * row_h + row_h // 2, 0, 400)
    assert up.count(palette.ACCENT) > 3 * down.count(palette.BAR_FG) > 0
    assert palette.ACCENT not in down
    assert palette.BAR_FG not in left


def test_confidence_bars_accept_missing_classes_and_empty_input(font: pygame.font.Font) -> None:
    background = (1, 2, 3)
    rect = pygame.Rect(40, 30, 300, 100)
    outside = np.ones((380, 160), dtype=bool)  # x, y, as pygame.surfarray indexes
    outside[rect.left : rect.right, rect.top : rect.bottom] = False

    def drawn(probs: dict[str, float], top: str | None, order: list[str] | None) -> np.ndarray:
        surface = pygame.Surface((380, 160))
        surface.fill(background)
        widgets.draw_confidence_bars(surface, rect, probs, top, font, order=order)
        return pygame.surfarray.array3d(surface)

    # No classes: nothing to draw, and nothing is drawn.
    assert (drawn({}, None, None) == background).all()
    # A probability above 1 is drawn as 1, inside the rectangle; a class missing from probs as 0.
    over = drawn({"up": 1.5}, "idle", ["up", "idle"])
    assert (over[outside] == background).all(), "drawn outside the rectangle"
    up_row = over[rect.left : rect.right, rect.top + rect.height // 4]
    assert (up_row == palette.BAR_FG).all(axis=1).any(), "the up bar is drawn"
    same = drawn({"up": 1.0, "idle": 0.0}, "idle", ["up", "idle"])
    assert (over == same).all(), "not drawn as up 100%, idle 0%"


def test_progress_bar_fill_matches_fraction() -> None:
    surface = pygame.Surface((200, 20))
    widgets.draw_progress_bar(surface, pygame.Rect(0, 0, 200, 20), 0.25)
    filled = _row_colors(surface, 10, 0, 200).count(palette.BAR_FG)
    assert abs(filled - 50) <= 2


def test_confusion_matrix_colours_cells_by_row_share(font: pygame.font.Font) -> None:
    surface = pygame.Surface((400, 400))
    widgets.draw_confusion_matrix(surface, surface.get_rect(), [[9, 1], [0, 3]], ["up", "down"], font)
    # The diagonal cells are the brightest (whole or most of their row); off-diagonal with 0 dark.
    label_w = max(font.size(n)[0] for n in ("up", "down")) + font.get_height() // 2
    head_h = font.get_height() * 2 + 4
    cell = min((400 - label_w) // 2, (400 - head_h) // 2)

    def corner(i: int, j: int) -> tuple[int, int, int]:
        return tuple(surface.get_at((label_w + cell * j + 4, head_h + cell * i + 4)))[:3]  # type: ignore[return-value]

    assert sum(corner(0, 0)) > sum(corner(0, 1)) > sum(corner(1, 0))
    assert corner(1, 1) == palette.GOOD or sum(corner(1, 1)) > sum(corner(0, 1))


def test_confusion_matrix_headers_are_names_or_initials_never_cut(font: pygame.font.Font) -> None:
    classes = ["up", "down", "left", "right", "idle"]
    wide = max(font.size(name)[0] for name in classes)
    assert widgets.column_headers(font, classes, wide) == classes
    # Too narrow for "right": every column gets its initial, not "ri…" beside "up".
    assert widgets.column_headers(font, classes, wide - 1) == ["U", "D", "L", "R", "I"]
    # Initials that would not tell two classes apart: the names, shortened.
    narrow = font.size("left")[0] - 1
    shortened = widgets.column_headers(font, ["left", "lower"], narrow)
    assert all(h.endswith("…") and font.size(h)[0] <= narrow for h in shortened)


def test_a_button_label_too_wide_drops_its_key_hint_before_cutting_words(font: pygame.font.Font) -> None:
    label = "Idle: off [O]"
    assert widgets.button_label(font, label, font.size(label)[0]) == label
    assert widgets.button_label(font, label, font.size(label)[0] - 1) == "Idle: off"
    cut = widgets.button_label(font, label, font.size("Idle: off")[0] - 1)
    assert cut.endswith("…") and "[" not in cut
    assert widgets.button_label(font, "x", 1) == "x"


def test_button_clicks_only_when_enabled_and_released_inside() -> None:
    button = widgets.Button(pygame.Rect(10, 10, 100, 40), "Train")
    down = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(20, 20))
    up_inside = pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(30, 30))
    up_outside = pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(300, 300))
    assert not button.handle_event(down) and button.held
    assert button.state is widgets.ButtonState.PRESSED
    assert button.handle_event(up_inside) and not button.held
    button.handle_event(down)
    assert not button.handle_event(up_outside)
    button.enabled = False
    button.handle_event(down)
    assert not button.held and not button.handle_event(up_inside)
    assert button.state is widgets.ButtonState.DISABLED


def test_disabled_button_draws_its_reason(font: pygame.font.Font) -> None:
    small = pygame.font.Font(None, 16)
    with_reason = pygame.Surface((200, 60))
    without = pygame.Surface((200, 60))
    widgets.Button(pygame.Rect(0, 0, 200, 60), "Train", enabled=False, reason="up needs 3 more").draw(
        with_reason, font, small
    )
    widgets.Button(pygame.Rect(0, 0, 200, 60), "Train", enabled=False).draw(without, font, small)
    red = [
        (x, y) for x in range(200) for y in range(60) if tuple(with_reason.get_at((x, y)))[:3] == palette.BAD
    ]
    assert red, "the reason text is drawn in the warning colour"
    assert all(tuple(without.get_at(p))[:3] != palette.BAD for p in red)


def test_line_chart_draws_each_series_colour(font: pygame.font.Font) -> None:
    surface = pygame.Surface((300, 150))
    loss = widgets.Series("loss", [1.4, 0.9, 0.5], (230, 90, 90))
    acc = widgets.Series("val acc", [0.3, 0.6, 0.9], (80, 200, 120), 0.0, 1.0)
    widgets.draw_line_chart(surface, surface.get_rect(), [loss, acc], font, x_count=10)
    pixels = {tuple(surface.get_at((x, y)))[:3] for x in range(300) for y in range(150)}
    assert loss.color in pixels and acc.color in pixels
