"""The background predictor: newest-frame-wins dropping, lost camera and recovery, clean stop.

A fake classifier stands in for the network so these tests measure the threading, not MobileNet;
the network itself is exercised by the end-to-end gesture test.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from prediction_support import FakeResult, wait_for

from game.vision.camera import CameraError, Frame, FrameSource
from game.vision.predictor import LivePrediction, Predictor, PredictorStats
from game.vision.types import PredictorState


@dataclass
class SlowClassifier:
    """Takes ``delay`` seconds per frame and records which frame indices it saw."""

    delay: float
    seen: list[int] = field(default_factory=list)

    def predict_frame(self, frame: Frame) -> FakeResult:
        time.sleep(self.delay)
        self.seen.append(int(frame.image[0, 0, 0]))
        return FakeResult({"up": 1.0}, "up", 1.0)


class GatedClassifier:
    """Holds each frame until the test lets it through, recording the frame indices it was given.

    With inference held, a test knows what the camera delivered meanwhile without reading a clock.
    A frame held for ``HOLD_LIMIT_S`` fails the classifier (and so the predictor): a stuck test
    ends with a message instead of hanging.
    """

    HOLD_LIMIT_S = 60.0

    def __init__(self) -> None:
        self.seen: list[int] = []
        self._cond = threading.Condition()
        self._passes = 0

    def predict_frame(self, frame: Frame) -> FakeResult:
        with self._cond:
            self.seen.append(frame.index)
            count = len(self.seen)
            if not self._cond.wait_for(lambda: self._passes >= count, timeout=self.HOLD_LIMIT_S):
                raise TimeoutError(f"frame {frame.index} was held {self.HOLD_LIMIT_S} s")
        return FakeResult({"up": 1.0}, "up", 1.0)

    def let_through(self, frames: float = 1) -> None:
        """Let ``frames`` more frames through (``math.inf``: all from now on)."""
        with self._cond:
            self._passes += frames
            self._cond.notify_all()

    def holding(self, count: int) -> Callable[[], bool]:
        """A condition: the ``count``-th frame has reached the classifier."""
        return lambda: len(self.seen) >= count


class CountingSource(FrameSource):
    """Frames every ``interval`` seconds, each image's first pixel holding its index (mod 256);
    ``stamps`` keeps every frame's timestamp, in order."""

    def __init__(self, interval: float, limit: int | None = None) -> None:
        self.interval = interval
        self.limit = limit
        self.count = 0
        self.closed = 0
        self.stamps: list[float] = []
        self.description = "counting source"

    def read(self) -> Frame | None:
        if self.limit is not None and self.count >= self.limit:
            return None
        time.sleep(self.interval)
        image = np.full((8, 8, 3), self.count % 256, dtype=np.uint8)
        frame = Frame(image, time.monotonic(), self.count)
        self.stamps.append(frame.timestamp)
        self.count += 1
        return frame

    def close(self) -> None:
        self.closed += 1


class FlakySource(CountingSource):
    """Works, then raises CameraError while ``unplugged`` is set, then works again."""

    def __init__(self, interval: float) -> None:
        super().__init__(interval)
        self.unplugged = threading.Event()

    def read(self) -> Frame | None:
        if self.unplugged.is_set():
            time.sleep(self.interval)
            raise CameraError("Camera 0 stopped delivering frames (unplugged, or taken by another program).")
        return super().read()


def test_frames_faster_than_inference_are_dropped_and_the_newest_is_processed() -> None:
    source = CountingSource(interval=0.001)
    classifier = GatedClassifier()
    with Predictor(source, classifier) as predictor:
        try:
            newest_at_release = []
            for held in range(1, 6):
                assert wait_for(classifier.holding(held))  # inference is busy on a frame
                # While it is, the camera delivers at least 10 more frames.
                captured = predictor.stats().captured
                assert wait_for(lambda captured=captured: predictor.stats().captured >= captured + 10)
                newest_at_release.append(predictor.stats().captured - 1)  # the index of the newest
                classifier.let_through()
            assert wait_for(classifier.holding(6))
            stats = predictor.stats()
        finally:
            classifier.let_through(math.inf)
    # Each inference takes the frame that was newest when the previous one finished (or a later
    # one), skipping those that arrived meanwhile: nothing waits in a queue, where the next frame
    # would have been the one after the last processed.
    for newest, taken in zip(newest_at_release, classifier.seen[1:6], strict=True):
        assert taken >= newest
    assert stats.processed == 5
    assert stats.dropped >= 5 * 9  # at least 10 frames per inference, 9 of them replaced unseen
    assert stats.captured >= stats.processed + stats.dropped


def test_latest_never_waits_for_inference() -> None:
    source = CountingSource(interval=0.001)
    classifier = GatedClassifier()
    predictor = Predictor(source, classifier).start()
    try:
        classifier.let_through()
        # The first frame's prediction is published, and the second inference is held.
        assert wait_for(classifier.holding(2))
        answers: list[tuple[LivePrediction | None, PredictorStats]] = []
        reader = threading.Thread(
            target=lambda: answers.extend((predictor.latest(), predictor.stats()) for _ in range(1000)),
            daemon=True,
        )
        reader.start()
        # Inference stays held until after this join: a latest() or stats() that waited for it
        # would still be waiting when the join gives up (well before HOLD_LIMIT_S).
        reader.join(GatedClassifier.HOLD_LIMIT_S / 2)
        assert not reader.is_alive(), "latest() or stats() waited for the held inference"
        assert len(answers) == 1000
        latest, stats = answers[-1]
        assert latest is not None and latest.frame_index == classifier.seen[0]
        assert stats.processed == 1 and stats.state is PredictorState.RUNNING
    finally:
        classifier.let_through(math.inf)
        predictor.stop()


def test_publishes_latency_and_camera_fps(monkeypatch: pytest.MonkeyPatch) -> None:
    # A window longer than the test: every frame captured so far is in it, however slow the machine.
    monkeypatch.setattr("game.vision.predictor.STATS_WINDOW_S", 600.0)
    source = CountingSource(interval=0.01)
    with Predictor(source, SlowClassifier(delay=0.002)) as predictor:
        assert wait_for(lambda: predictor.stats().processed >= 30)
        stats = predictor.stats()
        latest = predictor.latest()
    assert stats.state is PredictorState.RUNNING
    # The camera's own pace, from the timestamps it put on the frames counted so far (the first
    # ``captured`` it made), whatever the pace was.
    stamps = source.stamps[: stats.captured]
    assert len(stamps) >= 30 and stamps[-1] > stamps[0]
    assert stats.camera_fps == pytest.approx((len(stamps) - 1) / (stamps[-1] - stamps[0]), rel=1e-9)
    assert stats.inference_ms is not None and stats.inference_ms >= 2.0
    assert stats.latency_ms is not None and stats.latency_ms >= stats.inference_ms
    assert latest is not None
    assert latest.available_at >= latest.started_at >= latest.captured_at
    assert latest.probs == {"up": 1.0} and latest.top == "up"


def test_lost_camera_is_reported_and_play_resumes_when_frames_return() -> None:
    source = FlakySource(interval=0.005)
    predictor = Predictor(source, SlowClassifier(delay=0.001), retry_interval=0.05).start()
    try:
        assert wait_for(lambda: predictor.state is PredictorState.RUNNING)
        source.unplugged.set()
        assert wait_for(lambda: predictor.state is PredictorState.LOST)
        assert "stopped delivering frames" in predictor.message
        processed = predictor.stats().processed
        source.unplugged.clear()
        assert wait_for(lambda: predictor.state is PredictorState.RUNNING)
        assert predictor.message == ""
        assert wait_for(lambda: predictor.stats().processed > processed + 3)
    finally:
        predictor.stop()


def test_camera_that_cannot_open_is_retried_through_the_opener() -> None:
    attempts: list[float] = []
    opened: list[CountingSource] = []

    def opener() -> FrameSource:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise CameraError("Cannot open camera 0: no such device")
        opened.append(CountingSource(interval=0.005))
        return opened[-1]

    predictor = Predictor(opener, SlowClassifier(delay=0.001), retry_interval=0.05).start()
    try:
        assert wait_for(lambda: predictor.state is PredictorState.LOST)
        assert "Cannot open camera 0" in predictor.message
        assert wait_for(lambda: predictor.stats().processed > 0)
        assert predictor.state is PredictorState.RUNNING
    finally:
        predictor.stop()
    assert len(attempts) == 3
    assert attempts[2] - attempts[1] >= 0.045  # waited between tries instead of spinning
    assert opened[0].closed >= 1


def test_stop_joins_both_threads_and_releases_the_camera() -> None:
    class Busy(SlowClassifier):
        """Says when an inference starts; each takes ``delay``."""

        def __init__(self) -> None:
            super().__init__(delay=0.1)
            self.started = threading.Event()

        def predict_frame(self, frame: Frame) -> FakeResult:
            self.started.set()
            return super().predict_frame(frame)

    source = CountingSource(interval=0.005)
    classifier = Busy()
    predictor = Predictor(source, classifier).start()
    assert wait_for(lambda: predictor.stats().processed > 0)
    classifier.started.clear()
    assert classifier.started.wait(5.0)
    predictor.stop()  # with an inference under way, which stop waits for
    # Both threads have ended by the time stop returns (had its join given up after
    # JOIN_TIMEOUT_S, they would still be alive here).
    assert not predictor.alive
    assert source.closed >= 1
    assert predictor.state is PredictorState.STOPPED
    predictor.stop()  # twice is harmless


def test_end_of_a_finite_source_processes_the_last_frame_and_reports_ended() -> None:
    source = CountingSource(interval=0.001, limit=5)
    predictor = Predictor(source, SlowClassifier(delay=0.0)).start()
    try:
        assert wait_for(lambda: predictor.state is PredictorState.ENDED)
        assert wait_for(lambda: not predictor.alive)
        latest = predictor.latest()
        assert latest is not None and latest.frame_index == 4
    finally:
        predictor.stop()
    assert predictor.state is PredictorState.ENDED


def test_a_failing_classifier_stops_the_predictor_with_its_message() -> None:
    class Broken:
        def predict_frame(self, frame: Frame) -> FakeResult:
            raise ValueError("head expects 4 classes")

    predictor = Predictor(CountingSource(interval=0.001), Broken()).start()
    try:
        assert wait_for(lambda: predictor.state is PredictorState.FAILED)
        assert "head expects 4 classes" in predictor.message
        assert wait_for(lambda: not predictor.alive)
    finally:
        predictor.stop()
    assert isinstance(predictor.error, ValueError)


def test_starting_twice_is_an_error() -> None:
    predictor = Predictor(CountingSource(interval=0.001), SlowClassifier(delay=0.0)).start()
    try:
        with pytest.raises(RuntimeError):
            predictor.start()
    finally:
        predictor.stop()


class StuckSource(CountingSource):
    """A camera whose read hangs until ``release`` is set; records a close that lands mid-read."""

    def __init__(self) -> None:
        super().__init__(interval=0.0)
        self.reading = threading.Event()
        self.release = threading.Event()
        self.closed_while_reading = False
        self._in_read = False

    def read(self) -> Frame | None:
        if self.count > 0:
            self._in_read = True
            self.reading.set()
            self.release.wait(10.0)
            self._in_read = False
        return super().read()

    def close(self) -> None:
        self.closed_while_reading = self.closed_while_reading or self._in_read
        super().close()


def test_stop_never_releases_a_camera_that_a_stuck_read_still_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("game.vision.capture.JOIN_TIMEOUT_S", 0.05)
    source = StuckSource()
    predictor = Predictor(source, SlowClassifier(delay=0.0)).start()
    assert source.reading.wait(5.0), "the capture thread never reached the second read"
    predictor.stop()  # gives up waiting while the read hangs
    assert source.closed == 0 and predictor.state is PredictorState.STOPPED
    source.release.set()
    assert wait_for(lambda: not predictor.alive)
    assert source.closed >= 1 and not source.closed_while_reading
