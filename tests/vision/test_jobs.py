"""TensorFlow's first import is serialised, so racing background threads never see half a module."""

from __future__ import annotations

import threading

from game.vision import jobs


def test_import_tensorflow_waits_for_an_import_in_progress() -> None:
    returned = threading.Event()

    def load() -> None:
        jobs.import_tensorflow()
        returned.set()

    with jobs._tensorflow_import:  # another thread's first import is under way
        thread = threading.Thread(target=load)
        thread.start()
        assert not returned.wait(0.5), "a second import must wait for the first to finish"
    assert returned.wait(300)
    thread.join()
