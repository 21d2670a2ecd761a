"""Live gesture predictions off the render thread: capture, preprocessing and inference in the background.

Two daemon threads share one single-frame slot. The capture thread (``game.vision.capture``)
reads the camera as fast as it delivers and overwrites the slot, so a webcam's own buffer never
fills with stale frames; the inference thread takes whatever is newest when it becomes free. A
frame that is replaced before inference reaches it is dropped and counted, never queued: the
game always steers from the most recent picture of the hand. The newest result is published by
swapping one reference to an immutable ``LivePrediction``, so ``latest()`` never blocks the game
loop.

When the camera fails (unplugged, taken by another program) the predictor reports ``LOST`` with
the camera's message while the capture thread reopens it every ``retry_interval`` seconds,
resuming by itself when frames return.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from game.vision.camera import Frame, FrameSource
from game.vision.capture import JOIN_TIMEOUT_S, RETRY_INTERVAL_S, CaptureThread
from game.vision.types import CameraState, FrameClassifier, PredictorState, ScoredPrediction

#: Window over which camera fps and latency medians are taken.
STATS_WINDOW_S = 1.0

__all__ = [
    "RETRY_INTERVAL_S",
    "FrameClassifier",
    "LivePrediction",
    "Predictor",
    "PredictorState",
    "PredictorStats",
]

#: What the game shows for each state of the camera thread.
_FROM_CAMERA: dict[CameraState, PredictorState] = {
    CameraState.OPENING: PredictorState.STARTING,
    CameraState.RUNNING: PredictorState.RUNNING,
    CameraState.LOST: PredictorState.LOST,
    CameraState.ENDED: PredictorState.ENDED,
    CameraState.STOPPED: PredictorState.STOPPED,
}


@dataclass(frozen=True)
class LivePrediction:
    """One processed frame: the classifier's answer, the frame itself and when things happened.

    Times are ``time.monotonic()`` seconds, the clock the frame sources stamp frames with.
    """

    result: ScoredPrediction
    #: The frame the prediction was made from (the HUD shows it as the thumbnail).
    frame: Frame
    frame_index: int
    captured_at: float
    #: When inference on this frame started (it may have waited for the previous one).
    started_at: float
    available_at: float

    @property
    def image(self) -> np.ndarray:
        """The frame's RGB picture (converted on first use, by whoever draws it)."""
        return self.frame.image

    @property
    def probs(self) -> Mapping[str, float]:
        return self.result.probs

    @property
    def top(self) -> str:
        return self.result.top

    @property
    def confidence(self) -> float:
        return self.result.confidence

    @property
    def timestamp(self) -> float:
        """The capture time, which is what staleness is judged by."""
        return self.captured_at

    @property
    def latency_ms(self) -> float:
        """Capture to prediction available: what the player feels."""
        return (self.available_at - self.captured_at) * 1000.0

    @property
    def inference_ms(self) -> float:
        """Preprocessing plus inference alone."""
        return (self.available_at - self.started_at) * 1000.0


@dataclass(frozen=True)
class PredictorStats:
    """A snapshot for the HUD and benchmarks; medians are over the last ``STATS_WINDOW_S``."""

    state: PredictorState
    message: str
    camera_fps: float
    inference_ms: float | None
    latency_ms: float | None
    captured: int
    processed: int
    dropped: int


class _Window:
    """Timestamped values kept for ``STATS_WINDOW_S``; appends and reads happen under the owner's lock."""

    def __init__(self) -> None:
        self._items: deque[tuple[float, float]] = deque()

    def add(self, t: float, value: float) -> None:
        self._items.append((t, value))
        self._trim(t)

    def _trim(self, now: float) -> None:
        while self._items and now - self._items[0][0] > STATS_WINDOW_S:
            self._items.popleft()

    def values(self, now: float) -> list[float]:
        self._trim(now)
        return [v for _, v in self._items]


class Predictor:
    """Runs ``classifier`` on the newest frame of a camera in the background.

    ``source`` is either an open ``FrameSource`` or a zero-argument opener (such as
    ``lambda: open_source(camera, video)``); only with an opener can a lost camera be reopened,
    and an opener that raises ``CameraError`` at start leaves the predictor ``LOST`` and retrying
    rather than failing, so the game can show the message and keep running.
    """

    def __init__(
        self,
        source: FrameSource | Callable[[], FrameSource],
        classifier: FrameClassifier,
        *,
        retry_interval: float = RETRY_INTERVAL_S,
    ) -> None:
        self._classifier = classifier
        self._cond = threading.Condition()
        self._capture = CaptureThread(
            source,
            self._offer,
            name="gesture-capture",
            retry_interval=retry_interval,
            on_exit=self._capture_ended,
        )
        self._inference_thread: threading.Thread | None = None
        self._stopping = False
        self._slot: Frame | None = None
        self._capture_done = False
        self._latest: LivePrediction | None = None
        self._failed_message: str | None = None
        self._captured = 0
        self._processed = 0
        self._dropped = 0
        self._capture_times = _Window()
        self._inference = _Window()
        self._latency = _Window()
        #: An exception raised by the classifier, kept so that ``stop`` can re-raise it in the caller.
        self.error: BaseException | None = None

    # -- game side -------------------------------------------------------------------------

    def start(self) -> Predictor:
        if self._inference_thread is not None:
            raise RuntimeError("predictor already started")
        self._inference_thread = threading.Thread(
            target=self._inference_loop, name="gesture-inference", daemon=True
        )
        self._capture.start()
        self._inference_thread.start()
        return self

    def latest(self) -> LivePrediction | None:
        """The newest prediction, or None before the first; never waits."""
        return self._latest

    @property
    def state(self) -> PredictorState:
        if self._failed_message is not None:
            return PredictorState.FAILED
        return _FROM_CAMERA[self._capture.state]

    @property
    def message(self) -> str:
        """The camera's error message while ``LOST``, else an empty string."""
        if self._failed_message is not None:
            return self._failed_message
        return self._capture.message

    def stats(self) -> PredictorStats:
        now = time.monotonic()
        with self._cond:
            captures = self._capture_times.values(now)
            inference = self._inference.values(now)
            latency = self._latency.values(now)
            return PredictorStats(
                state=self.state,
                message=self.message,
                camera_fps=_rate(captures),
                inference_ms=statistics.median(inference) if inference else None,
                latency_ms=statistics.median(latency) if latency else None,
                captured=self._captured,
                processed=self._processed,
                dropped=self._dropped,
            )

    def stop(self) -> None:
        """Stop both threads, wait for them (up to ``JOIN_TIMEOUT_S``) and release the camera.

        Safe to call twice. If the capture thread is stuck in a read past the wait, it releases
        the camera itself when the read returns.

        A stop after the source ended or the classifier failed keeps that state for the caller.
        """
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._capture.stop()
        if self._inference_thread is not None:
            self._inference_thread.join(JOIN_TIMEOUT_S)

    @property
    def alive(self) -> bool:
        inference = self._inference_thread
        return self._capture.alive or (inference is not None and inference.is_alive())

    def __enter__(self) -> Predictor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- capture thread --------------------------------------------------------------------

    def _offer(self, frame: Frame) -> None:
        with self._cond:
            if self._slot is not None:
                self._dropped += 1
            self._slot = frame
            self._captured += 1
            self._capture_times.add(frame.timestamp, frame.timestamp)
            self._cond.notify()

    def _capture_ended(self) -> None:
        with self._cond:
            self._capture_done = True
            self._cond.notify_all()

    # -- inference thread ------------------------------------------------------------------

    def _inference_loop(self) -> None:
        while True:
            with self._cond:
                while self._slot is None and not self._stopping and not self._capture_done:
                    self._cond.wait()
                frame, self._slot = self._slot, None
            if frame is None or self._stopping:
                return
            started = time.monotonic()
            try:
                result = self._classifier.predict_frame(frame)
            except Exception as exc:  # surfaced through ``error``; the game keeps running on keys
                self.error = exc
                self._failed_message = f"gesture recognition failed: {exc}"
                self._capture.request_stop()
                return
            available = time.monotonic()
            live = LivePrediction(result, frame, frame.index, frame.timestamp, started, available)
            self._latest = live
            with self._cond:
                self._processed += 1
                self._inference.add(available, live.inference_ms)
                self._latency.add(available, live.latency_ms)


def _rate(times: list[float]) -> float:
    """Events per second from their timestamps (0 with fewer than two)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])
