"""The calibration screen lays itself out again when the window is resized: its rectangles, fonts
and buttons are built for the new scale and centred in the new window, so what it draws and what
a click hits stay in the same place."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from calibration_support import open_calibration

from game.render.layout import LOGICAL_H, LOGICAL_W


def test_a_resized_window_gets_a_calibration_layout_for_the_new_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calibration = open_calibration(tmp_path / "profile", monkeypatch)
    scene, driver = calibration.scene, calibration.driver
    try:
        driver.frames(2)
        pygame.display.set_mode((500, 400), pygame.RESIZABLE)
        pygame.event.post(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=500, y=400))
        driver.frames(2)
        assert driver.manager.scale == 1
        assert scene.layout is not None and scene.view is not None and scene.buttons is not None
        assert scene.layout.scale == scene.view.scale == 1
        origin = ((500 - LOGICAL_W) // 2, (400 - LOGICAL_H) // 2)
        assert scene.layout.screen == pygame.Rect(origin, (LOGICAL_W, LOGICAL_H))
        assert scene.buttons.train.rect == scene.layout.train
        assert pygame.Rect(0, 0, 500, 400).contains(scene.layout.screen)
    finally:
        driver.close()
