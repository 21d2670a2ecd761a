"""Between the calibration scene's samples and the vision package's profile: build a ``Profile``
from the sample book and the last training result, save it, read one back, and make the live
classifier.

The profile stores labels by class index; the scene keeps samples per class name. The last
training's figures (per-class accuracy, confusion matrix, loss and accuracy per epoch) go into the
profile's metrics so that reopening calibration shows the results the head was saved with.

A head updated while playing is saved as ``head.npz`` only (the game does not import Keras); its
arrays are turned back into a Keras head here, so that calibration still shows the trained head
(and saving from calibration writes ``head.keras`` again). Its figures are those of the training
before the play corrections: ``SavedCalibration.updated_in_play`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.vision.classifier import GestureClassifier
from game.vision.features import LiteRTBackbone
from game.vision.hand_features import HandFeatureExtractor
from game.vision.head_arrays import HeadArrays
from game.vision.preprocess import PreprocessConfig
from game.vision.profile import (
    THUMBNAIL_SIZE,
    Profile,
    ProfileError,
    Samples,
    find_profile,
    load_profile,
    save_profile,
)
from game.vision.recognizer import FRAME, HAND, feature_shape
from game.vision.samples import SampleBook
from game.vision.training import EpochReport, HeadConfig, TrainResult
from game.vision.types import ALL_CLASSES, ThumbKind

__all__ = [
    "THUMBNAIL_SIZE",
    "ProfileError",
    "SavedCalibration",
    "build_profile",
    "load_calibration",
    "make_classifier",
    "save_calibration",
]


@dataclass
class SavedCalibration:
    """What calibration takes from a saved profile: samples per class, settings, and the head."""

    classes: list[str]
    #: Per class: feature vectors, thumbnails, and what each thumbnail shows (``ThumbKind``).
    samples: dict[str, tuple[list[np.ndarray], list[np.ndarray], list[ThumbKind]]] = field(
        default_factory=dict
    )
    config: HeadConfig | None = None
    result: TrainResult | None = None
    profile: Profile | None = None
    #: The head was updated while playing (saved as head.npz only): the result's figures are
    #: those of the training before, and the samples learned in play are new to them.
    updated_in_play: bool = False


def _metrics(result: TrainResult) -> dict[str, Any]:
    def finite(x: float | None) -> float | None:
        return None if x is None or not math.isfinite(x) else float(x)

    return {
        "val_accuracy": finite(result.val_accuracy),
        "per_class_accuracy": {k: finite(v) for k, v in result.per_class_accuracy.items()},
        "confusion": [[int(c) for c in row] for row in result.confusion],
        "train_seconds": float(result.seconds),
        "loss": [finite(r.loss) for r in result.history],
        "val_accuracy_per_epoch": [finite(r.val_accuracy) for r in result.history],
        "note": result.note,
    }


#: The per-frame runtime calibration records with: MobileNet (``frame``) or the hand stage (``hand``).
Runtime = LiteRTBackbone | HandFeatureExtractor


def recognizer_of(runtime: Runtime) -> str:
    """The recognizer a runtime's features belong to."""
    return HAND if isinstance(runtime, HandFeatureExtractor) else FRAME


def classes_without_head(book: SampleBook, result: TrainResult | None) -> list[str]:
    """Classes in use with samples that ``result``'s head does not know (e.g. idle turned on and
    recorded after the training): saving the head with the samples would leave theirs out."""
    if result is None:
        return []
    return [name for name in book.active_classes if book.count(name) and name not in result.classes]


def build_profile(
    book: SampleBook,
    result: TrainResult | None,
    backbone: Runtime,
    config: HeadConfig | None = None,
    camera: int | None = None,
    preprocess: PreprocessConfig | None = None,
) -> Profile:
    """The profile to save: the trained classes (or the active ones before any training).

    ``config`` is the training settings the player has chosen; it is saved when there is no
    trained head yet (a head keeps the settings it was trained with), so that reopening shows them
    as they were rather than ``HeadConfig``'s bare defaults. ``camera`` is the webcam index the
    samples came from (None for a video), which play opens first. ``preprocess`` is how the
    samples' frames were preprocessed (a profile reopened keeps its own; default: the current).

    Raises ``ProfileError`` when samples of a class in use would be left out because the head does
    not know it (:func:`classes_without_head`): train first, or save them without the head.
    """
    unknown = classes_without_head(book, result)
    if unknown:
        names = ", ".join(unknown)
        raise ProfileError(f"the trained head does not know {names} yet: train again to save its samples")
    classes = list(result.classes) if result is not None else list(book.active_classes)
    feats: list[np.ndarray] = []
    labels: list[int] = []
    thumbs: list[np.ndarray] = []
    kinds: list[ThumbKind] = []
    for index, name in enumerate(classes):
        feats.extend(book.features(name))
        thumbs.extend(book.thumbnails(name))
        kinds.extend(book.thumbnail_kinds(name))
        labels.extend([index] * book.count(name))
    recognizer = recognizer_of(backbone)
    samples = Samples.empty(recognizer)
    if feats:
        samples = Samples(
            features=np.stack(feats).astype(np.float16),
            labels=np.asarray(labels, dtype=np.int64),
            thumbnails=np.stack(thumbs).astype(np.uint8),
            thumbnail_kinds=np.asarray(kinds, dtype=np.uint8),
        )
    profile = Profile(
        classes=classes,
        backbone_id=backbone.backbone_id,
        weights_sha256=backbone.weights_sha256,
        preprocess=preprocess or PreprocessConfig(),
        samples=samples,
        recognizer=recognizer,
        camera=camera,
    )
    if config is not None:
        profile.head_config = config
    if result is not None:
        profile.head = result.head
        profile.head_config = result.config
        profile.metrics = _metrics(result)
    return profile


def save_calibration(
    folder: Path,
    book: SampleBook,
    result: TrainResult | None,
    backbone: Runtime | None,
    config: HeadConfig | None = None,
    camera: int | None = None,
    preprocess: PreprocessConfig | None = None,
) -> Path:
    """Save atomically; every failure (read-only place, a file in the way, full disk, samples the
    head does not know: :func:`build_profile`) is a ProfileError."""
    if backbone is None:
        raise ProfileError("the recognizer is not loaded, so the samples cannot be tied to it")
    profile = build_profile(book, result, backbone, config, camera, preprocess)
    try:
        return save_profile(profile, folder)
    except OSError as exc:
        blocker = next((p for p in Path(folder).parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise ProfileError(f"cannot write {folder}: {blocker} is a file, not a folder") from exc
        raise ProfileError(f"cannot write {folder} ({exc.strerror or exc})") from exc


def keras_from_arrays(arrays: HeadArrays, input_shape: tuple[int, ...]) -> Any:
    """A Keras head that computes what ``arrays`` does (pooling, then its dense layers)."""
    import keras

    inputs = keras.Input(shape=input_shape, name="features")
    pooled = (
        keras.layers.GlobalAveragePooling2D()(inputs)
        if arrays.pooling == "avg"
        else keras.layers.Flatten()(inputs)
    )
    x, dense_layers = pooled, []
    for i, layer in enumerate(arrays.layers):
        last = i == len(arrays.layers) - 1
        dense = keras.layers.Dense(
            layer.kernel.shape[1],
            activation=layer.activation,
            use_bias=layer.bias is not None,
            name="probs" if last else f"dense_{i}",
        )
        x = dense(x)
        dense_layers.append((dense, layer))
    model = keras.Model(inputs, x, name="gesture_head")
    for dense, layer in dense_layers:
        dense.set_weights([layer.kernel] if layer.bias is None else [layer.kernel, layer.bias])
    return model


def _result_from(profile: Profile) -> TrainResult | None:
    if profile.head is None:
        return None
    m = profile.metrics
    losses = m.get("loss") or []
    accs = m.get("val_accuracy_per_epoch") or []
    history = [
        EpochReport(i + 1, len(losses), float(loss if loss is not None else math.nan), math.nan, None, acc)
        for i, (loss, acc) in enumerate(zip(losses, accs, strict=False))
    ]
    n = len(profile.classes)
    confusion = m.get("confusion") or [[0] * n for _ in range(n)]
    per_class = {
        k: (math.nan if v is None else float(v)) for k, v in (m.get("per_class_accuracy") or {}).items()
    }
    return TrainResult(
        head=profile.head,
        classes=list(profile.classes),
        history=history,
        val_accuracy=m.get("val_accuracy"),
        per_class_accuracy=per_class,
        confusion=confusion,
        seconds=float(m.get("train_seconds", 0.0)),
        config=profile.head_config,
        note=str(m.get("note", "")),
    )


def load_calibration(folder: Path) -> SavedCalibration | None:
    """The saved calibration at ``folder``, None when there is none yet; ProfileError when damaged.

    Loads the head too (Keras): call it off the UI thread.
    """
    if find_profile(folder) is None and not Path(folder).exists():
        return None
    profile = load_profile(folder)
    saved = SavedCalibration(
        classes=list(profile.classes),
        config=profile.head_config,
        profile=profile,
        updated_in_play=profile.head is None and profile.head_arrays is not None,
    )
    for index, name in enumerate(profile.classes):
        if name not in ALL_CLASSES:
            continue  # a profile trained from images with other class names: nothing to show here
        mask = profile.samples.labels == index
        feats = [np.asarray(f, dtype=np.float32) for f in profile.samples.features[mask]]
        thumbs = list(profile.samples.thumbnails[mask])
        kinds = [ThumbKind(int(k)) for k in profile.samples.thumbnail_kinds[mask]]
        saved.samples[name] = (feats, thumbs, kinds)
    if saved.updated_in_play and profile.head_arrays is not None:
        # head.npz only: the Keras head that calibration shows, tests live and saves again.
        profile.head = keras_from_arrays(profile.head_arrays, feature_shape(profile.recognizer))
        profile.head_arrays = None  # the Keras head is the one that counts (Profile.numpy_head)
    saved.result = _result_from(profile)
    return saved


def make_classifier(
    backbone: Runtime | None,
    result: TrainResult,
    saved: Profile | None = None,
    preprocess: PreprocessConfig | None = None,
) -> GestureClassifier:
    """The vision package's per-frame classifier for a freshly trained (not yet saved) head, on
    frames preprocessed as its samples were (``preprocess``; default: the current)."""
    if backbone is None:
        raise ProfileError("the recognizer is not loaded")
    profile = saved or Profile(
        classes=list(result.classes),
        backbone_id=backbone.backbone_id,
        weights_sha256=backbone.weights_sha256,
        preprocess=preprocess or PreprocessConfig(),
        head_config=result.config,
        head=result.head,
        recognizer=recognizer_of(backbone),
    )
    return GestureClassifier(profile, backbone)
