"""``gesture-pacman train``: build a gesture profile from a folder of labelled images.

Reads ``DIR/<class>/*``, computes MobileNet features in batches through TensorFlow, trains the
head with a per-epoch progress bar on stderr, saves the profile (atomically) and converts the
per-frame backbone once so that play starts without TensorFlow. ``--json`` prints a summary
object last on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from game.config import models_dir, profile_dir

if TYPE_CHECKING:
    from game.vision.training import EpochReport

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class EpochBar:
    """A one-line progress bar redrawn in place on a terminal, one line per epoch otherwise."""

    def __init__(self, stream: TextIO | None = None, width: int = 24) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.width = width
        self.interactive = self.stream.isatty()

    def __call__(self, report: EpochReport) -> None:
        done = round(self.width * report.epoch / report.epochs)
        bar = "#" * done + "." * (self.width - done)
        line = f"epoch {report.epoch:>3}/{report.epochs} [{bar}] loss {report.loss:.3f}"
        line += f" acc {report.accuracy:.3f}"
        if report.val_accuracy is not None and report.val_loss is not None:
            line += f" val_loss {report.val_loss:.3f} val_acc {report.val_accuracy:.3f}"
        if self.interactive:
            end = "\n" if report.epoch == report.epochs else ""
            self.stream.write("\r" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from game.vision.features import WeightsUnavailableError
    from game.vision.images import DatasetError
    from game.vision.profile import ProfileError
    from game.vision.training import TrainingError

    try:
        return _train(args)
    except (DatasetError, TrainingError, ProfileError, WeightsUnavailableError, OSError) as exc:
        _say(f"error: {exc}")
        return 1


def _train(args: argparse.Namespace) -> int:
    from game.vision.features import FeatureExtractor, LiteRTBackbone, load_backbone
    from game.vision.images import load_labelled_folder
    from game.vision.preprocess import DEFAULT_PREPROCESS, thumbnail
    from game.vision.profile import (
        THUMBNAIL_SIZE,
        Profile,
        Samples,
        check_save_target,
        save_profile,
        train_profile,
    )
    from game.vision.training import DEFAULT

    start = time.perf_counter()
    models = models_dir(args.models)
    target = check_save_target(profile_dir(args.profile, models))
    config = DEFAULT.replace(
        epochs=args.epochs,
        learning_rate=args.lr,
        hidden_units=args.hidden,
        batch_fraction=args.batch_fraction,
    )

    data = load_labelled_folder(args.images)
    counts = ", ".join(f"{c} {int((data.labels == i).sum())}" for i, c in enumerate(data.classes))
    _say(f"{len(data)} images ({counts})" + (f"; {data.skipped_summary()}" if data.skipped else ""))

    backbone = load_backbone(Path(args.weights) if args.weights else None)
    extractor = FeatureExtractor(backbone)
    _say(f"computing features on {extractor.device}")
    features = extractor.from_images(data.images, DEFAULT_PREPROCESS)

    import numpy as np

    thumbs = np.stack([thumbnail(image, THUMBNAIL_SIZE) for image in data.images])
    samples = Samples()
    for label in range(len(data.classes)):
        mask = data.labels == label
        samples = samples.add(label, features[mask], thumbs[mask])
    profile = Profile(
        classes=data.classes,
        backbone_id=backbone.backbone_id,
        weights_sha256=backbone.weights_sha256,
        preprocess=DEFAULT_PREPROCESS,
        samples=samples,
    )
    _say(f"training the head on {extractor.device}")
    bar = EpochBar()
    result = train_profile(profile, config, seed=args.seed, on_epoch=bar)
    if result.note:
        _say(result.note)
    saved = save_profile(profile, target)
    LiteRTBackbone.from_backbone(backbone, models)  # so play starts without converting
    val = "n/a" if result.val_accuracy is None else f"{result.val_accuracy:.3f}"
    _say(f"saved {saved} (validation accuracy {val}, head trained in {result.seconds:.1f} s)")
    if data.skipped:
        _say(data.skipped_summary())
    if args.json:
        summary = {
            "profile": str(saved),
            "classes": data.classes,
            "samples": len(data),
            "val_accuracy": result.val_accuracy,
            "seconds": round(time.perf_counter() - start, 3),
            "skipped": len(data.skipped),
        }
        print(json.dumps(summary))
    return 0
