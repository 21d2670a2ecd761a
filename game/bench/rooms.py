"""``bench --suite rooms``: calibrate on a burst of webcam frames, test on the rest of the session.

The room protocol (issue 8). ``DIR/<session>/<class>/*.jpg`` holds webcam frames (640x480, the
hand one part of a room scene), grouped by recording session; within a class, file names sort
in recording order. For each session and each choice of 4 classes that each have at least
``N + MIN_TEST_PER_CLASS`` frames, a head is trained on the first ``N`` frames of each class (a
calibration burst) and tested on all the later ones, for ``N`` in :data:`CALIBRATION_SIZES` and
every seed in :data:`SEEDS`. Every recipe runs on the same features in the same run:

* ``accuracy`` is balanced (the mean of the per-class accuracies on the test frames), so a class
  with many frames does not decide a session's figure;
* a session's figure is the mean over its class choices and seeds; the overall ``mean`` weighs
  each session once;
* ``reported`` is the validation accuracy that training itself reports for the same head (what
  the calibration screen and ``train`` show), and ``gap`` = reported - measured, over the runs
  that report one (``no_val_runs`` counts the others).

The feature step is pluggable by recognizer (:class:`RoomRecognizer`): the whole-frame MobileNet
recognizer ``frame`` always runs; the hand-landmark recognizer ``hand`` is measured beside it when
``game.vision.recognizer`` provides it (a frame without a hand: left out of calibration, wrong in
the test). Features are computed once per recognizer and preprocessing in each run, so training
dominates, not the backbone.

Images default to ``../shared/data/rooms`` next to the checkout.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from game.config import REPO_ROOT
from game.vision.images import DatasetError
from game.vision.training import TrainingError

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SHARED_ROOMS = REPO_ROOT.parent / "shared" / "data" / "rooms"
#: Calibration frames per class (the first N of each class by file name).
CALIBRATION_SIZES = (10, 20)
#: A class takes part only when at least this many frames are left to test it on.
MIN_TEST_PER_CLASS = 5
CLASSES_PER_RUN = 4
SEEDS = (0, 1, 2)

Log = Callable[[str], None]


class RoomsError(DatasetError):
    """The rooms folder cannot be used; the message names the folder."""


@dataclass
class Session:
    """One recording session: images per class, each list in recording (file-name) order."""

    name: str
    frames: dict[str, list[np.ndarray]]


@dataclass(frozen=True)
class Trained:
    """What the bench needs from a trained head: class probabilities, and the figure training reported."""

    predict: Callable[[np.ndarray], np.ndarray]
    val_accuracy: float | None
    note: str = ""


class RoomRecognizer(Protocol):
    """A feature step plus the head recipes measured on it.

    ``recipes`` names the recipes (the first is the recognizer's default); ``feature_key(recipe)``
    says which recipes share features (same key: computed once); ``features`` turns RGB ``uint8``
    frames into one feature row each; ``train`` fits a head on rows with integer labels.
    """

    name: str

    def recipes(self) -> Sequence[str]: ...

    def feature_key(self, recipe: str) -> str: ...

    def features(self, images: Sequence[np.ndarray], recipe: str) -> np.ndarray: ...

    def train(
        self, features: np.ndarray, labels: np.ndarray, classes: Sequence[str], recipe: str, seed: int
    ) -> Trained: ...


@dataclass
class FrameRecognizer:
    """The whole-frame MobileNet recognizer: the default recipe and the seed's, each with its crop."""

    extractor: Any  # FeatureExtractor; TensorFlow is imported lazily
    name: str = "frame"
    settings: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from game.vision.preprocess import DEFAULT_PREPROCESS, PreprocessConfig
        from game.vision.training import DEFAULT, ORIGINAL_RECIPE

        if not self.settings:
            # The seed cropped the centre square of each frame.
            self.settings = {
                "default": (DEFAULT_PREPROCESS, DEFAULT),
                "original": (PreprocessConfig(crop="center"), ORIGINAL_RECIPE),
            }

    def recipes(self) -> Sequence[str]:
        return list(self.settings)

    def feature_key(self, recipe: str) -> str:
        preprocess, _ = self.settings[recipe]
        return repr(preprocess)

    def features(self, images: Sequence[np.ndarray], recipe: str) -> np.ndarray:
        preprocess, _ = self.settings[recipe]
        return np.asarray(self.extractor.from_images(list(images), preprocess))

    def train(
        self, features: np.ndarray, labels: np.ndarray, classes: Sequence[str], recipe: str, seed: int
    ) -> Trained:
        from game.vision.classifier import NumpyHead
        from game.vision.training import train_head

        _, config = self.settings[recipe]
        result = train_head(features, labels, classes, config, seed=seed)
        return Trained(NumpyHead(result.head), result.val_accuracy, result.note)


def load_sessions(root: Path) -> list[Session]:
    """``root/<session>/<class>/*`` read into RGB frames; raises :class:`RoomsError` if there is nothing."""
    from game.vision.camera import list_images
    from game.vision.images import read_rgb

    if not root.is_dir():
        raise RoomsError(
            f"no room recordings at {root}: pass --images DIR with DIR/<session>/<class>/*.jpg "
            "(the shared data has them in ../shared/data/rooms)"
        )
    sessions = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        frames: dict[str, list[np.ndarray]] = {}
        for class_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            images = [im for im in (read_rgb(f) for f in sorted(list_images(class_dir))) if im is not None]
            if images:
                frames[class_dir.name] = images
        if frames:
            sessions.append(Session(folder.name, frames))
    if not sessions:
        raise RoomsError(f"{root} holds no <session>/<class>/ folders with images")
    return sessions


def class_choices(session: Session, n: int, per_run: int = CLASSES_PER_RUN) -> list[tuple[str, ...]]:
    """Every choice of ``per_run`` classes that each have ``n`` calibration frames and enough to test."""
    usable = [c for c, frames in session.frames.items() if len(frames) >= n + MIN_TEST_PER_CLASS]
    return list(itertools.combinations(usable, per_run))


def balanced_accuracy(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    """Mean of the per-class accuracies over the classes present in ``labels``."""
    per_class = [float(np.mean(predicted[labels == c] == c)) for c in range(n_classes) if np.any(labels == c)]
    return float(np.mean(per_class))


def _round(value: Any) -> float:
    return round(float(value), 4)


def _summary(runs: list[dict[str, Any]], seeds: Sequence[int]) -> dict[str, Any]:
    """Mean (sessions weighed once), per session, per seed, and the reported-vs-measured gap."""
    sessions = sorted({r["session"] for r in runs})
    per_session = {s: float(np.mean([r["measured"] for r in runs if r["session"] == s])) for s in sessions}

    def session_weighted(rows: list[dict[str, Any]], key: str) -> float | None:
        means = [
            np.mean([r[key] for r in rows if r["session"] == s])
            for s in sessions
            if any(r["session"] == s for r in rows)
        ]
        return float(np.mean(means)) if means else None

    per_seed = [session_weighted([r for r in runs if r["seed"] == seed], "measured") for seed in seeds]
    with_val = [r for r in runs if r["reported"] is not None]
    reported = session_weighted(with_val, "reported")
    measured_with_val = session_weighted(with_val, "measured")
    return {
        "mean": _round(np.mean(list(per_session.values()))),
        "per_session": {s: _round(v) for s, v in per_session.items()},
        "per_seed": [None if v is None else _round(v) for v in per_seed],
        "seed_sd": _round(np.std([v for v in per_seed if v is not None])),
        "reported_mean": None if reported is None else _round(reported),
        "gap_mean": None
        if reported is None or measured_with_val is None
        else _round(reported - measured_with_val),
        "no_val_runs": len(runs) - len(with_val),
        "runs": len(runs),
    }


def room_protocol(
    recognizer: RoomRecognizer,
    sessions: Sequence[Session],
    log: Log,
    sizes: Sequence[int] = CALIBRATION_SIZES,
    seeds: Sequence[int] = SEEDS,
) -> dict[str, Any]:
    """Every recipe of ``recognizer`` on every (N, session, class choice, seed); features computed once."""
    recipes = list(recognizer.recipes())
    cache: dict[tuple[str, str, str], np.ndarray] = {}

    def features(session: Session, cls: str, recipe: str) -> np.ndarray:
        key = (recognizer.feature_key(recipe), session.name, cls)
        if key not in cache:
            cache[key] = recognizer.features(session.frames[cls], recipe)
        return cache[key]

    result: dict[str, Any] = {}
    for n in sizes:
        runs: dict[str, list[dict[str, Any]]] = {r: [] for r in recipes}
        for session in sessions:
            for choice in class_choices(session, n):
                for recipe in recipes:
                    rows = [features(session, c, recipe) for c in choice]
                    x_train = np.concatenate([r[:n] for r in rows])
                    y_train = np.repeat(np.arange(len(choice)), n)
                    x_test = np.concatenate([r[n:] for r in rows])
                    y_test = np.concatenate([np.full(len(r) - n, i) for i, r in enumerate(rows)])
                    # Rows of NaN: the recognizer saw nothing (no hand) there.
                    seen = ~np.isnan(x_train.reshape(len(x_train), -1)).any(axis=1)
                    x_train, y_train = x_train[seen], y_train[seen]
                    test_seen = ~np.isnan(x_test.reshape(len(x_test), -1)).any(axis=1)
                    for seed in seeds:
                        try:
                            trained = recognizer.train(x_train, y_train, list(choice), recipe, seed)
                        except TrainingError as exc:  # too few frames with something seen
                            log(f"{recognizer.name} {recipe} {session.name} {'/'.join(choice)}: {exc}")
                            continue
                        predicted = np.full(len(x_test), -1)
                        if test_seen.any():
                            predicted[test_seen] = np.argmax(trained.predict(x_test[test_seen]), axis=1)
                        runs[recipe].append(
                            {
                                "session": session.name,
                                "classes": list(choice),
                                "seed": seed,
                                "measured": balanced_accuracy(y_test, predicted, len(choice)),
                                "reported": trained.val_accuracy,
                            }
                        )
                log(
                    f"{recognizer.name} N={n} session {session.name} {'/'.join(choice)}: "
                    + " ".join(
                        f"{r} {np.mean([x['measured'] for x in runs[r][-len(seeds) :]]):.3f}" for r in recipes
                    )
                )
        if not runs[recipes[0]]:
            result[f"n{n}"] = {
                "runs": 0,
                "note": f"no session has {CLASSES_PER_RUN} classes with {n + MIN_TEST_PER_CLASS}+ frames",
            }
            continue
        summaries = {r: _summary(runs[r], seeds) for r in recipes if runs[r]}
        entry: dict[str, Any] = {
            "sessions": sorted({r["session"] for r in runs[recipes[0]]}),
            "recipes": summaries,
        }
        if "original" in summaries and recipes[0] in summaries and recipes[0] != "original":
            entry["default_minus_original"] = _round(
                summaries[recipes[0]]["mean"] - summaries["original"]["mean"]
            )
        result[f"n{n}"] = entry
    return result


@dataclass
class HandRecognizer:
    """The hand-landmark recognizer (issue 13), through ``game.vision.recognizer.image_features``.

    A frame in which no hand is found gets a row of NaN: it is left out of calibration and counts
    as wrong in the test (play would not steer with it)."""

    image_features: Callable[..., Any]
    default: Any  # HeadConfig for hand features
    name: str = "hand"

    def recipes(self) -> Sequence[str]:
        return ["default", "original"]

    def feature_key(self, recipe: str) -> str:
        return "hand"

    def features(self, images: Sequence[np.ndarray], recipe: str) -> np.ndarray:
        rows = self.image_features("hand", list(images))
        x = np.asarray(rows.features, dtype=np.float32).copy()
        x[~np.asarray(rows.found, dtype=bool)] = np.nan
        return x

    def train(
        self, features: np.ndarray, labels: np.ndarray, classes: Sequence[str], recipe: str, seed: int
    ) -> Trained:
        from game.vision.classifier import NumpyHead
        from game.vision.training import ORIGINAL_RECIPE, train_head

        config = self.default if recipe == "default" else ORIGINAL_RECIPE
        result = train_head(features, labels, classes, config, seed=seed)
        return Trained(NumpyHead(result.head), result.val_accuracy, result.note)


def optional_recognizers(log: Log) -> list[RoomRecognizer]:
    """The hand recognizer when its module is there (``image_features`` and a hand recipe)."""
    try:
        recognizer = importlib.import_module("game.vision.recognizer")
        training = importlib.import_module("game.vision.training")
    except ImportError:
        return []
    image_features = getattr(recognizer, "image_features", None)
    default_recipe = getattr(training, "default_recipe", None)
    if image_features is None or default_recipe is None:
        return []
    log("also measuring the hand recognizer (game.vision.recognizer)")
    return [HandRecognizer(image_features, default_recipe("hand"))]


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    from game.vision.features import FeatureExtractor, load_backbone

    root = Path(args.images).expanduser() if args.images else SHARED_ROOMS
    sessions = load_sessions(root)
    total = sum(len(f) for s in sessions for f in s.frames.values())
    log(f"{total} frames in {len(sessions)} sessions from {root}")
    extractor = FeatureExtractor(load_backbone(Path(args.weights) if args.weights else None))
    recognizers: list[RoomRecognizer] = [FrameRecognizer(extractor), *optional_recognizers(log)]
    out: dict[str, Any] = {
        "images": str(root),
        "calibration_sizes": list(CALIBRATION_SIZES),
        "min_test_per_class": MIN_TEST_PER_CLASS,
        "classes_per_run": CLASSES_PER_RUN,
        "seeds": list(SEEDS),
        "accuracy": "balanced (mean of per-class accuracies on the later frames)",
        "recognizers": {},
    }
    for recognizer in recognizers:
        out["recognizers"][recognizer.name] = room_protocol(recognizer, sessions, log)
    frame = out["recognizers"]["frame"]
    for n in CALIBRATION_SIZES:
        entry = frame.get(f"n{n}", {})
        if {"default", "original"} <= set(entry.get("recipes", {})):
            out[f"n{n}_default_mean"] = entry["recipes"]["default"]["mean"]
            out[f"n{n}_original_mean"] = entry["recipes"]["original"]["mean"]
            out[f"n{n}_default_minus_original"] = entry["default_minus_original"]
            out[f"n{n}_default_gap_mean"] = entry["recipes"]["default"]["gap_mean"]
    hand = out["recognizers"].get("hand", {})
    for n in CALIBRATION_SIZES:
        h, f = hand.get(f"n{n}", {}), frame.get(f"n{n}", {})
        if "default" in h.get("recipes", {}) and "default" in f.get("recipes", {}):
            out[f"n{n}_hand_default_mean"] = h["recipes"]["default"]["mean"]
            out[f"n{n}_hand_default_gap_mean"] = h["recipes"]["default"]["gap_mean"]
            out[f"n{n}_hand_minus_frame"] = _round(
                h["recipes"]["default"]["mean"] - f["recipes"]["default"]["mean"]
            )
    return out
