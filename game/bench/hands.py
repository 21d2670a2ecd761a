"""``bench --suite hands``: how often the hand stage finds the hand in real webcam frames, and at what cost.

Reads ``DIR/<session>/<class>/*.jpg`` (default ``../shared/data/rooms``: 640x480 webcam frames of
a hand in a room; every frame has a hand in it) and runs the product's hand stage
(``game.vision.hands``) two ways, as the game sees frames:

* ``stream``: each session's frames in file-name order (the recording order, across classes)
  through one :class:`~game.vision.hands.HandTracker`, as play and calibration feed it: the
  detector runs only when tracking is lost;
* ``still``: each frame alone (:meth:`HandTracker.still`), as ``train --images`` and ``evaluate``
  read photos.

``recall`` is the share of frames with a hand found (a frame without one is a wrong answer in
play). ``detector_frames`` is the share of stream frames on which the palm detector ran,
``detector_ms`` its mean time when it runs, and ``frame_ms_mean`` / ``frame_ms_p50`` the whole
stage per stream frame. Each figure is given per session and over all frames.

Every configuration in :data:`CONFIGS` runs on the same frames in the same run, the first being
the product's default; the others leave out the detector's second looks (``plain``: the whole
frame only, as MediaPipe's graph) or some of them, so that what they cost and find is measured
against the plain path in the same run (``ratios``: each figure over ``plain``'s). ``missed``
lists the files each configuration misses in each mode (to look at).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.config import REPO_ROOT

Log = Callable[[str], None]
SHARED_ROOMS = REPO_ROOT.parent / "shared" / "data" / "rooms"

#: Tracker settings measured side by side: name -> HandTracker keyword arguments. ``default`` is
#: the product's; ``plain`` looks at the whole frame only (MediaPipe's graph), ``zoomed_out`` adds
#: only the zoomed-out second look (the halves and quarters left out).
CONFIGS: dict[str, dict[str, Any]] = {
    "default": {},
    "plain": {"second_looks": ()},
    "zoomed_out": {"second_looks": (None,)},
}


@dataclass(frozen=True)
class RoomFrame:
    """One recorded frame: its session, class and file."""

    session: str
    label: str
    path: Path


def session_frames(root: Path) -> dict[str, list[RoomFrame]]:
    """``root/<session>/<class>/*`` per session, each list in file-name order (recording order)."""
    from game.vision.camera import list_images
    from game.vision.images import DatasetError

    if not root.is_dir():
        raise DatasetError(
            f"no room recordings at {root}: pass --images DIR with DIR/<session>/<class>/*.jpg"
        )
    out: dict[str, list[RoomFrame]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        frames = [
            RoomFrame(folder.name, class_dir.name, path)
            for class_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
            for path in list_images(class_dir)
        ]
        if frames:
            out[folder.name] = sorted(frames, key=lambda f: (f.path.name, f.label))
    if not out:
        raise DatasetError(f"{root} holds no <session>/<class>/ folders with images")
    return out


def _images(frames: Sequence[RoomFrame]) -> Iterator[tuple[RoomFrame, np.ndarray]]:
    from game.vision.images import read_rgb

    for frame in frames:
        image = read_rgb(frame.path)
        if image is not None:
            yield frame, image


@dataclass
class Tally:
    """Per-frame outcomes of one configuration in one mode."""

    found: list[bool]
    detected: list[bool]
    detector_ms: list[float]
    frame_ms: list[float]
    missed: list[str]

    @classmethod
    def empty(cls) -> Tally:
        return cls([], [], [], [], [])

    def add(self, frame: RoomFrame, result: Any, seconds: float) -> None:
        self.found.append(bool(result.found))
        self.detected.append(bool(result.detected))
        self.detector_ms.append(float(result.detector_ms))
        self.frame_ms.append(seconds * 1000.0)
        if not result.found:
            self.missed.append(f"{frame.session}/{frame.label}/{frame.path.name}")

    def summary(self) -> dict[str, Any]:
        n = len(self.found)
        ran = [ms for ms, d in zip(self.detector_ms, self.detected, strict=True) if d]
        return {
            "frames": n,
            "found": int(sum(self.found)),
            "recall": round(sum(self.found) / n, 4) if n else None,
            "detector_frames": round(len(ran) / n, 4) if n else None,
            "detector_ms": round(float(np.mean(ran)), 2) if ran else None,
            "frame_ms_mean": round(float(np.mean(self.frame_ms)), 2) if n else None,
            "frame_ms_p50": round(float(np.median(self.frame_ms)), 2) if n else None,
        }

    def extend(self, other: Tally) -> None:
        for name in ("found", "detected", "detector_ms", "frame_ms", "missed"):
            getattr(self, name).extend(getattr(other, name))


def measure_session(
    frames: Sequence[RoomFrame], make_tracker: Callable[[dict[str, Any]], Any]
) -> dict[str, dict[str, Tally]]:
    """Stream and still tallies of each configuration on one session's frames (each frame decoded
    once, the configurations interleaved so that a busy machine slows them alike)."""
    streams = {name: make_tracker(kwargs) for name, kwargs in CONFIGS.items()}
    stills = {name: make_tracker(kwargs) for name, kwargs in CONFIGS.items()}
    out = {name: {"stream": Tally.empty(), "still": Tally.empty()} for name in CONFIGS}
    for frame, image in _images(frames):
        for name in CONFIGS:
            start = time.perf_counter()
            result = streams[name].process(image)
            out[name]["stream"].add(frame, result, time.perf_counter() - start)
            start = time.perf_counter()
            result = stills[name].still(image)
            out[name]["still"].add(frame, result, time.perf_counter() - start)
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    from game.vision.gesture_setup import live_inference_threads
    from game.vision.hands import HandModels, HandTracker

    root = Path(args.images).expanduser() if args.images else SHARED_ROOMS
    sessions = session_frames(root)
    threads = live_inference_threads()
    models = HandModels(num_threads=threads)
    total = sum(map(len, sessions.values()))
    log(f"{total} frames in {len(sessions)} sessions from {root}, {threads} threads")
    totals = {name: {"stream": Tally.empty(), "still": Tally.empty()} for name in CONFIGS}
    per_session: dict[str, dict[str, Any]] = {}
    for session, frames in sessions.items():
        tallies = measure_session(frames, lambda kwargs: HandTracker(models, **kwargs))
        per_session[session] = {
            name: {mode: t.summary() for mode, t in modes.items()} for name, modes in tallies.items()
        }
        for name, modes in tallies.items():
            for mode, tally in modes.items():
                totals[name][mode].extend(tally)
        default = per_session[session][next(iter(CONFIGS))]
        log(
            f"session {session}: {len(frames)} frames, recall stream {default['stream']['recall']} "
            f"still {default['still']['recall']}"
        )
    overall = {name: {mode: t.summary() for mode, t in modes.items()} for name, modes in totals.items()}
    out: dict[str, Any] = {
        "images": str(root),
        "threads": threads,
        "configs": {name: {k: repr(v) for k, v in kwargs.items()} for name, kwargs in CONFIGS.items()},
        "overall": overall,
        "per_session": per_session,
        "missed": {
            name: {mode: totals[name][mode].missed for mode in ("stream", "still")} for name in CONFIGS
        },
    }
    if "plain" in overall:
        out["ratios"] = {
            name: {
                mode: {
                    key: _ratio(overall[name][mode][key], overall["plain"][mode][key])
                    for key in ("frame_ms_mean", "frame_ms_p50", "detector_frames", "detector_ms")
                }
                for mode in ("stream", "still")
            }
            for name in overall
            if name != "plain"
        }
    return out
