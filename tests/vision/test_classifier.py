"""The per-frame classifier: numpy head agrees with Keras, and predictions on real photos."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from game.vision.classifier import GestureClassifier, NumpyHead
from game.vision.features import Backbone, LiteRTBackbone
from game.vision.images import LabelledImages
from game.vision.profile import Profile, ProfileError, train_profile
from game.vision.training import DEFAULT, HeadConfig, build_head


@pytest.fixture(scope="module")
def profile(backbone: Backbone, split: dict[str, Any]) -> Profile:
    profile = Profile(list(split["classes"]), backbone.backbone_id, backbone.weights_sha256)
    for label in range(len(split["classes"])):
        profile.samples = profile.samples.add(label, split["x_train"][split["y_train"] == label])
    train_profile(profile, DEFAULT, seed=0)
    return profile


@pytest.mark.parametrize("pooling", ["flatten", "avg"])
def test_numpy_head_agrees_with_keras(split: dict[str, Any], pooling: str) -> None:
    head = build_head(4, HeadConfig(pooling=pooling, dropout=0.5), seed=3)
    x = split["x_test"][:16]
    assert np.allclose(NumpyHead(head)(x), head(x, training=False).numpy(), atol=1e-5)


def test_numpy_head_agrees_with_a_trained_head(profile: Profile, split: dict[str, Any]) -> None:
    x = split["x_test"][:32]
    expected = profile.head(x, training=False).numpy()
    assert np.allclose(NumpyHead(profile.head)(x), expected, atol=1e-5)
    assert np.array_equal(NumpyHead(profile.head)(x).argmax(1), expected.argmax(1))


def test_predictions_on_held_out_photos(
    profile: Profile, litert: LiteRTBackbone, signdigits_images: LabelledImages
) -> None:
    classifier = GestureClassifier(profile, litert)
    held_out = np.flatnonzero(signdigits_images.ranks >= 20)
    correct = 0
    for i in held_out:
        prediction = classifier.predict(signdigits_images.images[i], timestamp=12.5)
        assert prediction.timestamp == 12.5 and prediction.latency_ms > 0
        assert set(prediction.probs) == set(profile.classes)
        assert abs(sum(prediction.probs.values()) - 1.0) < 1e-4
        assert prediction.confidence == max(prediction.probs.values())
        correct += prediction.top == profile.classes[signdigits_images.labels[i]]
    assert correct / len(held_out) >= 0.85


def test_refuses_a_profile_from_other_weights(profile: Profile, litert: LiteRTBackbone) -> None:
    other = Profile(profile.classes, "mobilenet/other@0123456789abcdef", "0" * 64, head=profile.head)
    with pytest.raises(ProfileError, match="retrain"):
        GestureClassifier(other, litert)


def test_refuses_an_untrained_profile(profile: Profile, litert: LiteRTBackbone) -> None:
    untrained = Profile(profile.classes, profile.backbone_id, profile.weights_sha256)
    with pytest.raises(ProfileError, match="no trained head"):
        GestureClassifier(untrained, litert)
