"""The play scene on SDL's dummy drivers, driven by posted key events, like a player at the keyboard."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from scene_support import Marker, key, maze_message_pixels, open_manager, post_key, run_frames

from game.audio import Audio, Sound
from game.core.levels import FIRST_READY_STEPS
from game.core.snapshot import state_hash
from game.core.state import Phase, World
from game.core.types import Direction, Intent
from game.highscore import HighScore, load_high_score
from game.scenes.base import SceneManager
from game.scenes.play import PlayScene

Play = tuple[SceneManager, PlayScene]
#: Frames that take a new game past its first READY! (the start tune).
PAST_READY = FIRST_READY_STEPS + 10


class FixedSource:
    """An input source that always asks for the same direction."""

    def __init__(self, direction: Direction | None) -> None:
        self.direction = direction
        self.polls = 0

    def poll(self, world: World) -> Intent:
        self.polls += 1
        return Intent(self.direction, "fixed")


class FreezingPanel:
    """A side panel that can pause the game and show a banner, like the gesture HUD."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self.message: str | None = None
        self.wait = False
        self.draws = 0
        self.updates = 0

    def update(self, dt: float) -> None:
        self.updates += 1

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        self.draws += 1
        surface.fill((0, 40, 0), rect)

    def handle_event(self, event: pygame.event.Event) -> bool:
        return False

    def pause_reason(self) -> str | None:
        return self.reason

    def waiting(self) -> bool:
        return self.wait

    def banner(self) -> str | None:
        return self.message


@pytest.fixture()
def play(tmp_path: Path) -> Play:
    manager = open_manager()
    pygame.event.clear()
    scene = PlayScene(seed=1, high_score=HighScore(tmp_path / "highscore.json"))
    manager.push(scene)
    return manager, scene


def test_the_world_runs_at_60_steps_per_simulated_second(play: Play) -> None:
    manager, scene = play
    run_frames(manager, 90)
    assert scene.world.tick == 90
    run_frames(manager, 10, dt=1 / 30)  # slow frames: two steps each
    assert scene.world.tick == 110


def test_arrow_keys_steer_pacman(play: Play) -> None:
    manager, scene = play
    run_frames(manager, PAST_READY)  # past READY!, running left
    assert scene.world.phase is Phase.PLAYING
    x_before = scene.world.pacman.x
    post_key(pygame.K_RIGHT)
    run_frames(manager, 30)
    assert scene.world.pacman.direction is Direction.RIGHT
    assert scene.world.pacman.x > x_before
    pygame.event.post(key(pygame.KEYDOWN, pygame.K_a))  # WASD too
    run_frames(manager, 5)
    assert scene.world.pacman.direction is Direction.LEFT


def test_p_pauses_and_resumes_and_drawing_while_paused_changes_nothing(play: Play) -> None:
    manager, scene = play
    run_frames(manager, PAST_READY)
    post_key(pygame.K_p)
    run_frames(manager, 1)
    frozen = state_hash(scene.world)
    run_frames(manager, 30)
    assert state_hash(scene.world) == frozen
    post_key(pygame.K_ESCAPE)
    run_frames(manager, 10)
    assert state_hash(scene.world) != frozen


@pytest.mark.parametrize(
    "away", [pygame.WINDOWFOCUSLOST, pygame.WINDOWMINIMIZED], ids=["focus-lost", "minimised"]
)
def test_leaving_the_window_pauses_silently_until_p(
    play: Play, away: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import game.scenes.play as play_scene

    manager, scene = play
    run_frames(manager, PAST_READY)
    pygame.event.post(key(pygame.KEYDOWN, pygame.K_UP))
    run_frames(manager, 1)
    pygame.event.post(pygame.event.Event(away))
    run_frames(manager, 1)
    assert scene.paused and not scene.keyboard.active
    # Silent: whatever was playing is held (test_pause_sound.py plays it on after the pause).
    assert scene.audio is not None and scene.audio.paused
    frozen = state_hash(scene.world)
    pygame.event.post(pygame.event.Event(pygame.WINDOWRESTORED))
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSGAINED))
    drawn: list[str] = []
    monkeypatch.setattr(play_scene, "draw_banner", lambda surface, layout, text, *a, **k: drawn.append(text))
    run_frames(manager, 30)
    assert state_hash(scene.world) == frozen, "coming back does not resume by itself"
    assert "PAUSED - press P to play" in drawn
    post_key(pygame.K_p)
    run_frames(manager, 5)
    assert not scene.paused and state_hash(scene.world) != frozen


def test_leaving_the_window_after_game_over_keeps_the_play_again_banner(play: Play) -> None:
    manager, scene = play
    scene.world.phase = Phase.GAME_OVER
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    run_frames(manager, 1)
    assert not scene.paused


def test_keyboard_wins_over_other_inputs_only_while_used(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    gesture = FixedSource(Direction.RIGHT)
    scene = PlayScene(seed=1, inputs=[gesture], high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    assert scene.intent().direction is Direction.RIGHT
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_UP))
    assert scene.intent() == Intent(Direction.UP, "keyboard")
    scene.handle_event(key(pygame.KEYUP, pygame.K_UP))
    assert scene.intent().direction is Direction.RIGHT


def test_a_key_let_go_while_another_scene_covers_the_game_is_not_held_on_return(tmp_path: Path) -> None:
    # Calibration pushed over the game (C) receives the key-up of an arrow held at that moment.
    manager = open_manager()
    pygame.event.clear()
    gesture = FixedSource(Direction.RIGHT)
    scene = PlayScene(seed=1, inputs=[gesture], high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    pygame.event.post(key(pygame.KEYDOWN, pygame.K_LEFT))
    run_frames(manager, 2)
    assert scene.keyboard.active
    cover = Marker()
    manager.push(cover)
    pygame.event.post(key(pygame.KEYUP, pygame.K_LEFT))
    run_frames(manager, 1)
    manager.pop()
    assert manager.current is scene and not scene.keyboard.active
    assert scene.intent() == Intent(Direction.RIGHT, "fixed"), "the other source steers again"


def test_a_panel_pause_reason_freezes_the_world_and_p_still_works(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    panel = FreezingPanel()
    scene = PlayScene(seed=1, panel=panel, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    run_frames(manager, 20)
    panel.reason = "Camera lost - retrying"
    frozen = state_hash(scene.world)
    run_frames(manager, 30)
    assert state_hash(scene.world) == frozen and panel.draws > 0
    post_key(pygame.K_p)
    run_frames(manager, 2)
    assert scene.paused
    panel.reason = None
    run_frames(manager, 5)
    assert state_hash(scene.world) == frozen, "still paused by the player"
    post_key(pygame.K_p)
    panel.message = "Low confidence - press C to recalibrate"
    run_frames(manager, 5)
    assert state_hash(scene.world) != frozen, "a banner does not pause"


def frighten(manager: SceneManager, scene: PlayScene) -> None:
    """Run the game past READY! and turn the ghosts blue for ten seconds (the fright sound loops)."""
    for _ in range(600):
        if scene.world.phase is Phase.PLAYING:
            break
        run_frames(manager, 1)
    scene.world.fright_steps, scene.world.frightened_left = 600, 10.0
    run_frames(manager, 2)


def test_the_fright_sound_stops_while_the_panel_freezes_the_game_and_comes_back(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    panel = FreezingPanel()
    scene = PlayScene(seed=1, panel=panel, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    frighten(manager, scene)
    assert scene.audio is not None and scene.audio.available and scene.audio.looping
    for freeze in ("reason", "wait"):
        if freeze == "reason":
            panel.reason = "Camera lost - retrying"
        else:
            panel.wait = True
        run_frames(manager, 2)
        assert scene.frozen and not scene.audio.looping, freeze
        panel.reason, panel.wait = None, False
        run_frames(manager, 2)
        assert scene.audio.looping, f"back after {freeze}"
    post_key(pygame.K_p)
    run_frames(manager, 2)
    assert not scene.audio.looping
    post_key(pygame.K_p)
    run_frames(manager, 2)
    assert scene.audio.looping


def test_a_waiting_panel_holds_the_world_without_a_banner_over_the_maze(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    panel = FreezingPanel()
    panel.wait = True
    scene = PlayScene(seed=1, panel=panel, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    start = state_hash(scene.world)
    run_frames(manager, 300)  # five seconds: longer than READY!
    assert state_hash(scene.world) == start and scene.world.phase is Phase.READY
    arcade = pygame.Rect(0, 0, manager.surface.get_width() - 160 * 3, manager.surface.get_height())
    waiting = pygame.surfarray.array3d(manager.surface.subsurface(arcade)).copy()
    panel.wait = False
    scene.draw(manager.surface)
    assert (pygame.surfarray.array3d(manager.surface.subsurface(arcade)) == waiting).all(), "no banner"
    panel.reason = "Camera lost - retrying"
    scene.draw(manager.surface)
    assert (pygame.surfarray.array3d(manager.surface.subsurface(arcade)) != waiting).any(), (
        "a pause reason shows"
    )
    panel.reason = None
    run_frames(manager, 300)
    assert state_hash(scene.world) != start, "the game runs once the panel is ready"


def test_the_start_tune_begins_with_the_first_ready_not_while_the_panel_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = open_manager()
    pygame.event.clear()
    panel = FreezingPanel()
    panel.wait = True  # the gesture model is loading
    audio = Audio(enabled=False)
    played: list[Sound] = []
    monkeypatch.setattr(audio, "play", played.append)
    scene = PlayScene(seed=1, panel=panel, audio=audio, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    run_frames(manager, 120)
    assert played == []
    panel.wait = False
    run_frames(manager, 1)
    assert played == [Sound.START]
    run_frames(manager, PAST_READY)
    assert played == [Sound.START] and scene.world.phase is Phase.PLAYING
    scene.restart()
    run_frames(manager, 1)
    assert played == [Sound.START, Sound.START], "a new game starts with the tune too"


@pytest.mark.parametrize("phase", [Phase.READY, Phase.GAME_OVER], ids=["ready", "game-over"])
@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
def test_the_panels_message_leaves_ready_and_game_over_readable(
    tmp_path: Path, phase: Phase, paused: bool
) -> None:
    # "No camera: steer with the arrow keys" stays up for a whole game.
    manager = open_manager()
    pygame.event.clear()
    panel = FreezingPanel()
    scene = PlayScene(seed=1, panel=panel, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    scene.world.phase, scene.paused = phase, paused
    scene.draw(manager.surface)
    alone = maze_message_pixels(manager, phase)
    plain = pygame.surfarray.array3d(manager.surface).copy()
    panel.message = "Gestures unsure: press C to recalibrate"
    scene.draw(manager.surface)
    assert (pygame.surfarray.array3d(manager.surface) != plain).any(), "the message shows"
    assert (maze_message_pixels(manager, phase) == alone).all(), "and leaves the maze's text alone"


def test_the_panel_is_not_updated_while_the_player_has_paused(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    panel = FreezingPanel()
    scene = PlayScene(seed=1, panel=panel, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    run_frames(manager, 5)
    post_key(pygame.K_p)
    run_frames(manager, 1)
    updates = panel.updates
    run_frames(manager, 30)
    assert scene.paused and panel.updates == updates and panel.draws > 30
    post_key(pygame.K_p)
    run_frames(manager, 5)
    assert panel.updates > updates


def test_q_returns_to_the_scene_below(tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    below = Marker()
    manager.push(below)
    manager.push(PlayScene(seed=1, high_score=HighScore(tmp_path / "h.json")))
    post_key(pygame.K_q)
    run_frames(manager, 2)
    assert manager.current is below and below.entered == 2


def test_m_mutes(play: Play) -> None:
    manager, scene = play
    post_key(pygame.K_m)
    run_frames(manager, 2)
    assert scene.audio is not None and scene.audio.muted
    post_key(pygame.K_m)
    run_frames(manager, 2)
    assert not scene.audio.muted


def test_enter_after_game_over_restarts_and_the_high_score_is_kept(play: Play, tmp_path: Path) -> None:
    manager, scene = play
    run_frames(manager, PAST_READY)
    scene.world.score = 4321
    scene.world.lives = 1
    scene.world.phase = Phase.DYING  # the rules finish the death sequence into GAME OVER
    for _ in range(400):
        run_frames(manager, 1)
        if scene.world.phase is Phase.GAME_OVER:
            break
    assert scene.world.phase is Phase.GAME_OVER
    assert load_high_score(tmp_path / "highscore.json") == 4321
    post_key(pygame.K_RETURN)
    run_frames(manager, 2)
    assert scene.world.phase is Phase.READY and scene.world.score == 0
    assert scene.high_score is not None and scene.high_score.value == 4321


def test_the_game_keeps_its_high_score_in_the_models_directory_given_by_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.cli import build_parser
    from game.commands.options import PlayOptions
    from game.commands.play import make_play_scene

    chosen, other = tmp_path / "chosen", tmp_path / "other"
    chosen.mkdir()
    (chosen / "highscore.json").write_text('{"version": 1, "high_score": 5230}')
    monkeypatch.setenv("GESTURE_PACMAN_MODELS", str(other))
    args = build_parser().parse_args(["play", "--keyboard", "--no-title", "--models", str(chosen)])
    scene = make_play_scene(PlayOptions.from_args(args))
    assert isinstance(scene, PlayScene) and scene.high_score is not None
    assert scene.high_score.value == 5230  # what the title screen shows for the same directory
    scene.world.score = 9000
    scene.exit()
    assert load_high_score(chosen / "highscore.json") == 9000
    assert not (other / "highscore.json").exists()


@pytest.mark.parametrize("title", [False, True])
def test_the_no_profile_hint_points_at_the_title_screen_only_when_there_is_one(
    tmp_path: Path, title: bool
) -> None:
    from dataclasses import replace

    from game.cli import build_parser
    from game.commands.options import PlayOptions
    from game.commands.play import build_controls

    args = build_parser().parse_args(["play", "--models", str(tmp_path), "--profile", str(tmp_path / "none")])
    options = replace(PlayOptions.from_args(args), title=title)
    hint = build_controls(options, options.source.profile_dir).hint
    assert hint is not None and hint.startswith("No gesture profile yet")
    assert ("title screen" in hint) is title
    assert ("gesture-pacman calibrate" in hint) is not title
