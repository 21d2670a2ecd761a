"""The calibration camera thread: a replaced classifier's answer is dropped; no close mid-read."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

import numpy as np
import pytest

from game.vision.camera import Frame, FrameSource
from game.vision.recorder import CameraWorker
from game.vision.variety import GateConfig

#: Longest wait for another thread (a deadline for a stuck test, not a measure of speed).
WAIT_S = 30.0


class EndlessSource(FrameSource):
    """Small black frames as fast as they are read (paced a little to spare the CPU)."""

    description = "test frames"

    def __init__(self) -> None:
        self.count = 0

    def read(self) -> Frame | None:
        time.sleep(0.002)
        self.count += 1
        return Frame(np.zeros((8, 8, 3), dtype=np.uint8), time.monotonic(), self.count)

    def close(self) -> None:
        pass


class Answer:
    def __init__(self, probs: Mapping[str, float]) -> None:
        self.probs = probs
        self.top = max(probs, key=lambda k: probs[k])


class BlockingClassifier:
    """Holds its first prediction until released, like a slow head caught by a retrain."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def predict(self, image: np.ndarray, timestamp: float) -> Answer:
        self.entered.set()
        self.release.wait(WAIT_S)
        return Answer({"up": 0.9, "down": 0.1})


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.005)


def test_an_answer_from_a_replaced_classifier_is_dropped() -> None:
    worker = CameraWorker(EndlessSource).start()
    try:
        old = BlockingClassifier()
        worker.set_classifier(old)
        assert old.entered.wait(WAIT_S), "the worker never ran the classifier"
        worker.set_classifier(None)  # retrain started while the old head is mid-prediction
        seen = worker.frames_seen
        old.release.set()
        # Two more frames means the worker has finished the blocked prediction and moved on.
        _wait_for(lambda: worker.frames_seen >= seen + 2, "the worker to move on")
        assert worker.latest_result() is None
    finally:
        worker.stop()


def test_the_current_classifier_still_publishes() -> None:
    worker = CameraWorker(EndlessSource).start()
    try:
        classifier = BlockingClassifier()
        classifier.release.set()
        worker.set_classifier(classifier)
        _wait_for(lambda: worker.latest_result() is not None, "a live result")
        result = worker.latest_result()
        assert result is not None and result.top == "up"
    finally:
        worker.stop()


class StuckSource(EndlessSource):
    """Hangs in its second read until released; records a close that lands mid-read."""

    def __init__(self) -> None:
        super().__init__()
        self.reading = threading.Event()
        self.release = threading.Event()
        self.closed = 0
        self.closed_while_reading = False
        self._in_read = False

    def read(self) -> Frame | None:
        if self.count > 0:
            self._in_read = True
            self.reading.set()
            self.release.wait(WAIT_S)
            self._in_read = False
        return super().read()

    def close(self) -> None:
        self.closed_while_reading = self.closed_while_reading or self._in_read
        self.closed += 1


def test_stop_never_releases_a_camera_that_a_stuck_read_still_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("game.vision.capture.JOIN_TIMEOUT_S", 0.05)
    source = StuckSource()
    worker = CameraWorker(lambda: source).start()
    assert source.reading.wait(WAIT_S), "the worker never reached the second read"
    worker.stop()  # gives up waiting while the read hangs
    assert source.closed == 0
    source.release.set()
    _wait_for(lambda: source.closed >= 1, "the worker to close the source")
    assert not source.closed_while_reading


#: These frames differ by one grey level: the sample gate (tested below) would keep only the first.
EVERY_FRAME = GateConfig(min_change=0.0, max_per_second=1e6)


class NumberedSource(FrameSource):
    """640x480 frames whose pixels all hold the frame number, so each sample can be traced back.

    With ``pause_after``, the read after that many frames waits until ``resume`` is set (the
    frames before it have all been handled by then): a test changes what is recorded there,
    however fast or slow the camera thread runs.
    """

    description = "numbered frames"

    def __init__(self, limit: int, pause_after: int | None = None) -> None:
        self.count = 0
        self.limit = limit
        self.pause_after = pause_after
        self.paused = threading.Event()
        self.resume = threading.Event()
        self.ended = threading.Event()  # read past the last frame: every frame has been handled

    def read(self) -> Frame | None:
        if self.count == self.pause_after and not self.resume.is_set():
            self.paused.set()
            assert self.resume.wait(WAIT_S), "the test never resumed the source"
        if self.count >= self.limit:
            self.ended.set()
            return None
        time.sleep(0.002)
        self.count += 1
        return Frame(np.full((480, 640, 3), self.count, dtype=np.uint8), time.monotonic(), self.count)

    def close(self) -> None:
        pass


class MovingSource(FrameSource):
    """96x128 frames at 30 fps of camera time: a bright square that stands still, then moves."""

    description = "moving square"

    def __init__(self, still_frames: int, moving_frames: int) -> None:
        self.index = 0
        self.still, self.moving = still_frames, moving_frames

    def read(self) -> Frame | None:
        if self.index >= self.still + self.moving:
            time.sleep(0.01)
            return None
        time.sleep(0.002)
        image = np.full((96, 128, 3), 40, np.uint8)
        x = 10 + max(0, self.index - self.still) * 7 % 60
        image[30:70, x : x + 40] = 220
        self.index += 1
        return Frame(image, self.index / 30.0, self.index)

    def close(self) -> None:
        pass


def test_frames_recorded_before_the_backbone_is_ready_become_samples_in_order() -> None:
    from game.vision.preprocess import preprocess

    source = NumberedSource(limit=40, pause_after=12)
    worker = CameraWorker(lambda: source, gate=EVERY_FRAME)
    worker.set_recording("up", 1)  # from the first frame on
    worker.start()
    try:
        _wait_for(source.paused.is_set, "frames to be kept while no backbone is loaded")
        assert worker.pending == 12
        worker.set_recording("down", 2)
        source.resume.set()
        _wait_for(source.ended.is_set, "the video to end")
        kept = worker.pending
        assert kept == 40 and worker.drain_samples() == []  # nothing without a backbone

        def features(image: np.ndarray) -> np.ndarray:
            # Stands in for the backbone: the preprocessed input, whose first value says the frame.
            return preprocess(image)[:1, :1, 0].copy()

        worker.set_features(features)
        samples: list = []
        _wait_for(lambda: bool(samples.extend(worker.drain_samples())) or len(samples) >= kept, "the backlog")
        assert worker.pending == 0 and len(samples) == kept
        numbers = [round((float(s.features[0, 0]) + 1.0) * 127.5) for s in samples]
        assert numbers == sorted(numbers) and len(set(numbers)) == kept  # in recording order, none lost
        labels = [s.label for s in samples]
        assert labels == ["up"] * 12 + ["down"] * 28  # each frame under the label it was recorded as
        # Exactly the features the whole frame would have given.
        assert np.array_equal(samples[0].features, features(np.full((480, 640, 3), numbers[0], np.uint8)))
    finally:
        source.resume.set()
        worker.stop()


def test_kept_frames_can_be_discarded_by_class_or_burst() -> None:
    source = NumberedSource(limit=30, pause_after=8)
    worker = CameraWorker(lambda: source, gate=EVERY_FRAME)
    worker.set_recording("up", 1)  # from the first frame on
    worker.start()
    try:
        _wait_for(source.paused.is_set, "some up frames")
        worker.set_recording("left", 2)
        source.resume.set()
        _wait_for(source.ended.is_set, "the video to end")
        assert worker.pending == 30 and worker.last_pending_burst() == ("left", 2)
        left = worker.discard_pending(burst_id=2)
        assert left == 22 and worker.last_pending_burst() == ("up", 1)
        assert worker.discard_pending("up") == 8 and worker.pending == 0
    finally:
        source.resume.set()
        worker.stop()


def test_a_held_key_keeps_only_frames_that_add_something() -> None:
    source = MovingSource(still_frames=60, moving_frames=60)
    worker = CameraWorker(lambda: source)
    worker.set_features(lambda image: np.zeros(4, np.float32))
    worker.set_recording("up", burst_id=1)
    worker.start()
    try:
        _wait_for(lambda: source.index >= 120, "the frames to be read")
        _wait_for(lambda: worker.gate.offered.get("up", 0) >= 120, "the frames to be offered")
    finally:
        worker.stop()
    kept = worker.drain_samples()
    # Two seconds still: one sample; two seconds moving: a few a second, well under 30.
    assert worker.gate.offered["up"] == 120
    assert 5 <= len(kept) == worker.gate.kept["up"] <= 25
    assert all(sample.label == "up" for sample in kept)
