"""The gesture side panel's state and keys: what the camera sees, what the network thinks, and
what Pac-Man was told, and when the game must wait for the camera.

Players of webcam controllers mostly fail silently: the light changed, the hand left the
frame, the camera froze. ``GestureHud`` reads the predictor every frame and decides what the
panel says (drawn by ``game.scenes.gesture.hud_view`` from one ``HudReading``): a lost camera
pauses the game (K plays on with the keyboard); confidence that stays low for several seconds
suggests recalibrating, one key (C) away.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

import pygame

from game.input.gesture import GestureInput
from game.render import palette
from game.scenes.gesture.hud_view import GestureHudView, HudReading
from game.vision.predictor import LivePrediction, PredictorStats
from game.vision.types import PredictorState

#: The recalibration banner looks back this many seconds of running camera...
LOW_CONFIDENCE_S = 5.0
#: ...and shows when at least this share of that time was unsure. A share rather than an
#: unbroken run: a struggling model still has the odd confident frame, which must not hide it.
LOW_CONFIDENCE_SHARE = 0.8
RECALIBRATE_KEY = pygame.K_c
#: While the camera is lost, play on with the keyboard instead of waiting for it.
KEYBOARD_KEY = pygame.K_k


class PredictionFeed(Protocol):
    """The predictor as the HUD sees it (``game.vision.predictor.Predictor``)."""

    def latest(self) -> LivePrediction | None: ...

    def stats(self) -> PredictorStats: ...


class LearningStatus(Protocol):
    """Learning while playing as the panel shows it (``game.vision.play_learning.PlayLearning``)."""

    @property
    def enabled(self) -> bool: ...

    @property
    def count(self) -> int: ...

    @property
    def busy(self) -> bool: ...

    @property
    def error(self) -> str: ...


def learning_line(status: LearningStatus | None) -> tuple[str, palette.Color] | None:
    """The panel's line about learning while playing, or None when there is no learning."""
    if status is None:
        return None
    if status.error:
        return status.error, palette.BAD
    if not status.enabled:
        return f"learning off (L)  {status.count} learned", palette.TEXT_DIM
    plural = "" if status.count == 1 else "s"
    busy = "  updating…" if status.busy else ""
    return (
        f"learned {status.count} correction{plural}{busy}",
        palette.GOOD if status.count else palette.TEXT_DIM,
    )


class GestureHud:
    """``SidePanel`` for gesture play.

    ``feed`` is read (``feed()`` returns the current predictor) rather than held, so that a
    predictor replaced after recalibration is picked up without rebuilding the panel.
    ``on_recalibrate`` is called when the player presses C; without it the key is not offered.
    ``classes`` fixes the order of the confidence bars; by default the model's order is used.
    """

    def __init__(
        self,
        feed: Callable[[], PredictionFeed],
        gesture: GestureInput,
        classes: Sequence[str] | None = None,
        *,
        on_recalibrate: Callable[[], None] | None = None,
        learning: Callable[[], LearningStatus | None] | None = None,
    ) -> None:
        self._feed = feed
        self._learning = learning
        self.gesture = gesture
        self.classes = tuple(classes) if classes is not None else None
        #: The model's classes in its order, as last seen in a prediction.
        self._model_classes: tuple[str, ...] = ()
        #: Called first thing in every ``update`` (the owner learns that the game is on screen).
        self.on_update: Callable[[], None] | None = None
        self._on_recalibrate = on_recalibrate
        self._stats: PredictorStats | None = None
        self._latest: LivePrediction | None = None
        self._view = GestureHudView()
        #: (panel time, unsure) for each update over the last ``LOW_CONFIDENCE_S`` of running camera.
        self._confidence_history: deque[tuple[float, bool]] = deque()
        #: Seconds the camera has been running without interruption (or since the last C).
        self._running_for = 0.0
        #: Seconds since the panel was created, for the loading animation.
        self._elapsed = 0.0
        #: The camera has delivered frames at least once: losing it now is a surprise worth a pause.
        self._camera_seen = False
        #: The player chose to play on with the keyboard while the camera is lost.
        self._keyboard_while_lost = False
        #: Q ends the program (no title screen under the game); the play scene sets it.
        self.quits = False

    # -- SidePanel -------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self._elapsed += dt
        if self.on_update is not None:
            self.on_update()
        predictor = self._feed()
        self._stats = predictor.stats()
        self._latest = predictor.latest()
        if self._latest is not None:
            self._model_classes = tuple(self._latest.probs)
        running = self._stats.state is PredictorState.RUNNING
        if running:
            self._camera_seen, self._keyboard_while_lost = True, False
        unsure = self.gesture.current.confidence < self.gesture.smoother.threshold
        self._track_confidence(running, unsure, dt)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        self._view.draw(surface, rect, self.reading())

    def reading(self) -> HudReading:
        """What the panel shows now, for the view."""
        smoother = self.gesture.smoother
        return HudReading(
            stats=self._stats,
            latest=self._latest,
            order=self.classes if self.classes is not None else self._model_classes,
            current=self.gesture.current,
            held=self.gesture.held,
            threshold=smoother.threshold,
            smoothing=smoother.smoothing,
            camera_seen=self._camera_seen,
            can_recalibrate=self._on_recalibrate is not None,
            elapsed=self._elapsed,
            learning=learning_line(self._learning() if self._learning is not None else None),
            quits=self.quits,
        )

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == RECALIBRATE_KEY and self._on_recalibrate is not None:
            self._confidence_history.clear()
            self._running_for = 0.0
            self._on_recalibrate()
            return True
        if event.type == pygame.KEYDOWN and event.key == KEYBOARD_KEY and self._camera_lost:
            self._keyboard_while_lost = True
            return True
        return False

    def _track_confidence(self, running: bool, unsure: bool, dt: float) -> None:
        history = self._confidence_history
        if not running:  # loading, lost or failed: other messages explain those
            history.clear()
            self._running_for = 0.0
            return
        self._running_for += dt
        history.append((self._elapsed, unsure))
        while self._elapsed - history[0][0] > LOW_CONFIDENCE_S:
            history.popleft()

    @property
    def confidence_low(self) -> bool:
        """Most of the last ``LOW_CONFIDENCE_S`` seconds of camera were below the steering threshold."""
        history = self._confidence_history
        if not history or self._running_for < LOW_CONFIDENCE_S:
            return False
        return sum(unsure for _, unsure in history) >= LOW_CONFIDENCE_SHARE * len(history)

    @property
    def _camera_running(self) -> bool:
        return self._stats is not None and self._stats.state is PredictorState.RUNNING

    @property
    def _camera_lost(self) -> bool:
        return self._stats is not None and self._stats.state is PredictorState.LOST

    def waiting(self) -> bool:
        # The game waits for the model and the camera, so that gestures steer from the first
        # step; the panel's picture box says what it is waiting for, the maze shows READY!.
        stats = self._stats
        return stats is None or stats.state in (PredictorState.LOADING, PredictorState.STARTING)

    def pause_reason(self) -> str | None:
        # A failed model, an ended video or a camera that never opened does not freeze the game:
        # the keyboard still steers and the panel says what happened. A camera lost mid-game
        # does, so that Pac-Man is not left running blind; K plays on with the keyboard.
        if self._camera_lost and self._camera_seen and not self._keyboard_while_lost:
            return "Camera lost — retrying (K: keyboard)"
        return None

    def banner(self) -> str | None:
        if self._camera_lost and not self._camera_seen:
            return "No camera: steer with the arrow keys"
        if not self.confidence_low:
            return None
        if self._on_recalibrate is None:
            return "Gestures unsure: try more light or recalibrate"
        return "Gestures unsure: press C to recalibrate"
