"""The camera chooser lists every webcam index it tried, retries without probing every index again,
offers an index not tried yet, cycles only through webcams, and keeps OpenCV's warnings off the
terminal."""

from __future__ import annotations

import pytest

from game.vision import sources
from game.vision.camera import CameraError, FrameSource, WebcamSource
from game.vision.sources import SourceChooser


def test_chooser_records_every_webcam_index_that_failed() -> None:
    # The test machine has no webcam, so every index fails and each is listed once, in order.
    chooser = SourceChooser(camera=None, video=None)
    chooser.index = 5
    with pytest.raises(CameraError, match=r"tried camera 5, 0, 1, 2"):
        chooser.opener()()
    with pytest.raises(CameraError):
        chooser.opener()()
    assert chooser.tried == [5, 0, 1, 2]
    assert chooser.can_cycle
    # C offers an index that was not tried yet (5 + 1 wraps to 2, tried; 3 was not).
    assert chooser.next_index == 3
    chooser.next_opener()
    assert chooser.index == 3 and chooser.describe() == "camera 3"
    assert SourceChooser(camera=None, video="clip.avi").can_cycle is False


def test_retries_after_a_failed_probe_try_only_the_current_index(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []

    def no_webcam(index: int, mirror: bool = True) -> FrameSource:
        opened.append(index)
        raise CameraError(f"Cannot open camera {index}: no such device.")

    monkeypatch.setattr(sources, "WebcamSource", no_webcam)
    chooser = SourceChooser(camera=None, video=None)
    opener = chooser.opener()
    with pytest.raises(CameraError, match=r"tried camera 0, 1, 2"):
        opener()
    assert opened == [0, 1, 2]
    for _ in range(3):  # the camera thread's retries, one a second
        with pytest.raises(CameraError, match=r"tried camera 0, 1, 2"):
            opener()
    assert opened == [0, 1, 2, 0, 0, 0]
    # Every index C cycles through failed: it simply offers the next one again.
    chooser.next_opener()
    assert chooser.index == 3
    with pytest.raises(CameraError):
        chooser.opener()()
    assert chooser.tried == [0, 1, 2, 3] and chooser.next_index == 0


def test_probing_a_missing_webcam_prints_nothing(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenCV writes its "can't open camera by index" warnings straight to the process's stderr.
    monkeypatch.delenv("OPENCV_LOG_LEVEL", raising=False)
    for index in (96, 97, 98):
        with pytest.raises(CameraError, match=f"camera {index}"):
            WebcamSource(index)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
