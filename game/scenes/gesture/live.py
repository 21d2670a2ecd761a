"""Gesture control for the game window: model loading, the camera predictor and the recalibration round trip.

``LiveGesture`` owns everything between a profile on disk and an ``Intent`` in the play scene:
it loads the classifier on a background thread (the window stays responsive while the recognizer's
LiteRT models load, and while TensorFlow imports in the rare cases play needs it: a profile saved
before head.npz existed, or a frame profile whose backbone is not converted yet), runs the
``Predictor`` on the camera, and gives the play scene a ``GestureInput`` and
a ``GestureHud``. For recalibration it releases the camera, lets the calibration scene use it,
and when the game is shown again reloads the (possibly retrained) profile and reopens the camera.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from game.input.gesture import GestureSettings
from game.scenes.gesture.hud import GestureHud
from game.vision.camera import FrameSource
from game.vision.gesture_setup import GestureSetupError, load_gesture_classifier
from game.vision.play_learning import PlayLearning
from game.vision.predictor import LivePrediction, Predictor, PredictorStats
from game.vision.types import FrameClassifier, PredictorState

ClassifierLoader = Callable[[], FrameClassifier]
LearningLoader = Callable[[], PlayLearning]


class LiveGesture:
    """See the module docstring. ``load`` returns the classifier and may be slow or raise
    ``GestureSetupError``; ``opener`` opens the camera (``open_source`` with the player's options).
    ``learn``, when given, is tried first: it returns a :class:`PlayLearning` whose classifier
    learns from keyboard overrides (``learning``); if it fails, ``load`` is used without learning.
    """

    def __init__(
        self,
        load: ClassifierLoader,
        opener: Callable[[], FrameSource],
        settings: GestureSettings,
        *,
        learn: LearningLoader | None = None,
    ) -> None:
        self._load = load
        self._learn = learn
        #: Learning while playing for the current profile (None when off or unavailable).
        self.learning: PlayLearning | None = None
        #: Why learning is unavailable ("" when it runs or was not asked for).
        self.learning_message = ""
        self._opener = opener
        self._lock = threading.Lock()
        self._predictor: Predictor | None = None
        self._state = PredictorState.LOADING
        self._message = ""
        self._closed = False
        self._suspended = False
        #: Bumped by every start, suspend and close: a load that finishes late must not open the
        #: camera for a game that has moved on (or start a second predictor beside a newer one).
        self._generation = 0
        self._open_calibration: Callable[[], None] | None = None
        self.input = settings.make_input(self.latest)
        self.hud = GestureHud(
            lambda: self, self.input, on_recalibrate=self.recalibrate, learning=lambda: self.learning
        )
        self.hud.on_update = self._resume_if_back

    # -- start, stop, recalibrate -------------------------------------------------------------

    def start(self) -> LiveGesture:
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._state, self._message = PredictorState.LOADING, ""
        loader = threading.Thread(
            target=self._load_and_run, args=(generation,), name="gesture-loader", daemon=True
        )
        loader.start()
        return self

    def _load_and_run(self, generation: int) -> None:
        classifier: FrameClassifier | None = None
        learning: PlayLearning | None = None
        learning_message = ""
        if self._learn is not None:
            try:
                learning = self._learn()
                classifier = learning.classifier
            except Exception as exc:  # learning is a bonus: play on without it
                learning_message = f"learning off: {exc}"
        try:
            if classifier is None:
                classifier = self._load()
            message = ""
        except GestureSetupError as exc:
            message = str(exc)
        except Exception as exc:  # whatever failed, the game must go on with the keyboard
            message = f"Gesture recognition could not start: {exc}"
        with self._lock:
            if generation != self._generation or self._closed or self._suspended:
                return
            if classifier is None:
                self._state, self._message = PredictorState.FAILED, message
                return
            self.learning, self.learning_message = learning, learning_message
            self._predictor = Predictor(self._opener, classifier).start()

    def attach_calibration(self, open_calibration: Callable[[], None]) -> None:
        """How to show the calibration scene (push it over the game); enables the C key."""
        self._open_calibration = open_calibration

    def recalibrate(self) -> None:
        """Release the camera for the calibration scene and show it; the game resumes on return."""
        if self._open_calibration is None:
            return
        with self._lock:
            self._suspended = True
            self._generation += 1
        self._stop_predictor()
        self._open_calibration()

    def _resume_if_back(self) -> None:
        # The HUD updates only while the play scene is on top: being updated means we are back.
        if self._suspended and not self._closed:
            self._suspended = False
            self.input.smoother.reset()
            self.start()

    def close(self) -> None:
        """Stop the predictor and release the camera (the play scene is leaving)."""
        with self._lock:
            self._closed = True
            self._generation += 1
        self._stop_predictor()
        if self.learning is not None:
            self.learning.close()

    def _stop_predictor(self) -> None:
        with self._lock:
            predictor, self._predictor = self._predictor, None
        if predictor is not None:
            predictor.stop()

    # -- what the HUD and the input read ------------------------------------------------------

    def latest(self) -> LivePrediction | None:
        predictor = self._predictor
        return predictor.latest() if predictor is not None else None

    def stats(self) -> PredictorStats:
        predictor = self._predictor
        if predictor is not None:
            return predictor.stats()
        return PredictorStats(self._state, self._message, 0.0, None, None, 0, 0, 0)


def profile_loader(
    profile_dir: Path, models: str | os.PathLike[str] | None, weights: str | os.PathLike[str] | None
) -> ClassifierLoader:
    """A loader for ``LiveGesture`` that reads the profile afresh each time (after recalibration too)."""

    return lambda: load_gesture_classifier(profile_dir, models, weights)
