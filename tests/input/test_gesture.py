"""Gesture smoothing, threshold and idle logic, driven by synthetic prediction sequences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from game.core.types import Direction
from game.input.gesture import GestureInput, GestureSmoother, validate_settings

CLASSES = ("up", "down", "left", "right", "idle")


def probs(top: str, p: float) -> dict[str, float]:
    """``top`` gets ``p``; the rest is shared evenly by the other classes."""
    rest = (1.0 - p) / (len(CLASSES) - 1)
    return {name: (p if name == top else rest) for name in CLASSES}


@dataclass(frozen=True)
class FakePrediction:
    probs: Mapping[str, float] = field(default_factory=dict)
    timestamp: float = 0.0


class Feed:
    """A prediction provider the test advances by hand, with a hand-driven clock."""

    def __init__(self) -> None:
        self.current: FakePrediction | None = None
        self.now = 0.0

    def publish(self, top: str, p: float) -> None:
        self.current = FakePrediction(probs(top, p), self.now)

    def __call__(self) -> FakePrediction | None:
        return self.current


def test_confident_class_steers_after_a_single_frame_with_no_smoothing() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=1)
    assert smoother.push(probs("left", 0.9)).direction is Direction.LEFT
    assert smoother.push(probs("up", 0.7)).direction is Direction.UP


def test_below_threshold_means_keep_going() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=1)
    verdict = smoother.push(probs("left", 0.55))
    assert verdict.label == "left"
    assert verdict.direction is None


def test_idle_class_never_steers_however_confident() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=1)
    verdict = smoother.push(probs("idle", 0.99))
    assert verdict.label == "idle" and verdict.direction is None


def test_custom_idle_class_name() -> None:
    smoother = GestureSmoother(threshold=0.5, smoothing=1, idle_class="none")
    verdict = smoother.push({"none": 0.9, "up": 0.1})
    assert verdict.direction is None
    assert smoother.push({"none": 0.0, "up": 1.0}).direction is Direction.UP


def test_a_single_glitch_frame_does_not_flip_the_smoothed_direction() -> None:
    smoother = GestureSmoother(threshold=0.5, smoothing=4)
    for _ in range(4):
        smoother.push(probs("left", 0.9))
    verdict = smoother.push(probs("right", 0.95))
    assert verdict.direction is Direction.LEFT
    # Without smoothing the same glitch would have steered right.
    assert GestureSmoother(threshold=0.5, smoothing=1).push(probs("right", 0.95)).direction is Direction.RIGHT


def test_a_held_new_gesture_takes_over_within_the_window() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=4)
    for _ in range(4):
        smoother.push(probs("left", 0.9))
    directions = [smoother.push(probs("down", 0.9)).direction for _ in range(4)]
    # 1 of 4 frames: mean still favours left; 2 of 4: tie broken by class order, under threshold;
    # by 3 of 4 the new gesture is confident enough; by 4 of 4 it is all that is left.
    assert directions[-1] is Direction.DOWN
    assert directions[-2] is Direction.DOWN
    assert Direction.DOWN not in directions[:1]


def test_mean_confidence_is_the_average_over_the_window() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=3)
    smoother.push(probs("up", 0.9))
    smoother.push(probs("up", 0.6))
    verdict = smoother.push(probs("up", 0.3))
    assert verdict.label == "up"
    assert verdict.confidence == pytest.approx((0.9 + 0.6 + 0.3) / 3)
    assert verdict.window == 3
    assert verdict.direction is Direction.UP


def test_unsure_frames_pull_the_average_under_the_threshold() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=3)
    for p in (0.9, 0.4, 0.4):
        verdict = smoother.push(probs("up", p))
    assert verdict.direction is None


def test_reset_forgets_the_window() -> None:
    smoother = GestureSmoother(threshold=0.6, smoothing=3)
    smoother.push(probs("up", 0.9))
    smoother.reset()
    assert smoother.current.direction is None
    assert smoother.push(probs("left", 0.9)).direction is Direction.LEFT


@pytest.mark.parametrize(("threshold", "smoothing"), [(-0.1, 3), (1.5, 3), (float("nan"), 3), (0.6, 0)])
def test_settings_out_of_range_are_refused_with_a_message(threshold: float, smoothing: int) -> None:
    with pytest.raises(ValueError, match=r"--threshold|--smoothing"):
        validate_settings(threshold, smoothing)


def test_input_counts_each_prediction_once_however_often_it_is_polled() -> None:
    feed = Feed()
    gesture = GestureInput(feed, threshold=0.6, smoothing=3, clock=lambda: feed.now)
    feed.publish("left", 0.9)
    for _ in range(10):  # the game runs at 60 Hz, the camera at 30: the same prediction is polled twice+
        intent = gesture.poll(None)  # type: ignore[arg-type]
    assert intent.direction is Direction.LEFT
    assert gesture.current.window == 1
    feed.publish("right", 0.9)
    for _ in range(10):
        gesture.poll(None)  # type: ignore[arg-type]
    assert gesture.current.window == 2
    # One left and one right frame average to an even split: unsure, so keep going.
    assert gesture.poll(None).direction is None  # type: ignore[arg-type]


def test_input_without_any_prediction_keeps_going() -> None:
    gesture = GestureInput(lambda: None)
    intent = gesture.poll(None)  # type: ignore[arg-type]
    assert intent.direction is None
    assert intent.source == "gesture"


def test_stale_prediction_stops_steering_and_held_remembers_the_last_direction() -> None:
    feed = Feed()
    gesture = GestureInput(feed, threshold=0.6, smoothing=1, stale_after=0.5, clock=lambda: feed.now)
    feed.publish("up", 0.95)
    assert gesture.poll(None).direction is Direction.UP  # type: ignore[arg-type]
    feed.now = 0.4
    assert gesture.poll(None).direction is Direction.UP  # type: ignore[arg-type]
    feed.now = 0.6
    assert gesture.poll(None).direction is None  # type: ignore[arg-type]
    assert gesture.held is Direction.UP


def test_staleness_can_be_switched_off_for_the_synchronous_run() -> None:
    feed = Feed()
    gesture = GestureInput(feed, smoothing=1, stale_after=None, clock=lambda: feed.now)
    feed.publish("down", 0.95)
    feed.now = 1e6
    assert gesture.poll(None).direction is Direction.DOWN  # type: ignore[arg-type]


def test_input_accepts_a_predictor_object_as_well_as_a_function() -> None:
    class Publisher:
        def __init__(self) -> None:
            self.feed = Feed()

        def latest(self) -> FakePrediction | None:
            return self.feed()

    publisher = Publisher()
    gesture = GestureInput(publisher, smoothing=1, stale_after=None)
    publisher.feed.publish("right", 0.9)
    assert gesture.poll(None).direction is Direction.RIGHT  # type: ignore[arg-type]
