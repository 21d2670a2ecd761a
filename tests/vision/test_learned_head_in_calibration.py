"""A head kept after learning while playing is saved as head.npz only (the game has no Keras):
calibration must still show it as the trained head, with the figures of the training before and
marked as predating the samples learned in play, and saving from calibration writes head.keras
again."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from game.commands.doctor import _profile_state
from game.vision.calibration_profile import load_calibration
from game.vision.corrections import NewSamples, save_learned
from game.vision.gesture_setup import has_trained_profile
from game.vision.head_arrays import HeadArrays, arrays_from_keras
from game.vision.pending_corrections import ProfileIdentity
from game.vision.profile import HEAD_FILE, THUMBNAIL_SIZE, Profile, Samples, load_profile, save_profile
from game.vision.recognizer import HAND, feature_shape
from game.vision.refit import forward
from game.vision.training import HeadConfig, build_head

CLASSES = ["up", "down", "left", "right"]
SHAPE = feature_shape(HAND)


def samples(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    features = rng.normal(size=(n, *SHAPE)).astype(np.float16)
    thumbs = np.zeros((n, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), np.uint8)
    return features, np.arange(n, dtype=np.int64) % len(CLASSES), thumbs


def calibrated_then_learned(folder: Path) -> tuple[HeadArrays, np.ndarray]:
    """A profile saved by calibration (Keras head, figures), then kept after learning in play."""
    rng = np.random.default_rng(0)
    features, labels, thumbs = samples(rng, 12)
    head = build_head(len(CLASSES), HeadConfig(hidden_units=8, dropout=0.0), seed=0, input_shape=SHAPE)
    profile = Profile(
        classes=CLASSES,
        backbone_id="test",
        weights_sha256="0" * 64,
        samples=Samples(features, labels, thumbs),
        recognizer=HAND,
        head=head,
        metrics={"val_accuracy": 0.75, "confusion": np.eye(4, dtype=int).tolist()},
    )
    save_profile(profile, folder)
    assert (folder / HEAD_FILE).exists()
    # The head refitted in play: the profile's, with its last layer changed.
    learned_head = arrays_from_keras(head)
    last = learned_head.layers[-1]
    learned_head = HeadArrays(
        learned_head.pooling,
        (*learned_head.layers[:-1], type(last)(last.kernel * 2.0, last.bias, last.activation)),
    )
    new_features, new_labels, new_thumbs = samples(rng, 5)
    learned = NewSamples(new_features.astype(np.float32), new_labels, new_thumbs)
    save_learned(folder, learned, learned_head, ProfileIdentity.of(profile))
    return learned_head, new_features.astype(np.float32)


def test_calibration_shows_a_head_updated_in_play(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    learned_head, probe = calibrated_then_learned(folder)
    assert not (folder / HEAD_FILE).exists()  # the game saved head.npz only

    saved = load_calibration(folder)
    assert saved is not None and saved.result is not None, "the trained head is shown"
    assert saved.updated_in_play  # its figures predate the samples learned in play
    assert saved.result.val_accuracy == 0.75 and saved.result.classes == CLASSES
    np.testing.assert_allclose(saved.result.head(probe).numpy(), forward(learned_head, probe), atol=1e-5)
    assert sum(len(feats) for feats, _, _ in saved.samples.values()) == 17

    # Saving from calibration (S) writes the Keras head again, the same head.
    assert saved.profile is not None
    save_profile(saved.profile, folder)
    assert (folder / HEAD_FILE).exists()
    again = load_profile(folder)
    np.testing.assert_allclose(again.head(probe).numpy(), forward(learned_head, probe), atol=1e-5)
    reopened = load_calibration(folder)
    assert reopened is not None and not reopened.updated_in_play


def test_a_profile_kept_after_learning_is_still_a_trained_profile(
    tmp_path: Path,
) -> None:
    """The next game (and the title, and doctor) must see the kept head.npz as a trained profile,
    not offer keyboard play with "No gesture profile yet"."""
    folder = tmp_path / "profile"
    calibrated_then_learned(folder)
    assert has_trained_profile(folder)
    assert _profile_state(folder) == "trained (hand recognizer: up, down, left, right)"
