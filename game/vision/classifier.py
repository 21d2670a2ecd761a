"""The per-frame classifier: frame -> features -> the head evaluated in numpy.

Features come from the profile's recognizer. ``frame``: each frame is resized straight into the
interpreter's input buffer, the backbone runs, and the head reads the interpreter's output buffer
in place. ``hand``: the hand stage runs (tracked from frame to frame) and its landmarks become a
vector (game.vision.hand_features); a frame without a hand is answered "no hand" (idle: no class
is likely). Either way: no Keras ``predict`` and no TensorFlow (the head's weights come from the
profile's ``head.npz``, or from a Keras head already in memory).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from game.vision.camera import Frame
from game.vision.features import FEATURE_SHAPE, LiteRTBackbone
from game.vision.head_arrays import HeadArrays, HeadArraysError, arrays_from_keras
from game.vision.preprocess import preprocess, preprocess_camera
from game.vision.profile import Profile, ProfileError
from game.vision.recognizer import HAND
from game.vision.types import IDLE_CLASS, NO_HAND, Prediction

if TYPE_CHECKING:
    from game.vision.hand_features import HandFeatureExtractor
    from game.vision.hands import HandResult

__all__ = ["IDLE_CLASS", "NO_HAND", "GestureClassifier", "Prediction", "check_runnable"]

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
        last_bias = self._biases[-1]
        self._last_bias = None if last_bias is None else last_bias.tolist()

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

    def single(self, features: np.ndarray) -> list[float]:
        """One frame's (7, 7, 256) features (any float32 view, read in place) -> the class probabilities.

        The last layer's few outputs are finished in plain Python: right after a backbone run has
        pushed numpy's code out of the CPU's caches, four more numpy calls on four numbers cost
        more (about 40 us a frame) than the arithmetic itself. Nothing but the result is allocated.
        """
        if self._pooling == "flatten":
            x = features.reshape(-1)
        else:
            x = np.mean(features.reshape(-1, FEATURE_SHAPE[-1]), axis=0, out=self._pooled)
        *hidden, last = zip(self._kernels_t, self._biases, self._activations, self._outputs, strict=True)
        for kernel_t, bias, activation, y in hidden:
            np.dot(kernel_t, x, out=y)
            if bias is not None:
                y += bias
            _activate(y, activation)
            x = y
        kernel_t, _, activation, y = last
        np.dot(kernel_t, x, out=y)
        logits = y.tolist()
        if self._last_bias is not None:
            logits = [v + b for v, b in zip(logits, self._last_bias, strict=True)]
        if activation == "softmax":
            top = max(logits)
            exps = [math.exp(v - top) for v in logits]
            total = sum(exps)
            return [e / total for e in exps]
        if activation == "relu":
            return [max(v, 0.0) for v in logits]
        return logits


def check_runnable(profile: Profile, backbone: LiteRTBackbone | HandFeatureExtractor) -> None:
    """Raise ``ProfileError`` unless ``profile`` has a trained head on ``backbone``'s features."""
    if profile.head is None and profile.head_arrays is None:
        raise ProfileError("the profile has no trained head yet: calibrate or train it first")
    if profile.backbone_id != backbone.backbone_id:
        raise ProfileError(
            f"the profile was trained on features of {profile.backbone_id}, but the runtime uses "
            f"{backbone.backbone_id}: retrain the profile with these weights"
        )


class GestureClassifier:
    """Turns one RGB frame into a :class:`Prediction` with the profile's head.

    ``backbone`` is the profile's recognizer runtime: a :class:`LiteRTBackbone` for ``frame``
    profiles, a :class:`~game.vision.hand_features.HandFeatureExtractor` for ``hand`` ones.
    Reuses one input buffer and the runtime's interpreters (and, for hands, its tracker), so use
    it from a single thread.
    """

    def __init__(self, profile: Profile, backbone: LiteRTBackbone | HandFeatureExtractor) -> None:
        check_runnable(profile, backbone)
        self.classes = list(profile.classes)
        self.recognizer = profile.recognizer
        self.preprocess_config = profile.preprocess
        self.backbone = backbone
        self.head = NumpyHead(profile.head if profile.head is not None else profile.head_arrays)
        if self.head.n_classes != len(self.classes):
            raise ProfileError(
                f"the head predicts {self.head.n_classes} classes but the profile lists {len(self.classes)}"
            )
        size = profile.preprocess.size
        self._hands: HandFeatureExtractor | None = None
        self._frames: LiteRTBackbone | None = None
        if isinstance(backbone, LiteRTBackbone):
            self._frames = backbone
        else:
            self._hands = backbone
        if (self.recognizer == HAND) != (self._hands is not None):
            raise ProfileError(
                f"the profile uses the {self.recognizer} recognizer but was given another runtime"
            )
        if self._frames is not None and self._frames.input_shape != (1, size, size, 3):
            raise ProfileError(
                f"the profile preprocesses to {size}x{size}, the backbone takes {self._frames.input_shape}"
            )
        self._work = np.empty((size, size, 3), dtype=np.uint8)
        self._work_rgb = np.empty((size, size, 3), dtype=np.uint8)

    def _fill(self, frame: Frame) -> Callable[[np.ndarray], object]:
        """Writes the preprocessed frame straight into the interpreter's input; a camera frame is
        read as decoded (BGR, not yet mirrored), so only the resized square is converted."""
        config = self.preprocess_config
        if frame.bgr:
            work = (self._work, self._work_rgb)
            return lambda x: preprocess_camera(frame.pixels, frame.mirror, config, out=x[0], work=work)
        image = frame.image
        return lambda x: preprocess(image, config, out=x[0], work=self._work)

    def probabilities(self, image_rgb: np.ndarray) -> np.ndarray:
        """Class probabilities (in ``classes`` order) for one RGB ``uint8`` frame (all 0 for no hand)."""
        return np.asarray(self._probabilities(Frame(image_rgb, 0.0, 0))[0], dtype=np.float32)

    def _probabilities(self, frame: Frame) -> tuple[list[float], HandResult | None]:
        if self._hands is not None:
            vector, hand = self._hands.frame(frame.image)
            if vector is None:
                return [0.0] * len(self.classes), hand
            return self.head.single(vector), hand
        assert self._frames is not None
        return self._frames.run(self._fill(frame), self.head.single), None

    def features(self, image_rgb: np.ndarray) -> np.ndarray:
        """The (7, 7, 256) features this path computes for an RGB frame (``frame`` profiles; a copy:
        tests compare them with training's)."""
        return self.frame_features(Frame(image_rgb, 0.0, 0))

    def frame_features(self, frame: Frame) -> np.ndarray:
        """:meth:`features` of a source's frame, read as :meth:`predict_frame` reads it."""
        if self._frames is None:
            raise ProfileError("a hand profile's features come from the hand stage, not MobileNet")
        return self._frames.run(self._fill(frame), lambda f: f[0].copy())

    def predict(self, image_rgb: np.ndarray, timestamp: float | None = None) -> Prediction:
        """The prediction for one RGB frame; ``timestamp`` defaults to now (monotonic seconds).

        With no hand in the frame: ``top`` is :data:`NO_HAND`, every probability 0 (the idle
        class, if the profile has one, 1) and ``confidence`` 0, so it never steers.
        """
        return self._predict(Frame(image_rgb, 0.0, 0), timestamp)

    def predict_frame(self, frame: Frame) -> Prediction:
        """:meth:`predict` for a source's frame, stamped with its capture time: what play runs."""
        return self._predict(frame, frame.timestamp)

    def _predict(self, frame: Frame, timestamp: float | None) -> Prediction:
        start = time.perf_counter()
        probs, hand = self._probabilities(frame)
        stamp = time.monotonic() if timestamp is None else timestamp
        if hand is not None and not hand.found:
            named = {name: 0.0 for name in self.classes}
            if IDLE_CLASS in named:
                named[IDLE_CLASS] = 1.0
            latency_ms = (time.perf_counter() - start) * 1000.0
            return Prediction(named, NO_HAND, 0.0, stamp, latency_ms, hand)
        best = max(range(len(probs)), key=probs.__getitem__)
        latency_ms = (time.perf_counter() - start) * 1000.0
        return Prediction(
            probs=dict(zip(self.classes, probs, strict=True)),
            top=self.classes[best],
            confidence=float(probs[best]),
            timestamp=stamp,
            latency_ms=latency_ms,
            hand=hand,
        )
