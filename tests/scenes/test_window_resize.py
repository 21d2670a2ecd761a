"""A resized window (dragged, or tiled by a window manager) gets the largest integer scale whose
picture fits, centred; a window too small even for scale 1 shows the picture shrunk, never cut off.
Every scene lays itself out again for the new size."""

from __future__ import annotations

from collections.abc import Callable

import pygame
import pytest
from scene_support import open_manager, run_frames

from game.audio import Audio
from game.highscore import HighScore
from game.render.layout import LOGICAL_H, LOGICAL_W, ScreenLayout, fit_scale, shrunk_rect
from game.render.palette import BLACK, PANEL_BG
from game.scenes.base import Scene, SceneManager
from game.scenes.demo import DemoScene
from game.scenes.play import PlayScene
from game.scenes.title import MenuItem, TitleScene


def resize(manager: SceneManager, width: int, height: int) -> None:
    """The window becomes ``width`` x ``height``, as the window manager would make it, and one frame runs."""
    pygame.display.set_mode((width, height), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=width, y=height))
    run_frames(manager, 1)


def title() -> Scene:
    return TitleScene(PlayScene, None)


def play() -> Scene:
    return PlayScene(1, audio=Audio(enabled=False), high_score=HighScore(None))


def demo() -> Scene:
    return DemoScene(1)


SCENES: dict[str, Callable[[], Scene]] = {"title": title, "play": play, "demo": demo}


def picture_rect(manager: SceneManager) -> pygame.Rect:
    layout = ScreenLayout.for_surface(manager.surface, manager.scale)
    return layout.arcade_rect.union(layout.panel_rect)


def near(pixel: pygame.Color, color: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


def test_fit_scale_is_the_largest_whole_scale_that_fits() -> None:
    assert fit_scale(LOGICAL_W * 2, LOGICAL_H * 2) == 2
    assert fit_scale(LOGICAL_W * 3 - 1, LOGICAL_H * 5) == 2
    assert fit_scale(1920, 1080) == 3
    assert fit_scale(100, 100) == 1  # too small for any: the manager shrinks the 1x picture
    assert fit_scale(100_000, 100_000) == 8


@pytest.mark.parametrize("name", SCENES)
def test_a_smaller_window_gets_the_largest_scale_that_fits_centred(name: str) -> None:
    manager = open_manager(scale=3)
    pygame.event.clear()
    manager.push(SCENES[name]())
    run_frames(manager, 2)
    resize(manager, 900, 700)
    assert manager.scale == 2
    picture = picture_rect(manager)
    assert manager.surface.get_rect().contains(picture)
    assert picture.topleft == ((900 - 2 * LOGICAL_W) // 2, (700 - 2 * LOGICAL_H) // 2)
    # The side panel is drawn whole: its background reaches the window's picture's right edge.
    assert manager.surface.get_at((picture.right - 2, picture.bottom - 2))[:3] == PANEL_BG
    assert manager.surface.get_at((picture.right + 2, picture.centery))[:3] == BLACK
    manager.quit()


def test_a_bigger_window_gets_a_bigger_scale() -> None:
    manager = open_manager(scale=1)
    manager.push(play())
    resize(manager, 1200, 900)
    assert manager.scale == 3
    assert picture_rect(manager) == pygame.Rect(24, 18, 3 * LOGICAL_W, 3 * LOGICAL_H)
    manager.quit()


def test_the_same_size_again_keeps_the_chosen_scale() -> None:
    """SDL reports the size on opening too: a scale the player chose below the largest stays."""
    manager = open_manager(scale=1)
    manager.push(play())
    pygame.event.post(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=LOGICAL_W, y=LOGICAL_H))
    run_frames(manager, 1)
    assert manager.scale == 1 and manager.surface is manager.window
    manager.quit()


@pytest.mark.parametrize("name", SCENES)
def test_a_window_smaller_than_the_picture_shows_it_shrunk_not_cut_off(name: str) -> None:
    manager = open_manager(scale=2)
    manager.push(SCENES[name]())
    resize(manager, 300, 200)
    assert manager.scale == 1
    assert manager.surface.get_size() == (LOGICAL_W, LOGICAL_H)  # the scenes' 1x canvas
    window = pygame.display.get_surface()
    assert window is not None and window.get_size() == (300, 200)
    shown = shrunk_rect(300, 200)
    assert window.get_rect().contains(shown) and shown.height == 200
    # The panel's bottom-right corner is in the window: nothing was cut off.
    assert near(window.get_at((shown.right - 2, shown.bottom - 2)), PANEL_BG)  # smoothed: near, not equal
    assert window.get_at((shown.right + 1, 100))[:3] == BLACK
    manager.quit()


def test_a_click_on_the_shrunk_picture_lands_on_what_is_shown_there() -> None:
    manager = open_manager(scale=2)
    scene = TitleScene(PlayScene, None)
    manager.push(scene)
    resize(manager, 300, 200)
    quit_item = scene.item_rects(ScreenLayout.for_surface(manager.surface, 1))[
        scene.items.index(MenuItem.QUIT)
    ]
    shown = shrunk_rect(300, 200)
    factor = shown.width / LOGICAL_W
    pos = (shown.x + round(quit_item.centerx * factor), shown.y + round(quit_item.centery * factor))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    run_frames(manager, 1)
    assert not manager.running


def test_growing_back_draws_on_the_window_again() -> None:
    manager = open_manager(scale=2)
    manager.push(title())
    resize(manager, 300, 200)
    resize(manager, 800, 600)
    assert manager.scale == 2 and manager.surface is manager.window
    assert manager.surface.get_size() == (800, 600)
    manager.quit()
