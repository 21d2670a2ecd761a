"""Learning while playing in the game scene: arrow keys teach, the panel counts, Q and closing the
window ask keep or drop."""

from __future__ import annotations

import time
from pathlib import Path

import pygame
import pytest
from learning_support import CLASSES, ChangingSource, hold, make_learning, open_game, wait_for
from scene_support import key, maze_message_pixels, run_frames

from game.core.levels import FIRST_READY_STEPS
from game.core.state import Phase
from game.input.gesture import GestureSettings
from game.scenes.base import Scene, SceneManager
from game.scenes.gesture.hud import learning_line
from game.scenes.gesture.live import LiveGesture
from game.scenes.gesture.scene import GesturePlayScene, keep_question
from game.vision.play_learning import PlayLearning


def _fake_keep(learning: PlayLearning, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace ``learning.keep`` with a stand-in that writes nothing; returns the list that each
    call appends the count it would have kept to."""
    kept: list[int] = []
    monkeypatch.setattr(learning, "keep", lambda: kept.append(learning.count) or learning.profile_dir)
    return kept


@pytest.fixture
def scene_and_learning(tmp_path: Path) -> tuple[GesturePlayScene, PlayLearning]:
    learning = make_learning(tmp_path)
    live = LiveGesture(
        lambda: pytest.fail("the plain loader is not used when learning loads"),
        ChangingSource,
        GestureSettings(),
        learn=lambda: learning,
    ).start()
    assert wait_for(lambda: live.latest() is not None), "no prediction"
    scene = GesturePlayScene(live, seed=1)
    yield scene, learning
    live.close()
    pygame.quit()


def test_arrow_keys_teach_the_head_and_the_panel_counts(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    scene, learning = scene_and_learning
    manager = open_game(scene)
    hold(manager, scene, pygame.K_LEFT, lambda: learning.count >= 6 and learning.classifier.swaps >= 1)
    assert learning.count >= 6
    assert learning.classifier.swaps >= 1  # a refitted head was swapped in between frames
    assert set(learning.corrections.new_samples().labels.tolist()) == {CLASSES.index("left")}
    line = learning_line(learning)
    assert line is not None and line[0].startswith(f"learned {learning.count} corrections")


def test_l_turns_learning_off(scene_and_learning: tuple[GesturePlayScene, PlayLearning]) -> None:
    scene, learning = scene_and_learning
    manager = open_game(scene)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_l))
    assert not learning.enabled
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_UP))
    for _ in range(30):
        run_frames(manager, 1)
        time.sleep(0.005)
    assert learning.count == 0
    line = learning_line(learning)
    assert line is not None and "learning off" in line[0]


def test_leaving_with_learned_samples_asks_and_keep_saves(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning], monkeypatch: pytest.MonkeyPatch
) -> None:
    scene, learning = scene_and_learning
    kept = _fake_keep(learning, monkeypatch)
    manager = open_game(scene)
    hold(manager, scene, pygame.K_RIGHT, lambda: learning.count >= 2)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    assert scene.asking and manager.running
    steps = scene.steps
    run_frames(manager, 3)
    assert scene.steps == steps  # the game waits for the answer
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_y))
    assert kept and not scene.asking
    assert not manager.running  # and the game was left


def test_leaving_the_window_while_asked_pauses_the_game_that_stays(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    scene, learning = scene_and_learning
    manager = open_game(scene)
    hold(manager, scene, pygame.K_RIGHT, lambda: learning.count >= 2)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    scene.handle_event(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_ESCAPE))
    assert not scene.asking and manager.running
    steps = scene.steps
    run_frames(manager, 5)
    assert scene.paused and scene.steps == steps


def test_drop_leaves_without_saving(scene_and_learning: tuple[GesturePlayScene, PlayLearning]) -> None:
    scene, learning = scene_and_learning
    manager = open_game(scene)
    hold(manager, scene, pygame.K_DOWN, lambda: learning.count >= 2, let_go=False)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_n))
    assert learning.settled and not scene.asking and not manager.running
    assert not any(learning.profile_dir.iterdir())  # nothing written


def test_recalibrating_with_learned_samples_asks_first(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scene_support import Marker

    _, learning = scene_and_learning
    live = LiveGesture(
        lambda: pytest.fail("unused"), ChangingSource, GestureSettings(), learn=lambda: learning
    )
    live.start()
    assert wait_for(lambda: live.learning is not None)
    marker = Marker()
    scene = GesturePlayScene(live, seed=1, calibration=lambda: marker)
    kept = _fake_keep(learning, monkeypatch)
    manager = open_game(scene)
    hold(manager, scene, pygame.K_UP, lambda: learning.count >= 2)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_c))
    assert scene.asking and marker.entered == 0
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_y))
    assert kept and marker.entered == 1  # kept, then calibration opened over the game
    live.close()


def _game_over_calibration(learning: PlayLearning) -> tuple[LiveGesture, GesturePlayScene, Scene]:
    """A gesture game learning into ``learning``, its predictor running, whose C opens a marker
    scene in place of calibration."""
    from scene_support import Marker

    live = LiveGesture(
        lambda: pytest.fail("unused"), ChangingSource, GestureSettings(), learn=lambda: learning
    ).start()
    assert wait_for(lambda: live.latest() is not None)
    calibration = Marker()
    return live, GesturePlayScene(live, seed=1, calibration=lambda: calibration), calibration


def test_an_arrow_let_go_during_calibration_teaches_nothing_afterwards(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    # The arrow's key-up goes to the calibration screen; back in the game it must not count as
    # held, or every camera frame would become a sample of its direction.
    _, learning = scene_and_learning
    live, scene, calibration = _game_over_calibration(learning)
    manager = open_game(scene)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_LEFT))
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_c))  # nothing learned yet: straight to calibration
    assert manager.current is calibration and learning.count == 0
    pygame.event.post(key(pygame.KEYUP, pygame.K_LEFT))
    run_frames(manager, 1)
    manager.pop()  # back to the game
    assert wait_for(lambda: (run_frames(manager, 1), live.latest() is not None)[1])
    for _ in range(60):
        run_frames(manager, 1)
        time.sleep(0.005)
    assert scene.steps > 0
    assert learning.count == 0, "learned from an arrow let go long ago"
    assert not scene.keyboard.active
    live.close()


def _frighten(manager: SceneManager, scene: GesturePlayScene) -> None:
    """Turn the ghosts blue for ten seconds of a running game: the fright sound loops."""
    # The first READY! is FIRST_READY_STEPS game steps, one per frame here: count frames, not
    # seconds (on a loaded machine ~250 frames took longer than a 10 s deadline).
    for _ in range(2 * FIRST_READY_STEPS):
        if scene.world.phase is Phase.PLAYING:
            break
        run_frames(manager, 1)
    assert scene.world.phase is Phase.PLAYING
    scene.world.fright_steps, scene.world.frightened_left = 600, 10.0
    run_frames(manager, 2)
    assert scene.audio is not None and scene.audio.looping


def test_no_game_sound_loops_while_the_question_is_up_or_calibration_covers_the_game(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    _, learning = scene_and_learning
    live, scene, calibration = _game_over_calibration(learning)
    manager = open_game(scene)
    learning.enabled = False  # nothing to ask about on C
    _frighten(manager, scene)
    assert scene.audio is not None
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_c))
    assert manager.current is calibration and not scene.audio.looping
    manager.pop()
    assert wait_for(lambda: (run_frames(manager, 1), scene.audio is not None and scene.audio.looping)[1])
    learning.enabled = True
    hold(manager, scene, pygame.K_RIGHT, lambda: learning.count >= 2)
    run_frames(manager, 2)
    assert scene.audio.looping
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    run_frames(manager, 2)
    assert scene.asking and not scene.audio.looping
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_ESCAPE))
    run_frames(manager, 2)
    assert scene.audio.looping, "the game goes on"
    live.close()


def _learn_some(manager: SceneManager, scene: GesturePlayScene, learning: PlayLearning, arrow: int) -> None:
    """Hold ``arrow`` until two corrections are learned, then let go."""
    hold(manager, scene, arrow, lambda: learning.count >= 2)
    assert learning.count >= 2


def _close_window(manager: SceneManager) -> None:
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    run_frames(manager, 1)


def _learn_then_close(scene: GesturePlayScene, learning: PlayLearning, arrow: int) -> SceneManager:
    """Open the game, learn some corrections with ``arrow`` and press the window's close button."""
    manager = open_game(scene)
    _learn_some(manager, scene, learning, arrow)
    _close_window(manager)
    return manager


def test_closing_the_window_with_learned_samples_asks_and_keep_saves(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning], monkeypatch: pytest.MonkeyPatch
) -> None:
    scene, learning = scene_and_learning
    kept = _fake_keep(learning, monkeypatch)
    manager = _learn_then_close(scene, learning, pygame.K_LEFT)
    assert manager.running and manager.current is scene, "the close waits for the answer"
    assert scene.asking and scene.closing and not learning.settled
    steps = scene.steps
    run_frames(manager, 3)
    assert scene.steps == steps  # the game waits meanwhile
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_y))
    assert kept and not scene.asking
    assert not manager.running and manager.current is None  # kept, then the window closed


def test_closing_the_window_twice_drops_and_quits(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    scene, learning = scene_and_learning
    manager = _learn_then_close(scene, learning, pygame.K_DOWN)
    assert scene.asking and manager.running
    _close_window(manager)
    assert learning.settled and not manager.running
    assert not any(learning.profile_dir.iterdir())  # dropped: nothing written


def test_escape_cancels_closing_and_the_game_goes_on(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    scene, learning = scene_and_learning
    manager = _learn_then_close(scene, learning, pygame.K_UP)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_ESCAPE))
    assert not scene.asking and not scene.closing and manager.running
    assert not learning.settled  # still unsaved: the next close asks again
    _close_window(manager)
    assert scene.asking and scene.closing and manager.running


def test_closing_the_window_without_learned_samples_quits_at_once(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning],
) -> None:
    scene, learning = scene_and_learning
    manager = open_game(scene)
    run_frames(manager, 2)
    assert learning.count == 0
    _close_window(manager)
    assert not manager.running and not scene.asking


def test_the_keep_question_is_drawn_alone(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The game's own banners ("gestures unsure", paused) sit in the same rows as the question and
    # showed through its second line.
    import game.scenes.gesture.scene as gesture_scene
    import game.scenes.play as play_scene

    scene, learning = scene_and_learning
    manager = open_game(scene)
    hold(manager, scene, pygame.K_RIGHT, lambda: learning.count >= 2)
    monkeypatch.setattr(scene.panel, "banner", lambda: "Gestures unsure: press C to recalibrate")
    drawn: list[str] = []

    def record(surface: pygame.Surface, layout: object, text: str, *args: object, **kw: object) -> None:
        drawn.append(text)

    monkeypatch.setattr(gesture_scene, "draw_banner", record)
    monkeypatch.setattr(play_scene, "draw_banner", record)
    run_frames(manager, 1)
    assert "Gestures unsure: press C to recalibrate" in drawn  # shown while playing
    drawn.clear()
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    run_frames(manager, 1)
    assert scene.asking
    assert drawn == [f"Keep the {learning.count} learned corrections?", "Y keep (saves)  N drop  Esc stay"]


@pytest.mark.parametrize("phase", [Phase.READY, Phase.GAME_OVER], ids=["ready", "game-over"])
def test_the_keep_question_leaves_ready_and_game_over_readable(
    scene_and_learning: tuple[GesturePlayScene, PlayLearning], phase: Phase
) -> None:
    scene, learning = scene_and_learning
    manager = open_game(scene)
    hold(manager, scene, pygame.K_RIGHT, lambda: learning.count >= 2)
    scene.world.phase = phase
    scene.draw(manager.surface)
    alone = maze_message_pixels(manager, phase)
    _close_window(manager)  # asks, with the third line ("Close again: drop and quit")
    assert scene.asking and scene.closing
    scene.draw(manager.surface)
    assert (maze_message_pixels(manager, phase) == alone).all()


@pytest.mark.parametrize(
    ("count", "restored", "question"),
    [
        (1, 0, "Keep the 1 learned correction?"),
        (12, 0, "Keep the 12 learned corrections?"),
        (12, 5, "Keep the 12 learned corrections (5 from the last game)?"),
        (5, 5, "Keep the 5 learned corrections (all from the last game)?"),
    ],
)
def test_the_keep_question_speaks_of_corrections_as_the_side_panel_does(
    count: int, restored: int, question: str
) -> None:
    assert keep_question(count, restored) == question
