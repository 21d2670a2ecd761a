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
    stratified_split,
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


def test_reports_every_epoch_and_a_stratified_validation(split: dict[str, Any]) -> None:
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
    assert result.val_accuracy is None and "no validation split" in result.note


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


def test_stratified_split_holds_out_each_class() -> None:
    labels = np.repeat(np.arange(3), 20)
    train, val = stratified_split(labels, 3, 0.15, np.random.default_rng(0))
    assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 60
    assert np.bincount(labels[val]).tolist() == [3, 3, 3]


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
