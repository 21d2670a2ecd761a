"""Learning while playing, as the game sees it: one object per game that the play scene talks to.

It bundles the learning classifier (which the predictor thread runs), the corrections (samples
from keyboard overrides and the background refit) and where to save them. The play scene calls
:meth:`PlayLearning.override` when the keyboard steers, :meth:`PlayLearning.update` once per
frame (a finished refit's head is swapped in there, between frames), and on leaving
:meth:`keep` or :meth:`drop`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from game.vision.camera import Frame
from game.vision.corrections import Corrections, LearningSettings, save_learned
from game.vision.learning_classifier import LearningClassifier, learning_classifier
from game.vision.preprocess import PreprocessConfig, frame_square
from game.vision.profile import THUMBNAIL_SIZE


class FramePrediction(Protocol):
    """A live prediction as the predictor publishes it (``game.vision.predictor.LivePrediction``)."""

    @property
    def result(self) -> object: ...

    @property
    def frame(self) -> Frame: ...

    @property
    def captured_at(self) -> float: ...

    @property
    def frame_index(self) -> int: ...

    @property
    def probs(self) -> Mapping[str, float]: ...


class PlayLearning:
    """See the module docstring."""

    def __init__(self, classifier: LearningClassifier, corrections: Corrections, profile_dir: Path) -> None:
        self.classifier = classifier
        self.corrections = corrections
        self.profile_dir = profile_dir
        self._last_frame = -1
        #: Set once the learned samples were kept or dropped (nothing more to ask on leaving).
        self.settled = False

    @property
    def enabled(self) -> bool:
        return self.corrections.enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self.corrections.enabled = value

    @property
    def count(self) -> int:
        return self.corrections.count

    @property
    def busy(self) -> bool:
        return self.corrections.busy

    @property
    def error(self) -> str:
        return self.corrections.error

    def override(self, label: str, prediction: FramePrediction | None) -> bool:
        """The keyboard steered ``label`` while ``prediction``'s frame was the newest; True if learned.

        Each camera frame is offered once, however many game steps the key is held over it.
        """
        if prediction is None or prediction.frame_index == self._last_frame:
            return False
        features = getattr(prediction.result, "features", None)
        if features is None:
            return False
        self._last_frame = prediction.frame_index
        thumb = frame_square(prediction.frame, PreprocessConfig(size=THUMBNAIL_SIZE))
        return self.corrections.offer(label, features, thumb, prediction.captured_at)

    def update(self) -> bool:
        """Swap in a head a refit finished (between frames); True when one was swapped in."""
        head = self.corrections.take_head()
        if head is None:
            return False
        self.classifier.set_head(head)
        return True

    def keep(self) -> Path:
        """Save the learned samples and the head learned from them into the profile (atomically)."""
        self.corrections.wait(30.0)
        self.update()
        path = save_learned(self.profile_dir, self.corrections.new_samples(), self.corrections.head)
        self.settled = True
        return path

    def drop(self) -> None:
        self.settled = True

    def close(self) -> None:
        self.corrections.close()


def load_play_learning(
    profile_dir: Path, models: str | Path | None, weights: str | Path | None, settings: LearningSettings
) -> PlayLearning:
    """The profile's learning classifier on the per-frame backbone; raises ``GestureSetupError``."""
    from game.config import models_dir
    from game.vision.features import LiteRTBackbone, WeightsUnavailableError
    from game.vision.gesture_setup import GestureSetupError, live_inference_threads
    from game.vision.hand_features import HandFeatureExtractor
    from game.vision.hands import HandModelError
    from game.vision.profile import ProfileError, load_profile
    from game.vision.recognizer import HAND

    if not profile_dir.is_dir():
        raise GestureSetupError(
            f"No gesture profile at {profile_dir}. Run `gesture-pacman calibrate` to record your "
            "gestures, or `gesture-pacman train --images DIR` to train one from photos."
        )
    try:
        profile = load_profile(profile_dir, keras_head=False)  # play never imports TensorFlow
        threads = live_inference_threads()
        runtime: LiteRTBackbone | HandFeatureExtractor
        if profile.recognizer == HAND:
            runtime = HandFeatureExtractor(num_threads=threads)
        else:
            runtime = LiteRTBackbone.load(models_dir(models), Path(weights) if weights else None, threads)
        classifier = learning_classifier(profile, runtime)
    except (ProfileError, WeightsUnavailableError, HandModelError) as exc:
        raise GestureSetupError(str(exc)) from None
    corrections = Corrections(
        profile.classes, classifier.head, profile.samples.features, profile.samples.labels, settings
    )
    return PlayLearning(classifier, corrections, profile_dir)
