"""Closing the window in calibration with unsaved samples asks first, as Esc does: the same warning,
saying that S saves and then quits and that closing again quits without saving. With nothing unsaved
the window closes at once.

No camera thread and no MobileNet: samples go into the scene's sample book as the camera thread
would put them there, and a save ties them to a stand-in recognizer (the save path is the real one).
The scene's clock is a fake, so the warning lasts until a test moves the clock on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest
from calibration_support import Calibration, open_calibration

from game.scenes.calibration.modes import FlashKind
from game.scenes.calibration.scene import FLASH_S
from game.vision import calibration_profile
from game.vision.profile import load_profile

ESC_WARNING = "Unsaved samples: S saves them, Esc again leaves without saving"
CLOSE_WARNING = "Unsaved samples: S saves them and quits, close again quits without saving"


@pytest.fixture
def calibration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Calibration]:
    opened = open_calibration(tmp_path / "profile", monkeypatch)
    yield opened
    opened.driver.close()


def test_closing_with_unsaved_samples_asks_and_stays_open(calibration: Calibration) -> None:
    calibration.record("left", 3)
    calibration.driver.close_window()
    assert calibration.open, "the first close only asks"
    flash = calibration.scene.flash
    assert flash is not None and flash.kind is FlashKind.ERROR and flash.text == CLOSE_WARNING
    calibration.driver.frames(3)
    assert calibration.open and calibration.scene.book.count("left") == 3


def test_s_after_closing_saves_through_the_atomic_save_then_quits(
    calibration: Calibration, monkeypatch: pytest.MonkeyPatch
) -> None:
    saves: list[Path] = []
    real_save = calibration_profile.save_profile

    def save_profile(profile: Any, folder: Path) -> Path:
        saves.append(Path(folder))
        return real_save(profile, folder)

    monkeypatch.setattr(calibration_profile, "save_profile", save_profile)
    calibration.record("up", 2)
    calibration.record("down", 3)
    calibration.driver.close_window()
    assert calibration.open
    calibration.driver.tap(pygame.K_s)
    assert not calibration.driver.manager.running, "saved, then the window closed"
    assert saves == [calibration.profile_dir]
    saved = load_profile(calibration.profile_dir)
    assert np.bincount(saved.samples.labels).tolist() == [2, 3]
    assert saved.classes[:2] == ["up", "down"]
    leftovers = [p.name for p in calibration.profile_dir.parent.iterdir() if p.name.startswith(".profile.")]
    assert leftovers == [], "no staging folder is left behind"


def test_a_second_close_quits_without_saving(calibration: Calibration) -> None:
    calibration.record("right", 4)
    calibration.driver.close_window()
    assert calibration.open
    calibration.driver.close_window()
    assert not calibration.driver.manager.running and calibration.driver.manager.current is None
    assert not calibration.profile_dir.exists(), "dropped: nothing written"


def test_with_nothing_recorded_the_window_closes_at_once(calibration: Calibration) -> None:
    calibration.driver.close_window()
    assert not calibration.driver.manager.running


def test_once_saved_the_window_closes_at_once(calibration: Calibration) -> None:
    calibration.record("up", 2)
    calibration.driver.tap(pygame.K_s)
    assert calibration.open and not calibration.scene.book.dirty, "S alone saves and stays"
    calibration.driver.close_window()
    assert not calibration.driver.manager.running


def test_the_close_warning_lasts_as_long_as_its_message(calibration: Calibration) -> None:
    calibration.record("up", 2)
    calibration.driver.close_window()
    calibration.clock.now += FLASH_S + 0.1
    calibration.driver.frame()
    assert calibration.scene.flash is None
    calibration.driver.close_window()
    assert calibration.open, "the warning was gone: this close asks again rather than drop"
    calibration.driver.close_window()
    assert not calibration.driver.manager.running


def test_esc_and_close_warnings_each_withdraw_the_other(calibration: Calibration) -> None:
    calibration.record("up", 2)
    calibration.driver.close_window()
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "Esc under the close warning is not its answer: it gives Esc's warning"
    assert calibration.scene.flash is not None and calibration.scene.flash.text == ESC_WARNING
    calibration.driver.close_window()
    assert calibration.open, "a close under Esc's warning asks about closing"
    assert calibration.scene.flash is not None and calibration.scene.flash.text == CLOSE_WARNING
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.open, "and Esc's earlier warning is no longer in force"
    calibration.driver.tap(pygame.K_ESCAPE)
    assert calibration.driver.manager.current is None, "a second Esc under its own warning leaves"


def test_a_failed_save_keeps_the_samples_and_the_next_close_asks_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be\n")
    calibration = open_calibration(blocker / "profile", monkeypatch)
    try:
        calibration.record("left", 3)
        calibration.driver.close_window()
        calibration.driver.tap(pygame.K_s)
        assert calibration.open, "the save failed: the window stays open"
        flash = calibration.scene.flash
        assert flash is not None and flash.text.startswith("Not saved")
        assert calibration.scene.book.dirty and calibration.scene.book.count("left") == 3
        calibration.driver.close_window()
        assert calibration.open, "the failure replaced the warning: this close asks again"
        assert calibration.scene.flash is not None and calibration.scene.flash.text == CLOSE_WARNING
    finally:
        calibration.driver.close()


def _aside(calibration: Calibration) -> list[Path]:
    return sorted(calibration.profile_dir.parent.glob(f"{calibration.profile_dir.name}.unsaved-*"))


def test_a_calibration_ended_without_asking_keeps_its_work_beside_the_profile(
    calibration: Calibration, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C or a logout ends the program through every scene's exit, which cannot ask: the
    unsaved samples go to a new profile folder, and the player's profile stays as it was saved."""
    calibration.record("up", 2)
    calibration.record("down", 2)
    calibration.driver.tap(pygame.K_s)
    calibration.record("left", 3)
    calibration.driver.close()  # what run_app's clean-up does after Ctrl-C or SIGTERM
    assert np.bincount(load_profile(calibration.profile_dir).samples.labels).tolist() == [2, 2]
    [aside] = _aside(calibration)
    assert np.bincount(load_profile(aside).samples.labels).tolist() == [2, 2, 3]
    err = capsys.readouterr().err
    assert f"unsaved work (7 samples) was saved to {aside}" in err
    assert f"gesture-pacman calibrate --profile {aside}" in err


@pytest.mark.parametrize("leave", ["esc", "close"])
def test_leaving_through_the_warning_keeps_nothing_aside(calibration: Calibration, leave: str) -> None:
    calibration.record("right", 4)
    for _ in range(2):
        if leave == "esc":
            calibration.driver.tap(pygame.K_ESCAPE)
        else:
            calibration.driver.close_window()
    assert calibration.driver.manager.current is None
    calibration.driver.close()
    assert _aside(calibration) == [] and not calibration.profile_dir.exists(), "dropped, as the warning said"
