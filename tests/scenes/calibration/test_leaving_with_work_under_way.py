"""Leaving calibration (Esc, the window's close button, or P for gesture play) warns about work that
is not in the sample book yet, with the same warning as for unsaved samples: frames recorded while
MobileNet loads, which become samples only once it is loaded, and a training under way. Confirming
drops the frames, as before, and stops the training; P saves the samples first, as it always has.
A training stopped while the scene stays does not count as a trained head.

MobileNet never loads here (its loader thread is not started); the camera thread runs on small
noise frames, so a held key keeps frames for MobileNet exactly as at start-up. For the training
tests the loader is marked ready instead and the real training job runs a stand-in for
``train_head`` that trains until it is told to stop. The scene's clock is a fake, so a warning
lasts until a test moves the clock on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest
from calibration_support import Calibration, open_calibration, settle

from game.scenes.base import Scene
from game.scenes.calibration.modes import FlashKind, Mode
from game.scenes.calibration.scene import FLASH_S, MIN_SAMPLES
from game.vision import training_job
from game.vision.backbone_loader import LoadState
from game.vision.camera import Frame, FrameSource
from game.vision.profile import load_profile
from game.vision.recognizer import FRAME, HAND
from game.vision.training import HeadConfig, TrainingError, TrainResult
from game.vision.training_job import JobState, TrainingJob
from game.vision.types import CameraState

#: Longest wait for another thread (a deadline for a stuck test, not a measure of speed).
WAIT_S = 60.0


class NoiseSource(FrameSource):
    """Small frames of noise, each unlike the last, half a second apart by their timestamps, so the
    sample gate keeps every recorded one; paced a little to spare the CPU."""

    description = "noise frames"

    def __init__(self) -> None:
        self._rng = np.random.default_rng(0)
        self._count = 0

    def read(self) -> Frame | None:
        time.sleep(0.005)
        self._count += 1
        image = self._rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
        return Frame(image, self._count * 0.5, self._count)

    def close(self) -> None:
        pass


class GesturePlay(Scene):
    """Stands in for gesture play: the scene P hands over to, and the profile folders it got."""

    def __init__(self) -> None:
        self.handed_over: list[Path] = []

    def __call__(self, profile_dir: Path) -> Scene:
        self.handed_over.append(profile_dir)
        return self


@pytest.fixture
def play() -> GesturePlay:
    return GesturePlay()


def open_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recognizer: str = FRAME, play: GesturePlay | None = None
) -> Calibration:
    """Calibration with a camera and ``recognizer`` still loading, once the first frame is in."""
    source = NoiseSource()
    opened = open_calibration(
        tmp_path / "profile", monkeypatch, source=lambda: source, recognizer=recognizer, play_factory=play
    )
    try:
        opened.driver.until(
            lambda: opened.scene.camera.state is CameraState.RUNNING, WAIT_S, "the first camera frame"
        )
    except BaseException:
        opened.driver.close()
        raise
    return opened


def head_from_before(classes: Sequence[str] = ("up", "down", "left", "right")) -> TrainResult:
    """A head the scene already has (trained or loaded), without a model: saving it writes its
    (empty) figures, and gesture play is a stand-in that never reads it."""
    confusion = [[0] * len(classes) for _ in classes]
    return TrainResult(None, list(classes), [], None, {}, confusion, 0.0, HeadConfig())


@pytest.fixture
def loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, play: GesturePlay) -> Iterator[Calibration]:
    """Calibration with a camera and MobileNet still loading."""
    opened = open_loading(tmp_path, monkeypatch, play=play)
    try:
        yield opened
    finally:
        opened.driver.close()


def hold_until_frames_wait(calibration: Calibration, key: int = pygame.K_LEFT, n: int = 3) -> int:
    """Hold ``key`` until at least ``n`` frames wait for MobileNet; returns how many wait."""
    driver, scene = calibration.driver, calibration.scene
    driver.key(key)
    driver.until(lambda: scene.camera.pending >= n, WAIT_S, f"{n} frames kept while MobileNet loads")
    driver.key(key, down=False)
    driver.frames(3)
    assert scene.recording is None
    settle(driver, scene)
    return scene.camera.pending


def test_esc_warns_about_frames_waiting_for_mobilenet(loading: Calibration) -> None:
    waiting = hold_until_frames_wait(loading)
    assert loading.scene.book.total() == 0 and not loading.scene.book.dirty, "none is a sample yet"
    loading.driver.tap(pygame.K_ESCAPE)
    assert loading.open, "the first Esc only warns"
    flash = loading.scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR
    assert flash.text == f"{waiting} frames still waiting for MobileNet: Esc again leaves anyway"
    loading.driver.tap(pygame.K_ESCAPE)
    assert loading.driver.manager.current is None, "a second Esc leaves and drops them, as before"
    assert not loading.profile_dir.exists()


def test_closing_warns_about_frames_waiting_for_mobilenet(loading: Calibration) -> None:
    waiting = hold_until_frames_wait(loading)
    loading.driver.close_window()
    assert loading.open, "the first close only asks"
    flash = loading.scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR
    assert flash.text == f"{waiting} frames still waiting for MobileNet: close again quits anyway"
    loading.driver.close_window()
    assert not loading.driver.manager.running, "a second close quits and drops them"
    assert not loading.profile_dir.exists()


def test_s_under_the_close_warning_saves_the_samples_and_stays_for_the_waiting_frames(
    loading: Calibration,
) -> None:
    loading.record("up", 2)
    waiting = hold_until_frames_wait(loading)
    loading.driver.close_window()
    flash = loading.scene.flash
    assert flash is not None and flash.text == (
        f"Unsaved samples and {waiting} frames still waiting for MobileNet: "
        "S saves the samples, close again quits without saving"
    )
    loading.driver.tap(pygame.K_s)
    assert loading.open, "the waiting frames cannot be saved yet: the window stays open"
    assert np.bincount(load_profile(loading.profile_dir).samples.labels).tolist() == [2]
    loading.driver.close_window()
    assert loading.open, "the save's message replaced the warning: this close asks again"
    flash = loading.scene.flash
    assert flash is not None and flash.text.startswith(f"{waiting} frames still waiting for MobileNet")


def test_frames_a_failed_mobilenet_can_never_use_are_not_warned_about(loading: Calibration) -> None:
    hold_until_frames_wait(loading)
    loading.scene.backbone.state = LoadState.FAILED
    loading.driver.tap(pygame.K_ESCAPE)
    assert loading.driver.manager.current is None, "nothing that could be kept: Esc leaves at once"


def test_p_with_frames_waiting_saves_then_warns_and_a_second_p_plays(
    loading: Calibration, play: GesturePlay
) -> None:
    # A head to play with while frames still wait (in play, only for the moments between the
    # recognizer becoming ready and the camera thread turning what it kept into samples).
    loading.scene.result = head_from_before()
    loading.record("up", 2)
    waiting = hold_until_frames_wait(loading)
    loading.driver.tap(pygame.K_p)
    assert loading.open and not play.handed_over, "the first P only warns"
    assert not loading.scene.book.dirty, "P saved the samples, as it always has"
    assert np.bincount(load_profile(loading.profile_dir).samples.labels).tolist() == [2]
    flash = loading.scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR
    assert flash.text == f"{waiting} frames still waiting for MobileNet: P again plays with the saved head"
    loading.driver.tap(pygame.K_p)
    assert play.handed_over == [loading.profile_dir], "a second P plays"
    assert loading.driver.manager.current is play


@pytest.mark.parametrize(("recognizer", "name"), [(FRAME, "MobileNet"), (HAND, "the hand finder")])
def test_recording_while_loading_names_the_recognizer_it_waits_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recognizer: str, name: str
) -> None:
    calibration = open_loading(tmp_path, monkeypatch, recognizer)
    try:
        calibration.driver.key(pygame.K_LEFT)
        calibration.driver.frame()
        flash = calibration.scene.flash
        assert flash is not None and flash.kind is FlashKind.INFO
        assert flash.text == f"Recording: these frames become samples as soon as {name} is loaded"
        calibration.driver.key(pygame.K_LEFT, down=False)
        calibration.driver.frame()
    finally:
        calibration.driver.close()


class EndlessTraining:
    """Stands in for ``train_head``: trains until ``should_stop`` says to stop, then returns what a
    stopped training returns (a result without figures). ``stopped`` is set when it was told to."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()

    def __call__(
        self,
        features: np.ndarray,
        labels: np.ndarray,
        classes: Sequence[str],
        config: HeadConfig,
        *,
        should_stop: Any,
        **_: Any,
    ) -> TrainResult:
        self.started.set()
        deadline = time.monotonic() + WAIT_S
        while not should_stop():
            if time.monotonic() > deadline:
                raise TrainingError("never told to stop")
            time.sleep(0.005)
        self.stopped.set()
        return TrainResult(None, list(classes), [], None, {}, [], 0.0, config)


@pytest.fixture
def training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, play: GesturePlay
) -> Iterator[tuple[Calibration, EndlessTraining]]:
    """Calibration with MobileNet ready (no camera) and enough samples saved to train; P hands
    over to ``play``."""
    train = EndlessTraining()
    monkeypatch.setattr(training_job, "train_head", train)
    monkeypatch.setattr(training_job, "import_tensorflow", lambda: None)
    opened = open_calibration(tmp_path / "profile", monkeypatch, play_factory=play)
    try:
        opened.scene.backbone.state = LoadState.READY
        for label in ("up", "down", "left", "right"):
            opened.record(label, MIN_SAMPLES)
        opened.driver.tap(pygame.K_s)
        assert not opened.scene.book.dirty, "saved: only the training is at stake"
        yield opened, train
    finally:
        opened.driver.close()


def start_training(calibration: Calibration, train: EndlessTraining) -> TrainingJob:
    calibration.driver.tap(pygame.K_t)
    job = calibration.scene.job
    assert job is not None and calibration.scene.mode is Mode.TRAINING
    assert train.started.wait(WAIT_S) and job.state is JobState.RUNNING
    return job


def p_while_training(training: tuple[Calibration, EndlessTraining]) -> Calibration:
    """Give the scene a head from before, start a training and press P once (which only warns)."""
    calibration, train = training
    calibration.scene.result = head_from_before()
    start_training(calibration, train)
    calibration.driver.tap(pygame.K_p)
    return calibration


def test_esc_while_training_warns_and_a_second_esc_stops_the_training(
    training: tuple[Calibration, EndlessTraining],
) -> None:
    calibration, train = training
    job = start_training(calibration, train)
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "the first Esc only warns"
    flash = calibration.scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR
    assert flash.text == "Training in progress: Esc again leaves anyway"
    assert job.state is JobState.RUNNING and not train.stopped.is_set(), "the warning stops nothing"
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.driver.manager.current is None, "a second Esc leaves"
    assert job.join(WAIT_S) and train.stopped.is_set(), "and the training was told to stop"
    assert job.state is JobState.CANCELLED


def test_closing_while_training_warns_and_a_second_close_stops_the_training(
    training: tuple[Calibration, EndlessTraining],
) -> None:
    calibration, train = training
    job = start_training(calibration, train)
    calibration.driver.close_window()
    assert calibration.open, "the first close only asks"
    flash = calibration.scene.flash
    assert flash is not None and flash.text == "Training in progress: close again quits anyway"
    calibration.driver.close_window()
    assert not calibration.driver.manager.running, "a second close quits"
    assert job.join(WAIT_S) and job.state is JobState.CANCELLED and train.stopped.is_set()


def test_s_under_the_close_warning_while_training_saves_and_stays(
    training: tuple[Calibration, EndlessTraining],
) -> None:
    calibration, train = training
    job = start_training(calibration, train)
    calibration.record("up", 2)
    calibration.driver.close_window()
    flash = calibration.scene.flash
    assert flash is not None and flash.text == (
        "Unsaved samples and training in progress: S saves the samples, close again quits without saving"
    )
    calibration.driver.tap(pygame.K_s)
    assert calibration.open and not calibration.scene.book.dirty, "saved, and the training goes on"
    assert job.state is JobState.RUNNING
    calibration.driver.close_window()
    assert calibration.open, "the next close asks about the training"
    flash = calibration.scene.flash
    assert flash is not None and flash.text == "Training in progress: close again quits anyway"


def test_p_while_training_saves_warns_and_a_second_p_plays_stopping_the_training(
    training: tuple[Calibration, EndlessTraining], play: GesturePlay
) -> None:
    calibration, train = training
    calibration.scene.result = head_from_before()  # the head from before, which play would use
    job = start_training(calibration, train)
    calibration.record("up", 2)
    calibration.driver.tap(pygame.K_p)
    assert calibration.open and not play.handed_over, "the first P only warns"
    flash = calibration.scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR
    assert flash.text == "Training in progress: P again plays with the saved head"
    assert not calibration.scene.book.dirty, "P saved the samples, as it always has"
    assert np.bincount(load_profile(calibration.profile_dir).samples.labels).tolist() == [
        MIN_SAMPLES + 2,
        MIN_SAMPLES,
        MIN_SAMPLES,
        MIN_SAMPLES,
    ]
    assert job.state is JobState.RUNNING and not train.stopped.is_set(), "the warning stops nothing"
    calibration.driver.tap(pygame.K_p)
    assert play.handed_over == [calibration.profile_dir], "a second P plays"
    assert calibration.driver.manager.current is play
    assert job.join(WAIT_S) and job.state is JobState.CANCELLED and train.stopped.is_set()


def test_p_with_nothing_under_way_plays_at_once(
    training: tuple[Calibration, EndlessTraining], play: GesturePlay
) -> None:
    calibration, _ = training
    calibration.scene.result = head_from_before()
    calibration.driver.tap(pygame.K_p)
    assert play.handed_over == [calibration.profile_dir]


def test_esc_and_p_warnings_each_withdraw_the_other(
    training: tuple[Calibration, EndlessTraining], play: GesturePlay
) -> None:
    calibration = p_while_training(training)
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "Esc under P's warning is not its answer: it gives Esc's warning"
    flash = calibration.scene.flash
    assert flash is not None and flash.text == "Training in progress: Esc again leaves anyway"
    calibration.driver.tap(pygame.K_p)
    assert calibration.open and not play.handed_over, "P under Esc's warning asks about playing"
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "and Esc's earlier warning is no longer in force"
    calibration.driver.tap(pygame.K_p)
    calibration.driver.tap(pygame.K_p)
    assert play.handed_over == [calibration.profile_dir], "a second P under its own warning plays"


def test_the_p_warning_lasts_as_long_as_its_message(
    training: tuple[Calibration, EndlessTraining], play: GesturePlay
) -> None:
    calibration = p_while_training(training)
    calibration.clock.now += FLASH_S + 0.1
    calibration.driver.frame()
    assert calibration.scene.flash is None
    calibration.driver.tap(pygame.K_p)
    assert calibration.open and not play.handed_over, "the warning was gone: this P asks again"
    calibration.driver.tap(pygame.K_p)
    assert play.handed_over == [calibration.profile_dir]


@pytest.mark.parametrize("head_before", [False, True])
def test_a_training_stopped_while_the_scene_stays_is_not_a_trained_head(
    training: tuple[Calibration, EndlessTraining], head_before: bool
) -> None:
    calibration, train = training
    scene = calibration.scene
    before = head_from_before() if head_before else None
    scene.result = before
    job = start_training(calibration, train)
    job.cancel()
    assert job.join(WAIT_S) and job.state is JobState.CANCELLED
    assert job.result is not None, "the job keeps what the stopped run returned"
    calibration.driver.frames(2)
    assert scene.result is before and scene.classifier is None, "the stopped run is not taken"
    assert not scene.book.dirty, "nothing new to save"
    assert scene.mode is (Mode.RESULTS if head_before else Mode.RECORD)
    flash = scene.flash
    assert flash is not None and flash.text.startswith("Training stopped")


def test_a_second_esc_after_another_message_replaced_the_warning_only_warns_again(
    training: tuple[Calibration, EndlessTraining],
) -> None:
    """The warning in force is the one on screen: once another message has replaced Esc's
    warning, the next Esc warns again instead of leaving, however soon it comes."""
    calibration, train = training
    job = start_training(calibration, train)
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "the first Esc only warns"
    calibration.scene.flash_message("Removed the last 3 up samples")  # any other message
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "the warning was no longer on screen: this Esc warns again"
    flash = calibration.scene.flash
    assert flash is not None and flash.text == "Training in progress: Esc again leaves anyway"
    assert job.state is JobState.RUNNING and not train.stopped.is_set()
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.driver.manager.current is None, "Esc under its own warning leaves"


def test_after_a_stopped_training_the_head_from_before_is_live_and_not_stale(
    training: tuple[Calibration, EndlessTraining],
) -> None:
    """A stopped training leaves the head from before as it was: the live test runs it again, and
    the panel does not claim that the samples changed since it was trained."""
    calibration, train = training
    scene = calibration.scene
    scene.result = head_from_before()
    scene.trained_counts = {name: scene.book.count(name) for name in scene.book.active_classes}
    live = object()
    scene.classifier = live  # type: ignore[assignment]  # the head from before's live test
    scene.camera.set_classifier(live)  # type: ignore[arg-type]
    assert not scene.stale_result
    calibration.record("up", 3)  # recorded after the head from before was trained
    assert scene.stale_result
    job = start_training(calibration, train)
    assert scene.camera.classifier is None, "the live test pauses while training"
    job.cancel()
    assert job.join(WAIT_S) and job.state is JobState.CANCELLED
    calibration.driver.frames(2)
    assert scene.camera.classifier is live, "the live test runs the head from before again"
    assert scene.stale_result, "the head shown was not trained on the 3 new samples"


def test_samples_of_a_class_the_head_does_not_know_are_never_saved_without_a_word(
    training: tuple[Calibration, EndlessTraining], capsys: pytest.CaptureFixture[str]
) -> None:
    """Idle turned on and recorded after the training: saving the head with the samples would
    leave the idle ones out. S refuses and says why (they stay unsaved, so leaving warns); a
    calibration ended without asking keeps them all beside the profile, without that head."""
    calibration, _ = training
    scene = calibration.scene
    scene.result = head_from_before()
    calibration.driver.tap(pygame.K_o)
    calibration.record("idle", 3)
    calibration.driver.tap(pygame.K_s)
    flash = scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR
    assert flash.text == (
        "Not saved: the trained head does not know idle yet: train again to save its samples. "
        "Your samples are still here."
    )
    assert scene.book.dirty and "unsaved samples" in scene.unsaved_work
    calibration.driver.close()
    [aside] = calibration.profile_dir.parent.glob("profile.unsaved-*")
    kept = load_profile(aside, load_head=False)
    assert kept.classes == ["up", "down", "left", "right", "idle"]
    assert np.bincount(kept.samples.labels).tolist() == [MIN_SAMPLES] * 4 + [3]
    assert "unsaved work (" in capsys.readouterr().err


def test_turning_idle_off_says_that_a_save_leaves_its_samples_out(
    training: tuple[Calibration, EndlessTraining],
) -> None:
    calibration, _ = training
    calibration.driver.tap(pygame.K_o)
    calibration.record("idle", 4)
    calibration.driver.tap(pygame.K_o)
    flash = calibration.scene.flash
    assert flash is not None
    assert flash.text == "Idle class off: its 4 samples stay here, but a save leaves them out while it is off"
