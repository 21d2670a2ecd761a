"""The per-frame classifier: preprocess -> LiteRT features -> the head evaluated in numpy.

Each frame is resized straight into the interpreter's input buffer, the backbone runs, and the
head reads the interpreter's output buffer in place: one LiteRT invoke and two small matrix
products, no Keras ``predict`` and no TensorFlow (the head's weights come from the profile's
``head.npz``, or from a Keras head already in memory).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.vision.features import FEATURE_SHAPE, LiteRTBackbone
from game.vision.head_arrays import HeadArrays, HeadArraysError, arrays_from_keras
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


_blas_limited = threading.Event()


def limit_blas_threads() -> None:
    """Keep numpy's BLAS (OpenBLAS) on the calling thread, process-wide; done once.

    The head is one matrix-vector product per frame. OpenBLAS would split it over a thread pool
    whose threads then spin on the cores that XNNPACK and the render loop need (measured: frame
    p50 9 ms instead of under 1). Single-threaded BLAS is still twice as fast as ``einsum`` for it.
    """
    if _blas_limited.is_set():
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    _blas_limited.set()


def _activate(y: np.ndarray, activation: str) -> None:
    """Apply ``activation`` in place along the last axis."""
    if activation == "relu":
        np.maximum(y, 0.0, out=y)
    elif activation == "softmax":
        y -= y.max(axis=-1, keepdims=True)
        np.exp(y, out=y)
        y /= y.sum(axis=-1, keepdims=True)


class NumpyHead:
    """A head's dense layers evaluated with numpy, from its arrays (or a Keras head's weights).

    Kernels are kept transposed (units x inputs, contiguous), so one frame costs one contiguous
    matrix-vector product per layer, written into buffers allocated here, once.
    """

    def __init__(self, head: HeadArrays | Any) -> None:
        try:
            self.arrays = head if isinstance(head, HeadArrays) else arrays_from_keras(head)
        except HeadArraysError as exc:
            raise ProfileError(str(exc)) from None
        limit_blas_threads()
        self._pooling = self.arrays.pooling
        self._kernels_t = [np.ascontiguousarray(layer.kernel.T) for layer in self.arrays.layers]
        self._biases = [layer.bias for layer in self.arrays.layers]
        self._activations = [layer.activation for layer in self.arrays.layers]
        self._pooled = np.empty(FEATURE_SHAPE[-1], dtype=np.float32)
        self._outputs = [np.empty(k.shape[0], dtype=np.float32) for k in self._kernels_t]

    @property
    def n_classes(self) -> int:
        return self.arrays.n_classes

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """(N, 7, 7, 256) float32 -> (N, classes) probabilities."""
        x = np.asarray(features, dtype=np.float32)
        x = x.reshape(x.shape[0], -1) if self._pooling == "flatten" else x.mean(axis=(1, 2))
        for kernel_t, bias, activation in zip(self._kernels_t, self._biases, self._activations, strict=True):
            x = x @ kernel_t.T
            if bias is not None:
                x += bias
            _activate(x, activation)
        return x

    def single(self, features: np.ndarray) -> np.ndarray:
        """One frame's (7, 7, 256) features (any float32 view, read in place) -> (classes,) probabilities.

        The result is a fresh array; nothing else is allocated.
        """
        if self._pooling == "flatten":
            x = features.reshape(-1)
        else:
            x = np.mean(features.reshape(-1, FEATURE_SHAPE[-1]), axis=0, out=self._pooled)
        for kernel_t, bias, activation, y in zip(
            self._kernels_t, self._biases, self._activations, self._outputs, strict=True
        ):
            np.dot(kernel_t, x, out=y)
            if bias is not None:
                y += bias
            _activate(y, activation)
            x = y
        return x.copy()


class GestureClassifier:
    """Turns one RGB frame into a :class:`Prediction` with the profile's head.

    Reuses one input buffer and one interpreter, so use it from a single thread.
    """

    def __init__(self, profile: Profile, backbone: LiteRTBackbone) -> None:
        if profile.head is None and profile.head_arrays is None:
            raise ProfileError("the profile has no trained head yet: calibrate or train it first")
        if profile.backbone_id != backbone.backbone_id:
            raise ProfileError(
                f"the profile was trained on features of {profile.backbone_id}, but the runtime uses "
                f"{backbone.backbone_id}: retrain the profile with these weights"
            )
        self.classes = list(profile.classes)
        self.preprocess_config = profile.preprocess
        self.backbone = backbone
        self.head = NumpyHead(profile.head if profile.head is not None else profile.head_arrays)
        if self.head.n_classes != len(self.classes):
            raise ProfileError(
                f"the head predicts {self.head.n_classes} classes but the profile lists {len(self.classes)}"
            )
        size = profile.preprocess.size
        if backbone.input_shape != (1, size, size, 3):
            raise ProfileError(
                f"the profile preprocesses to {size}x{size}, the backbone takes {backbone.input_shape}"
            )
        self._work = np.empty((size, size, 3), dtype=np.uint8)

    def _fill(self, image_rgb: np.ndarray) -> Callable[[np.ndarray], object]:
        """Writes the preprocessed frame straight into the interpreter's input."""
        return lambda x: preprocess(image_rgb, self.preprocess_config, out=x[0], work=self._work)

    def probabilities(self, image_rgb: np.ndarray) -> np.ndarray:
        """Class probabilities (in ``classes`` order) for one RGB ``uint8`` frame."""
        return self.backbone.run(self._fill(image_rgb), self.head.single)

    def features(self, image_rgb: np.ndarray) -> np.ndarray:
        """The (7, 7, 256) features this path computes for a frame (a copy; tests compare them with
        training's)."""
        return self.backbone.run(self._fill(image_rgb), lambda f: f[0].copy())

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
