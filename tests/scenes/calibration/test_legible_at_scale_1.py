"""Calibration's own text is as legible at ``--scale 1`` as the side panels' and still fits its boxes.

At scale 1 the view's small font was pygame's size 9: capitals 6 pixels tall, the grey smudge the
side panels' text was lifted out of (``game.render.text.MIN_PIXEL_HEIGHT``). The view draws the real
scene here (no camera, MobileNet never loading), in several states, and every piece of text it
draws is checked: drawn in a font at least as tall as the panels' smallest text, inside the screen
and the box it belongs to, and clear of every other piece of text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame
import pytest
from calibration_support import Calibration, open_calibration

from game.render import text as text_module
from game.render import widgets
from game.scenes.calibration import view as view_module
from game.vision.backbone_loader import LoadState

#: Every class with samples but one, and a count of three digits.
COUNTS = {"up": 100, "down": 3, "right": 12}


@dataclass(frozen=True)
class Drawn:
    text: str
    #: Where its letters' pixels are.
    rect: pygame.Rect
    font_height: int


def smallest_legible_height() -> int:
    """How tall the side panels' smallest text is drawn (the panels ask for 5 pixels at scale 1)."""
    return text_module.render("Lives", 5, (255, 255, 255)).get_height()


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Drawn]:
    """Every string the calibration view and its widgets draw, with where and in what font."""
    seen: list[Drawn] = []
    real = text_module.blit_with_font

    def spy(
        surface: pygame.Surface, font: pygame.font.Font, text: str, *args: object, **kw: object
    ) -> pygame.Rect:
        rect = real(surface, font, text, *args, **kw)  # type: ignore[arg-type]
        if text.strip():
            # The letters' own pixels: a line's box has blank rows above and below them.
            ink = font.render(text, True, (255, 255, 255)).get_bounding_rect().move(rect.topleft)
            seen.append(Drawn(text, ink, font.size(text)[1]))
        return rect

    monkeypatch.setattr(view_module, "blit_with_font", spy)
    monkeypatch.setattr(widgets, "blit_with_font", spy)
    return seen


def calibration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scale: int) -> Calibration:
    cal = open_calibration(tmp_path / "profile", monkeypatch, scale=scale)
    for label, n in COUNTS.items():
        cal.record(label, n)
    cal.driver.frames(1)
    return cal


STATES = ("loading", "record", "settings", "message")


def show(cal: Calibration, state: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scene = cal.scene
    if state in ("record", "settings"):
        monkeypatch.setattr(scene.backbone, "state", LoadState.READY)
    scene.show_advanced = state == "settings"
    if state == "message":
        scene.flash_message(
            "Saved to /home/a-player-with-a-long-name/.local/share/gesture-pacman/profiles/default: "
            "the game uses it from the next start."
        )
    cal.driver.frames(1)


@pytest.mark.parametrize("state", STATES)
def test_calibration_text_at_scale_1_is_as_tall_as_the_panels_smallest(
    state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drawn: list[Drawn]
) -> None:
    cal = calibration(tmp_path, monkeypatch, scale=1)
    try:
        show(cal, state, monkeypatch)
        drawn.clear()
        cal.scene.draw(cal.driver.manager.surface)
        assert drawn
        least = smallest_legible_height()
        small = [(d.text, d.font_height) for d in drawn if d.font_height < least]
        assert not small, f"smaller than the panels' {least}-pixel text: {small}"
    finally:
        cal.driver.close()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("scale", [1, 2, 3])
def test_calibration_text_fits_its_boxes_without_overlapping(
    scale: int, state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drawn: list[Drawn]
) -> None:
    cal = calibration(tmp_path, monkeypatch, scale)
    try:
        show(cal, state, monkeypatch)
        drawn.clear()
        cal.scene.draw(cal.driver.manager.surface)
        layout = cal.scene.layout
        assert layout is not None
        buttons = [layout.train, layout.save, layout.play, layout.undo, layout.idle, layout.advanced]
        boxes = [
            layout.header,
            layout.preview,
            layout.mode_panel,
            *layout.class_panels.values(),
            *buttons,
        ]
        for d in drawn:
            assert layout.screen.contains(d.rect), f"{d.text!r} runs off the screen"
            box = next((b for b in boxes if b.collidepoint(d.rect.center)), None)
            assert box is None or box.contains(d.rect), f"{d.text!r} {d.rect} runs out of {box}"
        for i, a in enumerate(drawn):
            for b in drawn[i + 1 :]:
                assert not a.rect.colliderect(b.rect), f"{a.text!r} {a.rect} overlaps {b.text!r} {b.rect}"
    finally:
        cal.driver.close()
