"""Session-wide vision fixtures: the backbone, its LiteRT conversion and the signdigits features.

Each is computed once per test run; together they are most of the vision tests' cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.vision.features import Backbone, FeatureExtractor, LiteRTBackbone, load_backbone
from game.vision.images import LabelledImages, load_labelled_folder

TRAIN_PER_CLASS = 20


@pytest.fixture(scope="session")
def backbone(imagenet_weights: Path) -> Backbone:
    return load_backbone()


@pytest.fixture(scope="session")
def extractor(backbone: Backbone) -> FeatureExtractor:
    return FeatureExtractor(backbone)


@pytest.fixture(scope="session")
def litert(backbone: Backbone, session_models_dir: Path) -> LiteRTBackbone:
    return LiteRTBackbone.from_backbone(backbone, session_models_dir)


@pytest.fixture(scope="session")
def signdigits_images(signdigits: Path) -> LabelledImages:
    return load_labelled_folder(signdigits)


@pytest.fixture(scope="session")
def signdigits_features(signdigits_images: LabelledImages, extractor: FeatureExtractor) -> np.ndarray:
    return extractor.from_images(signdigits_images.images)


@pytest.fixture(scope="session")
def split(signdigits_images: LabelledImages, signdigits_features: np.ndarray) -> dict[str, Any]:
    """Train on the first 20 photos of each class (by file name), test on the rest."""
    train = signdigits_images.ranks < TRAIN_PER_CLASS
    return {
        "classes": signdigits_images.classes,
        "x_train": signdigits_features[train],
        "y_train": signdigits_images.labels[train],
        "x_test": signdigits_features[~train],
        "y_test": signdigits_images.labels[~train],
    }
