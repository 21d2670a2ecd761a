"""``gesture-pacman evaluate``: accuracy of a saved profile on a folder of labelled images.

Images go through the profile's recognizer (``frame``: its own preprocessing and the per-frame
LiteRT backbone, one image at a time; ``hand``: the hand stage on each image) and the head as play
evaluates it, from the profile's ``head.npz``. So evaluate does not import TensorFlow (about 700 MiB
and seconds of start-up) unless the backbone has never been converted on this machine. An image
in which a hand profile finds no hand counts as wrong ("no hand" is idle, never a class) and is
counted in ``no_hand``. Prints a per-class table, or one JSON object with ``--json``, on stdout;
progress bars go to stderr when it is a terminal (not with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from game.commands.terminal import bars_enabled, progress
from game.config import models_dir, profile_dir

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from game.vision.features import WeightsUnavailableError
    from game.vision.hands import HandModelError
    from game.vision.images import DatasetError
    from game.vision.profile import ProfileError

    try:
        report = evaluate(args)
    except (DatasetError, ProfileError, WeightsUnavailableError, HandModelError, OSError) as exc:
        _say(f"gesture-pacman evaluate: {exc}")
        return 1
    if args.json:
        print(json.dumps(report))
    else:
        print(format_table(report))
    return 0


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    """The report; progress bars on stderr (a terminal, no ``--json``) while it is computed."""
    bars = bars_enabled(args.json)
    loading = progress(3, "loading profile, photos", "step", bars)
    models = models_dir(args.models)
    folder = profile_dir(args.profile, models)
    try:
        return _evaluate(args, folder, models, loading, bars)
    finally:
        loading.close()


def _evaluate(
    args: argparse.Namespace, folder: Path, models: Path, loading: Any, bars: bool
) -> dict[str, Any]:
    import numpy as np

    from game.vision.classifier import NumpyHead
    from game.vision.features import LiteRTBackbone
    from game.vision.images import DatasetError, class_folders, load_labelled_folder
    from game.vision.profile import ProfileError, load_profile
    from game.vision.recognizer import FRAME, image_features

    profile = load_profile(folder, keras_head=False)  # the head as play reads it: no TensorFlow
    loading.update(1)
    if profile.head_arrays is None:
        raise ProfileError(f"{folder} has no trained head yet: calibrate or train it first")
    root = Path(args.images).expanduser()
    present = [name for name, _ in class_folders(root, minimum=1)]  # one class can be scored too
    foreign = [name for name in present if name not in profile.classes]
    if foreign:
        raise DatasetError(
            f"the profile has no class {', '.join(foreign)} (it knows {', '.join(profile.classes)})"
        )
    # The pipeline uses a square crop of preprocess.size: twice that on the short side is all
    # that is kept of each photo, so a folder of 12-megapixel photos costs little memory.
    short_side = 2 * profile.preprocess.size
    data = load_labelled_folder(root, [c for c in profile.classes if c in present], short_side)
    labels = np.asarray([profile.classes.index(data.classes[i]) for i in data.labels], dtype=np.int64)
    loading.update(1)

    runtime = None
    if profile.recognizer == FRAME:  # only a frame profile loads MobileNet (hand: models/*.tflite)
        loading.set_description("loading profile, photos, MobileNet")
        weights = Path(args.weights) if args.weights else None
        # The cached conversion when there is one (no TensorFlow), else converted once and cached.
        runtime = LiteRTBackbone.load(models, weights)  # every core: nothing else runs
        if runtime.backbone_id != profile.backbone_id:
            raise ProfileError(
                f"{folder} was trained on {profile.backbone_id} but these weights are {runtime.backbone_id}"
            )
    loading.update(1)
    loading.close()
    with progress(len(data), "features", "img", bars) as bar:
        rows = image_features(
            profile.recognizer, data.images, runtime=runtime, preprocess=profile.preprocess,
            on_batch=bar.update,
        )  # fmt: skip
    if rows.backbone_id != profile.backbone_id:
        raise ProfileError(
            f"{folder} was trained on {profile.backbone_id} but the hand models are {rows.backbone_id}"
        )
    pred = np.argmax(NumpyHead(profile.head_arrays)(rows.features), axis=1)
    pred[~rows.found] = -1  # no hand: idle, which is never the right class
    n_classes = len(profile.classes)
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(confusion, (labels[rows.found], pred[rows.found]), 1)
    # Per class over all its images, a "no hand" among them counting as wrong like in ``accuracy``.
    per_class = {
        c: float(np.mean(pred[labels == i] == i)) if np.any(labels == i) else math.nan
        for i, c in enumerate(profile.classes)
    }
    return {
        "accuracy": float(np.mean(pred == labels)),
        "classes": profile.classes,
        "per_class": {c: (None if math.isnan(a) else a) for c, a in per_class.items()},
        "confusion": confusion.tolist(),
        "n": len(labels),
        "recognizer": profile.recognizer,
        "no_hand": int((~rows.found).sum()),
        "skipped": len(data.skipped),
    }


def format_table(report: dict[str, Any]) -> str:
    classes: list[str] = report["classes"]
    width = max(6, *(len(c) for c in classes))
    lines = [f"accuracy {report['accuracy']:.3f} on {report['n']} images ({report['recognizer']} recognizer)"]
    if report["no_hand"]:
        lines.append(f"no hand found in {report['no_hand']} images (counted as wrong)")
    if report["skipped"]:
        lines[0] += f" ({report['skipped']} files skipped: not usable images)"
    lines.append("")
    lines.append(f"{'true':<{width}}  {'acc':>5}  " + " ".join(f"{c:>{width}}" for c in classes))
    for i, name in enumerate(classes):
        acc = report["per_class"][name]
        shown = "  -  " if acc is None else f"{acc:.3f}"
        row = " ".join(f"{n:>{width}}" for n in report["confusion"][i])
        lines.append(f"{name:<{width}}  {shown:>5}  {row}")
    lines.append("(rows: true class; columns: predicted class)")
    return "\n".join(lines)
