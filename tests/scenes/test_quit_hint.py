"""The panels name what Q does: "back to title" when the game was opened from the title screen,
"quit" when nothing is under it (``play`` or ``calibrate`` started from the command line, where Q
ends the program)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest
from scene_support import Marker, open_manager, post_key, run_frames

from game.highscore import HighScore
from game.input.gesture import GestureSettings
from game.render import keyboard_panel
from game.scenes.base import SceneManager
from game.scenes.gesture import hud_view
from game.scenes.gesture.live import LiveGesture
from game.scenes.gesture.scene import GesturePlayScene
from game.scenes.play import PlayScene
from game.vision.camera import FrameSource


@pytest.fixture
def manager() -> Iterator[SceneManager]:
    manager = open_manager()
    yield manager
    manager.quit()
    pygame.quit()


def drawn_text(monkeypatch: pytest.MonkeyPatch, module: object, name: str, at: int) -> list[str]:
    """Every text ``module`` draws through its ``name`` function (text as argument ``at``) from now on."""
    drawn: list[str] = []
    real = getattr(module, name)

    def spy(*args: object, **kw: object) -> pygame.Rect:
        drawn.append(str(args[at]))
        return real(*args, **kw)  # type: ignore[no-any-return]

    monkeypatch.setattr(module, name, spy)
    return drawn


def no_camera() -> FrameSource:
    raise AssertionError("the camera is not opened in these tests")


def gesture_scene(tmp_path: Path) -> GesturePlayScene:
    live = LiveGesture(lambda: pytest.fail("not loaded"), no_camera, GestureSettings())  # never started
    return GesturePlayScene(live, seed=1, high_score=HighScore(tmp_path / "high.json"))


@pytest.mark.parametrize("under_title", [False, True])
def test_the_keyboard_panel_says_what_q_does(
    manager: SceneManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, under_title: bool
) -> None:
    if under_title:
        manager.push(Marker())
    scene = PlayScene(seed=1, high_score=HighScore(tmp_path / "high.json"))
    manager.push(scene)
    drawn = drawn_text(monkeypatch, keyboard_panel, "blit_text", 1)
    run_frames(manager, 1)
    assert ("back to title" in drawn) is under_title
    assert ("quit" in drawn) is not under_title
    post_key(pygame.K_q)
    run_frames(manager, 1)
    assert manager.running is under_title  # and Q does what the panel said


@pytest.mark.parametrize("under_title", [False, True])
def test_the_gesture_panel_says_what_q_does(
    manager: SceneManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, under_title: bool
) -> None:
    if under_title:
        manager.push(Marker())
    manager.push(gesture_scene(tmp_path))
    drawn = drawn_text(monkeypatch, hud_view, "blit_with_font", 2)
    run_frames(manager, 1)
    hint = next(text for text in drawn if text.startswith("Arrows override"))
    assert hint.endswith("Q title" if under_title else "Q quit")
    post_key(pygame.K_q)
    run_frames(manager, 1)
    assert manager.running is under_title
