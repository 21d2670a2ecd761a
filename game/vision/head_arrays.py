"""The trained gesture head as plain float32 arrays: ``head.npz`` in a profile, read without Keras.

Training builds the head with Keras; :func:`arrays_from_keras` takes its weights out once, and play
evaluates them (``game.vision.classifier.NumpyHead``) and fine-tunes them (``game.vision.refit``,
learning while playing) with numpy, so a game never imports TensorFlow. The file holds only
numbers and short text arrays (no objects), is read with ``allow_pickle=False``, and
:func:`load_head_arrays` checks every name, shape and value against the backbone's feature shape
and the profile's classes before anything uses it.

Layout of the file: ``pooling`` (``"flatten"`` or ``"avg"``), ``activations`` (one per dense
layer: ``relu``, ``softmax`` or ``linear``), ``kernel_<i>`` (inputs x units, Keras's layout) and,
where the layer has one, ``bias_<i>``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.vision.features import FEATURE_SHAPE
from game.vision.profile_format import HEAD_ARRAYS_FILE, check_part_size, read_npy_header

__all__ = ["HEAD_ARRAYS_FILE", "DenseArrays", "HeadArrays", "HeadArraysError", "arrays_from_keras"]
POOLINGS = ("flatten", "avg")
ACTIVATIONS = ("relu", "softmax", "linear")
#: Keras layers that do nothing at inference and so have no arrays.
_PASS_THROUGH = ("InputLayer", "Dropout")


class HeadArraysError(ValueError):
    """The head cannot be turned into (or read back from) arrays; the message says what is wrong."""


@dataclass(frozen=True)
class DenseArrays:
    """One dense layer: ``kernel`` is (inputs, units) float32, ``bias`` (units,) or None."""

    kernel: np.ndarray
    bias: np.ndarray | None
    activation: str


@dataclass(frozen=True)
class HeadArrays:
    """Pooling of the features ((7, 7, 256), or a hand vector), then dense layers: everything play
    needs from a head. Immutable: a refit in play makes a new one, so a reader on another thread
    never sees half an update."""

    pooling: str
    layers: tuple[DenseArrays, ...]

    @property
    def n_classes(self) -> int:
        return int(self.layers[-1].kernel.shape[1])

    def check(self, n_classes: int, feature_shape: tuple[int, ...] = FEATURE_SHAPE) -> None:
        """Raise :class:`HeadArraysError` unless the layers chain from features of ``feature_shape``
        (MobileNet's unless given: the hand recognizer's are vectors) to ``n_classes``."""
        if self.pooling not in POOLINGS:
            raise HeadArraysError(f"unknown pooling {self.pooling!r} (expected one of {', '.join(POOLINGS)})")
        if not self.layers:
            raise HeadArraysError("the head has no dense layer")
        if self.pooling == "avg" and len(feature_shape) != 3:
            # Averaging is over the rows and columns of a feature map; a vector has none.
            raise HeadArraysError(
                f"its pooling is 'avg', which needs a feature map (rows, columns, channels), but this "
                f"recognizer's features are {tuple(feature_shape)}"
            )
        width = int(np.prod(feature_shape)) if self.pooling == "flatten" else feature_shape[-1]
        for i, layer in enumerate(self.layers):
            if layer.activation not in ACTIVATIONS:
                raise HeadArraysError(f"layer {i}'s activation cannot be evaluated here: {layer.activation}")
            kernel, bias = layer.kernel, layer.bias
            if kernel.dtype != np.float32 or kernel.ndim != 2 or kernel.shape[0] != width:
                raise HeadArraysError(
                    f"layer {i}'s kernel is {kernel.dtype} {kernel.shape}, expected float32 ({width}, units)"
                )
            if bias is not None and (bias.dtype != np.float32 or bias.shape != kernel.shape[1:]):
                raise HeadArraysError(
                    f"layer {i}'s bias is {bias.dtype} {bias.shape}, expected float32 ({kernel.shape[1]},)"
                )
            if not np.isfinite(kernel).all() or (bias is not None and not np.isfinite(bias).all()):
                raise HeadArraysError(f"layer {i} holds values that are not finite numbers")
            width = kernel.shape[1]
        if width != n_classes:
            raise HeadArraysError(f"the head predicts {width} classes but the profile lists {n_classes}")


def arrays_from_keras(model: Any) -> HeadArrays:
    """The weights of a Keras head (Flatten or GlobalAveragePooling2D, Dropout, Dense layers)."""
    pooling: str | None = None
    layers: list[DenseArrays] = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in _PASS_THROUGH:  # dropout is the identity at inference
            continue
        if kind in ("Flatten", "GlobalAveragePooling2D") and pooling is None and not layers:
            pooling = "flatten" if kind == "Flatten" else "avg"
        elif kind == "Dense" and pooling is not None:
            weights = [np.ascontiguousarray(w, dtype=np.float32) for w in layer.get_weights()]
            activation = layer.activation.__name__
            if activation not in ACTIVATIONS:
                raise HeadArraysError(f"the head's activation cannot be evaluated here: {activation}")
            layers.append(DenseArrays(weights[0], weights[1] if len(weights) > 1 else None, activation))
        else:
            raise HeadArraysError(f"the head has a layer this runtime cannot evaluate: {kind} ({layer.name})")
    if pooling is None or not layers:
        raise HeadArraysError("the head has no pooling or no dense layer")
    return HeadArrays(pooling, tuple(layers))


def _entries(arrays: HeadArrays) -> dict[str, np.ndarray]:
    entries = {
        "pooling": np.asarray(arrays.pooling),
        "activations": np.asarray([layer.activation for layer in arrays.layers]),
    }
    for i, layer in enumerate(arrays.layers):
        entries[f"kernel_{i}"] = layer.kernel
        if layer.bias is not None:
            entries[f"bias_{i}"] = layer.bias
    return entries


def head_arrays_bytes(arrays: HeadArrays) -> bytes:
    """The ``head.npz`` file's contents (uncompressed: it loads in milliseconds)."""
    buffer = io.BytesIO()
    np.savez(buffer, **_entries(arrays))  # type: ignore[arg-type]
    return buffer.getvalue()


def _text(data: Any, name: str) -> list[str]:
    value = np.asarray(data[name])
    if value.dtype.kind != "U":
        raise HeadArraysError(f"{name} is {value.dtype}, expected text")
    return [str(v) for v in np.atleast_1d(value)]


def load_head_arrays(
    path: Path, n_classes: int, feature_shape: tuple[int, ...] = FEATURE_SHAPE
) -> HeadArrays:
    """Read and check ``head.npz`` (for features of ``feature_shape``); raises
    :class:`HeadArraysError` with the reason on any fault."""
    try:
        check_part_size(path)  # a regular file within the profile's size limit, before reading it
        _check_unpacked_size(path)  # and what it unpacks to, from the array headers alone
        with np.load(path, allow_pickle=False) as data:
            names = set(data.files)
            (pooling,) = _text(data, "pooling") if "pooling" in names else ("",)
            activations = _text(data, "activations") if "activations" in names else []
            layers = []
            for i, activation in enumerate(activations):
                if f"kernel_{i}" not in names:
                    raise HeadArraysError(f"kernel_{i} is missing")
                bias = np.asarray(data[f"bias_{i}"]) if f"bias_{i}" in names else None
                layers.append(DenseArrays(np.asarray(data[f"kernel_{i}"]), bias, activation))
    except HeadArraysError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # numpy's own text can advise loading with pickle, which must never be done here: type only.
        raise HeadArraysError(f"not a readable head file ({type(exc).__name__})") from exc
    expected = {"pooling", "activations"} | _kernel_and_bias_names(layers)
    if names != expected:
        raise HeadArraysError(f"unexpected contents: {', '.join(sorted(names ^ expected))}")
    arrays = HeadArrays(pooling, tuple(layers))
    arrays.check(n_classes, feature_shape)
    return arrays


#: The most numbers a head file may unpack to (the largest head the options allow is 12,544 x 4,096).
MAX_HEAD_VALUES = 64 * 1024 * 1024


def _check_unpacked_size(path: Path) -> None:
    """Refuse a head file whose arrays would unpack to more than :data:`MAX_HEAD_VALUES` numbers,
    reading only each ``.npy`` header (a small compressed file can declare gigabytes)."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            with archive.open(info) as fh:
                shape, _, _ = read_npy_header(fh, info.filename)
            total += int(np.prod(shape, dtype=np.float64))
            if total > MAX_HEAD_VALUES:
                raise HeadArraysError(f"its arrays hold more than {MAX_HEAD_VALUES:,} numbers")


def _kernel_and_bias_names(layers: Iterable[DenseArrays]) -> set[str]:
    names = set()
    for i, layer in enumerate(layers):
        names.add(f"kernel_{i}")
        if layer.bias is not None:
            names.add(f"bias_{i}")
    return names
