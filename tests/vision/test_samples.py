"""The sample book calibration records into: bursts, undo, clear, what is missing."""

from __future__ import annotations

import numpy as np
import pytest

from game.vision.samples import SampleBook
from game.vision.types import DIRECTION_CLASSES, IDLE_CLASS

THUMB = np.zeros((4, 4, 3), np.uint8)


def _feature(value: float) -> np.ndarray:
    return np.full((7, 7, 256), value, np.float32)


def _fill(book: SampleBook, label: str, n: int, burst: int, start: float = 0.0) -> None:
    for i in range(n):
        book.add(label, _feature(start + i), THUMB, burst)


def test_missing_names_each_short_class_and_how_many_it_needs() -> None:
    book = SampleBook(min_per_class=6)
    _fill(book, "up", 6, burst=1)
    _fill(book, "left", 1, burst=2)
    assert book.missing() == [
        "down needs 6 more samples",
        "left needs 5 more samples",
        "right needs 6 more samples",
    ]
    _fill(book, "down", 6, burst=3)
    _fill(book, "right", 6, burst=4)
    _fill(book, "left", 4, burst=5)
    assert book.missing() == ["left needs 1 more sample"]
    _fill(book, "left", 1, burst=6)
    assert book.ready


def test_idle_counts_only_while_switched_on_and_keeps_its_samples() -> None:
    book = SampleBook(min_per_class=2)
    for n, label in enumerate(DIRECTION_CLASSES):
        _fill(book, label, 2, burst=n)
    assert book.ready
    book.use_idle = True
    assert book.missing() == [f"{IDLE_CLASS} needs 2 more samples"]
    _fill(book, IDLE_CLASS, 2, burst=9)
    features, labels, names = book.arrays()
    assert names == (*DIRECTION_CLASSES, IDLE_CLASS)
    assert features.shape == (10, 7, 7, 256) and list(np.bincount(labels)) == [2, 2, 2, 2, 2]
    book.use_idle = False
    _, labels, names = book.arrays()
    assert IDLE_CLASS not in names and len(labels) == 8
    assert book.count(IDLE_CLASS) == 2


def test_undo_removes_the_last_burst_only_even_across_classes() -> None:
    book = SampleBook(min_per_class=1)
    _fill(book, "up", 3, burst=1)
    _fill(book, "down", 2, burst=2)
    _fill(book, "up", 4, burst=3, start=100)
    removed = book.undo()
    assert removed is not None and (removed.label, removed.count) == ("up", 4)
    assert book.count("up") == 3 and book.count("down") == 2
    # The remaining samples are the first burst's, in order.
    assert [float(f[0, 0, 0]) for f in book.features("up")] == [0.0, 1.0, 2.0]
    assert book.undo() is not None and book.count("down") == 0
    assert book.undo() is not None and book.count("up") == 0
    assert book.undo() is None and not book.can_undo


def test_clear_drops_a_class_and_its_undo_steps() -> None:
    book = SampleBook(min_per_class=1)
    _fill(book, "left", 3, burst=1)
    _fill(book, "right", 3, burst=2)
    book.dirty = False
    assert book.clear("right") == 3
    assert book.dirty and book.count("right") == 0
    removed = book.undo()
    assert removed is not None and removed.label == "left"


def test_loaded_samples_are_not_changes_or_undo_steps() -> None:
    book = SampleBook(min_per_class=1)
    book.load("up", [_feature(1), _feature(2)], [THUMB, THUMB])
    assert book.count("up") == 2 and not book.dirty and not book.can_undo
    with pytest.raises(ValueError, match="2 feature vectors but 1 thumbnails"):
        book.load("down", [_feature(1), _feature(2)], [THUMB])
    with pytest.raises(KeyError, match="unknown gesture class"):
        book.add("sideways", _feature(0), THUMB)
