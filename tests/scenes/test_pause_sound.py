"""Pausing during the first READY! holds the start tune, and the game running again plays it on.

The tune fills READY! exactly (the actors move as it ends), so cutting it on a pause left the rest of
READY! silent. Played on SDL's dummy audio device, which plays in real time: a tune that is only
held, not stopped, is still on its channel after a pause longer than the whole tune, and ends a
moment after the game runs again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame
import pytest
from scene_support import open_manager, post_key, run_frames

from game.audio import Audio, Sound
from game.core.state import Phase
from game.highscore import HighScore
from game.scenes.base import SceneManager
from game.scenes.play import PlayScene

#: The stand-in start tune's length: short, so the test waits little for it, and long enough to be
#: still playing a few frames later on a busy machine.
TUNE_S = 1.0


class FreezingPanel:
    """A side panel that can freeze the game (the camera is lost), like the gesture HUD."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        pass

    def handle_event(self, event: pygame.event.Event) -> bool:
        return False

    def pause_reason(self) -> str | None:
        return self.reason

    def waiting(self) -> bool:
        return False

    def banner(self) -> str | None:
        return None


def short_tune(audio: Audio) -> pygame.mixer.Sound:
    """Replace the start tune with a TUNE_S-second one and return it."""
    init = pygame.mixer.get_init()
    assert init is not None
    rate, _, channels = init
    samples = np.full((int(TUNE_S * rate), channels), 2000, dtype=np.int16)
    tune = pygame.sndarray.make_sound(samples)
    audio._sounds[Sound.START] = tune
    return tune


def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def pause_by_key(manager: SceneManager, scene: PlayScene, panel: FreezingPanel) -> Callable[[], None]:
    post_key(pygame.K_p)
    run_frames(manager, 1)
    return lambda: post_key(pygame.K_p)


def pause_by_leaving(event: int) -> Callable[[SceneManager, PlayScene, FreezingPanel], Callable[[], None]]:
    def pause(manager: SceneManager, scene: PlayScene, panel: FreezingPanel) -> Callable[[], None]:
        pygame.event.post(pygame.event.Event(event))
        run_frames(manager, 1)
        # Back in the window, the game waits for P.
        return lambda: post_key(pygame.K_p)

    return pause


def freeze_by_panel(manager: SceneManager, scene: PlayScene, panel: FreezingPanel) -> Callable[[], None]:
    panel.reason = "Camera lost - retrying"
    run_frames(manager, 1)

    def unfreeze() -> None:
        panel.reason = None

    return unfreeze


PAUSES = {
    "p-key": pause_by_key,
    "focus-lost": pause_by_leaving(pygame.WINDOWFOCUSLOST),
    "minimised": pause_by_leaving(pygame.WINDOWMINIMIZED),
    "camera-lost": freeze_by_panel,
}


@pytest.mark.parametrize("how", PAUSES)
def test_a_pause_during_ready_holds_the_start_tune_and_it_plays_on_after(how: str, tmp_path: Path) -> None:
    manager = open_manager()
    pygame.event.clear()
    audio = Audio()
    assert audio.available, "SDL's dummy audio driver should open"
    tune = short_tune(audio)
    panel = FreezingPanel()
    scene = PlayScene(seed=1, panel=panel, audio=audio, high_score=HighScore(tmp_path / "h.json"))
    manager.push(scene)
    scene.draw(manager.surface)  # the first drawing fills the render caches: slow, and not timed
    run_frames(manager, 1)
    assert scene.world.tick == 1
    assert tune.get_num_channels() == 1, "the tune starts with the first READY!"
    time.sleep(0.05)

    unpause = PAUSES[how](manager, scene, panel)
    assert scene.frozen
    time.sleep(TUNE_S + 0.3)  # longer than the whole tune: had it played on, it would be over
    run_frames(manager, 5)
    assert tune.get_num_channels() == 1, "the tune is held through the pause, not cut"

    unpause()
    run_frames(manager, 1)
    assert not scene.frozen and scene.world.phase is Phase.READY
    assert tune.get_num_channels() == 1
    assert wait_until(lambda: tune.get_num_channels() == 0), "and plays on to its end"
    manager.quit()
