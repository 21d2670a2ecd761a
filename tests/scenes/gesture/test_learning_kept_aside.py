"""Learned samples are never dropped without asking: a game that ends without the keep-or-drop
question (Ctrl-C in the terminal, ``play --seconds``) keeps them aside in the profile's pending
file, the next game restores them and asks, and either answer removes the file.

The games here run through ``gesture-pacman play`` itself (``game.cli.main``) with the scene the
play command would build replaced by one on a stand-in camera and learning classifier, so the
exits are the real ones: ``run_app``'s clean-up after ``--seconds`` or a ``KeyboardInterrupt``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest
from learning_support import CLASSES, IDENTITY, ChangingSource, make_learning, open_game, wait_for
from scene_support import key, run_frames

import game.commands.play as play_command
from game.cli import main
from game.input.gesture import GestureSettings
from game.scenes.gesture.live import LiveGesture
from game.scenes.gesture.scene import GesturePlayScene
from game.vision.corrections import NewSamples
from game.vision.pending_corrections import PENDING_FILE, read_pending, save_pending
from game.vision.play_learning import PlayLearning
from game.vision.types import PredictorState


def start_game(learning: PlayLearning, *, restore: bool = False) -> GesturePlayScene:
    """A gesture game on the stand-in camera, learning with ``learning`` (restoring its pending
    samples first when ``restore``, as ``load_play_learning`` does)."""

    def load() -> PlayLearning:
        if restore:
            learning.restore_pending()
        return learning

    live = LiveGesture(
        lambda: pytest.fail("the plain loader is not used when learning loads"),
        ChangingSource,
        GestureSettings(),
        learn=load,
    ).start()
    assert wait_for(lambda: live.latest() is not None), "no prediction"
    return GesturePlayScene(live, seed=1)


@pytest.fixture
def profile_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "profile"
    folder.mkdir()
    yield folder
    pygame.quit()


def play(monkeypatch: pytest.MonkeyPatch, scene: GesturePlayScene, *args: str) -> int:
    """``gesture-pacman play ARGS`` with ``scene`` as the game, the left arrow held from the start."""

    def first_scene(options: object) -> GesturePlayScene:
        pygame.event.post(key(pygame.KEYDOWN, pygame.K_LEFT))  # the window is open by now
        return scene

    monkeypatch.setattr(play_command, "first_scene", first_scene)
    return main(["play", *args])


def assert_kept_aside(profile_dir: Path, learning: PlayLearning, err: str) -> NewSamples:
    path = profile_dir / PENDING_FILE
    kept = read_pending(path, IDENTITY)
    assert len(kept) == learning.count >= 1
    assert set(kept.labels.tolist()) == {CLASSES.index("left")}
    lines = [line for line in err.splitlines() if PENDING_FILE in line]
    assert len(lines) == 1, err
    n = learning.count
    assert f"{n} learned correction{'' if n == 1 else 's'}" in lines[0]
    assert str(path) in lines[0]
    assert "next gesture game with this profile restores them" in lines[0]
    return kept


def test_ctrl_c_keeps_the_learned_samples_aside_and_says_so(
    profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    learning = make_learning(profile_dir)
    scene = start_game(learning)
    update = scene.update

    def update_then_interrupt(dt: float) -> None:
        update(dt)
        if learning.count >= 3:
            raise KeyboardInterrupt  # the player pressed Ctrl-C in the terminal

    monkeypatch.setattr(scene, "update", update_then_interrupt)
    assert play(monkeypatch, scene, "--seconds", "60") == 130
    assert_kept_aside(profile_dir, learning, capsys.readouterr().err)


def test_a_timed_game_keeps_the_learned_samples_aside_and_says_so(
    profile_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    learning = make_learning(profile_dir)
    scene = start_game(learning)
    assert play(monkeypatch, scene, "--seconds", "1.5") == 0
    assert scene.steps > 0
    assert_kept_aside(profile_dir, learning, capsys.readouterr().err)


def learned_earlier(profile_dir: Path, n: int = 5) -> NewSamples:
    """A pending file as a game that ended without asking leaves it: ``n`` samples of "up"."""
    rng = np.random.default_rng(3)
    samples = NewSamples(
        rng.random((n, 4)).astype(np.float32),
        np.full(n, CLASSES.index("up"), np.int64),
        rng.integers(0, 256, (n, 48, 48, 3), dtype=np.uint8),
    )
    save_pending(profile_dir, IDENTITY, samples)
    return samples


def test_the_next_game_restores_them_says_so_and_asks_about_them(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    earlier = learned_earlier(profile_dir)
    learning = make_learning(profile_dir)
    scene = start_game(learning, restore=True)
    manager = open_game(scene)
    run_frames(manager, 2)
    assert scene.notice == "Restored 5 corrections from the last game (not saved yet)"
    err = capsys.readouterr().err
    assert "restored 5 learned corrections" in err and str(profile_dir / PENDING_FILE) in err
    # They steer again: counted as learned in this game, and a head refitted on them is swapped in.
    assert learning.count == 5 and learning.restored == 5
    np.testing.assert_array_equal(learning.corrections.new_samples().features, earlier.features)

    def refitted() -> bool:
        run_frames(manager, 1)
        return learning.classifier.swaps >= 1

    assert wait_for(refitted)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    assert scene.asking  # nothing learned in this game yet, and still it asks
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_ESCAPE))
    scene.live.close()


def test_keep_saves_them_into_the_profile_and_removes_the_file(
    profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = learned_earlier(profile_dir)
    saved: list[NewSamples] = []

    def save_learned(folder: Path, learned: NewSamples, head: object, identity: object) -> Path:
        saved.append(learned)
        return folder

    monkeypatch.setattr("game.vision.play_learning.save_learned", save_learned)
    learning = make_learning(profile_dir)
    scene = start_game(learning, restore=True)
    manager = open_game(scene)
    run_frames(manager, 2)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_y))
    assert not manager.running
    assert len(saved) == 1
    np.testing.assert_array_equal(saved[0].features[:5], earlier.features)  # restored ones first
    assert not (profile_dir / PENDING_FILE).exists()


def test_drop_removes_the_file(profile_dir: Path) -> None:
    learned_earlier(profile_dir)
    learning = make_learning(profile_dir)
    scene = start_game(learning, restore=True)
    manager = open_game(scene)
    run_frames(manager, 2)
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_q))
    scene.handle_event(key(pygame.KEYDOWN, pygame.K_n))
    assert not manager.running and learning.settled
    assert list(profile_dir.iterdir()) == []  # dropped as the player chose: nothing left behind


def test_a_damaged_pending_file_is_set_aside_with_a_message_and_play_starts(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (profile_dir / PENDING_FILE).write_bytes(b"not an archive")
    learning = make_learning(profile_dir)
    scene = start_game(learning, restore=True)
    manager = open_game(scene)
    run_frames(manager, 2)
    assert scene.notice == "Earlier corrections unusable: moved aside"
    err = capsys.readouterr().err
    assert "cannot be restored" in err and "playing on without it" in err
    moved = list(profile_dir.glob("pending-corrections.unusable-*.npz"))
    assert len(moved) == 1 and moved[0].read_bytes() == b"not an archive"
    assert str(moved[0]) in err
    assert scene.live.stats().state is PredictorState.RUNNING
    assert learning.count == 0
    steps = scene.steps
    run_frames(manager, 5)
    assert scene.steps > steps  # the game goes on
    manager.quit()


def test_a_pending_file_that_could_not_be_moved_aside_is_never_removed_or_written_over(
    profile_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = profile_dir / PENDING_FILE
    pending.write_bytes(b"someone else's")
    learning = make_learning(profile_dir)

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr("os.rename", refuse)
        learning.restore_pending()
    for i in range(2):
        thumb = np.full((48, 48, 3), 100 * i, np.uint8)
        assert learning.corrections.offer("down", np.full(4, i, np.float32), thumb, float(i))
    learning.drop()
    assert pending.read_bytes() == b"someone else's"  # dropping this game's samples leaves it
    learning.settled = False  # as if the game ended without asking instead
    line = learning.set_aside()
    assert line is not None and "kept aside" in line
    moved = list(profile_dir.glob("pending-corrections.unusable-*.npz"))
    assert len(moved) == 1 and moved[0].read_bytes() == b"someone else's"
    assert len(read_pending(pending, IDENTITY)) == 2
    learning.close()
