"""Live gesture control's lifecycle: background model loading, recalibration round trip, clean close."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pygame
import pytest
from prediction_support import FakeResult, wait_for

from game.core.types import Direction
from game.input.gesture import GestureSettings
from game.scenes.gesture.live import LiveGesture
from game.vision.camera import Frame, FrameSource
from game.vision.gesture_setup import GestureSetupError
from game.vision.types import PredictorState


class CountingSource(FrameSource):
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.count = 0
        self.closed = 0

    def read(self) -> Frame | None:
        time.sleep(self.interval)
        self.count += 1
        return Frame(np.zeros((8, 8, 3), dtype=np.uint8), time.monotonic(), self.count)

    def close(self) -> None:
        self.closed += 1


class LeftClassifier:
    def predict_frame(self, frame: Frame) -> FakeResult:
        return FakeResult({"up": 0.05, "left": 0.95}, "left", 0.95)


@pytest.fixture(autouse=True)
def _pygame() -> object:
    pygame.init()
    yield
    pygame.quit()


#: Longest a gated load waits for its test to let it finish (a stuck test fails instead of hanging).
GATE_S = 60.0


def make_live(
    loads: list[int],
    sources: list[CountingSource],
    fail: bool = False,
    gates: Sequence[threading.Event] = (),
    loaders: list[threading.Thread] | None = None,
) -> LiveGesture:
    """Gesture control on ``CountingSource`` cameras (appended to ``sources``) whose loader appends
    to ``loads`` when it starts (and its thread to ``loaders``). The ``i``-th load, when ``gates``
    has an ``i``-th event, finishes only once the test sets it: loading is slow, and the test says
    how slow, so what it checks "while loading" is checked while loading."""

    def load() -> LeftClassifier:
        loads.append(1)
        if loaders is not None:
            loaders.append(threading.current_thread())
        gate = gates[len(loads) - 1] if len(loads) <= len(gates) else None
        if gate is not None:
            assert gate.wait(GATE_S), "the test never let the load finish"
        else:
            time.sleep(0.05)  # loading is slow; the game must not wait for it
        if fail:
            raise GestureSetupError("No gesture profile at /nowhere. Run `gesture-pacman calibrate`.")
        return LeftClassifier()

    def opener() -> CountingSource:
        sources.append(CountingSource(interval=0.005))
        return sources[-1]

    return LiveGesture(load, opener, GestureSettings(threshold=0.6, smoothing=2))


def test_loads_in_the_background_then_steers_and_closes_the_camera() -> None:
    loads: list[int] = []
    sources: list[CountingSource] = []
    loading = threading.Event()
    live = make_live(loads, sources, gates=[loading]).start()
    live.hud.update(0.0)
    assert live.hud.waiting()  # returned before loading finished: the game waits, no banner
    assert live.hud.pause_reason() is None
    loading.set()
    assert wait_for(lambda: live.stats().state is PredictorState.RUNNING and live.latest() is not None)
    live.hud.update(1 / 60)
    assert live.hud.pause_reason() is None and not live.hud.waiting()
    assert live.input.poll(None).direction is Direction.LEFT  # type: ignore[arg-type]
    live.close()
    assert sources[0].closed >= 1


def test_recalibration_releases_the_camera_and_resumes_with_a_fresh_model_on_return() -> None:
    loads: list[int] = []
    sources: list[CountingSource] = []
    shown: list[int] = []
    live = make_live(loads, sources).start()
    live.attach_calibration(lambda: shown.append(1))
    assert wait_for(lambda: live.latest() is not None)
    event = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=0, unicode="c")
    assert live.hud.handle_event(event)
    assert shown == [1]
    assert sources[0].closed >= 1  # the calibration scene can open the camera now
    assert live.latest() is None
    # The calibration scene is on top; when the game is back on screen its panel updates again.
    live.hud.update(1 / 60)
    assert wait_for(lambda: live.latest() is not None)
    assert loads == [1, 1]  # the profile was reloaded: it may have been retrained
    assert len(sources) == 2
    live.close()
    assert sources[1].closed >= 1


def test_without_a_calibration_screen_c_is_ignored() -> None:
    live = make_live([], [])
    event = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=0, unicode="c")
    live.hud.handle_event(event)
    assert live.stats().state is PredictorState.LOADING  # nothing was stopped or started


def test_a_model_that_cannot_load_leaves_keyboard_play_running_with_the_message() -> None:
    sources: list[CountingSource] = []
    live = make_live([], sources, fail=True).start()
    assert wait_for(lambda: live.stats().state is PredictorState.FAILED)
    assert "No gesture profile" in live.stats().message
    live.hud.update(1 / 60)
    assert live.hud.pause_reason() is None
    assert live.input.poll(None).direction is None  # type: ignore[arg-type]
    assert sources == []  # the camera was never opened
    live.close()


def test_returning_from_calibration_before_the_model_loaded_opens_the_camera_once() -> None:
    loads: list[int] = []
    loaders: list[threading.Thread] = []
    sources: list[CountingSource] = []
    first_load = threading.Event()
    live = make_live(loads, sources, gates=[first_load], loaders=loaders).start()
    live.attach_calibration(lambda: None)
    assert wait_for(lambda: len(loads) == 1)
    live.recalibrate()  # while the first load is still running
    live.hud.update(1 / 60)  # back already: a second load starts
    assert wait_for(lambda: len(loads) == 2 and live.latest() is not None)
    first_load.set()  # the first load finishes now, after the second one opened the camera
    loaders[0].join(GATE_S)
    assert not loaders[0].is_alive()
    # Had the late load started a predictor, its camera thread would open a second camera now.
    assert not wait_for(lambda: len(sources) > 1, timeout=0.5)
    assert len(sources) == 1
    live.close()
    assert sources[0].closed >= 1


def test_an_unexpected_loader_error_still_leaves_keyboard_play_running() -> None:
    def load() -> LeftClassifier:
        raise RuntimeError("interpreter could not allocate tensors")

    live = LiveGesture(load, lambda: CountingSource(0.01), GestureSettings()).start()
    assert wait_for(lambda: live.stats().state is PredictorState.FAILED)
    assert "could not allocate" in live.stats().message
    live.hud.update(1 / 60)
    assert live.hud.pause_reason() is None
    live.close()
