"""``bench --suite accuracy``: the default head against the original demo's recipe, on held-out photos.

Trains on the first ``TRAIN_PER_CLASS`` photos of each class (by file name) and tests on the
rest, for several seeds, with the same features for every recipe. Also measures the default
without its refit on every sample (the head trained on the 85% that the validation split leaves)
and whether augmenting the training photos (jittered crops and brightness, no flips: they swap
left and right) helps. Images default to ``../shared/data/signdigits`` next to the checkout.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from game.config import REPO_ROOT

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

TRAIN_PER_CLASS = 20
SEEDS = (0, 1, 2)
AUGMENT_COPIES = 4
SHARED_SIGNDIGITS = REPO_ROOT.parent / "shared" / "data" / "signdigits"

Log = Callable[[str], None]


def jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random square crop (80-100% of the short side) with brightness and contrast changed by up to 30%."""
    h, w = image.shape[:2]
    side = int(min(h, w) * rng.uniform(0.8, 1.0))
    top = int(rng.integers(0, h - side + 1))
    left = int(rng.integers(0, w - side + 1))
    crop = image[top : top + side, left : left + side].astype(np.float32)
    crop = crop * rng.uniform(0.7, 1.3) + rng.uniform(-25.0, 25.0)
    return np.clip(crop, 0, 255).astype(np.uint8)


def _held_out(head: Any, x: np.ndarray, y: np.ndarray) -> float:
    from game.vision.classifier import NumpyHead

    return float(np.mean(NumpyHead(head)(x).argmax(axis=1) == y))


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    from game.vision.features import FeatureExtractor, load_backbone
    from game.vision.images import DatasetError, load_labelled_folder
    from game.vision.training import DEFAULT, ORIGINAL_RECIPE, train_head

    root = Path(args.images) if args.images else SHARED_SIGNDIGITS
    if not root.is_dir():
        raise DatasetError(f"no labelled photos at {root}: pass --images DIR")
    data = load_labelled_folder(root)
    train, test = data.split_first(TRAIN_PER_CLASS)
    log(f"{len(train)} training and {len(test)} held-out photos from {root}")

    extractor = FeatureExtractor(load_backbone(Path(args.weights) if args.weights else None))
    x_train = extractor.from_images(train.images)
    x_test = extractor.from_images(test.images)
    rng = np.random.default_rng(0)
    owners = np.repeat(np.arange(len(train)), AUGMENT_COPIES)
    x_extra = extractor.from_images([jitter(train.images[i], rng) for i in owners])

    recipes: dict[str, list[float]] = {
        "original": [],
        "default": [],
        "default_without_refit": [],
        "default_augmented": [],
    }
    for seed in SEEDS:
        for name, config, extra in (
            ("original", ORIGINAL_RECIPE, None),
            ("default", DEFAULT, None),
            ("default_without_refit", DEFAULT.replace(refit=False), None),
            ("default_augmented", DEFAULT, x_extra),
        ):
            result = train_head(
                x_train,
                train.labels,
                data.classes,
                config,
                seed=seed,
                extra_features=extra,
                extra_owner=owners if extra is not None else None,
            )
            recipes[name].append(_held_out(result.head, x_test, test.labels))
            log(f"seed {seed} {name:<21} held-out accuracy {recipes[name][-1]:.3f}")

    means = {name: float(np.mean(accs)) for name, accs in recipes.items()}
    return {
        "images": str(root),
        "train_per_class": TRAIN_PER_CLASS,
        "n_train": len(train),
        "n_test": len(test),
        "seeds": list(SEEDS),
        "accuracy_original_mean": round(means["original"], 4),
        "accuracy_default_mean": round(means["default"], 4),
        "accuracy_default_without_refit_mean": round(means["default_without_refit"], 4),
        "accuracy_default_augmented_mean": round(means["default_augmented"], 4),
        "default_minus_original": round(means["default"] - means["original"], 4),
        "per_seed": {name: [round(a, 4) for a in accs] for name, accs in recipes.items()},
        "augment_copies": AUGMENT_COPIES,
    }
