"""``gesture-pacman train``: build a gesture profile from a folder of labelled images.

Reads ``DIR/<class>/*``, computes the recognizer's features (``--recognizer hand``, the default:
the hand stage's normalised landmarks, photos without a hand left out and counted; ``frame``:
MobileNet features in batches through TensorFlow), trains the head, saves the profile
(atomically) and, for ``frame``, converts the per-frame backbone once so that play starts without
TensorFlow. Each step shows a progress bar on stderr when it is a terminal (not with ``--json``);
``--json`` prints a summary object last on stdout.

A profile that holds recorded samples is never replaced silently: ``--force`` replaces it,
``--add`` trains on its samples plus the new images (with the profile's recognizer).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.commands.terminal import bars_enabled, progress
from game.config import models_dir, profile_dir

if TYPE_CHECKING:
    from game.vision.profile import Profile
    from game.vision.training import EpochReport

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class EpochProgress:
    """Per-epoch progress for one training run: a bar with loss and accuracy, created at the first epoch."""

    def __init__(self, desc: str, enabled: bool) -> None:
        self.desc = desc
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, report: EpochReport) -> None:
        if self.bar is None:
            self.bar = progress(report.epochs, self.desc, "epoch", self.enabled)
        figures = {"loss": f"{report.loss:.3f}", "acc": f"{report.accuracy:.3f}"}
        if report.val_accuracy is not None:
            figures["val_acc"] = f"{report.val_accuracy:.3f}"
        self.bar.set_postfix(figures, refresh=False)
        self.bar.update(1)
        if report.epoch == report.epochs:
            self.bar.close()  # done: the refit's bar (if any) goes on the next line

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def describe_samples(profile: Profile) -> str:
    """The profile's samples in words: "123 samples (up 30, down 31, left 30, right 32)"."""
    counts = profile.samples.counts(len(profile.classes))
    each = ", ".join(f"{name} {n}" for name, n in zip(profile.classes, counts, strict=True))
    return f"{sum(counts)} recorded samples ({each})"


def existing_profile(target: Path, args: argparse.Namespace) -> Profile | None:
    """The profile already at ``target`` when ``--add`` is to extend it; raises when it holds samples
    and neither ``--force`` nor ``--add`` says what to do with them (before any slow work)."""
    from game.vision.profile import PROFILE_FILE, SAMPLES_FILE, ProfileError, load_profile

    if args.force:
        return None
    if not (target / PROFILE_FILE).is_file():
        if (target / SAMPLES_FILE).is_file():  # recorded samples whose profile.json was lost
            raise ProfileError(
                f"{target} holds recorded samples ({SAMPLES_FILE}) but no {PROFILE_FILE}, so they "
                "cannot be read. Pass --force to replace them with a profile trained on these images."
            )
        return None
    try:
        profile = load_profile(target, load_head=False)
    except ProfileError as exc:
        raise ProfileError(f"{exc} Pass --force to replace it.") from exc
    if args.add:
        return profile
    if len(profile.samples) == 0:
        return None
    raise ProfileError(
        f"{target} holds {describe_samples(profile)}. Pass --force to replace it with a profile "
        "trained on these images only, or --add to train on its samples plus these images."
    )


def choose_recognizer(args: argparse.Namespace, base: Profile | None, target: Path) -> str:
    """``--recognizer``, else the extended profile's (``--add``), else the default; a profile's
    samples cannot be combined with another recognizer's features."""
    from game.vision.profile import ProfileError
    from game.vision.recognizer import DEFAULT_RECOGNIZER

    chosen = getattr(args, "recognizer", None)
    if base is None:
        return str(chosen or DEFAULT_RECOGNIZER)
    if chosen is not None and chosen != base.recognizer:
        raise ProfileError(
            f"{target} was recorded with the {base.recognizer} recognizer, so --add cannot train it on "
            f"{chosen} features. Pass --force to replace it, or leave out --recognizer."
        )
    return base.recognizer


def run(args: argparse.Namespace) -> int:
    from game.vision.features import WeightsUnavailableError
    from game.vision.hands import HandModelError
    from game.vision.images import DatasetError
    from game.vision.profile import ProfileError
    from game.vision.training import TrainingError

    try:
        return _train(args)
    except (
        DatasetError, TrainingError, ProfileError, WeightsUnavailableError, HandModelError, OSError
    ) as exc:  # fmt: skip
        _say(f"gesture-pacman train: {exc}")
        return 1


def _train(args: argparse.Namespace) -> int:
    from game.vision.features import LiteRTBackbone, load_backbone, tensorflow_device
    from game.vision.images import load_labelled_folder
    from game.vision.preprocess import DEFAULT_PREPROCESS, thumbnail
    from game.vision.profile import (
        THUMBNAIL_SIZE,
        Profile,
        ProfileError,
        Samples,
        check_save_target,
        save_profile,
        train_profile,
    )
    from game.vision.recognizer import FRAME, image_features
    from game.vision.training import default_recipe
    from game.vision.types import ThumbKind

    start = time.perf_counter()
    models = models_dir(args.models)
    target = check_save_target(profile_dir(args.profile, models))
    base = existing_profile(target, args)
    recognizer = choose_recognizer(args, base, target)
    config = default_recipe(recognizer).replace(
        epochs=args.epochs,
        learning_rate=args.lr,
        hidden_units=args.hidden,
        batch_fraction=args.batch_fraction,
    )
    bars = bars_enabled(args.json)

    # The pipeline uses a square crop of the preprocessing size (and a smaller thumbnail): twice
    # that on the short side is all that is kept of each photo.
    data = load_labelled_folder(args.images, short_side=2 * DEFAULT_PREPROCESS.size)
    counts = ", ".join(f"{c} {int((data.labels == i).sum())}" for i, c in enumerate(data.classes))
    _say(f"{len(data)} images ({counts})" + (f"; {data.skipped_summary()}" if data.skipped else ""))
    if base is not None:
        _say(f"adding them to the {describe_samples(base)} of {target}")

    backbone = None
    if recognizer == FRAME:
        with progress(1, "loading MobileNet", "step", bars) as bar:
            backbone = load_backbone(Path(args.weights) if args.weights else None)
            bar.update(1)
    if base is not None and backbone is not None and base.backbone_id != backbone.backbone_id:
        raise ProfileError(
            f"{target} was recorded with other MobileNet weights ({base.backbone_id}, these are "
            f"{backbone.backbone_id}): its samples cannot be combined. Pass --force to replace it."
        )
    preprocess = DEFAULT_PREPROCESS if base is None else base.preprocess
    device = tensorflow_device()
    if recognizer == FRAME:
        _say(f"computing features on {device} (MobileNet, whole frame)")
    else:
        _say("finding the hand in each image (palm detection and landmarks on LiteRT)")
    with progress(len(data), "features", "img", bars) as bar:
        rows = image_features(
            recognizer, data.images, backbone=backbone, preprocess=preprocess, on_batch=bar.update
        )
    if base is not None and base.backbone_id != rows.backbone_id:
        raise ProfileError(
            f"{target} was recorded with other hand models ({base.backbone_id}, these are "
            f"{rows.backbone_id}): its samples cannot be combined. Pass --force to replace it."
        )

    import numpy as np

    no_hand = int((~rows.found).sum())
    if no_hand:
        per_class = ", ".join(
            f"{c} {int(((data.labels == i) & ~rows.found).sum())}" for i, c in enumerate(data.classes)
        )
        _say(f"no hand found in {no_hand} of {len(data)} images ({per_class}): left out")
    # What the recognizer looked at, as calibration keeps it: a hand profile's hand crops.
    thumbs, kind = rows.thumbnails, ThumbKind.HAND
    if thumbs is None:
        thumbs, kind = np.stack([thumbnail(image, THUMBNAIL_SIZE) for image in data.images]), ThumbKind.CENTRE
    if base is None:
        profile = Profile(
            classes=data.classes,
            backbone_id=rows.backbone_id,
            weights_sha256=rows.weights_sha256,
            preprocess=preprocess,
            samples=Samples.empty(recognizer),
            recognizer=recognizer,
        )
    else:
        profile = base
        profile.classes = [*base.classes, *(c for c in data.classes if c not in base.classes)]
    for label, name in enumerate(data.classes):
        mask = (data.labels == label) & rows.found
        profile.samples = profile.samples.add(
            profile.classes.index(name), rows.features[mask], thumbs[mask], kind
        )

    _say(f"training the head ({recognizer} recognizer) on {device}")
    measured = EpochProgress("training", bars)
    refit = EpochProgress("refit on every sample", bars)
    try:
        result = train_profile(profile, config, seed=args.seed, on_epoch=measured, on_refit_epoch=refit)
    finally:
        measured.close()
        refit.close()
    if result.note:
        _say(result.note)
    with progress(2, "saving", "step", bars) as bar:
        saved = save_profile(profile, target)
        bar.update(1)
        if backbone is not None:
            LiteRTBackbone.from_backbone(backbone, models)  # so play starts without converting
        bar.update(1)
    # Measured on each class's last images by file name, held out of the measured training run.
    val = "n/a" if result.val_accuracy is None else f"{result.val_accuracy:.3f} on each class's last images"
    _say(f"saved {saved} (validation accuracy {val}, head trained in {result.seconds:.1f} s)")
    if data.skipped:
        _say(data.skipped_summary())
    if args.json:
        summary = {
            "profile": str(saved),
            "classes": profile.classes,
            "recognizer": recognizer,
            "samples": len(profile.samples),
            "added": int(rows.found.sum()),
            "no_hand": no_hand,
            "val_accuracy": result.val_accuracy,
            "seconds": round(time.perf_counter() - start, 3),
            "skipped": len(data.skipped),
        }
        print(json.dumps(summary))
    return 0
