"""A linear softmax head on standardised backbone features, fitted with full-batch steps in TensorFlow.

Each feature (a cell and channel of the 7x7x256 map, or a channel after average pooling) is
centred and scaled by its spread over the training samples, then a softmax layer with an L2
penalty is fitted on every sample at once (Adam, one graph call per reported epoch, the same
compiled program reused by every training in the process). The standardisation is then folded
into the layer's weights, so the head that is kept is a plain Keras ``Flatten`` (or
``GlobalAveragePooling2D``) -> ``Dense(softmax)``: :class:`game.vision.classifier.NumpyHead`
evaluates it, and a profile stores it like any other head.

Why this shape: with 10-20 samples per class a wide hidden layer mostly memorises the burst of
frames it was shown; on standardised features a linear layer keeps every feature on one scale, so
the L2 penalty means the same thing for each, and full-batch steps take a fraction of the
mini-batch recipe's time (docs/benchmarks.md, "Rooms").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

#: Added to each feature's spread, as a share of the mean spread: features that barely vary in
#: the training samples (often zero after ReLU) are not blown up into large values.
SPREAD_FLOOR = 0.1

_program: Callable[..., Any] | None = None


def pool(features: np.ndarray, pooling: str) -> np.ndarray:
    """(N, 7, 7, 256) -> (N, D): the flattened map, or its average over the 7x7 cells; (N, D)
    feature vectors (another recognizer's) are kept as they are."""
    x = np.asarray(features, dtype=np.float32)
    return x.mean(axis=(1, 2)) if pooling == "avg" and x.ndim == 4 else x.reshape(len(x), -1)


def standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature (mean, scale) of training rows ``x``; the scale is the spread plus a floor."""
    mean = x.mean(axis=0)
    spread = x.std(axis=0)
    return mean, spread + SPREAD_FLOOR * float(spread.mean()) + 1e-6


def _fit_program() -> Callable[..., Any]:
    """One compiled program for every linear fit: ``steps`` full-batch Adam steps, state in and out."""
    global _program
    if _program is not None:
        return _program
    import tensorflow as tf

    matrix = tf.TensorSpec([None, None], tf.float32)
    vector = tf.TensorSpec([None], tf.float32)
    scalar = tf.TensorSpec([], tf.float32)

    @tf.function(
        input_signature=[
            matrix, matrix, matrix, vector, matrix, matrix, vector, vector, scalar,
            tf.TensorSpec([], tf.int32), scalar, scalar, scalar,
        ]
    )  # fmt: skip
    def run(
        x: Any, y: Any, w: Any, b: Any, mw: Any, vw: Any, mb: Any, vb: Any, t: Any,
        steps: Any, lr: Any, l2: Any, smoothing: Any,
    ) -> tuple[Any, ...]:  # fmt: skip
        n = tf.cast(tf.shape(x)[0], tf.float32)
        k = tf.cast(tf.shape(y)[1], tf.float32)
        target = y * (1.0 - smoothing) + smoothing / k
        for _ in tf.range(steps):
            t += 1.0
            probs = tf.nn.softmax(tf.matmul(x, w) + b)
            g = (probs - target) / n
            gw = tf.matmul(x, g, transpose_a=True) + l2 * w
            gb = tf.reduce_sum(g, axis=0)
            mw = 0.9 * mw + 0.1 * gw
            vw = 0.999 * vw + 0.001 * tf.square(gw)
            mb = 0.9 * mb + 0.1 * gb
            vb = 0.999 * vb + 0.001 * tf.square(gb)
            step = lr * tf.sqrt(1.0 - tf.pow(0.999, t)) / (1.0 - tf.pow(0.9, t))
            w -= step * mw / (tf.sqrt(vw) + 1e-7)
            b -= step * mb / (tf.sqrt(vb) + 1e-7)
        logits = tf.matmul(x, w) + b
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=logits))
        correct = tf.reduce_mean(tf.cast(tf.argmax(logits, 1) == tf.argmax(y, 1), tf.float32))
        return w, b, mw, vw, mb, vb, t, loss, correct

    _program = run
    return run


class LinearFit:
    """A linear head being fitted: call :meth:`epoch` repeatedly, then :meth:`keras_head`."""

    def __init__(
        self, features: np.ndarray, labels: np.ndarray, n_classes: int, pooling: str, seed: int
    ) -> None:
        x = pool(features, pooling)
        self.input_shape = tuple(int(d) for d in np.shape(features)[1:])
        self.pooling = pooling if len(self.input_shape) == 3 else "flatten"
        self.mean, self.scale = standardiser(x)
        self.x = (x - self.mean) / self.scale
        self.y = np.eye(n_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]
        d = self.x.shape[1]
        # Small random weights: a seed still changes the start, as it does for the other heads.
        rng = np.random.default_rng(seed)
        self.w = (rng.standard_normal((d, n_classes)) * 0.01 / np.sqrt(d)).astype(np.float32)
        self.b = np.zeros(n_classes, dtype=np.float32)
        self.state: tuple[Any, ...] = (
            np.zeros_like(self.w), np.zeros_like(self.w), np.zeros_like(self.b), np.zeros_like(self.b),
            np.float32(0.0),
        )  # fmt: skip

    def epoch(self, steps: int, learning_rate: float, l2: float, smoothing: float) -> tuple[float, float]:
        """``steps`` full-batch steps; returns the training loss and accuracy after them."""
        out = _fit_program()(
            self.x, self.y, self.w, self.b, *self.state,
            np.int32(steps), np.float32(learning_rate), np.float32(l2), np.float32(smoothing),
        )  # fmt: skip
        w, b, mw, vw, mb, vb, t, loss, correct = out
        self.w, self.b = w.numpy(), b.numpy()
        self.state = (mw.numpy(), vw.numpy(), mb.numpy(), vb.numpy(), t.numpy())
        return float(loss), float(correct)

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """(kernel, bias) acting on raw pooled features: the standardisation folded in."""
        kernel = self.w / self.scale[:, None]
        bias = self.b - self.mean @ kernel
        return kernel.astype(np.float32), bias.astype(np.float32)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        kernel, bias = self.folded()
        logits = pool(features, self.pooling) @ kernel + bias
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def keras_head(self) -> Any:
        """The fitted head as a Keras model (pooling -> Dense softmax), standardisation folded in."""
        import keras

        inputs = keras.Input(shape=self.input_shape, name="features")
        x = (
            keras.layers.GlobalAveragePooling2D()(inputs)
            if self.pooling == "avg"
            else keras.layers.Flatten()(inputs)
        )
        dense = keras.layers.Dense(self.w.shape[1], activation="softmax", name="probs")
        outputs = dense(x)
        model = keras.Model(inputs, outputs, name="gesture_head")
        dense.set_weights(list(self.folded()))
        return model
