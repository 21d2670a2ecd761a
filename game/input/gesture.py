"""Gesture steering: turn a stream of noisy per-frame predictions into a steady Pac-Man intent.

A single webcam frame is a poor vote: a hand moving between poses, motion blur or a change of
light can flip the top class for a frame or two. ``GestureSmoother`` averages the class
probabilities over the last few predictions and only steers when the averaged top class is
confident enough; the idle class, an unsure average or a stale prediction all mean "keep
going" (``Intent(None)``), which leaves the engine's input buffering to apply the last
direction at the next possible turn. ``GestureInput`` feeds it from a predictor and is the
``InputSource`` the play scene and the headless run poll once per game step.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from game.core.state import World
from game.core.types import Direction, Intent
from game.vision.types import IDLE_CLASS, TimedScores

DEFAULT_THRESHOLD = 0.6
DEFAULT_SMOOTHING = 4
DEFAULT_IDLE_CLASS = IDLE_CLASS
#: A prediction older than this no longer steers: the camera stalled or the predictor fell behind.
DEFAULT_STALE_AFTER_S = 0.5
SOURCE_NAME = "gesture"


@dataclass(frozen=True)
class SmoothedGesture:
    """The smoother's verdict for one step."""

    #: Class with the highest mean probability over the window ("" before any prediction).
    label: str
    #: Its mean probability.
    confidence: float
    #: The direction to steer, or None for "keep going" (idle, unsure, stale or no prediction).
    direction: Direction | None
    #: Mean probability of every class seen in the window.
    probs: Mapping[str, float] = field(default_factory=dict)
    #: How many predictions the mean was taken over.
    window: int = 0


NO_GESTURE = SmoothedGesture(label="", confidence=0.0, direction=None)


def validate_settings(threshold: float, smoothing: int) -> None:
    """Raise ValueError with a message fit for the command line when a setting is out of range."""
    if not (0.0 <= threshold <= 1.0) or math.isnan(threshold):
        raise ValueError(f"--threshold must be between 0 and 1, got {threshold}")
    if smoothing < 1:
        raise ValueError(f"--smoothing must be at least 1 frame, got {smoothing}")


class GestureSmoother:
    """Mean class probabilities over the last ``smoothing`` predictions, then a confidence threshold.

    The mean of probabilities (rather than a majority vote of top classes) keeps ``confidence``
    on the same scale as a single prediction, so one threshold means the same thing whatever the
    window length, and a run of confident frames outweighs a run of unsure ones.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        smoothing: int = DEFAULT_SMOOTHING,
        idle_class: str = DEFAULT_IDLE_CLASS,
    ) -> None:
        validate_settings(threshold, smoothing)
        self.threshold = threshold
        self.smoothing = smoothing
        self.idle_class = idle_class
        self._window: deque[Mapping[str, float]] = deque(maxlen=smoothing)
        self.current: SmoothedGesture = NO_GESTURE

    def reset(self) -> None:
        """Forget the window, e.g. after the camera was lost or the profile changed."""
        self._window.clear()
        self.current = NO_GESTURE

    def push(self, probs: Mapping[str, float]) -> SmoothedGesture:
        """Add one prediction's probabilities and return the smoothed verdict."""
        self._window.append(dict(probs))
        self.current = self._verdict()
        return self.current

    def _verdict(self) -> SmoothedGesture:
        n = len(self._window)
        if n == 0:
            return NO_GESTURE
        totals: dict[str, float] = {}
        for probs in self._window:
            for name, p in probs.items():
                totals[name] = totals.get(name, 0.0) + float(p)
        mean = {name: total / n for name, total in totals.items()}
        # Ties go to the first class in insertion order, which is the profile's class order.
        label = max(mean, key=lambda name: mean[name])
        confidence = mean[label]
        direction = None
        if label != self.idle_class and confidence >= self.threshold:
            direction = Direction.from_name(label)
        return SmoothedGesture(label, confidence, direction, mean, n)


#: Returns the newest prediction, e.g. ``Predictor.latest``; never blocks.
PredictionProvider = Callable[[], "TimedScores | None"]


@runtime_checkable
class PublishesPredictions(Protocol):
    """Anything with a non-blocking ``latest()``, such as the background ``Predictor``."""

    def latest(self) -> TimedScores | None: ...


class GestureInput:
    """``InputSource`` steering Pac-Man from the newest prediction of a predictor (or a provider function).

    Each new prediction (told apart by identity, since the predictor publishes one object per
    processed frame) enters the smoother once, however often the game polls; between
    predictions the last verdict stands. A prediction older than ``stale_after`` seconds stops
    steering so that a frozen camera does not hold a direction forever.
    """

    def __init__(
        self,
        predictions: PublishesPredictions | PredictionProvider,
        threshold: float = DEFAULT_THRESHOLD,
        smoothing: int = DEFAULT_SMOOTHING,
        idle_class: str = DEFAULT_IDLE_CLASS,
        stale_after: float | None = DEFAULT_STALE_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._provider: PredictionProvider = (
            predictions.latest if isinstance(predictions, PublishesPredictions) else predictions
        )
        self.smoother = GestureSmoother(threshold, smoothing, idle_class)
        self.stale_after = stale_after
        self._clock = clock
        self._last_seen: object | None = None
        #: The direction of the last intent that steered (what Pac-Man was last told to do).
        self.held: Direction | None = None

    @property
    def current(self) -> SmoothedGesture:
        return self.smoother.current

    def poll(self, world: World) -> Intent:
        prediction = self._provider()
        if prediction is None:
            return Intent(None, SOURCE_NAME)
        if prediction is not self._last_seen:
            self._last_seen = prediction
            self.smoother.push(prediction.probs)
        if self._is_stale(prediction):
            return Intent(None, SOURCE_NAME)
        direction = self.smoother.current.direction
        if direction is not None:
            self.held = direction
        return Intent(direction, SOURCE_NAME)

    def _is_stale(self, prediction: TimedScores) -> bool:
        if self.stale_after is None:
            return False
        return self._clock() - prediction.timestamp > self.stale_after


@dataclass(frozen=True)
class GestureSettings:
    """How predictions become intents; from ``--threshold`` / ``--smoothing`` or the defaults."""

    threshold: float = DEFAULT_THRESHOLD
    smoothing: int = DEFAULT_SMOOTHING
    idle_class: str = DEFAULT_IDLE_CLASS

    def __post_init__(self) -> None:
        validate_settings(self.threshold, self.smoothing)

    @classmethod
    def from_args(cls, threshold: float | None, smoothing: int | None) -> GestureSettings:
        """Raises ValueError (with the option's name) for out-of-range values."""
        return cls(
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            smoothing=DEFAULT_SMOOTHING if smoothing is None else smoothing,
        )

    def make_input(
        self, latest: PredictionProvider, stale_after: float | None = DEFAULT_STALE_AFTER_S
    ) -> GestureInput:
        """The ``GestureInput`` these settings describe, reading predictions from ``latest``."""
        return GestureInput(
            latest,
            threshold=self.threshold,
            smoothing=self.smoothing,
            idle_class=self.idle_class,
            stale_after=stale_after,
        )
