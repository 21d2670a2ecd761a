"""Deterministic gesture play without a window: one video frame per game step, one log line per frame.

The live game runs the predictor on a background thread and drops frames it cannot keep up
with, so what Pac-Man does depends on the machine's speed. This run is the reproducible
counterpart used by tests and for debugging a recorded session: it reads a video frame,
classifies it synchronously, smooths it into an intent and steps the world once, so the same
video, profile, settings and seed always give the same game. Each step is written as one JSON
line: ``{"frame", "t", "probs", "raw", "intent", "pacman_dir", "latency_ms"}``.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np

from game.commands.options import PlayOptions
from game.core.levels import TICK
from game.core.state import Phase, World
from game.core.types import Intent, Tile
from game.core.world import new_world, step
from game.files import atomic_text
from game.input.gesture import GestureSettings
from game.vision.camera import CameraError, FrameSource, open_source
from game.vision.gesture_setup import GestureSetupError, load_gesture_classifier
from game.vision.pending_corrections import waiting_note
from game.vision.types import Prediction

Classify = Callable[[np.ndarray, float], Prediction]
StepWorld = Callable[[World, Intent], object]


class EndReason(Enum):
    """Why a headless run stopped; the value completes "stopped because …"."""

    VIDEO_ENDED = "the video ended"
    TIME_LIMIT = "the time limit was reached"
    GAME_OVER = "the game is over"


@dataclass(frozen=True)
class FrameRecord:
    """One game step of the run, as logged."""

    frame: int
    t: float
    probs: Mapping[str, float]
    raw: str
    intent: str | None
    pacman_dir: str
    latency_ms: float
    tile: Tile

    def to_json(self) -> str:
        return json.dumps(
            {
                "frame": self.frame,
                "t": round(self.t, 6),
                "probs": {name: round(float(p), 6) for name, p in self.probs.items()},
                "raw": self.raw,
                "intent": self.intent,
                "pacman_dir": self.pacman_dir,
                "latency_ms": round(self.latency_ms, 3),
            }
        )


@dataclass
class HeadlessSummary:
    """What a headless run did, for its closing message and for tests."""

    frames: int = 0
    seconds: float = 0.0
    end: EndReason = EndReason.VIDEO_ENDED
    score: int = 0
    tiles_visited: set[Tile] = field(default_factory=set)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def median_latency_ms(self) -> float | None:
        return statistics.median(self.latencies_ms) if self.latencies_ms else None


def run_headless(
    source: FrameSource,
    classify: Classify,
    world: World,
    step_world: StepWorld,
    settings: GestureSettings,
    *,
    step_seconds: float,
    max_seconds: float | None = None,
    on_record: Callable[[FrameRecord], None] | None = None,
) -> HeadlessSummary:
    """Play until the video ends, ``max_seconds`` of game time pass or the game is over.

    Staleness is switched off: game time, not wall time, is what passes here.
    """
    current: list[Prediction] = []
    gesture = settings.make_input(lambda: current[-1] if current else None, stale_after=None)
    summary = HeadlessSummary()
    max_steps = None if max_seconds is None else round(max_seconds / step_seconds)
    while True:
        if max_steps is not None and summary.frames >= max_steps:
            summary.end = EndReason.TIME_LIMIT
            break
        if world.phase is Phase.GAME_OVER:
            summary.end = EndReason.GAME_OVER
            break
        frame = source.read()
        if frame is None:
            summary.end = EndReason.VIDEO_ENDED
            break
        t = summary.frames * step_seconds
        result = classify(frame.image, t)
        current[:] = [result]
        intent = gesture.poll(world)
        step_world(world, intent)
        record = FrameRecord(
            frame=summary.frames,
            t=t,
            probs=result.probs,
            raw=result.top,
            intent=intent.direction.name.lower() if intent.direction else None,
            pacman_dir=world.pacman.direction.name.lower(),
            latency_ms=result.latency_ms,
            tile=world.pacman.tile,
        )
        summary.frames += 1
        summary.tiles_visited.add(record.tile)
        summary.latencies_ms.append(record.latency_ms)
        if on_record is not None:
            on_record(record)
    summary.seconds = summary.frames * step_seconds
    summary.score = world.score
    return summary


@contextmanager
def jsonl_writer(path: Path) -> Iterator[Callable[[FrameRecord], None]]:
    """Yield a record writer for ``path``; the file appears complete when the block ends, or not at all."""
    with atomic_text(path) as handle:

        def write(record: FrameRecord) -> None:
            handle.write(record.to_json() + "\n")

        yield write


def run_cli(options: PlayOptions) -> int:
    """``gesture-pacman play --headless``: play the checked options' video, print a summary; 0 on success."""
    source_options = options.source
    video, log_path = source_options.video, options.log
    assert video is not None, "PlayOptions.from_args requires --video with --headless"
    # The video first: it is cheap to check, while loading the model takes seconds.
    try:
        source = open_source(None, video, loop=False, paced=False)
    except CameraError as exc:
        return _fail(str(exc))
    try:
        classifier = load_gesture_classifier(
            source_options.profile_dir, source_options.models, source_options.weights
        )
    except GestureSetupError as exc:
        source.close()
        return _fail(str(exc))
    note = waiting_note(source_options.profile_dir)  # this run does not learn: they stay
    if note is not None:
        print(note, file=sys.stderr)
    world = new_world(0 if options.seed is None else options.seed)
    try:
        with source, contextlib.ExitStack() as stack:
            on_record = stack.enter_context(jsonl_writer(log_path)) if log_path is not None else None
            summary = run_headless(
                source,
                classifier.predict,
                world,
                step,
                options.gesture,
                step_seconds=TICK,
                max_seconds=options.seconds,
                on_record=on_record,
            )
            if summary.frames == 0 and summary.end is EndReason.VIDEO_ENDED:
                raise _NoFrames  # leaves no empty log behind
    except _NoFrames:
        return _fail(f"{video} has no frame OpenCV can decode (an empty or damaged video)")
    except OSError as exc:
        # Nothing else in the run touches the file system: this is the log (read-only folder, disk full).
        return _fail(f"cannot write the log {log_path}: {exc.strerror or exc}")
    print(
        f"Played {summary.frames} frames ({summary.seconds:.2f} s of game time); stopped because "
        f"{summary.end.value}. Pac-Man visited {len(summary.tiles_visited)} tile(s), score {summary.score}."
    )
    if summary.median_latency_ms is not None:
        print(f"Median per-frame latency (preprocessing + inference): {summary.median_latency_ms:.1f} ms")
    if log_path is not None:
        print(f"Log: {log_path}")
    return 0


class _NoFrames(Exception):
    """The video opened but gave no frame at all."""


def _fail(message: str) -> int:
    print(f"gesture-pacman play: {message}", file=sys.stderr)
    return 2
