"""Learning while playing: keyboard overrides become samples, and the head is refitted in the background.

When the player steers with the keyboard during gesture play, the gesture was not doing what
they wanted: the current camera frame is then a sample of the direction they chose. The play
scene calls :meth:`Corrections.offer` with the frame's features and thumbnail (of what the
recognizer looked at: the hand crop for a hand profile, the centre square for a frame one, as in
calibration; and which of the two it is, ``types.ThumbKind``); a
:class:`~game.vision.variety.SampleGate` keeps only frames that add something (not 60 copies of
one pose per second of holding a key). After every ``retrain_after`` new samples a background
thread refits the head in numpy (:mod:`game.vision.refit`: no TensorFlow, the render loop keeps
its frames) on the profile's samples plus the new ones, and the finished head is picked up with
:meth:`Corrections.take_head` between frames. On leaving, the new samples are kept (appended to
the profile in the order they were learned) or dropped. Samples of an earlier game that ended
without that question come back through :meth:`Corrections.restore`
(:mod:`game.vision.pending_corrections`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from game.vision.head_arrays import HeadArrays
from game.vision.profile_format import kinds_array
from game.vision.refit import (
    RefitConfig,
    check_refittable,
    embed,
    frozen_layers,
    refit_config_for,
    refit_embedded,
)
from game.vision.types import ThumbKind
from game.vision.variety import GateConfig, SampleGate, signature

if TYPE_CHECKING:
    from game.vision.pending_corrections import ProfileIdentity

#: A refit starts once this many new samples arrived since the last one.
RETRAIN_AFTER = 4
#: Corrections kept in one session at most; later overrides still steer but are not learned.
MAX_NEW_SAMPLES = 400


@dataclass(frozen=True)
class LearningSettings:
    """How play learns from overrides (``play --no-learn`` turns it off; L toggles it in game)."""

    enabled: bool = True
    retrain_after: int = RETRAIN_AFTER
    max_new: int = MAX_NEW_SAMPLES
    #: Overrides last as long as a key is held: a few distinct frames a second are plenty.
    gate: GateConfig = field(default_factory=lambda: GateConfig(min_change=0.05, max_per_second=4.0))
    #: The refit recipe; None: the one for the head's shape (``refit.refit_config_for``).
    refit: RefitConfig | None = None

    def __post_init__(self) -> None:
        if self.retrain_after < 1 or self.max_new < 0:
            raise ValueError("retrain_after must be at least 1 and max_new at least 0")


@dataclass(frozen=True)
class NewSamples:
    """The samples learned in play, in the order they were learned."""

    features: np.ndarray
    labels: np.ndarray  # indices into the profile's classes
    thumbnails: np.ndarray
    #: What each thumbnail shows (``ThumbKind`` values, uint8); left empty: all centre squares.
    thumbnail_kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))

    def __post_init__(self) -> None:
        object.__setattr__(self, "thumbnail_kinds", kinds_array(len(self.labels), self.thumbnail_kinds))

    def __len__(self) -> int:
        return len(self.labels)


class Corrections:
    """See the module docstring. ``offer`` and ``take_head`` are called from the game thread."""

    def __init__(
        self,
        classes: Sequence[str],
        head: HeadArrays,
        base_features: np.ndarray,
        base_labels: np.ndarray,
        settings: LearningSettings | None = None,
    ) -> None:
        check_refittable(head)  # RefitError here rather than from every background refit
        self.classes = list(classes)
        self.settings = settings or LearningSettings()
        self.enabled = self.settings.enabled
        self._start_head = head
        self._base_features = base_features
        self._base_labels = np.asarray(base_labels, dtype=np.int64)
        self._gate = SampleGate(self.settings.gate)
        self._features: list[np.ndarray] = []
        self._labels: list[int] = []
        self._thumbs: list[np.ndarray] = []
        self._kinds: list[int] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._learned_at_refit = 0
        self._ready: HeadArrays | None = None
        self._refit_config = self.settings.refit or refit_config_for(head)
        self._n_frozen = frozen_layers(head, self._refit_config)
        #: Embedded inputs of the profile's samples, computed once by the first refit.
        self._base_x: np.ndarray | None = None
        #: Embedded inputs of the new samples, in order; grows with each refit.
        self._new_x: np.ndarray | None = None
        #: The head the last refit produced (the profile's head until then).
        self.head = head
        #: Refits finished, and the samples the newest head was fitted on.
        self.refits = 0
        self.fitted_on = 0
        #: The last refit's error, shown in the panel ("" when fine); learning goes on.
        self.error = ""

    # -- game thread --------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """Corrections learned so far in this session."""
        return len(self._labels)

    @property
    def busy(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def offer(
        self,
        label: str,
        features: np.ndarray,
        thumbnail: np.ndarray,
        t: float,
        kind: ThumbKind = ThumbKind.CENTRE,
    ) -> bool:
        """The frame (``features``, ``thumbnail`` of ``kind``) at time ``t`` was steered as ``label``;
        True if learned."""
        if not self.enabled or label not in self.classes or self.count >= self.settings.max_new:
            return False
        if not self._gate.offer(label, signature(thumbnail), t, kind):
            return False
        with self._lock:
            self._features.append(np.asarray(features, dtype=np.float32))
            self._labels.append(self.classes.index(label))
            self._thumbs.append(np.asarray(thumbnail, dtype=np.uint8))
            self._kinds.append(int(kind))
        self._maybe_refit()
        return True

    def restore(self, learned: NewSamples) -> None:
        """Take samples learned in an earlier game and not saved yet as if they were learned now
        (no gate: they passed it then), before any of this game's, and refit the head on them."""
        with self._lock:
            self._features.extend(np.asarray(learned.features, dtype=np.float32))
            self._labels.extend(int(label) for label in learned.labels)
            self._thumbs.extend(np.asarray(learned.thumbnails, dtype=np.uint8))
            self._kinds.extend(int(k) for k in learned.thumbnail_kinds)
        self._maybe_refit(force=True)

    def take_head(self) -> HeadArrays | None:
        """The head a refit finished since the last call, once; None otherwise. Starts a due refit."""
        with self._lock:
            head, self._ready = self._ready, None
        self._maybe_refit()
        return head

    def new_samples(self) -> NewSamples:
        with self._lock:
            n = len(self._labels)
            feats = (
                np.stack(self._features) if n else np.zeros((0, *self._base_features.shape[1:]), np.float32)
            )
            thumbs = np.stack(self._thumbs) if n else np.zeros((0, 48, 48, 3), np.uint8)
            kinds = np.asarray(self._kinds, np.uint8)
            return NewSamples(feats, np.asarray(self._labels, np.int64), thumbs, kinds)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running refit (tests, and leaving with the samples kept); True when none runs."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.busy

    def close(self) -> None:
        """Stop a running refit at its next mini-batch."""
        self._stop.set()
        self.wait(5.0)

    # -- background refit ---------------------------------------------------------------------

    def _maybe_refit(self, force: bool = False) -> None:
        if self.busy or self._stop.is_set() or not self.enabled:
            return
        if self.count - self._learned_at_refit < (1 if force else self.settings.retrain_after):
            return
        self._learned_at_refit = self.count
        self._thread = threading.Thread(target=self._refit, name="learn-corrections", daemon=True)
        self._thread.start()

    def _refit(self) -> None:
        try:
            with self._lock:
                n = len(self._labels)
                done = 0 if self._new_x is None else len(self._new_x)
                fresh = self._features[done:n]
                labels_new = list(self._labels[:n])
            start = self._start_head
            if self._base_x is None:
                self._base_x = embed(start, self._base_features, self._n_frozen)
            if fresh:
                block = embed(start, np.stack(fresh), self._n_frozen)
                self._new_x = block if self._new_x is None else np.concatenate([self._new_x, block])
            x_new = self._new_x if self._new_x is not None else self._base_x[:0]
            x = np.concatenate([self._base_x, x_new])
            labels = np.concatenate([self._base_labels, np.asarray(labels_new, np.int64)])
            is_new = np.r_[np.zeros(len(self._base_labels), bool), np.ones(n, bool)]
            # Always from the profile's head: refits do not compound on each other's noise.
            head = refit_embedded(
                start,
                x,
                labels,
                self._n_frozen,
                is_new=is_new,
                config=self._refit_config,
                seed=0,
                should_stop=self._stop.is_set,
            )
            if self._stop.is_set():
                return
            with self._lock:
                self._ready = head
                self.head = head
                self.refits += 1
                self.fitted_on = n
                self.error = ""
        except Exception as exc:  # shown in the panel; the game goes on with the last good head
            self.error = f"learning failed: {type(exc).__name__}: {exc}"


def save_learned(profile_dir: Path, learned: NewSamples, head: HeadArrays, identity: ProfileIdentity) -> Path:
    """Append ``learned`` to the profile's samples (in the order learned), store ``head`` as its head,
    and save the profile atomically (a crash leaves the previous one); raises ``ProfileError``.

    ``identity`` is what the samples were learned for (the profile as the game loaded it): when
    the profile on disk is no longer that one (retrained meanwhile with other classes, another
    recognizer or backbone), nothing is saved, since the labels would land under the wrong names.

    The head is saved as ``head.npz`` only (no TensorFlow in the game); the profile's Keras head,
    which no longer matches it, is not kept: calibration rebuilds it from ``head.npz``
    (``game.vision.calibration_profile``) and the next save or training writes both again.
    """
    from game.vision.pending_corrections import ProfileIdentity
    from game.vision.profile import ProfileError, load_profile, save_profile
    from game.vision.recognizer import feature_shape

    profile = load_profile(profile_dir, keras_head=False)
    changed = _identity_change(identity, ProfileIdentity.of(profile))
    if changed is not None:
        raise ProfileError(
            f"{profile_dir} changed since this game loaded it ({changed}): the corrections learned "
            "for the old profile were not added to it"
        )
    if profile.head_arrays is None:
        raise ProfileError(f"{profile_dir} has no trained head to update")
    if head.n_classes != len(profile.classes):
        raise ProfileError(
            f"the learned head has {head.n_classes} classes, the profile {len(profile.classes)}"
        )
    try:
        head.check(len(profile.classes), feature_shape(profile.recognizer))
    except ValueError as exc:
        raise ProfileError(f"the learned head cannot be saved: {exc}") from None
    samples = profile.samples
    start = 0
    labels = learned.labels
    # One append per run of equal labels keeps the recording order across classes.
    for end in range(1, len(labels) + 1):
        if end == len(labels) or labels[end] != labels[start]:
            samples = samples.add(
                int(labels[start]),
                learned.features[start:end],
                learned.thumbnails[start:end],
                learned.thumbnail_kinds[start:end],
            )
            start = end
    profile.samples = samples
    profile.head, profile.head_arrays = None, head
    return save_profile(profile, profile_dir)


def _identity_change(learned_for: ProfileIdentity, now: ProfileIdentity) -> str | None:
    """What differs between the profile the samples were learned for and the one on disk, in words."""
    if now.classes != learned_for.classes:
        return f"its classes are now {', '.join(now.classes)}, not {', '.join(learned_for.classes)}"
    if now.recognizer != learned_for.recognizer:
        return f"it now uses the {now.recognizer} recognizer, not {learned_for.recognizer}"
    if (now.backbone_id, now.weights_sha256) != (learned_for.backbone_id, learned_for.weights_sha256):
        return f"it was recorded with other models ({now.backbone_id}, not {learned_for.backbone_id})"
    if now.feature_shape != learned_for.feature_shape:
        return f"its features are {now.feature_shape}, not {learned_for.feature_shape}"
    return None
