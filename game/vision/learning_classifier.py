"""The play-time classifier that can learn: it keeps frame features and takes new heads between frames.

Gesture play with learning on runs this instead of the plain classifier: the same preprocessing,
backbone and head, but every prediction carries the features it was made from (a keyboard
override turns them into a sample, :mod:`game.vision.corrections`), and :meth:`set_head` swaps
in a refitted head. The swap is one reference assignment, read once per frame by the inference
thread, so a frame is classified wholly by the old head or wholly by the new one and the game
never waits for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.vision.camera import Frame
from game.vision.classifier import IDLE_CLASS, NO_HAND, GestureClassifier, NumpyHead
from game.vision.features import LiteRTBackbone
from game.vision.hand_features import HandFeatureExtractor
from game.vision.head_arrays import HeadArrays
from game.vision.profile import Profile, ProfileError
from game.vision.refit import RefitError, check_refittable

FeatureFn = Callable[[np.ndarray], np.ndarray | None]
#: The hand stage for one frame: (feature vector, or None with no hand; the hand it found).
HandFn = Callable[[np.ndarray], tuple[np.ndarray | None, Any]]


@dataclass(frozen=True)
class LearnedPrediction:
    """A prediction (as ``game.vision.classifier.Prediction``) plus the frame's features."""

    probs: dict[str, float]
    top: str
    confidence: float
    timestamp: float
    latency_ms: float
    #: None when the hand recognizer found no hand (nothing to learn from).
    features: np.ndarray | None
    #: The hand stage's result (hand profiles: box and skeleton for the panel), else None.
    hand: Any = None


class LearningClassifier:
    """``features`` turns an RGB frame into one feature row (``frame_features``, when given, a
    source's frame as decoded); ``head`` maps rows to probabilities.

    Use ``predict`` from one thread (the backbone's); ``set_head`` from any.
    """

    def __init__(
        self,
        features: FeatureFn,
        classes: Sequence[str],
        head: HeadArrays,
        *,
        hands: HandFn | None = None,
        frame_features: Callable[[Frame], np.ndarray] | None = None,
    ) -> None:
        if head.n_classes != len(classes):
            raise ProfileError(f"the head predicts {head.n_classes} classes but there are {len(classes)}")
        self._features = features
        self._hands = hands
        #: Features of a source's frame read as decoded (the frame recognizer's play path), if given.
        self._frame_features = frame_features
        self.classes = list(classes)
        #: The head's per-frame evaluator (it keeps the head's arrays), swapped as one reference.
        self._evaluator = NumpyHead(head)
        #: Heads swapped in so far (the panel and tests read it).
        self.swaps = 0

    @property
    def head(self) -> HeadArrays:
        return self._evaluator.arrays

    def set_head(self, head: HeadArrays) -> None:
        if head.n_classes != len(self.classes):
            raise ValueError(f"the new head predicts {head.n_classes} classes, not {len(self.classes)}")
        self._evaluator = NumpyHead(head)
        self.swaps += 1

    def predict(self, image_rgb: np.ndarray, timestamp: float | None = None) -> LearnedPrediction:
        """The prediction for one RGB frame, with its features; ``timestamp`` defaults to now."""
        return self._predict(Frame(image_rgb, 0.0, 0), timestamp)

    def predict_frame(self, frame: Frame) -> LearnedPrediction:
        """:meth:`predict` for a source's frame, stamped with its capture time: what play runs."""
        return self._predict(frame, frame.timestamp)

    def _predict(self, frame: Frame, timestamp: float | None) -> LearnedPrediction:
        start = time.perf_counter()
        hand = None
        if self._hands is not None:
            features, hand = self._hands(frame.image)
        elif self._frame_features is not None:
            features = self._frame_features(frame)
        else:
            features = self._features(frame.image)
        stamp = time.monotonic() if timestamp is None else timestamp
        if features is None:  # no hand: never steers (the idle class, if any, is certain)
            probs_none = {name: float(name == IDLE_CLASS) for name in self.classes}
            latency = (time.perf_counter() - start) * 1000.0
            return LearnedPrediction(probs_none, NO_HAND, 0.0, stamp, latency, None, hand)
        evaluator = self._evaluator  # read once: the whole frame uses one head
        probs = evaluator.single(features)
        best = max(range(len(probs)), key=probs.__getitem__)
        return LearnedPrediction(
            probs=dict(zip(self.classes, probs, strict=True)),
            top=self.classes[best],
            confidence=float(probs[best]),
            timestamp=stamp,
            latency_ms=(time.perf_counter() - start) * 1000.0,
            features=features,
            hand=hand,
        )


def learning_classifier(
    profile: Profile, backbone: LiteRTBackbone | HandFeatureExtractor
) -> LearningClassifier:
    """The learning classifier for a profile with a trained head (``frame`` or ``hand`` recognizer).

    Features come from the plain classifier's per-frame path (the same buffers and backbone), the
    head starts as the profile's; raises ``ProfileError`` like :class:`GestureClassifier`.
    """
    plain = GestureClassifier(profile, backbone)
    head = plain.head.arrays
    try:
        check_refittable(head)
    except RefitError as exc:
        raise ProfileError(f"this head cannot learn while playing: {exc}") from None
    if isinstance(backbone, HandFeatureExtractor):
        return LearningClassifier(plain.features, plain.classes, head, hands=backbone.frame)
    return LearningClassifier(plain.features, plain.classes, head, frame_features=plain.frame_features)
