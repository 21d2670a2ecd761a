"""Paused, the gesture panel keeps showing the moment of the pause: the picture's label, the
highlighted bar and the held direction agree, however the camera's predictions change meanwhile
(issue 10: it showed "DOWN 100%" over a highlighted "up 0%" and "Pac-Man: UP")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
from scene_support import open_manager, post_key, run_frames
from test_hud import FakeFeed, make_hud

from game.core.types import Direction
from game.highscore import HighScore
from game.render.layout import ScreenLayout
from game.scenes.play import PlayScene


def panel_pixels(manager_surface: pygame.Surface, rect: pygame.Rect) -> np.ndarray:
    return pygame.surfarray.array3d(manager_surface.subsurface(rect)).copy()


def test_paused_the_panel_shows_the_moment_of_the_pause(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    feed = FakeFeed()
    feed.show("up", 0.9)
    hud = make_hud(feed)
    scene = PlayScene(seed=1, inputs=[hud.gesture], panel=hud, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    run_frames(manager, 400)  # past READY!: the gesture steers
    assert hud.gesture.held is Direction.UP
    post_key(pygame.K_p)
    run_frames(manager, 1)
    assert scene.paused
    rect = ScreenLayout.for_surface(manager.surface, manager.scale).panel_rect
    at_pause = panel_pixels(manager.surface, rect)

    feed.show("down", 1.0)  # the player moves the hand while the game is paused
    run_frames(manager, 60)
    assert (panel_pixels(manager.surface, rect) == at_pause).all(), "the panel is frozen while paused"
    assert hud.gesture.held is Direction.UP

    post_key(pygame.K_p)
    run_frames(manager, 30)
    assert not scene.paused
    assert hud.gesture.held is Direction.DOWN
    assert (panel_pixels(manager.surface, rect) != at_pause).any()
