"""Stand-ins shared by the tests of the background predictor and of live gesture control: a
classifier's result without a network behind it, and a polling wait for what other threads do."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FakeResult:
    """What a classifier's ``predict_frame`` returns, reduced to the fields the consumers read."""

    probs: Mapping[str, float]
    top: str
    confidence: float


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``condition`` every 5 ms until it holds or ``timeout`` seconds pass; its last value.

    The timeout only ends a test that is stuck: a loaded machine may take seconds for what takes
    milliseconds here, and waiting longer costs nothing when the condition comes true.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()
