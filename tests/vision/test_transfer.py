"""The accuracy thresholds measure transfer learning: on the shipped photos, ImageNet features
generalise to held-out hands, while the same pipeline with untrained MobileNet weights does not.

Guards every accuracy threshold that uses ``tests/data/signdigits`` (held-out >= 0.85 or 0.90):
were the weights not loaded (random initialisation), those tests would fail, not pass by luck.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from game.vision.features import ALPHA, CUT_LAYER, INPUT_SIZE, Backbone, FeatureExtractor
from game.vision.images import LabelledImages
from game.vision.training import DEFAULT, train_head


def _held_out_accuracy(features: np.ndarray, split: dict[str, Any], train: np.ndarray) -> float:
    labels = split["labels"]
    result = train_head(features[train], labels[train], split["classes"], DEFAULT, seed=0)
    pred = np.argmax(result.head(features[~train], training=False).numpy(), axis=1)
    return float(np.mean(pred == labels[~train]))


def test_random_backbone_weights_stay_at_chance(
    signdigits_images: LabelledImages, signdigits_features: np.ndarray
) -> None:
    import keras

    keras.utils.set_random_seed(0)
    base = keras.applications.MobileNet(
        alpha=ALPHA, include_top=False, weights=None, input_shape=(INPUT_SIZE, INPUT_SIZE, 3)
    )
    model = keras.Model(base.input, base.get_layer(CUT_LAYER).output)
    untrained = Backbone(model=model, weights_path=Path("untrained"), weights_sha256="0" * 64)
    random_features = FeatureExtractor(untrained).from_images(signdigits_images.images)

    data = {"labels": signdigits_images.labels, "classes": signdigits_images.classes}
    train = signdigits_images.ranks < 20
    assert (~train).sum() == 120  # 30 held-out photos per class
    imagenet = _held_out_accuracy(signdigits_features, data, train)
    untrained_accuracy = _held_out_accuracy(random_features, data, train)
    assert imagenet >= 0.90, imagenet
    assert untrained_accuracy < 0.5, untrained_accuracy
