"""Which recorded frames are worth keeping, and how varied a class's samples are.

A camera delivers 30 near-identical frames a second while a key is held; a head trained on such a
burst learns one pose in one spot and fails as soon as the hand drifts (issue 8: the first 20
frames of each class score about 0.59 on the rest of a session, frames spread over the session
0.94). Two measures, both on a *signature* of a frame: its sample thumbnail as a 24x24 grey
picture in [0, 1]. The thumbnail is what the recognizer looked at (``game.vision.recorder``): for a
``frame`` profile the frame's centre square (cropped and shrunk by ``preprocess.thumbnail``), for a
``hand`` profile the hand crop the hand stage cut, so a hand moving at the frame's sides counts and a
background changing away from the hand does not. Only thumbnails of one kind
(``types.ThumbKind``) are compared: a hand profile saved when its thumbnails were centre squares
keeps those (there is nothing to recut them from), and a hand crop beside a centre square differs
everywhere, which is no variety of the hand:

* :func:`change` between two signatures: the share of cells whose brightness differs by more
  than :data:`CELL_DELTA` (about 20 grey levels). Sensor noise and compression change almost no
  cell; a hand that moves a few centimetres changes the cells it left and entered.
* :class:`SampleGate` keeps a frame only when it changed at least ``min_change`` from the last
  frame kept for that class (one of another kind counts as none), and at most ``max_per_second``
  a second.
* :func:`spread` of a class: the mean change between two of its samples (:class:`VarietyMeter`:
  of those of the newest sample's kind, :func:`same_kind`). On the room recordings
  in ``../shared/data/rooms`` the first 20 frames of a class spread 0.19-0.29 where that class
  was poorly recognised later, 20 frames taken evenly over the session 0.39-0.71; the meter turns
  green at :data:`GOOD_SPREAD`, between the two (docs/benchmarks.md, "Sample variety").

Pure numpy and OpenCV, no threads: the calibration camera thread and the play scene call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from game.vision.types import ThumbKind

SIGNATURE_SIZE = 24
#: A cell "changed" when its grey level moved by more than this (0-1 scale; ~20 of 255).
CELL_DELTA = 0.08
#: The spread at which a class counts as varied enough (see the module docstring).
GOOD_SPREAD = 0.30
#: Samples used for the spread (evenly over the class, oldest to newest): the pairwise mean over
#: more adds nothing visible and costs quadratic time.
SPREAD_SAMPLES = 32
VARIETY_PROMPT = "Move your hand around, closer and farther"


def signature(image_rgb: np.ndarray) -> np.ndarray:
    """A 24x24 float32 grey picture in [0, 1] of an RGB ``uint8`` image (a thumbnail or the model's view)."""
    if image_rgb.ndim != 3 or image_rgb.shape[2] != 3:
        raise ValueError(f"expected an HxWx3 RGB image, got shape {image_rgb.shape}")
    grey = cv2.cvtColor(np.ascontiguousarray(image_rgb), cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (SIGNATURE_SIZE, SIGNATURE_SIZE), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32) * np.float32(1.0 / 255.0)


def change(a: np.ndarray, b: np.ndarray) -> float:
    """Share of cells (0-1) whose brightness differs by more than :data:`CELL_DELTA`."""
    return float(np.mean(np.abs(a - b) > CELL_DELTA))


def spread(signatures: Sequence[np.ndarray]) -> float:
    """Mean :func:`change` over pairs of samples (0 with fewer than two); at most ``SPREAD_SAMPLES`` used."""
    n = len(signatures)
    if n < 2:
        return 0.0
    picks = np.unique(np.linspace(0, n - 1, min(n, SPREAD_SAMPLES)).round().astype(int))
    flat = np.stack([signatures[i].reshape(-1) for i in picks])
    changed = np.abs(flat[:, None, :] - flat[None, :, :]) > CELL_DELTA
    share = changed.mean(axis=2)
    m = len(picks)
    return float(share.sum() / (m * (m - 1)))


def same_kind(thumbnails: Sequence[np.ndarray], kinds: Sequence[int] | None) -> Sequence[np.ndarray]:
    """The ``thumbnails`` of the newest one's kind (``kinds``, one per thumbnail; None: all of one kind)."""
    if kinds is None or not thumbnails:
        return thumbnails
    if len(kinds) != len(thumbnails):
        raise ValueError(f"{len(thumbnails)} thumbnails but {len(kinds)} thumbnail kinds")
    newest = kinds[-1]
    if all(kind == newest for kind in kinds):
        return thumbnails
    return [thumb for thumb, kind in zip(thumbnails, kinds, strict=True) if kind == newest]


@dataclass(frozen=True)
class Variety:
    """How varied one class's samples are, for the meter."""

    spread: float
    count: int
    target: float = GOOD_SPREAD

    @property
    def level(self) -> float:
        """0-1: how far along the meter is (1 = varied enough)."""
        return min(1.0, self.spread / self.target) if self.target > 0 else 1.0

    @property
    def good(self) -> bool:
        return self.count >= 2 and self.spread >= self.target


@dataclass(frozen=True)
class GateConfig:
    """When a frame recorded for a class is kept."""

    #: Least :func:`change` from the last kept frame of the class.
    min_change: float = 0.05
    #: At most this many kept frames per second and class.
    max_per_second: float = 6.0

    def __post_init__(self) -> None:
        if not 0 <= self.min_change <= 1:
            raise ValueError(f"min_change must be in [0, 1], got {self.min_change}")
        if self.max_per_second <= 0:
            raise ValueError(f"max_per_second must be positive, got {self.max_per_second}")


@dataclass
class _Last:
    signature: np.ndarray
    t: float
    kind: ThumbKind


@dataclass
class SampleGate:
    """Decides, frame by frame, which recorded frames add something to their class.

    ``offer`` is called for every frame while a class is recorded; kept frames stay in recording
    order (the caller appends them as they pass), so a hold-out of the last frames stays a hold-out
    of the latest recording. ``offered`` and ``kept`` count per class for the screen.
    """

    config: GateConfig = field(default_factory=GateConfig)
    _last: dict[str, _Last] = field(default_factory=dict)
    offered: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def offer(self, label: str, sig: np.ndarray, t: float, kind: ThumbKind = ThumbKind.CENTRE) -> bool:
        """True when the frame with signature ``sig`` (of a thumbnail of ``kind``) at time ``t``
        (seconds) should be kept; the last kept frame is compared with only when of that kind."""
        self.offered[label] = self.offered.get(label, 0) + 1
        last = self._last.get(label)
        if last is not None:
            if t - last.t < 1.0 / self.config.max_per_second:
                return False
            if last.kind == kind and change(sig, last.signature) < self.config.min_change:
                return False
        self._last[label] = _Last(sig, t, kind)
        self.kept[label] = self.kept.get(label, 0) + 1
        return True

    def forget(self, label: str) -> None:
        """The class was cleared or undone: its next frame is compared with nothing."""
        self._last.pop(label, None)

    def remember(
        self, label: str, sig: np.ndarray, t: float = float("-inf"), kind: ThumbKind = ThumbKind.CENTRE
    ) -> None:
        """Compare ``label``'s next frames with ``sig`` (the newest sample it already has, of ``kind``)."""
        self._last[label] = _Last(sig, t, kind)


class VarietyMeter:
    """:class:`Variety` per class from its thumbnails, recomputed only when the class's samples change.

    The screen asks every frame; a class's spread is recomputed when its sample count or its
    first or last thumbnail is a different one (samples added, undone, cleared or loaded). Given
    the thumbnails' ``kinds``, only those of the newest one's kind count (:func:`same_kind`): a
    class whose older thumbnails are all of another kind reads as if they were not there.
    """

    def __init__(self, target: float = GOOD_SPREAD) -> None:
        self.target = target
        self._cache: dict[str, tuple[tuple[int, int, int], Variety]] = {}
        self._signatures: dict[int, np.ndarray] = {}

    def variety(
        self, label: str, thumbnails: Sequence[np.ndarray], kinds: Sequence[int] | None = None
    ) -> Variety:
        thumbnails = same_kind(thumbnails, kinds)
        key = (
            len(thumbnails),
            id(thumbnails[0]) if thumbnails else 0,
            id(thumbnails[-1]) if thumbnails else 0,
        )
        cached = self._cache.get(label)
        if cached is not None and cached[0] == key:
            return cached[1]
        sigs = [self._signature(t) for t in thumbnails]
        result = Variety(spread(sigs), len(thumbnails), self.target)
        self._cache[label] = (key, result)
        return result

    def _signature(self, thumb: np.ndarray) -> np.ndarray:
        sig = self._signatures.get(id(thumb))
        if sig is None:
            if len(self._signatures) > 4096:  # ids of freed thumbnails can come back: start afresh
                self._signatures.clear()
            sig = self._signatures[id(thumb)] = signature(thumb)
        return sig
