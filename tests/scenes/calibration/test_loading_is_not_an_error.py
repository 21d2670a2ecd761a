"""While the recognizer loads, Train is disabled with "MobileNet is still loading": a wait, not an
error, so neither the button's reason nor the message after pressing T uses the error colour. The
scene is not entered (its loader never starts), so it stays loading: no camera, no MobileNet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest
from calibration_support import source_that_never_opens

from game.render import palette
from game.render.layout import window_size
from game.scenes.calibration.buttons import Buttons
from game.scenes.calibration.layout import Layout
from game.scenes.calibration.modes import FlashKind
from game.scenes.calibration.options import CalibrationOptions
from game.scenes.calibration.scene import CalibrationScene
from game.vision.backbone_loader import LoadState

SCALE = 2


@pytest.fixture
def loading(tmp_path: Path) -> Iterator[tuple[CalibrationScene, pygame.Surface]]:
    pygame.init()
    surface = pygame.Surface(window_size(SCALE))
    options = CalibrationOptions(profile_dir=tmp_path / "profile", models=tmp_path, recognizer="frame")
    scene = CalibrationScene(options, source=source_that_never_opens())
    scene.buttons = Buttons.for_layout(Layout.for_surface(surface, SCALE))
    scene.update(1 / 60)
    assert scene.backbone.state is LoadState.LOADING
    yield scene, surface
    pygame.quit()


def pixels_of(surface: pygame.Surface, rect: pygame.Rect, color: palette.Color) -> int:
    pixels = pygame.surfarray.array3d(surface.subsurface(rect))
    return int(np.all(pixels == np.array(color), axis=-1).sum())


def drawn_train_button(scene: CalibrationScene, surface: pygame.Surface) -> pygame.Rect:
    assert scene.buttons is not None
    surface.fill(palette.BACKGROUND)
    scene.buttons.train.draw(surface, pygame.font.Font(None, 12 * SCALE), pygame.font.Font(None, 9 * SCALE))
    return scene.buttons.train.rect


def test_the_train_button_says_loading_in_the_normal_colour(
    loading: tuple[CalibrationScene, pygame.Surface],
) -> None:
    scene, surface = loading
    assert scene.buttons is not None
    assert not scene.buttons.train.enabled and scene.buttons.train.reason == "MobileNet is still loading"
    rect = drawn_train_button(scene, surface)
    assert pixels_of(surface, rect, palette.BAD) == 0  # nothing in the error colour...
    assert pixels_of(surface, rect, palette.TEXT_DIM) > 0  # ...the reason in the normal one


def test_pressing_t_while_loading_is_an_info_message(
    loading: tuple[CalibrationScene, pygame.Surface],
) -> None:
    scene, _ = loading
    scene.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_t, mod=0, unicode="t", scancode=0))
    assert scene.flash is not None and "MobileNet is still loading" in scene.flash.text
    assert scene.flash.kind is FlashKind.INFO


def test_a_missing_sample_stays_an_error_once_loaded(
    loading: tuple[CalibrationScene, pygame.Surface],
) -> None:
    scene, surface = loading
    scene.backbone.state = LoadState.READY  # loaded, but no samples recorded
    scene.update(1 / 60)
    assert scene.buttons is not None and "more samples" in scene.buttons.train.reason
    assert pixels_of(surface, drawn_train_button(scene, surface), palette.BAD) > 0
