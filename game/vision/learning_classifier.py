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

import numpy as np

from game.vision.classifier import GestureClassifier
from game.vision.features import LiteRTBackbone
from game.vision.profile import Profile, ProfileError
from game.vision.refit import DenseHead, RefitError

FeatureFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LearnedPrediction:
    """A prediction (as ``game.vision.classifier.Prediction``) plus the frame's features."""

    probs: dict[str, float]
    top: str
    confidence: float
    timestamp: float
    latency_ms: float
    features: np.ndarray


class LearningClassifier:
    """``features`` turns an RGB frame into one feature row; ``head`` maps rows to probabilities.

    Use ``predict`` from one thread (the backbone's); ``set_head`` from any.
    """

    def __init__(self, features: FeatureFn, classes: Sequence[str], head: DenseHead) -> None:
        if head.n_classes != len(classes):
            raise ProfileError(f"the head predicts {head.n_classes} classes but there are {len(classes)}")
        self._features = features
        self.classes = list(classes)
        self._head = head
        #: Heads swapped in so far (the panel and tests read it).
        self.swaps = 0

    @property
    def head(self) -> DenseHead:
        return self._head

    def set_head(self, head: DenseHead) -> None:
        if head.n_classes != len(self.classes):
            raise ValueError(f"the new head predicts {head.n_classes} classes, not {len(self.classes)}")
        self._head = head
        self.swaps += 1

    def predict(self, image_rgb: np.ndarray, timestamp: float | None = None) -> LearnedPrediction:
        start = time.perf_counter()
        features = self._features(image_rgb)
        head = self._head  # read once: the whole frame uses one head
        probs = head(features[None])[0]
        best = int(np.argmax(probs))
        return LearnedPrediction(
            probs={name: float(p) for name, p in zip(self.classes, probs, strict=True)},
            top=self.classes[best],
            confidence=float(probs[best]),
            timestamp=time.monotonic() if timestamp is None else timestamp,
            latency_ms=(time.perf_counter() - start) * 1000.0,
            features=features,
        )


def learning_classifier(profile: Profile, backbone: LiteRTBackbone) -> LearningClassifier:
    """The learning classifier for a whole-frame (MobileNet) profile with a trained head.

    Features come from the plain classifier's per-frame path (the same buffers and backbone), the
    head starts as the profile's; raises ``ProfileError`` like :class:`GestureClassifier`.
    """
    plain = GestureClassifier(profile, backbone)
    try:
        head = DenseHead.from_arrays(plain.head.arrays)
    except RefitError as exc:
        raise ProfileError(f"this head cannot learn while playing: {exc}") from None
    return LearningClassifier(plain.features, plain.classes, head)
