"""Train the small gesture head on cached backbone features (the frozen backbone never trains).

``train_head`` takes features already extracted (from images or calibration frames), holds out a
stratified validation split when every class has enough samples, trains a Keras head with Adam and
reports per epoch, and returns the head with its validation accuracy, per-class accuracy and
confusion matrix; with ``refit`` the returned head is then retrained on every sample. Two
recipes are provided: :data:`ORIGINAL_RECIPE` (the browser demo's) and :data:`DEFAULT` (ours: a
softmax layer straight on the features, as accurate on held-out photos and faster to train and to
run, see docs/benchmarks.md); :data:`HAND_DEFAULT` is the hand recognizer's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Protocol

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
    #: Units of the hidden layer; 0: no hidden layer, a softmax straight on the pooled features.
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
    #: After the split has measured the recipe, train the returned head again, from scratch, on
    #: every sample: with ~20 samples per class, the held-out 15% are worth more as training data.
    refit: bool = False
    #: "mlp": pooling -> Dense(hidden, relu) -> Dense(softmax, no bias), mini-batch Adam (the seed's
    #: shape); "linear": pooling -> standardised features -> Dense(softmax), full-batch Adam with
    #: ``steps_per_epoch`` steps per epoch (game/vision/linear_head.py). Profiles without it are "mlp".
    kind: str = "mlp"
    steps_per_epoch: int = 1

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise TrainingError(f"epochs must be at least 1, got {self.epochs}")
        if not 0 < self.learning_rate < 1:
            raise TrainingError(f"learning rate must be in (0, 1), got {self.learning_rate}")
        if self.hidden_units < 0:
            raise TrainingError(f"hidden units must be 0 (no hidden layer) or more, got {self.hidden_units}")
        if not 0 < self.batch_fraction <= 1:
            raise TrainingError(f"batch fraction must be in (0, 1], got {self.batch_fraction}")
        if not 0 <= self.dropout < 1:
            raise TrainingError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.pooling not in ("flatten", "avg"):
            raise TrainingError(f"pooling must be 'flatten' or 'avg', got {self.pooling!r}")
        if self.kind not in ("mlp", "linear"):
            raise TrainingError(f"head kind must be 'mlp' or 'linear', got {self.kind!r}")
        if self.steps_per_epoch < 1:
            raise TrainingError(f"steps per epoch must be at least 1, got {self.steps_per_epoch}")
        if not 0 <= self.validation_fraction < 0.5:
            raise TrainingError(f"validation fraction must be in [0, 0.5), got {self.validation_fraction}")

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

#: Ours for the ``frame`` recognizer: no hidden layer, a softmax (with bias, from zero weights)
#: straight on the 12,544 flattened features, Adam 3e-4 in batches of 25% of the samples for 20
#: epochs; the head that is kept is retrained on every sample once the 15% held out at the end of
#: each class's recording has given the validation figures (with ~20 samples per class those 15%
#: are worth more as training data). Few small steps from zero weights keep the layer from fitting
#: the burst of frames it was shown. Against the seed's recipe on the same features it is as
#: accurate or more (sign digits: 0.921 vs 0.907 on the standard split, 0.968 vs 0.949 on the
#: validation protocol), trains in less time, and its 200 kB of weights cost play about 0.04 ms a
#: frame where a 12,544 x 100 hidden layer (5 MB, read from memory after every backbone run) cost
#: 0.3 ms, a fifth of the backbone's own time. docs/benchmarks.md ("Accuracy", "Issue 14") has the
#: figures and the recipes it was chosen against.
DEFAULT = HeadConfig(
    epochs=20,
    learning_rate=3e-4,
    hidden_units=0,
    batch_fraction=0.25,
    dropout=0.0,
    validation_fraction=0.15,
    refit=True,
)

#: The frame recognizer's default before the softmax-only head: the seed's layers (Dense 100 relu)
#: with dropout 0.5, otherwise as :data:`DEFAULT`. Kept for comparison (``bench --suite accuracy``).
PREVIOUS_DEFAULT = replace(DEFAULT, hidden_units=100, dropout=0.5)


#: For the ``hand`` recognizer's landmark vectors (214 numbers, not 12,544): a hidden layer of 100
#: with dropout 0.5, trained 3x longer at Adam's usual 1e-3. Steps sized for MobileNet features
#: leave this head far from converged (room protocol, N=20: 0.72-0.89 by seed, against 0.96 with
#: this recipe; docs/benchmarks.md, "Hand recognizer").
HAND_DEFAULT = replace(PREVIOUS_DEFAULT, epochs=60, learning_rate=1e-3)


def default_recipe(recognizer: str) -> HeadConfig:
    """The head recipe new profiles of ``recognizer`` (``hand`` or ``frame``) are trained with."""
    return HAND_DEFAULT if recognizer == "hand" else DEFAULT


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
    predicted as j (all training samples when there is no split).

    With ``config.refit`` the history and validation figures are those of the head trained
    without the validation samples, and ``head`` is the one retrained on every sample (``refitted``
    says whether that happened: not when there was no split or training was stopped)."""

    head: Any  # keras.Model; Keras is imported lazily
    classes: list[str]
    history: list[EpochReport]
    val_accuracy: float | None
    per_class_accuracy: dict[str, float]
    confusion: list[list[int]]
    seconds: float
    config: HeadConfig = field(default_factory=HeadConfig)
    note: str = ""
    refitted: bool = False


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


def tail_split(labels: np.ndarray, n_classes: int, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation): the last ``fraction`` of each class's samples, in their order, held out.

    Samples are kept in the order they were recorded (calibration) or named (image folders), so
    the held-out ones are the end of each class's recording: frames taken later than the ones
    the head learns from, never near-twins picked at random from between them. At least one per
    class is held out, and at least one is kept for training.
    """
    train: list[np.ndarray] = []
    val: list[np.ndarray] = []
    for c in range(n_classes):
        idx = np.flatnonzero(labels == c)
        n_val = min(max(1, round(len(idx) * fraction)), len(idx) - 1)
        train.append(idx[: len(idx) - n_val])
        val.append(idx[len(idx) - n_val :])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def build_head(
    n_classes: int, config: HeadConfig, seed: int, input_shape: tuple[int, ...] = FEATURE_SHAPE
) -> Any:
    """The head as a Keras model on features of ``input_shape`` (MobileNet's (7, 7, 256) by default;
    the hand recognizer's vectors are one-dimensional and need ``pooling="flatten"``)."""
    import keras

    init = keras.initializers.VarianceScaling
    reg = keras.regularizers.L2(config.l2) if config.l2 > 0 else None
    if config.pooling == "avg" and len(input_shape) != 3:
        raise TrainingError(f"average pooling needs (rows, cols, channels) features, not {input_shape}")
    inputs = keras.Input(shape=input_shape, name="features")
    x = (
        keras.layers.Flatten()(inputs)
        if config.pooling == "flatten"
        else keras.layers.GlobalAveragePooling2D()(inputs)
    )
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, seed=seed)(x)
    if config.hidden_units == 0:
        # Multinomial logistic regression; from zero weights every class starts equally likely.
        outputs = keras.layers.Dense(
            n_classes, activation="softmax", kernel_initializer="zeros", kernel_regularizer=reg, name="probs"
        )(x)
        return keras.Model(inputs, outputs, name="gesture_head")
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
    on_refit_epoch: EpochCallback | None = None,
) -> TrainResult:
    """Train a head on ``features`` (N, 7, 7, 256) with integer ``labels`` indexing ``classes``.

    ``extra_features`` are augmented copies; ``extra_owner[i]`` is the index of the sample copy ``i``
    came from, so copies of validation samples never leak into training. ``should_stop`` is polled
    between epochs (a cancelled run returns what it has). ``on_epoch`` hears only the epochs of the
    measured run, not those of a refit; ``on_refit_epoch`` hears the refit's. Raises
    :class:`TrainingError`.
    """

    start = time.perf_counter()
    labels = np.asarray(labels, dtype=np.int64)
    if features.ndim not in (2, 4) or (features.ndim == 4 and features.shape[1:] != FEATURE_SHAPE):
        raise TrainingError(
            f"features must be (N, {', '.join(map(str, FEATURE_SHAPE))}) or (N, D) vectors, "
            f"got {features.shape}"
        )
    input_shape = tuple(int(d) for d in features.shape[1:])
    if len(features) != len(labels):
        raise TrainingError(f"{len(features)} feature rows but {len(labels)} labels")
    n_classes = len(classes)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise TrainingError(f"labels must index the {n_classes} classes {list(classes)}")
    check_samples(labels, classes)

    rng = np.random.default_rng(seed)
    counts = np.bincount(labels, minlength=n_classes)
    note = ""
    if config.validation_fraction > 0 and counts.min() >= MIN_SAMPLES_FOR_VALIDATION:
        train_idx, val_idx = tail_split(labels, n_classes, config.validation_fraction)
    else:
        train_idx, val_idx = np.arange(len(labels)), np.empty(0, dtype=np.int64)
        if config.validation_fraction > 0:
            short = [
                f"{name} ({int(counts[i])})"
                for i, name in enumerate(classes)
                if counts[i] < MIN_SAMPLES_FOR_VALIDATION
            ]
            note = (
                f"no validation figure: too few samples to hold any out for checking "
                f"(every class needs {MIN_SAMPLES_FOR_VALIDATION}; short: {', '.join(short)}); "
                "the head was trained on every sample"
            )

    def training_set(indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = features[indices].astype(np.float32)
        y = labels[indices]
        if extra_features is not None and extra_owner is not None and len(extra_features):
            keep = np.isin(extra_owner, indices)
            x = np.concatenate([x, extra_features[keep].astype(np.float32)])
            y = np.concatenate([y, labels[extra_owner[keep]]])
        return x, y

    x_train, y_train = training_set(train_idx)
    x_val = features[val_idx].astype(np.float32)
    y_val = labels[val_idx]

    trainer = _trainer(n_classes, config, seed, input_shape)
    history = trainer.run(_Run(x_train, y_train, x_val, y_val, rng, on_epoch, should_stop))

    x_eval, y_eval = (x_val, y_val) if len(val_idx) else (features.astype(np.float32), labels)
    pred = np.argmax(trainer.probabilities(x_eval), axis=1)
    confusion = _confusion(y_eval, pred, n_classes)

    refitted = False

    def stopped(run: list[EpochReport]) -> bool:
        return len(run) < config.epochs or (should_stop is not None and should_stop())

    if config.refit and len(val_idx) and not stopped(history):
        # Same recipe, start and epoch count as the run just measured, now on every sample; the
        # trainer's compiled steps are reused, so the refit costs its steps and no second tracing.
        x_all, y_all = training_set(np.arange(len(labels)))
        measured = trainer.snapshot()
        trainer.restart()
        refit_run = _Run(x_all, y_all, x_all[:0], y_all[:0], rng, on_refit_epoch, should_stop)
        refit_history = trainer.run(refit_run)
        if stopped(refit_history):  # a refit cut short keeps the measured head
            trainer.restore(measured)
        else:
            refitted = True
    head = trainer.keras_head()
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
        refitted=refitted,
    )


@dataclass(frozen=True)
class _Run:
    """One training run: fit on the training split, report each epoch on the validation split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    rng: np.random.Generator
    on_epoch: EpochCallback | None
    should_stop: StopCheck | None

    def unpack(self) -> tuple[Any, ...]:
        return (self.x_train, self.y_train, self.x_val, self.y_val, self.rng, self.on_epoch, self.should_stop)


def _record(
    history: list[EpochReport],
    report: EpochReport,
    on_epoch: EpochCallback | None,
    should_stop: StopCheck | None,
) -> bool:
    """Add ``report`` to ``history`` and pass it on; False when training should stop."""
    history.append(report)
    if on_epoch is not None:
        on_epoch(report)
    return not (should_stop is not None and should_stop())


class _Trainer(Protocol):
    """Trains one head: :meth:`run` can be called again after :meth:`restart` (the refit)."""

    def run(self, run: _Run) -> list[EpochReport]: ...

    def probabilities(self, x: np.ndarray) -> np.ndarray: ...

    def snapshot(self) -> Any: ...

    def restore(self, state: Any) -> None: ...

    def restart(self) -> None: ...

    def keras_head(self) -> Any: ...


def _trainer(
    n_classes: int, config: HeadConfig, seed: int, input_shape: tuple[int, ...] = FEATURE_SHAPE
) -> _Trainer:
    if config.kind == "linear":
        return _LinearTrainer(n_classes, config, seed)
    return _MlpTrainer(build_head(n_classes, config, seed, input_shape), n_classes, config)


class _LinearTrainer:
    """The linear head (game/vision/linear_head.py): each run is a new fit; the compiled program is shared."""

    def __init__(self, n_classes: int, config: HeadConfig, seed: int) -> None:
        self.n_classes, self.config, self.seed = n_classes, config, seed
        self.fit: Any = None

    def run(self, run: _Run) -> list[EpochReport]:
        from game.vision.linear_head import LinearFit

        x_train, y_train, x_val, y_val, _, on_epoch, should_stop = run.unpack()
        config = self.config
        self.fit = fit = LinearFit(x_train, y_train, self.n_classes, config.pooling, self.seed)
        history: list[EpochReport] = []
        for epoch in range(1, config.epochs + 1):
            loss, accuracy = fit.epoch(
                config.steps_per_epoch, config.learning_rate, config.l2, config.label_smoothing
            )
            val_loss = val_acc = None
            if len(x_val):
                probs = fit.probabilities(x_val)
                val_loss = float(-np.mean(np.log(np.maximum(probs[np.arange(len(y_val)), y_val], 1e-7))))
                val_acc = float(np.mean(np.argmax(probs, axis=1) == y_val))
            report = EpochReport(epoch, config.epochs, loss, accuracy, val_loss, val_acc)
            if not _record(history, report, on_epoch, should_stop):
                break
        return history

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.fit.probabilities(x))

    def snapshot(self) -> Any:
        return self.fit

    def restore(self, state: Any) -> None:
        self.fit = state

    def restart(self) -> None:
        self.fit = None

    def keras_head(self) -> Any:
        return self.fit.keras_head()


class _FusedAdam:
    """Adam through TensorFlow's fused kernel (one op per variable).

    Same update as ``keras.optimizers.Adam`` (bias-corrected step, epsilon added to sqrt(v)), but
    Keras's version issues a dozen element-wise ops per variable, and over the head's 1.25 M
    parameters those memory passes were most of each training step's time.
    """

    def __init__(self, variables: list[Any], learning_rate: float) -> None:
        import tensorflow as tf

        self.variables = [getattr(v, "value", v) for v in variables]  # the tf.Variable under a Keras one
        self.m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in self.variables]
        self.v = [tf.Variable(tf.zeros_like(v), trainable=False) for v in self.variables]
        self.beta1_power = tf.Variable(1.0, trainable=False)
        self.beta2_power = tf.Variable(1.0, trainable=False)
        self.learning_rate = learning_rate

    def reset(self) -> None:
        """Back to Adam's starting state (no moments, bias correction from step 1)."""
        import tensorflow as tf

        for slot in (*self.m, *self.v):
            slot.assign(tf.zeros_like(slot))
        self.beta1_power.assign(1.0)
        self.beta2_power.assign(1.0)

    def apply(self, gradients: list[Any]) -> None:
        import tensorflow as tf

        self.beta1_power.assign(self.beta1_power * 0.9)
        self.beta2_power.assign(self.beta2_power * 0.999)
        for var, m, v, grad in zip(self.variables, self.m, self.v, gradients, strict=True):
            tf.raw_ops.ResourceApplyAdam(
                var=var.handle,
                m=m.handle,
                v=v.handle,
                beta1_power=self.beta1_power,
                beta2_power=self.beta2_power,
                lr=self.learning_rate,
                beta1=0.9,
                beta2=0.999,
                epsilon=1e-7,
                grad=grad,
            )


class _MlpTrainer:
    """Mini-batch Adam, one compiled graph call per epoch: Keras ``fit`` spends more time on
    per-epoch bookkeeping than on these small matrix products, and training must take seconds.

    The compiled epoch is traced once per head; :meth:`restart` puts the head's initial weights
    back and clears Adam's state, so a refit reuses it instead of tracing a new head's."""

    def __init__(self, head: Any, n_classes: int, config: HeadConfig) -> None:
        import keras
        import tensorflow as tf

        self.head, self.n_classes, self.config = head, n_classes, config
        self.initial = head.get_weights()
        self.optimizer = optimizer = _FusedAdam(head.trainable_variables, config.learning_rate)
        loss_fn = keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing)
        variables = head.trainable_variables
        x_spec = tf.TensorSpec([None, *head.input_shape[1:]], tf.float32)
        y_spec = tf.TensorSpec([None, n_classes], tf.float32)

        @tf.function(
            input_signature=[x_spec, y_spec, tf.TensorSpec([None], tf.int32), tf.TensorSpec([], tf.int32)],
        )
        def train_epoch(x_all: Any, y_all: Any, order: Any, batch_size: Any) -> tuple[Any, Any]:
            # The whole epoch runs in one graph call: per-batch Python round trips cost more than the maths.
            n = tf.shape(order)[0]
            loss_sum = tf.constant(0.0)
            correct_sum = tf.constant(0.0)
            for begin in tf.range(0, n, batch_size):
                batch = order[begin : tf.minimum(begin + batch_size, n)]
                x = tf.gather(x_all, batch)
                y = tf.gather(y_all, batch)
                with tf.GradientTape() as tape:
                    probs = head(x, training=True)
                    loss = loss_fn(y, probs) + tf.add_n([0.0, *head.losses])
                optimizer.apply(tape.gradient(loss, variables))
                loss_sum += loss * tf.cast(tf.shape(batch)[0], tf.float32)
                correct_sum += tf.reduce_sum(tf.cast(tf.argmax(probs, 1) == tf.argmax(y, 1), tf.float32))
            return loss_sum, correct_sum

        @tf.function(input_signature=[x_spec, y_spec], reduce_retracing=True)
        def eval_step(x: Any, y: Any) -> tuple[Any, Any]:
            probs = head(x, training=False)
            correct = tf.reduce_mean(tf.cast(tf.argmax(probs, 1) == tf.argmax(y, 1), tf.float32))
            return loss_fn(y, probs), correct

        self.train_epoch, self.eval_step = train_epoch, eval_step

    def run(self, run: _Run) -> list[EpochReport]:
        import tensorflow as tf

        x_train, y_train, x_val, y_val, rng, on_epoch, should_stop = run.unpack()
        config = self.config
        eye = np.eye(self.n_classes, dtype=np.float32)
        x_train_t = tf.constant(x_train)
        y_train_t = tf.constant(eye[y_train])
        x_val_t = tf.constant(x_val)
        y_val_t = tf.constant(eye[y_val])
        batch_size = tf.constant(max(1, int(len(x_train) * config.batch_fraction)), tf.int32)
        history: list[EpochReport] = []
        for epoch in range(1, config.epochs + 1):
            order = rng.permutation(len(x_train)).astype(np.int32)
            loss_sum, correct_sum = (
                float(v) for v in self.train_epoch(x_train_t, y_train_t, order, batch_size)
            )
            val_loss = val_acc = None
            if len(x_val):
                v_loss, v_acc = self.eval_step(x_val_t, y_val_t)
                val_loss, val_acc = float(v_loss), float(v_acc)
            report = EpochReport(
                epoch, config.epochs, loss_sum / len(order), correct_sum / len(order), val_loss, val_acc
            )
            if not _record(history, report, on_epoch, should_stop):
                break
        return history

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.head(x, training=False).numpy())

    def snapshot(self) -> Any:
        return self.head.get_weights()

    def restore(self, state: Any) -> None:
        self.head.set_weights(state)

    def restart(self) -> None:
        self.head.set_weights(self.initial)
        self.optimizer.reset()

    def keras_head(self) -> Any:
        return self.head
