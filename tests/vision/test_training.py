"""Head training: held-out accuracy on real photos, validation splits, and clear errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from game.vision.training import (
    DEFAULT,
    MIN_SAMPLES_PER_CLASS,
    ORIGINAL_RECIPE,
    EpochReport,
    HeadConfig,
    TrainingError,
    tail_split,
    train_head,
)


def _held_out_accuracy(split: dict[str, Any], config: HeadConfig, seed: int) -> float:
    result = train_head(split["x_train"], split["y_train"], split["classes"], config, seed=seed)
    pred = np.argmax(result.head(split["x_test"], training=False).numpy(), axis=1)
    return float(np.mean(pred == split["y_test"]))


def test_default_head_generalises_to_held_out_photos(split: dict[str, Any]) -> None:
    accuracies = [_held_out_accuracy(split, DEFAULT, seed) for seed in range(3)]
    assert np.mean(accuracies) >= 0.90, accuracies
    original = [_held_out_accuracy(split, ORIGINAL_RECIPE, seed) for seed in range(3)]
    assert np.mean(accuracies) > np.mean(original), (accuracies, original)


def test_random_labels_do_not_generalise(split: dict[str, Any]) -> None:
    # Guards the test above: the same pipeline with shuffled labels must be near chance.
    shuffled = dict(split, y_train=np.random.default_rng(0).permutation(split["y_train"]))
    assert _held_out_accuracy(shuffled, DEFAULT.replace(epochs=20), seed=0) < 0.5


def test_reports_every_epoch_and_a_validation_split(split: dict[str, Any]) -> None:
    reports: list[EpochReport] = []
    config = DEFAULT.replace(epochs=4)
    result = train_head(split["x_train"], split["y_train"], split["classes"], config, on_epoch=reports.append)
    assert [r.epoch for r in reports] == [1, 2, 3, 4]
    assert all(r.val_accuracy is not None for r in reports)
    assert result.val_accuracy is not None
    assert set(result.per_class_accuracy) == set(split["classes"])
    confusion = np.asarray(result.confusion)
    assert confusion.shape == (4, 4)
    assert confusion.sum() == round(len(split["y_train"]) * config.validation_fraction)


def test_refit_keeps_the_measured_figures_and_trains_the_head_on_every_sample(
    split: dict[str, Any],
) -> None:
    config = DEFAULT.replace(epochs=3)
    assert config.refit and config.validation_fraction > 0
    reports: list[EpochReport] = []
    refitted = train_head(
        split["x_train"], split["y_train"], split["classes"], config, seed=3, on_epoch=reports.append
    )
    measured = train_head(
        split["x_train"], split["y_train"], split["classes"], config.replace(refit=False), seed=3
    )
    assert refitted.refitted and not measured.refitted
    assert len(reports) == config.epochs  # the refit's epochs are not reported as more progress
    # The figures describe the same run on the split; only the kept head differs.
    assert refitted.history == measured.history
    assert refitted.val_accuracy == measured.val_accuracy and refitted.confusion == measured.confusion
    same = [
        np.array_equal(a, b)
        for a, b in zip(refitted.head.get_weights(), measured.head.get_weights(), strict=True)
    ]
    assert not any(same)


def test_no_refit_without_a_split_or_after_a_stop(split: dict[str, Any]) -> None:
    picks = np.concatenate([np.flatnonzero(split["y_train"] == c)[:6] for c in range(4)])
    few = train_head(
        split["x_train"][picks], split["y_train"][picks], split["classes"], DEFAULT.replace(epochs=2)
    )
    assert few.val_accuracy is None and not few.refitted
    reports: list[EpochReport] = []
    stopped = train_head(
        split["x_train"],
        split["y_train"],
        split["classes"],
        DEFAULT.replace(epochs=5),
        on_epoch=reports.append,
        should_stop=lambda: len(reports) >= 2,
    )
    assert len(reports) == 2 and not stopped.refitted


def test_should_stop_ends_training_early(split: dict[str, Any]) -> None:
    reports: list[EpochReport] = []
    train_head(
        split["x_train"],
        split["y_train"],
        split["classes"],
        DEFAULT.replace(epochs=50),
        on_epoch=reports.append,
        should_stop=lambda: len(reports) >= 2,
    )
    assert len(reports) == 2


def test_few_samples_train_without_a_split_and_say_so(split: dict[str, Any]) -> None:
    picks = np.concatenate([np.flatnonzero(split["y_train"] == c)[:6] for c in range(4)])
    result = train_head(
        split["x_train"][picks], split["y_train"][picks], split["classes"], DEFAULT.replace(epochs=2)
    )
    assert result.val_accuracy is None and "no validation figure" in result.note
    assert all(f"{name} (6)" in result.note for name in split["classes"])
    assert "trained on every sample" in result.note


def test_only_the_classes_too_small_to_hold_out_are_named() -> None:
    rng = np.random.default_rng(0)
    features = rng.random((28, 7, 7, 256), dtype=np.float32)
    labels = np.array([0] * 12 + [1] * 6 + [2] * 10)
    result = train_head(features, labels, ["up", "down", "left"], DEFAULT.replace(epochs=1))
    assert result.val_accuracy is None and not result.refitted
    assert "down (6)" in result.note and "up (" not in result.note and "left (" not in result.note


def test_a_class_without_samples_is_named() -> None:
    features = np.zeros((12, 7, 7, 256), np.float32)
    labels = np.array([0] * 6 + [1] * 6)
    with pytest.raises(TrainingError, match=r"left \(0\)"):
        train_head(features, labels, ["up", "down", "left"], DEFAULT)


def test_a_class_with_too_few_samples_is_named() -> None:
    features = np.zeros((12, 7, 7, 256), np.float32)
    labels = np.array([0] * 9 + [1] * 3)
    with pytest.raises(TrainingError, match=rf"at least {MIN_SAMPLES_PER_CLASS}.*down \(3\)"):
        train_head(features, labels, ["up", "down"], DEFAULT)


def test_tail_split_holds_out_the_end_of_each_class_never_interleaved() -> None:
    # Classes recorded one after another and interleaved (as topping a class up later gives).
    labels = np.concatenate([np.repeat([0, 1, 2], 8), np.tile([0, 1, 2], 6)])
    train, val = tail_split(labels, 3, 0.25)
    assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == len(labels)
    for c in range(3):
        own = np.flatnonzero(labels == c)
        held = np.intersect1d(own, val)
        assert len(held) == round(len(own) * 0.25) == 4
        # The held-out samples are exactly the last ones of the class, in recording order.
        assert held.tolist() == own[-len(held) :].tolist()
        assert np.intersect1d(own, train).max() < held.min()


def test_tail_split_keeps_one_to_train_and_holds_out_at_least_one() -> None:
    labels = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
    train, val = tail_split(labels, 2, 0.45)
    assert val.tolist() == [1, 6, 7, 8, 9] and train.tolist() == [0, 2, 3, 4, 5]
    train, val = tail_split(labels, 2, 0.01)
    assert val.tolist() == [1, 9]


def test_validation_figure_is_measured_on_the_last_samples(split: dict[str, Any]) -> None:
    # The reported figure is that of the tail of each class: swap the tail's labels between two
    # classes and it drops, while swapping the same number of the first samples changes nothing.
    x, y, classes = split["x_train"], split["y_train"].copy(), split["classes"]
    config = DEFAULT.replace(epochs=8, refit=False)
    base = train_head(x, y, classes, config, seed=0).val_accuracy
    n_val = round(int(np.sum(y == 0)) * config.validation_fraction)
    tail0, tail1 = np.flatnonzero(y == 0)[-n_val:], np.flatnonzero(y == 1)[-n_val:]
    swapped = y.copy()
    swapped[tail0], swapped[tail1] = 1, 0
    # Positions matter, not labels: rebuild the order so the swapped rows stay last in their class.
    order = np.concatenate([np.setdiff1d(np.arange(len(y)), np.concatenate([tail0, tail1])), tail1, tail0])
    moved = train_head(x[order], swapped[order], classes, config, seed=0).val_accuracy
    assert base is not None and moved is not None
    assert moved <= base - 0.3, (base, moved)


def test_bad_hyper_parameters_are_rejected() -> None:
    with pytest.raises(TrainingError, match="batch fraction"):
        HeadConfig(batch_fraction=0.0)
    with pytest.raises(TrainingError, match="epochs"):
        DEFAULT.replace(epochs=0)


def test_same_seed_same_head_without_touching_global_random_state(split: dict[str, Any]) -> None:
    config = DEFAULT.replace(epochs=3)
    np.random.seed(1)
    before = np.random.random()
    np.random.seed(1)
    first = train_head(split["x_train"], split["y_train"], split["classes"], config, seed=7)
    assert np.random.random() == before  # training leaves the caller's numpy RNG alone
    second = train_head(split["x_train"], split["y_train"], split["classes"], config, seed=7)
    for a, b in zip(first.head.get_weights(), second.head.get_weights(), strict=True):
        assert np.array_equal(a, b)


def test_linear_head_folds_its_standardisation_into_one_dense_layer(split: dict[str, Any]) -> None:
    from game.vision.classifier import NumpyHead

    config = HeadConfig(
        kind="linear", learning_rate=1e-2, l2=0.1, epochs=20, steps_per_epoch=10, validation_fraction=0.15,
        refit=True,
    )  # fmt: skip
    result = train_head(split["x_train"], split["y_train"], split["classes"], config, seed=0)
    assert result.refitted and result.val_accuracy is not None and len(result.history) == 20
    assert [type(layer).__name__ for layer in result.head.layers] == ["InputLayer", "Flatten", "Dense"]
    keras_probs = result.head(split["x_test"], training=False).numpy()
    numpy_probs = NumpyHead(result.head)(split["x_test"])
    assert np.allclose(keras_probs, numpy_probs, atol=1e-4)
    # Real transfer on the held-out photos (chance is 0.25).
    assert float(np.mean(numpy_probs.argmax(axis=1) == split["y_test"])) >= 0.75
