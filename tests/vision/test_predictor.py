"""The background predictor: newest-frame-wins dropping, lost camera and recovery, clean stop.

A fake classifier stands in for the network so these tests measure the threading, not MobileNet;
the network itself is exercised by the end-to-end gesture test.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pytest
from prediction_support import FakeResult, wait_for

from game.vision.camera import CameraError, Frame, FrameSource
from game.vision.predictor import Predictor
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


class CountingSource(FrameSource):
    """Frames every ``interval`` seconds, each image's first pixel holding its index (mod 256)."""

    def __init__(self, interval: float, limit: int | None = None) -> None:
        self.interval = interval
        self.limit = limit
        self.count = 0
        self.closed = 0
        self.description = "counting source"

    def read(self) -> Frame | None:
        if self.limit is not None and self.count >= self.limit:
            return None
        time.sleep(self.interval)
        image = np.full((8, 8, 3), self.count % 256, dtype=np.uint8)
        frame = Frame(image, time.monotonic(), self.count)
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
    source = CountingSource(interval=0.002)
    classifier = SlowClassifier(delay=0.03)
    with Predictor(source, classifier) as predictor:
        assert wait_for(lambda: predictor.stats().processed >= 10)
        stats = predictor.stats()
    assert stats.dropped > stats.processed  # ~15 frames arrive per inference
    assert stats.captured >= stats.processed + stats.dropped
    # Consecutive processed frames skip over the ones that arrived during inference.
    gaps = np.diff(np.array(classifier.seen, dtype=int) % 256)
    assert np.median(gaps[gaps > 0]) > 3
    # Nothing waited in a queue: the frame taken was about one inference old (plus scheduling
    # slack on a busy machine). A queue would have made the 10th frame ~10 inferences old.
    latest = predictor.latest()
    assert latest is not None
    assert latest.started_at - latest.captured_at < 0.03 + 0.1


def test_latest_never_waits_for_inference() -> None:
    source = CountingSource(interval=0.001)
    predictor = Predictor(source, SlowClassifier(delay=0.3)).start()
    try:
        assert wait_for(lambda: predictor.stats().captured > 10)  # inference is now busy
        start = time.perf_counter()
        for _ in range(1000):
            predictor.latest()
        predictor.stats()
        # Far less than the 0.3 s an inference takes: nothing here waited for it.
        assert time.perf_counter() - start < 0.1
    finally:
        predictor.stop()


def test_publishes_latency_and_camera_fps() -> None:
    source = CountingSource(interval=0.01)
    with Predictor(source, SlowClassifier(delay=0.002)) as predictor:
        assert wait_for(lambda: predictor.stats().processed >= 30)
        stats = predictor.stats()
        latest = predictor.latest()
    assert stats.state is PredictorState.RUNNING
    assert 20 < stats.camera_fps < 110  # ~100 fps, less the sleep overshoot of a busy machine
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
    source = CountingSource(interval=0.005)
    predictor = Predictor(source, SlowClassifier(delay=0.005)).start()
    assert wait_for(lambda: predictor.stats().processed > 0)
    start = time.monotonic()
    predictor.stop()
    assert time.monotonic() - start < 1.0
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
