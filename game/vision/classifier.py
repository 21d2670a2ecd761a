"""The per-frame classifier: preprocess -> LiteRT features -> the head evaluated in numpy.

Keras is used only to read the head's weights once; each frame then costs a LiteRT invoke and
two small matrix products, with no Keras ``predict`` (slow per call, and it grows memory).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.vision.features import FEATURE_SHAPE, LiteRTBackbone
from game.vision.preprocess import preprocess
from game.vision.profile import Profile, ProfileError


@dataclass(frozen=True)
class Prediction:
    """Class probabilities for one frame, its most likely class, and how long the frame took."""

    probs: dict[str, float]
    top: str
    confidence: float
    timestamp: float
    latency_ms: float


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0, out=x)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _identity(x: np.ndarray) -> np.ndarray:
    return x


_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": _relu,
    "softmax": _softmax,
    "linear": _identity,
}


class NumpyHead:
    """A Keras head (Flatten or average pooling, Dropout, Dense layers) evaluated with numpy."""

    def __init__(self, head: Any) -> None:
        self._steps: list[Callable[[np.ndarray], np.ndarray]] = []
        for layer in head.layers:
            kind = type(layer).__name__
            if kind in ("InputLayer", "Dropout"):  # dropout is the identity at inference
                continue
            if kind == "Flatten":
                self._steps.append(lambda x: x.reshape(x.shape[0], -1))
            elif kind == "GlobalAveragePooling2D":
                self._steps.append(lambda x: x.mean(axis=(1, 2)))
            elif kind == "Dense":
                self._steps.append(self._dense(layer))
            else:
                raise ProfileError(
                    f"the head has a layer this runtime cannot evaluate: {kind} ({layer.name})"
                )

    @staticmethod
    def _dense(layer: Any) -> Callable[[np.ndarray], np.ndarray]:
        weights = [np.asarray(w, dtype=np.float32) for w in layer.get_weights()]
        kernel = weights[0]
        bias = weights[1] if len(weights) > 1 else None
        name = layer.activation.__name__
        if name not in _ACTIVATIONS:
            raise ProfileError(f"the head uses an activation this runtime cannot evaluate: {name}")
        activation = _ACTIVATIONS[name]

        def step(x: np.ndarray) -> np.ndarray:
            # einsum without optimisation runs on this thread; ``@`` would wake OpenBLAS's thread
            # pool, which fights XNNPACK's threads for the cores and multiplies frame latency.
            y = np.einsum("ni,ij->nj", x, kernel, optimize=False)
            if bias is not None:
                y += bias
            return activation(y)

        return step

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """(N, 7, 7, 256) float32 -> (N, classes) probabilities."""
        x = np.asarray(features, dtype=np.float32)
        for step in self._steps:
            x = step(x)
        return x


class GestureClassifier:
    """Turns one RGB frame into a :class:`Prediction` with the profile's head.

    Reuses one input buffer and one interpreter, so use it from a single thread.
    """

    def __init__(self, profile: Profile, backbone: LiteRTBackbone) -> None:
        if profile.head is None:
            raise ProfileError("the profile has no trained head yet: calibrate or train it first")
        if profile.backbone_id != backbone.backbone_id:
            raise ProfileError(
                f"the profile was trained on features of {profile.backbone_id}, but the runtime uses "
                f"{backbone.backbone_id}: retrain the profile with these weights"
            )
        self.classes = list(profile.classes)
        self.preprocess_config = profile.preprocess
        self.backbone = backbone
        self.head = NumpyHead(profile.head)
        size = profile.preprocess.size
        self._input = np.empty((1, size, size, 3), dtype=np.float32)

    def probabilities(self, image_rgb: np.ndarray) -> np.ndarray:
        """Class probabilities (in ``classes`` order) for one RGB ``uint8`` frame."""
        preprocess(image_rgb, self.preprocess_config, out=self._input[0])
        features = self.backbone.features(self._input)
        return self.head(features.reshape(1, *FEATURE_SHAPE))[0]

    def predict(self, image_rgb: np.ndarray, timestamp: float | None = None) -> Prediction:
        """The prediction for one frame; ``timestamp`` defaults to now (monotonic seconds)."""
        start = time.perf_counter()
        probs = self.probabilities(image_rgb)
        best = int(np.argmax(probs))
        latency_ms = (time.perf_counter() - start) * 1000.0
        return Prediction(
            probs={name: float(p) for name, p in zip(self.classes, probs, strict=True)},
            top=self.classes[best],
            confidence=float(probs[best]),
            timestamp=time.monotonic() if timestamp is None else timestamp,
            latency_ms=latency_ms,
        )
