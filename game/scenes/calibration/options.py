"""What the calibration screen was asked for: the profile, models, weights and camera to use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CalibrationOptions:
    """What ``gesture-pacman calibrate`` was asked for."""

    profile_dir: Path
    models: Path
    camera: int | None = None
    video: str | None = None
    mirror: bool = True
    weights: Path | None = None
    #: Leaving quits the program instead of returning to the title.
    started_directly: bool = True
    #: ``hand`` or ``frame``; None: the saved profile's, else the default (game.vision.recognizer).
    recognizer: str | None = None
