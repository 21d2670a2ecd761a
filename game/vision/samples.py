"""The samples a player records in calibration: per-class feature vectors and thumbnails (with the
kind of each, ``types.ThumbKind``), grouped into bursts (one hold of a key) so that the last burst
can be undone.

Pure data, no pygame and no threads: the scene feeds it from the camera worker and reads it to
draw; the tests check it directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from game.vision.types import ALL_CLASSES, DIRECTION_CLASSES, ThumbKind


@dataclass
class ClassSamples:
    """The samples of one class, oldest first."""

    features: list[np.ndarray] = field(default_factory=list)
    thumbnails: list[np.ndarray] = field(default_factory=list)
    #: What each thumbnail shows (the variety meter compares only those of one kind).
    kinds: list[ThumbKind] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.features)


@dataclass(frozen=True)
class Burst:
    """One uninterrupted recording (one hold of a key): ``count`` samples appended to ``label``."""

    label: str
    count: int
    burst_id: int = 0


class SampleBook:
    """Samples for every class the scene knows, the idle class switchable on and off.

    Turning idle off keeps its samples (the player may turn it back on); it only leaves the set
    of classes that training needs and uses.
    """

    def __init__(self, min_per_class: int, use_idle: bool = False) -> None:
        self.min_per_class = min_per_class
        self.use_idle = use_idle
        self._classes: dict[str, ClassSamples] = {name: ClassSamples() for name in ALL_CLASSES}
        self._bursts: list[Burst] = []
        #: True once anything changed since the last save or load.
        self.dirty = False

    # -- reading ---------------------------------------------------------------------------

    @property
    def active_classes(self) -> tuple[str, ...]:
        return ALL_CLASSES if self.use_idle else DIRECTION_CLASSES

    def count(self, label: str) -> int:
        return len(self._classes[label])

    def first_thumbnail(self, label: str) -> np.ndarray | None:
        thumbs = self._classes[label].thumbnails
        return thumbs[0] if thumbs else None

    def total(self) -> int:
        return sum(self.count(name) for name in self.active_classes)

    def missing(self) -> list[str]:
        """One short line per active class that is below the minimum, e.g. "left needs 6 more samples"."""
        lines = []
        for name in self.active_classes:
            short = self.min_per_class - self.count(name)
            if short > 0:
                lines.append(f"{name} needs {short} more sample{'s' if short != 1 else ''}")
        return lines

    @property
    def ready(self) -> bool:
        return not self.missing()

    @property
    def can_undo(self) -> bool:
        return bool(self._bursts)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        """Features (N, ...) float32, labels (N,) and the class names they index; active classes only."""
        names = self.active_classes
        feats: list[np.ndarray] = []
        labels: list[int] = []
        for i, name in enumerate(names):
            feats.extend(self._classes[name].features)
            labels.extend([i] * self.count(name))
        if not feats:
            return np.zeros((0, 0), np.float32), np.zeros((0,), np.int64), names
        return np.stack(feats).astype(np.float32, copy=False), np.asarray(labels, np.int64), names

    def thumbnails(self, label: str) -> Sequence[np.ndarray]:
        return tuple(self._classes[label].thumbnails)

    def thumbnail_kinds(self, label: str) -> Sequence[ThumbKind]:
        return tuple(self._classes[label].kinds)

    def features(self, label: str) -> Sequence[np.ndarray]:
        return tuple(self._classes[label].features)

    # -- recording -------------------------------------------------------------------------

    def add(
        self,
        label: str,
        features: np.ndarray,
        thumb: np.ndarray,
        burst_id: int = 0,
        kind: ThumbKind = ThumbKind.CENTRE,
    ) -> None:
        """Append one sample; consecutive samples with the same ``burst_id`` form one undo step.

        Samples reach the book from the camera thread a little after the key was released, so a
        burst is identified by the id the scene gave the hold rather than by "the key is down now".
        """
        self._require(label)
        store = self._classes[label]
        store.features.append(np.asarray(features, np.float32))
        store.thumbnails.append(thumb)
        store.kinds.append(ThumbKind(kind))
        last = self._bursts[-1] if self._bursts else None
        if last is not None and last.label == label and last.burst_id == burst_id:
            self._bursts[-1] = Burst(label, last.count + 1, burst_id)
        else:
            self._bursts.append(Burst(label, 1, burst_id))
        self.dirty = True

    def undo(self) -> Burst | None:
        """Remove the last burst's samples; returns what was removed, or None when nothing is left."""
        while self._bursts:
            burst = self._bursts.pop()
            store = self._classes[burst.label]
            n = min(burst.count, len(store))
            if n == 0:
                continue  # that class was cleared since
            del store.features[-n:]
            del store.thumbnails[-n:]
            del store.kinds[-n:]
            self.dirty = True
            return Burst(burst.label, n, burst.burst_id)
        return None

    def clear(self, label: str) -> int:
        """Drop every sample of ``label``; returns how many there were."""
        self._require(label)
        n = self.count(label)
        self._classes[label] = ClassSamples()
        self._bursts = [b for b in self._bursts if b.label != label]
        if n:
            self.dirty = True
        return n

    def load(
        self,
        label: str,
        features: Iterable[np.ndarray],
        thumbnails: Iterable[np.ndarray],
        kinds: Iterable[int] | None = None,
    ) -> None:
        """Replace ``label``'s samples with saved ones (not an undo step, not a change to save);
        ``kinds`` of the thumbnails (None: all centre squares, as in profiles saved before kinds)."""
        self._require(label)
        feats = [np.asarray(f, np.float32) for f in features]
        thumbs = list(thumbnails)
        if len(feats) != len(thumbs):
            raise ValueError(f"{label}: {len(feats)} feature vectors but {len(thumbs)} thumbnails")
        sorts = [ThumbKind.CENTRE] * len(thumbs) if kinds is None else [ThumbKind(int(k)) for k in kinds]
        if len(sorts) != len(thumbs):
            raise ValueError(f"{label}: {len(thumbs)} thumbnails but {len(sorts)} thumbnail kinds")
        self._classes[label] = ClassSamples(feats, thumbs, sorts)
        self._bursts = [b for b in self._bursts if b.label != label]

    def _require(self, label: str) -> None:
        if label not in self._classes:
            raise KeyError(f"unknown gesture class {label!r}; expected one of {', '.join(ALL_CLASSES)}")
