"""``bench --suite rooms``: calibrate on a burst of webcam frames, test on the rest of the session and
on other sessions.

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

Cross-session (:func:`cross_session_protocol`; a player calibrates once and plays another day, in
other light, maybe another room). Only the recognizer's default recipe, ``N`` and seeds as above:

* ``one_session``: for each session A and each choice of 4 classes that each have at least ``N``
  frames in A (at most :data:`MAX_CROSS_CHOICES_ONE` choices a session, spread evenly over the
  sorted list when there are more), a head is trained on the first ``N`` frames of each class of
  A and tested on every *other* session B that has at least :data:`MIN_CROSS_TEST_CLASSES` of
  those classes with at least :data:`MIN_CROSS_TEST_PER_CLASS` frames each: balanced accuracy
  over those classes on all of B's frames of them (a frame with no hand found counts wrong).
  A run's figure is the mean over its test sessions, so each room counts once however many
  frames it has; a calibration session's figure is the mean over its choices and seeds, and
  ``mean`` weighs each calibration session once (``per_test_session``: each test session's mean
  over the runs that tested it);
* ``two_sessions``: the same, calibrated on the first ``N // 2`` frames of each class from each of
  two sessions (the same ``N`` per class in all, from two recordings; at most
  :data:`MAX_CROSS_CHOICES_TWO` choices a pair), tested on every third session.
  ``matched_one_session`` is what heads trained on the first ``N`` of either session alone (where
  it has them) score on the same classes and test sessions, and ``two_minus_one`` the difference:
  what calibration variety (the calibration screen's meter) is worth at equal frame count.

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
#: Cross-session: a session tests a class only when it has this many frames of it, and a head only
#: when it has this many of the head's classes.
MIN_CROSS_TEST_PER_CLASS = 3
MIN_CROSS_TEST_CLASSES = 2
#: Cross-session: most class choices per calibration session, and per pair of sessions (runtime).
MAX_CROSS_CHOICES_ONE = 5
MAX_CROSS_CHOICES_TWO = 3

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


class FeatureCache:
    """Feature rows per (feature key, session, class), computed once a run for every protocol."""

    def __init__(self, recognizer: RoomRecognizer) -> None:
        self.recognizer = recognizer
        self.rows: dict[tuple[str, str, str], np.ndarray] = {}

    def __call__(self, session: Session, cls: str, recipe: str) -> np.ndarray:
        key = (self.recognizer.feature_key(recipe), session.name, cls)
        if key not in self.rows:
            self.rows[key] = self.recognizer.features(session.frames[cls], recipe)
        return self.rows[key]


def _seen(x: np.ndarray) -> np.ndarray:
    """Rows that are not NaN: the recognizer saw something (a hand) there."""
    return ~np.isnan(x.reshape(len(x), -1)).any(axis=1)


def room_protocol(
    recognizer: RoomRecognizer,
    sessions: Sequence[Session],
    log: Log,
    sizes: Sequence[int] = CALIBRATION_SIZES,
    seeds: Sequence[int] = SEEDS,
    cache: FeatureCache | None = None,
) -> dict[str, Any]:
    """Every recipe of ``recognizer`` on every (N, session, class choice, seed); features computed once."""
    recipes = list(recognizer.recipes())
    features = cache or FeatureCache(recognizer)

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
                    seen = _seen(x_train)
                    x_train, y_train = x_train[seen], y_train[seen]
                    test_seen = _seen(x_test)
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


def cross_choices(group: Sequence[Session], per_session: int, limit: int) -> list[tuple[str, ...]]:
    """Choices of :data:`CLASSES_PER_RUN` classes with ``per_session`` frames in every session of
    ``group``; when there are more than ``limit``, ``limit`` of them spread evenly over the list."""
    usable = sorted(
        set.intersection(*({c for c, f in s.frames.items() if len(f) >= per_session} for s in group))
    )
    choices = list(itertools.combinations(usable, CLASSES_PER_RUN))
    if len(choices) <= limit:
        return choices
    return [choices[i] for i in np.linspace(0, len(choices) - 1, limit).round().astype(int)]


def cross_targets(
    sessions: Sequence[Session], group: Sequence[Session], choice: Sequence[str]
) -> list[tuple[Session, list[str]]]:
    """The sessions outside ``group`` that test a head on ``choice``, each with the classes it tests:
    those with :data:`MIN_CROSS_TEST_PER_CLASS` frames there, at least :data:`MIN_CROSS_TEST_CLASSES`."""
    names = {s.name for s in group}
    targets = []
    for session in sessions:
        if session.name in names:
            continue
        tested = [c for c in choice if len(session.frames.get(c, ())) >= MIN_CROSS_TEST_PER_CLASS]
        if len(tested) >= MIN_CROSS_TEST_CLASSES:
            targets.append((session, tested))
    return targets


def _cross_summary(runs: list[dict[str, Any]], seeds: Sequence[int]) -> dict[str, Any]:
    """Mean (calibration groups weighed once), per calibration group, per seed, per test session."""
    groups = sorted({r["calibration"] for r in runs})

    def group_weighted(rows: list[dict[str, Any]], key: str) -> float | None:
        present = [g for g in groups if any(r["calibration"] == g for r in rows)]
        means = [np.mean([r[key] for r in rows if r["calibration"] == g]) for g in present]
        return float(np.mean(means)) if means else None

    per_group = {g: _round(np.mean([r["measured"] for r in runs if r["calibration"] == g])) for g in groups}
    per_seed = [group_weighted([r for r in runs if r["seed"] == seed], "measured") for seed in seeds]
    tests = sorted({t for r in runs for t in r["per_test"]})
    per_test = {t: _round(np.mean([r["per_test"][t] for r in runs if t in r["per_test"]])) for t in tests}
    out: dict[str, Any] = {
        "mean": _round(np.mean(list(per_group.values()))),
        "per_calibration": per_group,
        "per_seed": [None if v is None else _round(v) for v in per_seed],
        "seed_sd": _round(np.std([v for v in per_seed if v is not None])),
        "per_test_session": per_test,
        "runs": len(runs),
    }
    matched = [r for r in runs if r.get("one_session") is not None]
    if matched:
        # The same classes and test sessions, calibrated on N frames of one of the two sessions.
        two, one = group_weighted(matched, "measured"), group_weighted(matched, "one_session")
        out["matched_runs"] = len(matched)
        out["matched_two_sessions"] = None if two is None else _round(two)
        out["matched_one_session"] = None if one is None else _round(one)
        out["two_minus_one"] = None if two is None or one is None else _round(two - one)
    return out


def cross_session_protocol(
    recognizer: RoomRecognizer,
    sessions: Sequence[Session],
    log: Log,
    sizes: Sequence[int] = CALIBRATION_SIZES,
    seeds: Sequence[int] = SEEDS,
    recipes: Sequence[str] | None = None,
    cache: FeatureCache | None = None,
) -> dict[str, Any]:
    """Calibrate on one session's burst (or two sessions' half bursts), test on the other sessions.

    ``one_session``: for each session A and each class choice (at most
    :data:`MAX_CROSS_CHOICES_ONE`) with ``N`` frames of every class in A, the head is trained on the
    first ``N`` of each and tested on every other session B that has at least
    :data:`MIN_CROSS_TEST_CLASSES` of the classes with :data:`MIN_CROSS_TEST_PER_CLASS` frames
    each: balanced accuracy over those classes on all of B's frames of them (no hand: wrong).
    A run's figure is the mean over its test sessions (each room weighed once, however many
    frames it has). ``two_sessions``: the same with the first ``N // 2`` frames of each class from
    each of two sessions (the same ``N`` per class in all; at most :data:`MAX_CROSS_CHOICES_TWO`
    choices a pair), tested on every third session; ``matched_one_session`` is the heads trained
    on the first ``N`` of either session alone (where it has them), on the same classes and test
    sessions. Only the recognizer's first (default) recipe unless ``recipes`` says otherwise.
    """
    recipes = list(recipes if recipes is not None else recognizer.recipes()[:1])
    features = cache or FeatureCache(recognizer)
    heads: dict[tuple[Any, ...], Trained | None] = {}

    def trained(
        group: Sequence[Session], per: int, choice: Sequence[str], recipe: str, seed: int
    ) -> Trained | None:
        key = (tuple(s.name for s in group), per, tuple(choice), recipe, seed)
        if key not in heads:
            x = np.concatenate([features(s, c, recipe)[:per] for c in choice for s in group])
            y = np.repeat(np.arange(len(choice)), per * len(group))
            seen = _seen(x)
            try:
                heads[key] = recognizer.train(x[seen], y[seen], list(choice), recipe, seed)
            except TrainingError as exc:  # too few frames with something seen
                log(f"{recognizer.name} {recipe} {'+'.join(key[0])} {'/'.join(choice)}: {exc}")
                heads[key] = None
        return heads[key]

    def tested(
        head: Trained, choice: Sequence[str], targets: list[tuple[Session, list[str]]], recipe: str
    ) -> dict[str, float]:
        scores = {}
        for session, classes in targets:
            rows = [features(session, c, recipe) for c in classes]
            x = np.concatenate(rows)
            y = np.concatenate([np.full(len(r), choice.index(c)) for c, r in zip(classes, rows, strict=True)])
            predicted = np.full(len(x), -1)
            seen = _seen(x)
            if seen.any():
                predicted[seen] = np.argmax(head.predict(x[seen]), axis=1)
            scores[session.name] = balanced_accuracy(y, predicted, len(choice))
        return scores

    result: dict[str, Any] = {}
    for n in sizes:
        entry: dict[str, Any] = {}
        for mode, group_size, limit in (
            ("one_session", 1, MAX_CROSS_CHOICES_ONE),
            ("two_sessions", 2, MAX_CROSS_CHOICES_TWO),
        ):
            runs: dict[str, list[dict[str, Any]]] = {r: [] for r in recipes}
            for group in itertools.combinations(sessions, group_size):
                per = n // group_size
                for choice in cross_choices(group, per, limit):
                    targets = cross_targets(sessions, group, choice)
                    if not targets:
                        continue
                    for recipe, seed in itertools.product(recipes, seeds):
                        head = trained(group, per, choice, recipe, seed)
                        if head is None:
                            continue
                        per_test = tested(head, choice, targets, recipe)
                        run: dict[str, Any] = {
                            "calibration": "+".join(s.name for s in group),
                            "classes": list(choice),
                            "seed": seed,
                            "measured": float(np.mean(list(per_test.values()))),
                            "per_test": per_test,
                        }
                        if group_size > 1:
                            alone = [
                                trained((s,), n, choice, recipe, seed)
                                for s in group
                                if all(len(s.frames[c]) >= n for c in choice)
                            ]
                            one = [
                                np.mean(list(tested(h, choice, targets, recipe).values())) for h in alone if h
                            ]
                            run["one_session"] = float(np.mean(one)) if one else None
                        runs[recipe].append(run)
                    log(
                        f"{recognizer.name} cross N={n} {'+'.join(s.name for s in group)} {'/'.join(choice)} "
                        f"on {len(targets)} sessions: "
                        + " ".join(
                            f"{r} {np.mean([x['measured'] for x in runs[r][-len(seeds) :]]):.3f}"
                            for r in recipes
                            if runs[r]
                        )
                    )
            entry[mode] = (
                {r: _cross_summary(runs[r], seeds) for r in recipes if runs[r]}
                if any(runs.values())
                else {
                    "runs": 0,
                    "note": f"no {group_size} session(s) with {CLASSES_PER_RUN} classes of "
                    f"{n // group_size}+ frames",
                }
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
        cache = FeatureCache(recognizer)
        out["recognizers"][recognizer.name] = room_protocol(recognizer, sessions, log, cache=cache)
        out["recognizers"][recognizer.name]["cross_session"] = cross_session_protocol(
            recognizer, sessions, log, cache=cache
        )
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
    for name, figures in out["recognizers"].items():
        for n in CALIBRATION_SIZES:
            for mode, label in (("one_session", "cross"), ("two_sessions", "cross_two_sessions")):
                default = figures["cross_session"].get(f"n{n}", {}).get(mode, {}).get("default", {})
                if "mean" in default:
                    out[f"n{n}_{name}_{label}_mean"] = default["mean"]
                if default.get("two_minus_one") is not None:
                    out[f"n{n}_{name}_two_minus_one_session"] = default["two_minus_one"]
    return out
