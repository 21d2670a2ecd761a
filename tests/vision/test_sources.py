"""The camera chooser lists every webcam index it tried, and cycles only through webcams."""

from __future__ import annotations

import pytest

from game.vision.camera import CameraError
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
    chooser.next_opener()
    assert chooser.index == 6 % 4 and chooser.describe() == "camera 2"
    assert SourceChooser(camera=None, video="clip.avi").can_cycle is False
