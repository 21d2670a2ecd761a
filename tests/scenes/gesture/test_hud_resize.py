"""Gesture play in a resized window: the gesture panel is drawn whole, at the new scale, inside the
window (it was cut off when a tiling window manager made the window smaller than the picture)."""

from __future__ import annotations

from pathlib import Path

import pygame
from scene_support import open_manager, run_frames
from test_hud import THUMB_COLOR, FakeFeed, count_color, make_hud

from game.highscore import HighScore
from game.render.layout import LOGICAL_H, LOGICAL_W, ScreenLayout
from game.scenes.play import PlayScene


def test_the_gesture_panel_is_drawn_whole_after_the_window_shrinks(tmp_path: Path) -> None:
    manager = open_manager(scale=3)
    pygame.event.clear()
    feed = FakeFeed()
    feed.show("left", 0.9)
    hud = make_hud(feed)
    high_score = HighScore(tmp_path / "h.json")
    manager.push(PlayScene(seed=1, inputs=[hud.gesture], panel=hud, high_score=high_score))
    run_frames(manager, 2)
    pygame.display.set_mode((900, 700), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=900, y=700))
    run_frames(manager, 2)
    assert manager.scale == 2
    panel = ScreenLayout.for_surface(manager.surface, manager.scale).panel_rect
    window = manager.surface.get_rect()
    assert window.contains(panel)
    assert panel.topleft == ((900 - 2 * LOGICAL_W) // 2 + 224 * 2, (700 - 2 * LOGICAL_H) // 2)
    # The camera picture is drawn at the new scale, all of it inside the panel.
    inside = count_color(manager.surface, panel, THUMB_COLOR)
    assert inside > (80 * 2) ** 2
    assert count_color(manager.surface, window, THUMB_COLOR) == inside
    manager.quit()
