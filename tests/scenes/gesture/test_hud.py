"""The gesture HUD panel on SDL's dummy driver: thumbnail, bars, pause on a lost camera, recalibration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pygame
import pytest

from game.core.types import Direction
from game.input.gesture import GestureInput
from game.render import palette
from game.scenes.gesture import hud_view
from game.scenes.gesture.hud import LOW_CONFIDENCE_S, LOW_CONFIDENCE_SHARE, GestureHud
from game.vision.camera import Frame
from game.vision.predictor import LivePrediction, PredictorStats
from game.vision.types import PredictorState

CLASSES = ("up", "down", "left", "right", "idle")
THUMB_COLOR = (10, 200, 90)  # a colour nothing else on the panel uses


@dataclass(frozen=True)
class FakeResult:
    probs: Mapping[str, float]
    top: str
    confidence: float


class FakeFeed:
    def __init__(self) -> None:
        self.prediction: LivePrediction | None = None
        self.current_stats = PredictorStats(PredictorState.RUNNING, "", 30.0, 4.0, 20.0, 10, 10, 0)

    def show(self, top: str, p: float) -> None:
        probs = {name: (p if name == top else (1 - p) / 4) for name in CLASSES}
        image = np.zeros((120, 160, 3), dtype=np.uint8)
        image[:] = THUMB_COLOR
        self.prediction = LivePrediction(FakeResult(probs, top, p), Frame(image, 1.0, 0), 0, 1.0, 1.01, 1.02)

    def latest(self) -> LivePrediction | None:
        return self.prediction

    def stats(self) -> PredictorStats:
        return self.current_stats


@pytest.fixture(autouse=True)
def _pygame() -> object:
    pygame.init()
    yield
    pygame.quit()


def make_hud(feed: FakeFeed, recalibrate: list[int] | None = None) -> GestureHud:
    gesture = GestureInput(feed.latest, threshold=0.6, smoothing=1, stale_after=None)
    callback = None if recalibrate is None else (lambda: recalibrate.append(1))
    return GestureHud(lambda: feed, gesture, CLASSES, on_recalibrate=callback)


def count_color(surface: pygame.Surface, rect: pygame.Rect, color: tuple[int, int, int]) -> int:
    pixels = pygame.surfarray.array3d(surface.subsurface(rect))
    return int(np.all(pixels == np.array(color), axis=-1).sum())


@pytest.mark.parametrize("scale", [1, 3])
def test_panel_draws_thumbnail_bars_and_the_held_direction(scale: int) -> None:
    feed = FakeFeed()
    feed.show("left", 0.9)
    hud = make_hud(feed)
    hud.gesture.poll(None)  # type: ignore[arg-type]
    hud.update(1 / 60)
    surface = pygame.Surface((384 * scale, 288 * scale))
    rect = pygame.Rect(224 * scale, 0, 160 * scale, 288 * scale)
    hud.draw(surface, rect)
    # The thumbnail shows the frame: a large block of its colour, all inside the panel.
    assert count_color(surface, rect, THUMB_COLOR) > (80 * scale) ** 2
    assert count_color(surface, pygame.Rect(0, 0, 224 * scale, 288 * scale), THUMB_COLOR) == 0
    # The steering class's bar (and the held-direction arrow) are drawn in the accent colour.
    assert count_color(surface, rect, palette.ACCENT) > 20 * scale
    assert hud.gesture.held is Direction.LEFT
    assert hud.pause_reason() is None and hud.banner() is None


def test_lost_camera_pauses_with_a_reason_and_draws_its_message() -> None:
    feed = FakeFeed()
    feed.show("up", 0.9)
    hud = make_hud(feed)
    hud.update(1 / 60)
    feed.current_stats = replace(feed.current_stats, state=PredictorState.LOST, message="Camera 0 stopped")
    hud.update(1 / 60)
    reason = hud.pause_reason()
    assert reason is not None and "lost" in reason.lower()
    surface = pygame.Surface((384, 288))
    rect = pygame.Rect(224, 0, 160, 288)
    hud.draw(surface, rect)
    assert count_color(surface, rect, THUMB_COLOR) == 0  # no stale picture while lost
    assert count_color(surface, rect, palette.BAD) > 0
    feed.current_stats = replace(feed.current_stats, state=PredictorState.RUNNING, message="")
    hud.update(1 / 60)
    assert hud.pause_reason() is None


def test_low_confidence_for_several_seconds_suggests_recalibrating_and_c_does_it() -> None:
    feed = FakeFeed()
    feed.show("right", 0.4)
    calls: list[int] = []
    hud = make_hud(feed, calls)
    hud.gesture.poll(None)  # type: ignore[arg-type]
    for _ in range(int(LOW_CONFIDENCE_S * 60) - 5):
        hud.update(1 / 60)
    assert hud.banner() is None
    for _ in range(10):
        hud.update(1 / 60)
    banner = hud.banner()
    assert banner is not None and "C" in banner
    assert hud.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=0, unicode="c"))
    assert calls == [1]
    assert hud.banner() is None


def run_seconds(hud: GestureHud, feed: FakeFeed, seconds: float, pattern: list[float]) -> None:
    """Update at 60 Hz for ``seconds``; each frame shows a new prediction, confidences cycling ``pattern``."""
    for i in range(round(seconds * 60)):
        feed.show("right", pattern[i % len(pattern)])
        hud.gesture.poll(None)  # type: ignore[arg-type]
        hud.update(1 / 60)


def test_the_odd_confident_frame_does_not_hide_a_struggling_model() -> None:
    feed = FakeFeed()
    hud = make_hud(feed, [])
    run_seconds(hud, feed, LOW_CONFIDENCE_S + 0.5, [0.4] * 9 + [0.9])  # 10% confident
    assert hud.banner() is not None


def test_confidence_recovering_clears_the_banner_and_other_keys_pass_through() -> None:
    feed = FakeFeed()
    hud = make_hud(feed, [])
    run_seconds(hud, feed, LOW_CONFIDENCE_S + 0.2, [0.4])
    assert hud.banner() is not None
    run_seconds(hud, feed, LOW_CONFIDENCE_S * (1 - LOW_CONFIDENCE_SHARE) + 0.3, [0.95])
    assert hud.banner() is None
    assert not hud.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_LEFT, mod=0, unicode=""))


def test_no_banner_while_the_camera_is_not_running() -> None:
    feed = FakeFeed()
    feed.current_stats = replace(feed.current_stats, state=PredictorState.LOADING)
    hud = make_hud(feed, [])
    run_seconds(hud, feed, LOW_CONFIDENCE_S + 1, [0.3])
    assert hud.banner() is None


def test_without_a_recalibrate_action_c_is_not_taken() -> None:
    feed = FakeFeed()
    hud = make_hud(feed)
    assert not hud.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=0, unicode="c"))


def lost(feed: FakeFeed, message: str) -> None:
    feed.current_stats = replace(feed.current_stats, state=PredictorState.LOST, message=message)


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="")


def test_k_plays_on_with_the_keyboard_while_the_camera_is_lost_until_it_returns() -> None:
    feed = FakeFeed()
    feed.show("up", 0.9)
    hud = make_hud(feed)
    hud.update(1 / 60)
    assert not hud.handle_event(key(pygame.K_k))  # nothing to skip while the camera works
    lost(feed, "Camera 0 stopped")
    hud.update(1 / 60)
    assert hud.pause_reason() is not None
    assert hud.handle_event(key(pygame.K_k))
    hud.update(1 / 60)
    assert hud.pause_reason() is None
    feed.current_stats = replace(feed.current_stats, state=PredictorState.RUNNING, message="")
    hud.update(1 / 60)
    lost(feed, "Camera 0 stopped again")
    hud.update(1 / 60)
    assert hud.pause_reason() is not None  # a new loss pauses again


def test_a_camera_that_never_opened_does_not_block_keyboard_play() -> None:
    feed = FakeFeed()
    feed.current_stats = replace(feed.current_stats, state=PredictorState.STARTING)
    hud = make_hud(feed)
    hud.update(1 / 60)
    assert hud.waiting() and hud.pause_reason() is None  # opening: wait for it, quietly
    lost(feed, "Cannot open camera 5: no such device")
    hud.update(1 / 60)
    assert hud.pause_reason() is None and not hud.waiting()
    banner = hud.banner()
    assert banner is not None and "arrow keys" in banner


def test_the_banner_shows_with_uneven_frame_times_too() -> None:
    feed = FakeFeed()
    hud = make_hud(feed, [])
    feed.show("right", 0.3)
    hud.gesture.poll(None)  # type: ignore[arg-type]
    elapsed = 0.0
    while elapsed < LOW_CONFIDENCE_S + 1.0:  # a real loop's dt wobbles around 1/60
        for dt in (0.0151, 0.0183, 0.0166):
            hud.update(dt)
            elapsed += dt
    assert hud.banner() is not None


def test_bars_follow_the_model_and_are_empty_while_the_camera_is_lost() -> None:
    feed = FakeFeed()
    feed.show("left", 0.9)
    gesture = GestureInput(feed.latest, threshold=0.6, smoothing=1, stale_after=None)
    hud = GestureHud(lambda: feed, gesture)  # no class order given: the model's is used
    gesture.poll(None)  # type: ignore[arg-type]
    hud.update(1 / 60)
    surface = pygame.Surface((384, 288))
    rect = pygame.Rect(224, 0, 160, 288)
    hud.draw(surface, rect)
    bars = pygame.Rect(224, 130, 160, 70)
    assert count_color(surface, bars, palette.ACCENT) > 50
    lost(feed, "Camera 0 stopped")
    hud.update(1 / 60)
    surface.fill((0, 0, 0))
    hud.draw(surface, rect)
    assert count_color(surface, bars, palette.ACCENT) == 0
    assert count_color(surface, bars, palette.BAR_BG) > 50  # the empty bars are still there


def test_while_loading_the_game_waits_and_only_the_panel_says_so() -> None:
    feed = FakeFeed()
    feed.current_stats = replace(feed.current_stats, state=PredictorState.LOADING)
    hud = make_hud(feed)
    hud.update(1 / 60)
    assert hud.waiting() and hud.pause_reason() is None and hud.banner() is None
    surface = pygame.Surface((384, 288))
    rect = pygame.Rect(224, 0, 160, 288)
    hud.draw(surface, rect)
    assert count_color(surface, rect, palette.BAR_FG) > 0, "the panel shows a loading bar"
    assert count_color(surface, rect, palette.BAD) == 0, "loading is not an error"
    feed.show("up", 0.9)
    feed.current_stats = replace(feed.current_stats, state=PredictorState.RUNNING)
    hud.update(1 / 60)
    assert not hud.waiting()


def test_a_message_longer_than_its_box_ends_with_an_ellipsis(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long camera error (what to try, what doctor lists) must not stop mid-sentence at the
    box's edge as if it were the whole message: its last visible line ends with "…"."""
    drawn: list[str] = []
    real = hud_view.blit_with_font

    def capture(surface: pygame.Surface, font: pygame.font.Font, text: str, *args: object) -> object:
        drawn.append(text)
        return real(surface, font, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(hud_view, "blit_with_font", capture)
    feed = FakeFeed()
    message = "Cannot open camera 7: no such device, it is in use by another program. " * 6
    feed.current_stats = replace(feed.current_stats, state=PredictorState.LOST, message=message.strip())
    hud = make_hud(feed)
    hud.update(1 / 60)
    hud.draw(pygame.Surface((384, 288)), pygame.Rect(224, 0, 160, 288))
    words = " ".join(drawn)
    assert "No camera" in words and words.count("Cannot open camera 7") < 6, "the box holds less"
    assert any(text.endswith(" …") for text in drawn), drawn
