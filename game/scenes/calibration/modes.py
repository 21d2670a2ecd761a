"""The calibration screen's modes and flash messages, shared by the scene and its view."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Mode(Enum):
    RECORD = "record"  # instructions; no head yet
    TRAINING = "training"  # progress bar and per-epoch chart
    RESULTS = "results"  # accuracy, confusion matrix, live confidence bars


class FlashKind(Enum):
    INFO = "info"
    ERROR = "error"


@dataclass(frozen=True)
class Flash:
    """A message shown over the preview until ``until`` (the scene's clock)."""

    text: str
    kind: FlashKind
    until: float
