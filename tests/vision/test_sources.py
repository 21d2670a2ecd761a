"""The one camera-choice rule of calibration and play: every webcam index tried is listed, the
profile's remembered webcam is tried first, retries do not probe every index again, C offers an
index not tried yet, only webcams are cycled, and OpenCV's warnings stay off the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.vision import sources
from game.vision.camera import CameraError, FrameSource, WebcamSource
from game.vision.profile import PROFILE_FILE, Profile, load_profile, remembered_camera, save_profile
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


def test_the_remembered_webcam_is_tried_first_then_the_usual_ones() -> None:
    chooser = SourceChooser(camera=None, video=None, preferred=2)
    assert chooser.describe() == "camera 2"
    with pytest.raises(CameraError, match=r"tried camera 2, 0, 1\b"):
        chooser.opener()()
    assert chooser.opened is None  # nothing opened on this machine
    # An explicit --camera wins over the remembered one.
    assert SourceChooser(camera=1, video=None, preferred=2).describe() == "camera 1"


def test_a_profile_remembers_its_camera_and_old_profiles_have_none(tmp_path: Path) -> None:
    with_camera = save_profile(Profile(["up", "down"], "mobilenet-test", "0" * 64, camera=1), tmp_path / "a")
    without = save_profile(Profile(["up", "down"], "mobilenet-test", "0" * 64), tmp_path / "b")
    assert remembered_camera(with_camera) == 1
    assert load_profile(with_camera, load_head=False).camera == 1
    assert remembered_camera(without) is None
    assert "camera" not in json.loads((without / PROFILE_FILE).read_text())
    assert remembered_camera(tmp_path / "missing") is None
