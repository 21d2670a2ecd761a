"""The per-frame classifier: numpy head agrees with Keras, and predictions on real photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from game.vision.camera import Frame
from game.vision.classifier import GestureClassifier, NumpyHead
from game.vision.features import Backbone, FeatureExtractor, LiteRTBackbone
from game.vision.images import LabelledImages
from game.vision.profile import Profile, ProfileError, load_profile, save_profile, train_profile
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


def test_per_frame_path_gives_the_features_training_computes(
    profile: Profile, litert: LiteRTBackbone, extractor: FeatureExtractor, signdigits_images: LabelledImages
) -> None:
    # Webcam-sized frames of real hands (640x480, one 1280x720, one 1920x1080): the path play runs
    # (resize into the interpreter's buffer, LiteRT) against the batched training path
    # (preprocess_batch, TensorFlow), both with the profile's preprocessing.
    photos = signdigits_images.images[::40][:6]
    frames = [cv2.resize(p, (640, 480), interpolation=cv2.INTER_CUBIC) for p in photos]
    frames += [cv2.resize(photos[0], (1280, 720)), cv2.resize(photos[1], (1920, 1080))]
    classifier = GestureClassifier(profile, litert)
    training = extractor.from_images(frames, profile.preprocess)
    for frame, reference in zip(frames, training, strict=True):
        live = classifier.features(frame)
        assert np.abs(live - reference).max() < 1e-3 * np.abs(reference).max(), frame.shape
        # And as play reads a webcam's frame: BGR as decoded, mirrored in the conversion.
        camera = Frame.decoded(
            cv2.cvtColor(np.ascontiguousarray(frame[:, ::-1]), cv2.COLOR_RGB2BGR), 0.0, 0, True
        )
        assert np.array_equal(classifier.frame_features(camera), live)
        assert not camera.converted  # the path never converted the whole frame
        assert np.array_equal(camera.image, frame)
    # Guard: the comparison can fail; other frames give clearly other features.
    assert np.abs(training[0] - training[1]).max() > 0.1 * np.abs(training[0]).max()


def test_a_head_loaded_as_arrays_predicts_what_the_keras_head_predicts(
    profile: Profile, litert: LiteRTBackbone, tmp_path: Path, signdigits_images: LabelledImages
) -> None:
    saved = save_profile(profile, tmp_path / "p")
    as_arrays = load_profile(saved, keras_head=False)
    assert as_arrays.head is None and as_arrays.head_arrays is not None
    with_keras, with_arrays = GestureClassifier(profile, litert), GestureClassifier(as_arrays, litert)
    for image in signdigits_images.images[::97]:
        expected = with_keras.probabilities(image)
        assert np.allclose(with_arrays.probabilities(image), expected, atol=1e-6)
    x = signdigits_images.images[0]
    reference = profile.head(with_keras.features(x)[None], training=False).numpy()[0]
    assert np.allclose(with_arrays.probabilities(x), reference, atol=1e-5)
