"""The calibration screen's modes and message kinds, shared by the scene and its view."""

from __future__ import annotations

from enum import Enum


class Mode(Enum):
    RECORD = "record"  # instructions; no head yet
    TRAINING = "training"  # progress bar and per-epoch chart
    RESULTS = "results"  # accuracy, confusion matrix, live confidence bars


class FlashKind(Enum):
    INFO = "info"
    ERROR = "error"
