"""The calibration scene's camera worker: keeps the newest frame for the preview, turns frames into
samples while a class is being recorded, and runs the trained classifier for the live test.

Everything slow (opening a webcam, reading a frame, the per-frame backbone, the classifier) runs
on the camera thread (``game.vision.capture``) so the render loop never waits. Frames recorded
before the backbone is loaded are kept (as the 224x224 squares preprocessing makes of them, so
their features come out exactly as they would have) and turned into samples, in order, once it
is. The scene talks to it through a few setters and reads the newest frame, the newest prediction
and the queue of recorded samples, all without blocking. When the camera fails the worker says
so, stops recording (the scene keeps the samples), and the capture thread reopens it every
``retry_interval`` seconds.

A sample's thumbnail is what the recognizer looked at: the frame's centre square for ``frame``
(what MobileNet sees), the hand crop the hand stage cut for ``hand`` (given a ``seen`` callable by
:meth:`CameraWorker.set_features`); each sample says which (``RecordedSample.kind``). The sample
gate and the variety meter compare thumbnails (of one kind), so for a hand profile a hand moving
at the frame's sides adds samples and variety while a background changing away from the hand does
not. The centre square is known before the backbone runs, so a ``frame`` recording is gated first
(the backbone only runs on kept frames); the hand crop only after the hand stage, so a ``hand``
recording runs it on every frame and gates afterwards (frames kept while the hand models load: at
most the gate's rate, judged once they have run).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from game.vision.camera import Frame, FrameSource
from game.vision.capture import RETRY_INTERVAL_S, CaptureThread
from game.vision.preprocess import (
    DEFAULT_PREPROCESS,
    PreprocessConfig,
    resize_square,
    seen_kind,
    seen_thumbnail,
    thumbnail,
)
from game.vision.profile import THUMBNAIL_SIZE as THUMB_SIZE
from game.vision.types import CameraState, Scores, ThumbKind
from game.vision.variety import GateConfig, SampleGate, signature

#: Frames kept while the backbone loads (150 KB each as 224x224 squares): 20 s of a 30 fps camera.
MAX_PENDING = 600
#: The same for whole 640x480 frames (900 KB each), kept for the hand recognizer, whose models load
#: in about a second.
MAX_PENDING_WHOLE = 90
#: Kept frames turned into samples per camera frame once the backbone is ready (a few ms each),
#: so the preview keeps its pace while the backlog drains.
PENDING_PER_FRAME = 6

__all__ = ["CameraState", "CameraWorker", "ClassifierLike", "FeatureFn", "LiveResult", "RecordedSample"]


class FeatureFn(Protocol):
    """The per-frame runtime: one RGB ``uint8`` frame -> its features, or None when the hand
    recognizer finds no hand in it (such a frame is not recorded)."""

    def __call__(self, image_rgb: np.ndarray) -> np.ndarray | None: ...


class SeenFn(Protocol):
    """What the recognizer looked at in the frame the :class:`FeatureFn` was last given, as an RGB
    ``uint8`` picture (the hand stage's hand crop), or None when it saw nothing. Called on the camera
    thread right after the features, the only thread that calls either."""

    def __call__(self) -> np.ndarray | None: ...


class ClassifierLike(Protocol):
    def predict(self, image: np.ndarray, timestamp: float) -> Scores: ...


@dataclass(frozen=True)
class RecordedSample:
    label: str
    features: np.ndarray
    thumbnail: np.ndarray
    burst_id: int
    #: What ``thumbnail`` shows: the frame's centre square or the hand crop.
    kind: ThumbKind = ThumbKind.CENTRE


@dataclass(frozen=True)
class PendingFrame:
    """A frame recorded before the backbone was ready: the square preprocessing makes of it (the
    whole frame with ``keep_whole_frames``). ``thumbnail`` is None when it comes from the hand
    crop, known only once the hand stage has run; ``timestamp`` is the frame's, for the gate."""

    label: str
    square: np.ndarray
    thumbnail: np.ndarray | None
    burst_id: int
    timestamp: float = 0.0


@dataclass(frozen=True)
class LiveResult:
    """The classifier's answer for one frame and which frame it was."""

    probs: Mapping[str, float]
    top: str
    frame_index: int


class CameraWorker:
    """The camera thread plus what calibration does with each frame; see the module docstring."""

    def __init__(
        self,
        opener: Callable[[], FrameSource],
        retry_interval: float = RETRY_INTERVAL_S,
        preprocess_config: PreprocessConfig = DEFAULT_PREPROCESS,
        gate: GateConfig | None = None,
    ) -> None:
        #: The preprocessing the backbone will use: kept frames are stored already cropped and resized.
        self.preprocess_config = preprocess_config
        #: The hand recognizer: keep whole frames, not preprocessed squares (its features need
        #: them), and gate recorded frames on the hand crop (``seen``), after the hand stage.
        self.keep_whole_frames = False
        self._pending: list[PendingFrame] = []
        #: Frames recorded while the backbone loaded that did not fit in ``MAX_PENDING``.
        self.pending_dropped = 0
        self._lock = threading.Lock()
        self._capture = CaptureThread(
            opener,
            self._process,
            name="calibration-camera",
            retry_interval=retry_interval,
            stop_at_end=False,
            on_state=self._camera_stopped_delivering,
        )
        self._frame: Frame | None = None
        self._features: FeatureFn | None = None
        self._seen: SeenFn | None = None
        self._look: Callable[[np.ndarray], object] | None = None
        self._recording: tuple[str, int] | None = None
        self._classifier: ClassifierLike | None = None
        self._samples: list[RecordedSample] = []
        self._live: LiveResult | None = None
        #: The last exception the backbone or classifier raised, shown by the scene.
        self.error: str = ""
        #: Which recorded frames become samples (read by the screen for "kept 12 of 90").
        self.gate = SampleGate(gate or GateConfig())
        #: Frames kept for the hand stage before it is loaded: at most the gate's rate (their
        #: change is judged on the hand crop once it has run).
        self._pending_gate = SampleGate(GateConfig(0.0, self.gate.config.max_per_second))

    # -- scene side ------------------------------------------------------------------------

    def start(self) -> CameraWorker:
        self._capture.start()
        return self

    def stop(self) -> None:
        self._capture.stop()

    def switch(self, opener: Callable[[], FrameSource]) -> None:
        """Close the current source and open another (the ``C`` key cycles cameras)."""
        with self._lock:
            self._frame = None
            self._recording = None
        self._capture.switch(opener)

    @property
    def state(self) -> CameraState:
        return self._capture.state

    @property
    def message(self) -> str:
        return self._capture.message

    @property
    def frames_seen(self) -> int:
        """Frames delivered since the worker started; 0 means no camera has worked yet."""
        return self._capture.frames

    def latest_frame(self) -> Frame | None:
        return self._frame

    def latest_result(self) -> LiveResult | None:
        return self._live

    def set_features(self, features: FeatureFn | None, seen: SeenFn | None = None) -> None:
        """The per-frame runtime; with ``seen`` (the hand recognizer), a sample's thumbnail and the
        gate's comparison are of what ``seen`` returns after ``features`` (the hand crop)."""
        self._seen = seen
        self._features = features

    def set_look(self, look: Callable[[np.ndarray], object] | None) -> None:
        """Run ``look`` on frames that are neither recorded nor classified (the hand stage, so the
        preview can show the hand between recordings)."""
        self._look = look

    @property
    def classifier(self) -> ClassifierLike | None:
        """What the live test runs on frames now (None while paused, e.g. during a training)."""
        return self._classifier

    def set_classifier(self, classifier: ClassifierLike | None) -> None:
        with self._lock:
            self._classifier = classifier
            self._live = None

    def set_recording(self, label: str | None, burst_id: int = 0) -> None:
        """Record the following frames as samples of ``label`` until called with None.

        A frame is kept only when :attr:`gate` lets it through (changed enough since the last one
        kept for ``label``, and not too many a second); ``gate.offered`` / ``gate.kept`` count them.
        """
        self._recording = None if label is None else (label, burst_id)

    @property
    def recording(self) -> str | None:
        rec = self._recording
        return rec[0] if rec is not None else None

    @property
    def pending(self) -> int:
        """Recorded frames waiting for the backbone (they become samples once it is loaded)."""
        return len(self._pending)

    def discard_pending(self, label: str | None = None, burst_id: int | None = None) -> int:
        """Drop kept frames of ``label`` (all labels when None) or of one burst; returns how many."""
        with self._lock:
            keep = [
                p
                for p in self._pending
                if not ((label is None or p.label == label) and (burst_id is None or p.burst_id == burst_id))
            ]
            dropped, self._pending = len(self._pending) - len(keep), keep
        return dropped

    def last_pending_burst(self) -> tuple[str, int] | None:
        """The label and burst id of the newest kept frame, or None when nothing is waiting."""
        with self._lock:
            last = self._pending[-1] if self._pending else None
        return None if last is None else (last.label, last.burst_id)

    def drain_samples(self) -> list[RecordedSample]:
        with self._lock:
            samples, self._samples = self._samples, []
        return samples

    # -- camera thread ---------------------------------------------------------------------

    def _camera_stopped_delivering(self, state: CameraState, message: str) -> None:
        # Recording stops with the camera: frames that arrive after a reconnect must not silently
        # land in a class the player is no longer posing for. Frames kept while the backbone
        # loaded still become samples.
        self._recording = None
        self._drain_without_frames()

    def _keep(self, frame: Frame, recording: tuple[str, int]) -> None:
        """Record ``frame`` for later: the backbone is not loaded yet, or older kept frames come first."""
        if len(self._pending) >= (MAX_PENDING_WHOLE if self.keep_whole_frames else MAX_PENDING):
            self.pending_dropped += 1
            return
        # The hand stage looks at the whole frame; MobileNet only at the square preprocessing cuts.
        square = frame.image if self.keep_whole_frames else resize_square(frame.image, self.preprocess_config)
        thumb = None if self.keep_whole_frames else thumbnail(frame.image, THUMB_SIZE)
        kept = PendingFrame(recording[0], square, thumb, recording[1], frame.timestamp)
        with self._lock:
            self._pending.append(kept)

    def _drain_without_frames(self) -> None:
        """No camera picture to keep pace with: turn every kept frame into a sample now, if possible."""
        features = self._features
        try:
            while features is not None and self._pending and not self._capture.stopping:
                self._drain_pending(features)
        except Exception as exc:  # shown on screen, as in _process
            self.error = f"{type(exc).__name__}: {exc}"

    def _drain_pending(self, features: FeatureFn) -> None:
        """Turn the oldest kept frames into samples, in recording order."""
        with self._lock:
            batch, self._pending = self._pending[:PENDING_PER_FRAME], self._pending[PENDING_PER_FRAME:]
        # preprocess() of a square already at the input size is that square, scaled: these
        # features are exactly those of the whole frame.
        samples = []
        for p in batch:
            vector = features(p.square)
            if vector is None:  # no hand in that frame
                continue
            thumb, kind = p.thumbnail, ThumbKind.CENTRE
            if thumb is None:  # kept for the hand stage: the gate judges its hand crop now
                thumb, kind = self._seen_thumbnail(p.square)
                if not self.gate.offer(p.label, signature(thumb), p.timestamp, kind):
                    continue
            samples.append(RecordedSample(p.label, vector, thumb, p.burst_id, kind))
        with self._lock:
            self._samples.extend(samples)

    def _seen_thumbnail(self, image: np.ndarray) -> tuple[np.ndarray, ThumbKind]:
        """The thumbnail of what the recognizer just looked at in ``image`` (the frame's centre
        square when it says nothing), and which of the two it is."""
        seen = self._seen() if self._seen is not None else None
        return seen_thumbnail(seen, image, THUMB_SIZE), seen_kind(seen)

    def _record_hand(self, frame: Frame, recording: tuple[str, int], features: FeatureFn | None) -> None:
        """Record a frame for the hand stage: gated on its hand crop, once the stage has run."""
        if features is None or self._pending:
            # Dissimilar hand crops cannot be told apart yet: keep frames at the gate's rate.
            if self._pending_gate.offer(recording[0], np.zeros(1, np.float32), frame.timestamp):
                self._keep(frame, recording)
            return
        vector = features(frame.image)
        if vector is None:  # no hand in this frame, nothing to learn from
            return
        thumb, kind = self._seen_thumbnail(frame.image)
        if not self.gate.offer(recording[0], signature(thumb), frame.timestamp, kind):
            return
        sample = RecordedSample(recording[0], vector, thumb, recording[1], kind)
        with self._lock:
            self._samples.append(sample)

    def _record(self, frame: Frame, recording: tuple[str, int], features: FeatureFn | None) -> None:
        if self.keep_whole_frames:
            self._record_hand(frame, recording, features)
            return
        thumb = thumbnail(frame.image, THUMB_SIZE)
        # Only frames that add something to the class: not 30 near-twins a second.
        if not self.gate.offer(recording[0], signature(thumb), frame.timestamp):
            return
        if features is None or self._pending:
            self._keep(frame, recording)  # the backbone is loading, or older kept frames come first
            return
        vector = features(frame.image)
        if vector is None:  # no hand in this frame, nothing to learn from
            return
        sample = RecordedSample(recording[0], vector, thumb, recording[1])
        with self._lock:
            self._samples.append(sample)

    def _process(self, frame: Frame) -> None:
        self._frame = frame
        recording, features, classifier = self._recording, self._features, self._classifier
        try:
            if recording is not None:
                self._record(frame, recording, features)
            elif classifier is None and self._look is not None:
                self._look(frame.image)
            if features is not None and self._pending:
                self._drain_pending(features)
            if classifier is not None:
                result = classifier.predict(frame.image, frame.timestamp)
                live = LiveResult(dict(result.probs), result.top, frame.index)
                with self._lock:
                    # A retrain may have replaced the classifier during predict: an answer from
                    # the old head (perhaps other classes) must not show up as the new head's.
                    if self._classifier is classifier:
                        self._live = live
        except Exception as exc:  # shown on screen; the preview keeps running
            self.error = f"{type(exc).__name__}: {exc}"
            self._recording = None
