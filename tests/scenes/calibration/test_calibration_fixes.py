"""Calibration screen fixes from issue 10: Esc closes the Tune panel before it leaves the screen, and
a profile saved before any training keeps the settings the Tune panel showed."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from calibration_support import Driver, PoseSource, source_that_never_opens

from game.scenes.calibration.options import CalibrationOptions
from game.scenes.calibration.scene import CalibrationScene
from game.vision.profile import load_profile
from game.vision.recorder import CameraState
from game.vision.training import DEFAULT

LOAD_TIMEOUT = 300.0


@pytest.fixture(scope="module")
def models(session_models_dir: Path, imagenet_weights: Path) -> Path:
    """The models directory with the per-frame backbone converted once (as the scene tests do)."""
    from game.vision.features import LiteRTBackbone

    LiteRTBackbone.load(session_models_dir)
    return session_models_dir


@pytest.fixture
def options(tmp_path: Path, models: Path) -> CalibrationOptions:
    return CalibrationOptions(profile_dir=tmp_path / "profile", models=models, recognizer="frame")


def _ready(driver: Driver, scene: CalibrationScene) -> None:
    driver.until(lambda: scene.backbone.ready, LOAD_TIMEOUT, "MobileNet to load")
    driver.until(lambda: scene.camera.state is CameraState.RUNNING, 30, "the first camera frame")
    driver.frames(2)


def test_escape_closes_the_tune_panel_and_only_then_leaves(
    options: CalibrationOptions, signdigits: Path
) -> None:
    scene = CalibrationScene(options, source=lambda: PoseSource(signdigits))
    driver = Driver(scene)
    try:
        driver.frames(2)
        driver.tap(pygame.K_a)
        assert scene.show_advanced
        driver.tap(pygame.K_ESCAPE)
        assert not scene.show_advanced, "Esc closes the Tune panel"
        assert driver.manager.current is scene, "and stays in calibration"
        driver.tap(pygame.K_ESCAPE)
        assert driver.manager.current is None, "a second Esc (nothing unsaved) leaves"
    finally:
        driver.close()


def test_a_save_before_training_keeps_the_panels_settings(
    options: CalibrationOptions, signdigits: Path
) -> None:
    poses = PoseSource(signdigits)
    scene = CalibrationScene(options, source=lambda: poses)
    driver = Driver(scene)
    try:
        _ready(driver, scene)
        poses.pose = "up"
        driver.key(pygame.K_UP)
        driver.until(lambda: scene.book.count("up") >= 3, 60, "some up samples")
        driver.key(pygame.K_UP, down=False)
        driver.frames(3)
        driver.tap(pygame.K_s)
        assert scene.result is None and not scene.book.dirty
    finally:
        driver.close()
    saved = load_profile(options.profile_dir).head_config
    assert (saved.learning_rate, saved.batch_fraction) == (DEFAULT.learning_rate, DEFAULT.batch_fraction)
    assert saved == DEFAULT

    # Reopened, the panel shows the saved settings, which are the defaults: nothing reads as changed.
    again = CalibrationScene(options, source=lambda: PoseSource(signdigits))
    driver = Driver(again)
    try:
        _ready(driver, again)
        assert again.config == DEFAULT
        # A setting the player changes before saving is the one saved.
        driver.tap(pygame.K_a)
        driver.tap(pygame.K_2)  # learning rate one step up
        assert again.config.learning_rate > DEFAULT.learning_rate
        chosen = again.config
        driver.tap(pygame.K_s)
    finally:
        driver.close()
    assert load_profile(options.profile_dir).head_config == chosen


def test_on_the_no_camera_screen_escape_leaves_at_once(options: CalibrationOptions) -> None:
    scene = CalibrationScene(options, source=source_that_never_opens())
    driver = Driver(scene)
    try:
        scene.show_advanced = True  # opened before the camera went away: not shown on this screen
        driver.until(lambda: scene.no_camera, 10, "the no-camera screen")
        driver.tap(pygame.K_ESCAPE)
        assert driver.manager.current is None, "Esc leaves; there is no Tune panel here to close"
    finally:
        driver.close()
