"""Calibration screen fixes from issue 10: Esc closes the Tune panel before it leaves the screen, and
a profile saved before any training keeps the settings the Tune panel showed."""

from __future__ import annotations

from pathlib import Path

import pygame
from calibration_support import PoseSource, driven, hold_pose, posed, source_that_never_opens

from game.scenes.calibration.options import CalibrationOptions
from game.scenes.calibration.scene import CalibrationScene
from game.vision.profile import load_profile
from game.vision.training import DEFAULT


def test_escape_closes_the_tune_panel_and_only_then_leaves(
    options: CalibrationOptions, signdigits: Path
) -> None:
    scene = CalibrationScene(options, source=lambda: PoseSource(signdigits))
    with driven(scene, ready=False) as driver:
        driver.frames(2)
        driver.tap(pygame.K_a)
        assert scene.show_advanced
        driver.tap(pygame.K_ESCAPE)
        assert not scene.show_advanced, "Esc closes the Tune panel"
        assert driver.manager.current is scene, "and stays in calibration"
        driver.tap(pygame.K_ESCAPE)
        assert driver.manager.current is None, "a second Esc (nothing unsaved) leaves"


def test_a_save_before_training_keeps_the_panels_settings(
    options: CalibrationOptions, signdigits: Path
) -> None:
    with posed(options, signdigits) as (scene, driver, poses):
        hold_pose(driver, scene, poses, "up", 3, "some up samples")
        driver.tap(pygame.K_s)
        assert scene.result is None and not scene.book.dirty
    saved = load_profile(options.profile_dir).head_config
    assert (saved.learning_rate, saved.batch_fraction) == (DEFAULT.learning_rate, DEFAULT.batch_fraction)
    assert saved == DEFAULT

    # Reopened, the panel shows the saved settings, which are the defaults: nothing reads as changed.
    again = CalibrationScene(options, source=lambda: PoseSource(signdigits))
    with driven(again) as driver:
        assert again.config == DEFAULT
        # A setting the player changes before saving is the one saved.
        driver.tap(pygame.K_a)
        driver.tap(pygame.K_2)  # learning rate one step up
        assert again.config.learning_rate > DEFAULT.learning_rate
        chosen = again.config
        driver.tap(pygame.K_s)
    assert load_profile(options.profile_dir).head_config == chosen


def test_on_the_no_camera_screen_escape_leaves_at_once(options: CalibrationOptions) -> None:
    scene = CalibrationScene(options, source=source_that_never_opens())
    with driven(scene, ready=False) as driver:
        scene.show_advanced = True  # opened before the camera went away: not shown on this screen
        driver.until(lambda: scene.no_camera, 10, "the no-camera screen")
        driver.tap(pygame.K_ESCAPE)
        assert driver.manager.current is None, "Esc leaves; there is no Tune panel here to close"
