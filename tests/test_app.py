"""The window: its size at a scale, running a first scene, and one clear message for a bad scale."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.app import AppError, default_scale, open_window, run_app
from game.render.layout import largest_scale, window_size
from game.scenes.base import Scene


class CountingScene(Scene):
    def __init__(self) -> None:
        self.frames = 0
        self.size: tuple[int, int] | None = None

    def draw(self, surface: pygame.Surface) -> None:
        self.frames += 1
        self.size = surface.get_size()


def test_the_window_is_the_arcade_screen_plus_panel_times_the_scale() -> None:
    scene = CountingScene()
    assert run_app(lambda: scene, scale=2, max_frames=5) == 0
    assert scene.frames == 5
    assert scene.size == window_size(2) == ((224 + 160) * 2, 288 * 2)


def test_the_default_scale_fits_a_1080p_screen() -> None:
    assert largest_scale(1920, 1080) == 3
    assert largest_scale(3840, 2160) == 7
    pygame.display.init()
    assert 1 <= default_scale() <= 8


@pytest.mark.parametrize("scale", [0, -1, 99])
def test_a_bad_scale_is_one_clear_error(scale: int) -> None:
    with pytest.raises(AppError, match="--scale must be between"):
        run_app(CountingScene, scale=scale, max_frames=1)


def test_the_play_command_reports_a_bad_scale_without_a_traceback() -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", "--scale", "0"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--scale must be between" in result.stderr and "Traceback" not in result.stderr


def test_a_scale_too_big_for_the_screen_falls_back_to_the_largest_that_fits_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A real desktop of 1280x800: --scale 4 (1536x1152) cannot fit, --scale 2 (768x576) does.
    monkeypatch.setattr(pygame.display, "get_driver", lambda: "x11")
    monkeypatch.setattr(pygame.display, "get_desktop_sizes", lambda: [(1280, 800)])
    scene = CountingScene()
    with caplog.at_level(logging.WARNING, logger="game.app"):
        assert run_app(lambda: scene, scale=4, max_frames=3) == 0
    assert scene.size == window_size(2)
    notes = [record.getMessage() for record in caplog.records if record.name == "game.app"]
    assert notes == ["--scale 4 makes a 1536x1152 window, too big for the 1280x800 screen: using --scale 2"]


def test_a_scale_that_fits_is_kept_silently(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pygame.display, "get_driver", lambda: "x11")
    monkeypatch.setattr(pygame.display, "get_desktop_sizes", lambda: [(1920, 1080)])
    scene = CountingScene()
    with caplog.at_level(logging.WARNING, logger="game.app"):
        assert run_app(lambda: scene, scale=3, max_frames=2) == 0
    assert scene.size == window_size(3) and not caplog.records


def test_the_window_can_be_resized() -> None:
    """A tiling window manager resizes it anyway; the scene manager fits the picture to it."""
    try:
        surface, scale = open_window(2, fullscreen=False)
        assert scale == 2 and surface.get_flags() & pygame.RESIZABLE
    finally:
        pygame.display.quit()


class ExitRecordingScene(CountingScene):
    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.exits = 0
        self.fail_after = fail_after

    def update(self, dt: float) -> None:
        if self.fail_after is not None and self.frames >= self.fail_after:
            raise KeyboardInterrupt

    def exit(self) -> None:
        self.exits += 1


def test_scenes_still_open_when_the_run_stops_are_exited() -> None:
    scene = ExitRecordingScene()
    run_app(lambda: scene, scale=1, max_frames=3)
    assert scene.exits == 1


def test_scenes_are_exited_when_ctrl_c_ends_the_run() -> None:
    scene = ExitRecordingScene(fail_after=2)
    with pytest.raises(KeyboardInterrupt):
        run_app(lambda: scene, scale=1)
    assert scene.exits == 1 and scene.frames == 2
