"""The title screen: keyboard and mouse menu, calibration failing gracefully, no TensorFlow on the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest
from scene_support import Marker, open_manager, post_key, run_frames

from game.render.layout import ScreenLayout
from game.render.palette import PACMAN_YELLOW, TEXT_CYAN, TEXT_RED
from game.scenes.base import Scene, SceneManager
from game.scenes.title import MenuItem, TitleInfo, TitleScene

REPO_ROOT = Path(__file__).resolve().parents[2]


class Factories:
    def __init__(self) -> None:
        self.play = Marker()
        self.calibration = Marker()

    def make_play(self) -> Scene:
        return self.play

    def make_calibration(self) -> Scene:
        return self.calibration


def title_with(factories: Factories, info: TitleInfo | None = None) -> tuple[SceneManager, TitleScene]:
    manager = open_manager()
    pygame.event.clear()
    scene = TitleScene(factories.make_play, factories.make_calibration, info)
    manager.push(scene)
    return manager, scene


def test_enter_starts_play_and_the_title_draws_while_animating() -> None:
    factories = Factories()
    manager, _ = title_with(factories)
    run_frames(manager, 5)
    post_key(pygame.K_RETURN)
    run_frames(manager, 1)
    assert manager.current is factories.play


def test_arrows_move_the_selection_and_enter_picks_calibrate() -> None:
    factories = Factories()
    manager, scene = title_with(factories)
    post_key(pygame.K_DOWN)
    run_frames(manager, 1)
    assert scene.items[scene.selected] is MenuItem.CALIBRATE
    post_key(pygame.K_RETURN)
    run_frames(manager, 1)
    assert manager.current is factories.calibration


def test_quit_item_ends_the_program() -> None:
    manager, _ = title_with(Factories())
    post_key(pygame.K_UP)  # wraps round to the last item
    post_key(pygame.K_RETURN)
    run_frames(manager, 2)
    assert not manager.running


def test_a_mouse_click_on_an_item_chooses_it() -> None:
    factories = Factories()
    manager, scene = title_with(factories)
    run_frames(manager, 1)
    from game.render.layout import ScreenLayout

    rects = scene.item_rects(ScreenLayout.for_surface(manager.surface, manager.scale))
    calibrate = rects[scene.items.index(MenuItem.CALIBRATE)]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=calibrate.center, button=1))
    run_frames(manager, 1)
    assert manager.current is factories.calibration


def test_calibration_that_cannot_be_imported_shows_a_message_and_play_still_works() -> None:
    def broken() -> Scene:
        raise ImportError("No module named 'game.scenes.calibration.scene'")

    manager = open_manager()
    pygame.event.clear()
    play = Marker()
    scene = TitleScene(lambda: play, broken)
    manager.push(scene)
    scene.choose(MenuItem.CALIBRATE)
    run_frames(manager, 2)
    assert manager.current is scene
    assert scene.message is not None and "not available" in scene.message
    scene.choose(MenuItem.PLAY)
    assert manager.current is play


PERMISSION = PermissionError(
    13, "Permission denied", "/home/player/.local/share/gesture-pacman/profiles/default"
)


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_a_long_error_message_is_wrapped_inside_the_arcade_screen(scale: int) -> None:
    """A reason with a path was one centred line, wider than the screen and cut off at both sides."""

    def denied() -> Scene:
        raise PERMISSION

    manager = open_manager(scale)
    pygame.event.clear()
    scene = TitleScene(Marker, denied)
    manager.push(scene)
    scene.choose(MenuItem.CALIBRATE)
    run_frames(manager, 1)
    assert scene.message is not None and "Permission denied" in scene.message
    layout = ScreenLayout.for_surface(manager.surface, scale)
    arcade = layout.arcade_rect
    quit_item = scene.item_rects(layout)[scene.items.index(MenuItem.QUIT)]
    # Below the menu's last item only the message is red (the red ghost is far above).
    below = pygame.Rect(0, quit_item.centery, manager.surface.get_width(), arcade.bottom - quit_item.centery)
    pixels = pygame.surfarray.array3d(manager.surface.subsurface(below)).astype(int)
    red = (pixels[..., 0] > 120) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
    xs, ys = red.nonzero()
    assert xs.size > 0, "the message is drawn"
    assert xs.min() >= arcade.x + 4 * scale and xs.max() < arcade.right - 4 * scale, (
        "within the screen's sides"
    )
    top, bottom = below.y + ys.min(), below.y + ys.max()
    assert top > quit_item.centery + 7 * scale, "below QUIT"
    assert bottom < arcade.y + 272 * scale, "above the menu hint"
    assert bottom - top > 6 * scale + 1, "taller than one line: wrapped"


def test_the_title_knows_whether_a_profile_is_trained_and_shows_the_high_score(tmp_path: Path) -> None:
    profile = tmp_path / "profiles" / "default"
    scores = tmp_path / "highscore.json"
    scores.write_text(json.dumps({"version": 1, "high_score": 5230}))
    manager, scene = title_with(Factories(), TitleInfo(profile_dir=profile, high_score_file=scores))
    assert not scene.profile_trained and scene.high_score == 5230
    profile.mkdir(parents=True)
    scene.enter()
    assert not scene.profile_trained  # an empty folder is not a profile
    (profile / "profile.json").write_text("{}")
    scene.enter()  # what happens on returning from calibration
    assert scene.profile_trained
    profile.rename(profile.parent / ".default.old-x")  # a save interrupted between its two renames
    scene.enter()
    assert scene.profile_trained and (profile / "profile.json").is_file()  # recovered, as play does
    run_frames(manager, 1)


@pytest.mark.timeout(120)
def test_the_title_and_keyboard_play_come_up_without_importing_tensorflow(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from game.cli import build_parser\n"
        "from game.commands import play\n"
        "from game.commands.options import PlayOptions\n"
        "from game.app import open_window\n"
        "args = build_parser().parse_args(['play'])\n"
        "args.title = True\n"
        "options = PlayOptions.from_args(args)\n"
        "surface, scale = open_window(2, False)\n"
        "title = play.first_scene(options)\n"
        "assert type(title).__name__ == 'TitleScene'\n"
        "game = play.make_play_scene(options)\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'ai_edge_litert') if m in sys.modules]\n"
        "print('heavy:', heavy)\n"
    )
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env["GESTURE_PACMAN_MODELS"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=100
    )
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout


def test_choosing_an_item_shows_loading_before_the_next_scene_is_built() -> None:
    seen: list[tuple[str | None, bool]] = []
    manager: SceneManager | None = None

    def slow_play() -> Scene:
        # What the window shows while the factory imports and opens things: the title, flipped
        # to the display, with its hint replaced by the loading line.
        assert manager is not None
        shown = pygame.display.get_surface().copy()
        seen.append((scene.busy, (pygame.surfarray.array3d(shown) == PACMAN_YELLOW).all(axis=-1).any()))
        return Marker()

    manager = open_manager()
    pygame.event.clear()
    scene = TitleScene(slow_play, Marker, TitleInfo())
    manager.push(scene)
    run_frames(manager, 2)
    layout = ScreenLayout.for_surface(manager.surface, manager.scale)
    hint_row = pygame.Rect(layout.arcade_rect.x, layout.arcade_rect.y + 270 * 3, layout.arcade_rect.w, 12 * 3)
    before = pygame.surfarray.array3d(manager.surface.subsurface(hint_row)).copy()
    scene.busy = "LOADING THE GAME..."
    scene.draw(manager.surface)
    loading = pygame.surfarray.array3d(manager.surface.subsurface(hint_row)).copy()
    scene.busy = None
    assert (loading != before).any() and (loading == PACMAN_YELLOW).all(axis=-1).any()
    post_key(pygame.K_RETURN)
    run_frames(manager, 1)
    assert seen == [("LOADING THE GAME...", True)]
    assert scene.busy is None, "the loading line is gone when the player comes back"


def test_without_a_profile_the_panel_says_what_to_do_without_alarm_red(tmp_path: Path) -> None:
    manager, scene = title_with(Factories(), TitleInfo(profile_dir=tmp_path / "none"))
    run_frames(manager, 2)
    assert not scene.profile_trained
    panel = ScreenLayout.for_surface(manager.surface, manager.scale).panel_rect
    pixels = pygame.surfarray.array3d(manager.surface.subsurface(panel))
    assert not (pixels == TEXT_RED).all(axis=-1).any()
    assert (pixels == TEXT_CYAN).all(axis=-1).sum() > 500, "the advice is drawn"


def test_play_starts_the_game_and_only_the_bare_command_opens_the_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game import cli
    from game.commands import play
    from game.commands.options import PlayOptions
    from game.scenes.play import PlayScene

    seen: list[object] = []
    monkeypatch.setattr(play, "run", lambda args: seen.append(args) or 0)
    models = ["--models", str(tmp_path)]
    assert cli.main(["play", "--keyboard", *models]) == 0
    assert cli.main(["--keyboard", *models]) == 0
    assert cli.main(["--no-title", "--keyboard", *models]) == 0
    open_manager()
    played, titled, skipped = (play.first_scene(PlayOptions.from_args(args)) for args in seen)  # type: ignore[arg-type]
    assert isinstance(played, PlayScene)
    assert isinstance(titled, TitleScene)
    assert isinstance(skipped, PlayScene)
