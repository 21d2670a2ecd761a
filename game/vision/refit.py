"""Fine-tune the gesture head in numpy: the light retrain that runs during play.

Play must not import TensorFlow (issue 14), and a background retrain must not stall the render
loop. The head is a small stack of dense layers on pooled or flattened backbone features, held as
the plain arrays a profile stores (:class:`~game.vision.head_arrays.HeadArrays`), so a few epochs
of mini-batch Adam on cross-entropy are run here with numpy alone, starting from the current
weights: the head the player calibrated stays the starting point and the new samples nudge it.
By default only the last layer is tuned, on the hidden layer's outputs computed once per sample:
on the sign-digit photos (5 per class calibrated, 40 corrections) that recovers most of a full
TensorFlow retrain's gain (0.85 -> 0.91 and 0.81 -> 0.94, against 0.90 and 0.97) in a tenth of a
second instead of six to eleven, without importing TensorFlow (docs/benchmarks.md, "Learning
while playing"). A refit returns a new head and leaves the one it started from unchanged (the
arrays are immutable), so a reader on another thread never sees half an update.

The matrix products go through BLAS, which releases the interpreter lock while it computes, and
the loop yields between mini-batches, so the game thread keeps its frames.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from game.vision.head_arrays import ACTIVATIONS, POOLINGS, DenseArrays, HeadArrays


class RefitError(ValueError):
    """The head cannot be fine-tuned here, or not on these samples; the message says what is wrong."""


def check_refittable(head: HeadArrays) -> None:
    """Raise :class:`RefitError` unless ``head`` can be fine-tuned here: each layer a 2-D kernel with
    a matching bias (or none) and a known activation, a known pooling, layers whose sizes chain,
    and a softmax last (the loss is cross-entropy on class labels)."""
    for layer in head.layers:
        if layer.activation not in ACTIVATIONS:
            raise RefitError(f"activation {layer.activation!r} is not one of {', '.join(ACTIVATIONS)}")
        if layer.kernel.ndim != 2:
            raise RefitError(f"a dense kernel is 2-D, got shape {layer.kernel.shape}")
        if layer.bias is not None and layer.bias.shape != (layer.kernel.shape[1],):
            raise RefitError(f"bias shape {layer.bias.shape} does not match kernel {layer.kernel.shape}")
    if head.pooling not in POOLINGS:
        raise RefitError(f"pooling {head.pooling!r} is not one of {', '.join(POOLINGS)}")
    if not head.layers:
        raise RefitError("a head needs at least one dense layer")
    if head.layers[-1].activation != "softmax":
        raise RefitError("the head's last layer must be a softmax to be fine-tuned on class labels")
    for before, after in zip(head.layers, head.layers[1:], strict=False):
        if before.kernel.shape[1] != after.kernel.shape[0]:
            raise RefitError(f"layer sizes do not chain: {before.kernel.shape} then {after.kernel.shape}")


def _pool(head: HeadArrays, features: np.ndarray) -> np.ndarray:
    """(N, ...) features -> (N, D) float32 inputs of the first dense layer."""
    x = np.asarray(features, dtype=np.float32)
    if len(x) == 0:
        return np.zeros((0, head.layers[0].kernel.shape[0]), np.float32)
    if head.pooling == "avg" and x.ndim == 4:
        return x.mean(axis=(1, 2))
    return x.reshape(len(x), -1)


def _apply(layer: DenseArrays, x: np.ndarray) -> np.ndarray:
    y = x @ layer.kernel
    if layer.bias is not None:
        y += layer.bias
    if layer.activation == "relu":
        return np.maximum(y, 0.0, out=y)
    if layer.activation == "softmax":
        y -= y.max(axis=1, keepdims=True)
        np.exp(y, out=y)
        y /= y.sum(axis=1, keepdims=True)
    return y


@dataclass(frozen=True)
class RefitConfig:
    """How a head is fine-tuned on its samples."""

    epochs: int = 20
    learning_rate: float = 3e-3
    batch_size: int = 32
    #: Pull towards the starting weights (L2 on the change), so a few new samples cannot undo the
    #: calibration: the loss adds ``anchor / 2 * |w - w_start|^2`` per weight.
    anchor: float = 1e-3
    #: Weight of each new sample relative to an original one in the loss.
    new_weight: float = 2.0
    #: Fine-tune only the last this many dense layers (0: all); the layers before them are kept
    #: and evaluated once per sample, which makes a refit cost a fraction of a full one.
    train_last: int = 1

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise RefitError(
                f"epochs and batch size must be at least 1, got {self.epochs}, {self.batch_size}"
            )
        if not 0 < self.learning_rate < 1:
            raise RefitError(f"learning rate must be in (0, 1), got {self.learning_rate}")
        if self.train_last < 0:
            raise RefitError(f"train_last must be >= 0, got {self.train_last}")
        if self.anchor < 0 or self.new_weight <= 0:
            raise RefitError("anchor must be >= 0 and new_weight > 0")


DEFAULT_REFIT = RefitConfig()

#: For a head without a hidden layer (the frame recognizer's default since issue 14): its one
#: layer reads the 12,544 raw features and was fitted from zero weights with small steps (Adam
#: 3e-4), and large steps undo that. Sign-digit protocol (5 or 8 photos a class calibrated, 10 a
#: class as corrections, tested on ranks 60 and up, 12 runs, docs/benchmarks.md): 0.878 before,
#: 0.949 after a refit at 1e-4, 0.865 at :data:`DEFAULT_REFIT`'s 3e-3.
SOFTMAX_REFIT = RefitConfig(learning_rate=1e-4)


def refit_config_for(head: HeadArrays) -> RefitConfig:
    """The refit recipe for ``head``: :data:`SOFTMAX_REFIT` for a single softmax layer on the
    features, :data:`DEFAULT_REFIT` (the last layer, on the hidden layer's outputs) otherwise."""
    return SOFTMAX_REFIT if len(head.layers) == 1 else DEFAULT_REFIT


def forward(head: HeadArrays, features: np.ndarray) -> np.ndarray:
    """(N, ...) features -> (N, classes) probabilities, computed as the refit computes them (play
    evaluates a head with ``game.vision.classifier.NumpyHead``)."""
    return embed(head, features, len(head.layers))


def embed(head: HeadArrays, features: np.ndarray, n_frozen: int) -> np.ndarray:
    """Pool ``features`` and run them through the head's first ``n_frozen`` layers (kept as they are)."""
    check_refittable(head)
    x = _pool(head, features)
    if x.shape[1] != head.layers[0].kernel.shape[0]:
        raise RefitError(
            f"features give {x.shape[1]} inputs but the head expects {head.layers[0].kernel.shape[0]}"
        )
    for layer in head.layers[:n_frozen]:
        x = _apply(layer, x)
    return x


def frozen_layers(head: HeadArrays, config: RefitConfig) -> int:
    """How many of ``head``'s first layers ``config`` keeps unchanged."""
    return 0 if config.train_last == 0 else max(0, len(head.layers) - config.train_last)


def refit(head: HeadArrays, features: np.ndarray, labels: np.ndarray, **options: Any) -> HeadArrays:
    """``head`` fine-tuned on ``features`` (N, ...) with integer ``labels``; ``head`` is left unchanged.

    ``options`` are :func:`refit_embedded`'s: ``is_new`` marks the samples learned in play (weighted
    by ``config.new_weight``); ``pause`` is called between mini-batches (the default gives other
    threads the interpreter lock); ``should_stop`` is polled there too, and a stopped refit returns
    the head as it is then; ``config`` and ``seed`` choose the recipe.
    """
    config = options.get("config", DEFAULT_REFIT)
    n_frozen = frozen_layers(head, config)
    x = embed(head, features, n_frozen) if len(features) else np.zeros((0, 0), np.float32)
    return refit_embedded(head, x, labels, n_frozen, **options)


def refit_embedded(
    head: HeadArrays,
    x: np.ndarray,
    labels: np.ndarray,
    n_frozen: int,
    *,
    is_new: np.ndarray | None = None,
    config: RefitConfig = DEFAULT_REFIT,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    pause: Callable[[], None] = lambda: time.sleep(0),
) -> HeadArrays:
    """:func:`refit` on inputs already through :func:`embed` (callers that cache them between refits)."""
    check_refittable(head)
    labels = np.asarray(labels, dtype=np.int64)
    if len(x) != len(labels):
        raise RefitError(f"{len(x)} feature rows but {len(labels)} labels")
    if len(labels) == 0:
        return head
    if labels.min() < 0 or labels.max() >= head.n_classes:
        raise RefitError(f"labels must index the head's {head.n_classes} classes")
    weight = np.ones(len(labels), np.float32)
    if is_new is not None:
        weight[np.asarray(is_new, bool)] = config.new_weight
    frozen, tuned = head.layers[:n_frozen], HeadArrays(head.pooling, head.layers[n_frozen:])
    check_refittable(tuned)  # n_frozen may leave no layer to tune
    tuned_new = _fit(tuned, x, labels, weight, config, seed, should_stop, pause)
    return HeadArrays(head.pooling, (*frozen, *tuned_new.layers))


def _fit(
    head: HeadArrays,
    x_all: np.ndarray,
    labels: np.ndarray,
    weight: np.ndarray,
    config: RefitConfig,
    seed: int,
    should_stop: Callable[[], bool] | None,
    pause: Callable[[], None],
) -> HeadArrays:
    """Mini-batch Adam over all of ``head``'s layers on inputs ``x_all`` (already pooled)."""
    params = _params(head)
    start = [p.copy() for p in params]
    adam = _Adam(params, config.learning_rate)
    rng = np.random.default_rng(seed)
    eye = np.eye(head.n_classes, dtype=np.float32)
    for _ in range(config.epochs):
        order = rng.permutation(len(labels))
        for begin in range(0, len(order), config.batch_size):
            if should_stop is not None and should_stop():
                return _rebuild(head, params)
            batch = order[begin : begin + config.batch_size]
            grads = _gradients(head, params, x_all[batch], eye[labels[batch]], weight[batch])
            if config.anchor > 0:
                for g, p, p0 in zip(grads, params, start, strict=True):
                    g += config.anchor * (p - p0)
            adam.step(grads)
            pause()
    return _rebuild(head, params)


def _params(head: HeadArrays) -> list[np.ndarray]:
    params: list[np.ndarray] = []
    for layer in head.layers:
        params.append(layer.kernel.astype(np.float32, copy=True))
        if layer.bias is not None:
            params.append(layer.bias.astype(np.float32, copy=True))
    return params


def _rebuild(head: HeadArrays, params: Sequence[np.ndarray]) -> HeadArrays:
    layers: list[DenseArrays] = []
    it = iter(params)
    for layer in head.layers:
        kernel = next(it).copy()
        bias = next(it).copy() if layer.bias is not None else None
        layers.append(replace(layer, kernel=kernel, bias=bias))
    return HeadArrays(head.pooling, tuple(layers))


def _gradients(
    head: HeadArrays, params: list[np.ndarray], x: np.ndarray, y: np.ndarray, weight: np.ndarray
) -> list[np.ndarray]:
    """Gradients of the weighted mean cross-entropy with respect to ``params`` (same order)."""
    inputs: list[np.ndarray] = []
    outputs: list[np.ndarray] = []
    layers = _rebuild_views(head, params)
    h = x
    for layer in layers:
        inputs.append(h)
        h = _apply(layer, h)
        outputs.append(h)
    scale = (weight / weight.sum())[:, None]
    # softmax + cross-entropy: d loss / d logits = (p - y), per-sample weighted
    delta = (outputs[-1] - y) * scale
    grads: list[np.ndarray] = []
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        if i != len(layers) - 1:
            if layer.activation == "relu":
                delta = delta * (outputs[i] > 0)
            elif layer.activation == "softmax":
                raise RefitError("only the last layer may be a softmax")
        g_kernel = inputs[i].T @ delta
        if layer.bias is not None:
            grads.append(delta.sum(axis=0))
        grads.append(g_kernel)
        if i > 0:
            delta = delta @ layer.kernel.T
    grads.reverse()
    return grads


def _rebuild_views(head: HeadArrays, params: list[np.ndarray]) -> list[DenseArrays]:
    """The head's layers over the live parameter arrays (no copies; used inside one step)."""
    layers: list[DenseArrays] = []
    i = 0
    for layer in head.layers:
        kernel = params[i]
        i += 1
        bias = None
        if layer.bias is not None:
            bias = params[i]
            i += 1
        layers.append(DenseArrays(kernel, bias, layer.activation))
    return layers


class _Adam:
    """Adam (bias-corrected, epsilon added to sqrt(v)), updating the arrays in place."""

    def __init__(self, params: list[np.ndarray], learning_rate: float) -> None:
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0
        self.learning_rate = learning_rate

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        lr = self.learning_rate * np.sqrt(1 - 0.999**self.t) / (1 - 0.9**self.t)
        for p, m, v, g in zip(self.params, self.m, self.v, grads, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * (g * g)
            p -= lr * m / (np.sqrt(v) + 1e-7)
