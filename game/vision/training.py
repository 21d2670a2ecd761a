"""Train the small gesture head on cached backbone features (the frozen backbone never trains).

``train_head`` takes features already extracted (from images or calibration frames), holds out a
stratified validation split when every class has enough samples, trains a Keras head with Adam and
reports per epoch, and returns the head with its validation accuracy, per-class accuracy and
confusion matrix. Two recipes are provided: :data:`ORIGINAL_RECIPE` (the browser demo's) and
:data:`DEFAULT` (ours; better on held-out photos, see docs/benchmarks.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from game.vision.features import FEATURE_SHAPE

#: Fewest samples a class needs before training starts (the calibration screen says what is missing).
MIN_SAMPLES_PER_CLASS = 5
#: Fewest samples per class for which a validation split is held out (each class then gets >= 2).
MIN_SAMPLES_FOR_VALIDATION = 10


class TrainingError(ValueError):
    """Training cannot start; the message names the class or setting at fault."""


@dataclass(frozen=True)
class HeadConfig:
    """Hyper-parameters of the head and its training; stored in the profile."""

    epochs: int = 20
    learning_rate: float = 1e-4
    hidden_units: int = 100
    batch_fraction: float = 0.4
    dropout: float = 0.0
    #: "flatten" keeps the 7x7 layout (where the hand points); "avg" pools it away.
    pooling: str = "flatten"
    #: L2 weight decay on the dense kernels; 0 disables it.
    l2: float = 0.0
    label_smoothing: float = 0.0
    #: Share of each class held out for validation (0 disables the split).
    validation_fraction: float = 0.0
    #: Jittered copies (crop and brightness) whose features are added per training sample; 0 = none.
    augment_copies: int = 0
    augment_min_crop: float = 0.8
    augment_brightness: float = 0.3

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise TrainingError(f"epochs must be at least 1, got {self.epochs}")
        if not 0 < self.learning_rate < 1:
            raise TrainingError(f"learning rate must be in (0, 1), got {self.learning_rate}")
        if self.hidden_units < 1:
            raise TrainingError(f"hidden units must be at least 1, got {self.hidden_units}")
        if not 0 < self.batch_fraction <= 1:
            raise TrainingError(f"batch fraction must be in (0, 1], got {self.batch_fraction}")
        if not 0 <= self.dropout < 1:
            raise TrainingError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.pooling not in ("flatten", "avg"):
            raise TrainingError(f"pooling must be 'flatten' or 'avg', got {self.pooling!r}")
        if not 0 <= self.validation_fraction < 0.5:
            raise TrainingError(f"validation fraction must be in [0, 0.5), got {self.validation_fraction}")
        if self.augment_copies < 0:
            raise TrainingError(f"augment copies must be >= 0, got {self.augment_copies}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HeadConfig:
        """Unknown keys are ignored (a newer profile's extra settings); known ones are validated."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def replace(self, **changes: Any) -> HeadConfig:
        """A copy with the given fields changed; ``None`` values (unset CLI options) are ignored."""
        return HeadConfig(**{**self.to_dict(), **{k: v for k, v in changes.items() if v is not None}})


#: The original browser demo: Flatten, Dense(100, relu), Dense(k, softmax, no bias), Adam 1e-4,
#: batch = 40% of the samples, 20 epochs, no validation, no augmentation.
ORIGINAL_RECIPE = HeadConfig()

#: Ours: see docs/benchmarks.md ("Accuracy") for the held-out comparison that chose it.
DEFAULT = HeadConfig(
    epochs=30,
    learning_rate=1e-3,
    hidden_units=100,
    batch_fraction=0.25,
    dropout=0.5,
    validation_fraction=0.15,
)


@dataclass(frozen=True)
class EpochReport:
    """One epoch's figures; the validation ones are None when no split was held out."""

    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None


@dataclass
class TrainResult:
    """A trained head and how it did. ``confusion[i][j]`` counts validation samples of class i
    predicted as j (all training samples when there is no split)."""

    head: Any  # keras.Model; Keras is imported lazily
    classes: list[str]
    history: list[EpochReport]
    val_accuracy: float | None
    per_class_accuracy: dict[str, float]
    confusion: list[list[int]]
    seconds: float
    config: HeadConfig = field(default_factory=HeadConfig)
    note: str = ""


EpochCallback = Callable[[EpochReport], None]
StopCheck = Callable[[], bool]


def check_samples(labels: np.ndarray, classes: Sequence[str], minimum: int = MIN_SAMPLES_PER_CLASS) -> None:
    """Raise :class:`TrainingError` naming every class with fewer than ``minimum`` samples."""
    if len(classes) < 2:
        raise TrainingError(f"need at least two classes to train, got {list(classes)}")
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(classes))
    short = [f"{name} ({int(counts[i])})" for i, name in enumerate(classes) if counts[i] < minimum]
    if short:
        raise TrainingError(
            f"not enough samples to train: every class needs at least {minimum}; short: {', '.join(short)}"
        )


def stratified_split(
    labels: np.ndarray, n_classes: int, fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation) holding out ``fraction`` of each class (at least one per class)."""
    train: list[np.ndarray] = []
    val: list[np.ndarray] = []
    for c in range(n_classes):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_val = max(1, round(len(idx) * fraction))
        val.append(idx[:n_val])
        train.append(idx[n_val:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def build_head(n_classes: int, config: HeadConfig, seed: int) -> Any:
    """The head as a Keras model on (7, 7, 256) features."""
    import keras

    init = keras.initializers.VarianceScaling
    reg = keras.regularizers.L2(config.l2) if config.l2 > 0 else None
    inputs = keras.Input(shape=FEATURE_SHAPE, name="features")
    x = (
        keras.layers.Flatten()(inputs)
        if config.pooling == "flatten"
        else keras.layers.GlobalAveragePooling2D()(inputs)
    )
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, seed=seed)(x)
    x = keras.layers.Dense(
        config.hidden_units,
        activation="relu",
        kernel_initializer=init(scale=2.0, distribution="truncated_normal", seed=seed),
        kernel_regularizer=reg,
        name="hidden",
    )(x)
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, seed=seed + 1)(x)
    outputs = keras.layers.Dense(
        n_classes,
        activation="softmax",
        use_bias=False,
        kernel_initializer=init(scale=1.0, distribution="truncated_normal", seed=seed + 2),
        kernel_regularizer=reg,
        name="probs",
    )(x)
    return keras.Model(inputs, outputs, name="gesture_head")


def _confusion(true: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (true, pred), 1)
    return matrix


def per_class_accuracy(confusion: np.ndarray, classes: Sequence[str]) -> dict[str, float]:
    totals = confusion.sum(axis=1)
    return {
        name: float(confusion[i, i] / totals[i]) if totals[i] else float("nan")
        for i, name in enumerate(classes)
    }


def train_head(
    features: np.ndarray,
    labels: np.ndarray,
    classes: Sequence[str],
    config: HeadConfig = DEFAULT,
    seed: int = 0,
    on_epoch: EpochCallback | None = None,
    should_stop: StopCheck | None = None,
    extra_features: np.ndarray | None = None,
    extra_owner: np.ndarray | None = None,
) -> TrainResult:
    """Train a head on ``features`` (N, 7, 7, 256) with integer ``labels`` indexing ``classes``.

    ``extra_features`` are augmented copies; ``extra_owner[i]`` is the index of the sample copy ``i``
    came from, so copies of validation samples never leak into training. ``should_stop`` is polled
    between epochs (a cancelled run returns what it has). Raises :class:`TrainingError`.
    """
    import keras

    start = time.perf_counter()
    labels = np.asarray(labels, dtype=np.int64)
    if features.ndim != 4 or features.shape[1:] != FEATURE_SHAPE:
        raise TrainingError(
            f"features must be (N, {', '.join(map(str, FEATURE_SHAPE))}), got {features.shape}"
        )
    if len(features) != len(labels):
        raise TrainingError(f"{len(features)} feature rows but {len(labels)} labels")
    n_classes = len(classes)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise TrainingError(f"labels must index the {n_classes} classes {list(classes)}")
    check_samples(labels, classes)

    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed)
    counts = np.bincount(labels, minlength=n_classes)
    note = ""
    if config.validation_fraction > 0 and counts.min() >= MIN_SAMPLES_FOR_VALIDATION:
        train_idx, val_idx = stratified_split(labels, n_classes, config.validation_fraction, rng)
    else:
        train_idx, val_idx = np.arange(len(labels)), np.empty(0, dtype=np.int64)
        if config.validation_fraction > 0:
            note = (
                f"no validation split: every class needs {MIN_SAMPLES_FOR_VALIDATION} samples "
                f"(fewest: {int(counts.min())})"
            )

    x_train = features[train_idx].astype(np.float32)
    y_train = labels[train_idx]
    if extra_features is not None and extra_owner is not None and len(extra_features):
        keep = np.isin(extra_owner, train_idx)
        x_train = np.concatenate([x_train, extra_features[keep].astype(np.float32)])
        y_train = np.concatenate([y_train, labels[extra_owner[keep]]])
    x_val = features[val_idx].astype(np.float32)
    y_val = labels[val_idx]

    head = build_head(n_classes, config, seed)
    head.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
    )
    y_train_hot = np.eye(n_classes, dtype=np.float32)[y_train]
    y_val_hot = np.eye(n_classes, dtype=np.float32)[y_val]
    batch_size = max(1, int(len(x_train) * config.batch_fraction))
    history: list[EpochReport] = []

    class _Report(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            logs = logs or {}
            report = EpochReport(
                epoch=epoch + 1,
                epochs=config.epochs,
                loss=float(logs.get("loss", float("nan"))),
                accuracy=float(logs.get("accuracy", float("nan"))),
                val_loss=float(logs["val_loss"]) if "val_loss" in logs else None,
                val_accuracy=float(logs["val_accuracy"]) if "val_accuracy" in logs else None,
            )
            history.append(report)
            if on_epoch is not None:
                on_epoch(report)
            if should_stop is not None and should_stop():
                self.model.stop_training = True

    head.fit(
        x_train,
        y_train_hot,
        batch_size=batch_size,
        epochs=config.epochs,
        shuffle=True,
        validation_data=(x_val, y_val_hot) if len(val_idx) else None,
        callbacks=[_Report()],
        verbose=0,
    )

    x_eval, y_eval = (x_val, y_val) if len(val_idx) else (features.astype(np.float32), labels)
    pred = np.argmax(head(x_eval, training=False).numpy(), axis=1)
    confusion = _confusion(y_eval, pred, n_classes)
    return TrainResult(
        head=head,
        classes=list(classes),
        history=history,
        val_accuracy=float(np.mean(pred == y_eval)) if len(val_idx) else None,
        per_class_accuracy=per_class_accuracy(confusion, classes),
        confusion=confusion.tolist(),
        seconds=time.perf_counter() - start,
        config=config,
        note=note,
    )
