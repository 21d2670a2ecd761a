"""Learning while playing, without a camera: overrides become samples, refits happen in the background."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from game.vision.camera import Frame
from game.vision.corrections import Corrections, LearningSettings, NewSamples, save_learned
from game.vision.head_arrays import DenseArrays, HeadArrays
from game.vision.pending_corrections import ProfileIdentity
from game.vision.profile import THUMBNAIL_SIZE, Profile, ProfileError, Samples, load_profile, save_profile
from game.vision.recognizer import HAND, feature_shape
from game.vision.refit import DEFAULT_REFIT, SOFTMAX_REFIT, RefitConfig, forward
from game.vision.variety import GateConfig

CLASSES = ["up", "down", "left"]


def make(settings: LearningSettings | None = None) -> tuple[Corrections, np.random.Generator]:
    rng = np.random.default_rng(0)
    head = HeadArrays(
        "flatten",
        (
            DenseArrays(rng.normal(0, 0.3, (8, 6)).astype(np.float32), np.zeros(6, np.float32), "relu"),
            DenseArrays(rng.normal(0, 0.3, (6, 3)).astype(np.float32), None, "softmax"),
        ),
    )
    base = rng.normal(size=(9, 8)).astype(np.float32)
    return Corrections(CLASSES, head, base, np.arange(9) % 3, settings), rng


def thumb(value: int) -> np.ndarray:
    """A 48x48 thumbnail: ``value`` picks which quarter is bright, so different values differ a lot."""
    image = np.zeros((48, 48, 3), np.uint8)
    r, c = divmod(value % 4, 2)
    image[r * 24 : r * 24 + 24, c * 24 : c * 24 + 24] = 255
    return image


def test_each_distinct_override_frame_is_learned_in_order_and_twins_are_not() -> None:
    corrections, rng = make(LearningSettings(retrain_after=100))
    assert corrections.offer("up", rng.normal(size=8), thumb(0), 0.0)
    assert not corrections.offer("up", rng.normal(size=8), thumb(0), 1.0)  # the same picture
    assert corrections.offer("up", rng.normal(size=8), thumb(1), 2.0)
    assert corrections.offer("left", rng.normal(size=8), thumb(1), 2.01)
    assert not corrections.offer("right", rng.normal(size=8), thumb(2), 3.0)  # not a class of the head
    assert corrections.count == 3
    learned = corrections.new_samples()
    assert learned.labels.tolist() == [0, 0, 2]
    assert learned.features.shape == (3, 8) and learned.thumbnails.shape == (3, 48, 48, 3)


def test_a_refit_runs_after_a_few_samples_and_its_head_is_taken_once() -> None:
    corrections, rng = make(
        LearningSettings(retrain_after=3, gate=GateConfig(min_change=0.0, max_per_second=100))
    )
    for i in range(2):
        corrections.offer("down", rng.normal(size=8), thumb(i), i)
    assert not corrections.busy and corrections.take_head() is None
    corrections.offer("down", rng.normal(size=8), thumb(2), 3)
    assert corrections.wait(10)
    head = corrections.take_head()
    assert head is not None and corrections.take_head() is None
    assert corrections.refits == 1 and corrections.fitted_on == 3 and corrections.error == ""
    x = rng.normal(size=(4, 8)).astype(np.float32)
    assert forward(head, x).shape == (4, 3)


def test_turned_off_it_learns_nothing() -> None:
    corrections, rng = make(LearningSettings(enabled=False))
    assert not corrections.offer("up", rng.normal(size=8), thumb(0), 0.0)
    corrections.enabled = True
    assert corrections.offer("up", rng.normal(size=8), thumb(0), 0.0)


def test_at_most_max_new_corrections_are_kept() -> None:
    corrections, rng = make(
        LearningSettings(max_new=2, retrain_after=100, gate=GateConfig(min_change=0.0, max_per_second=100))
    )
    kept = [corrections.offer("up", rng.normal(size=8), thumb(i), i) for i in range(4)]
    assert kept == [True, True, False, False]


def test_a_failing_refit_says_why_and_keeps_the_old_head() -> None:
    corrections, rng = make(LearningSettings(retrain_after=1))
    corrections.offer("up", rng.normal(size=5), thumb(0), 0.0)  # wrong feature width
    corrections.wait(10)
    assert corrections.take_head() is None
    assert "learning failed" in corrections.error


def test_a_frame_without_a_hand_never_steers_and_teaches_nothing() -> None:
    from game.vision.learning_classifier import LearningClassifier
    from game.vision.play_learning import PlayLearning

    corrections, rng = make(LearningSettings(retrain_after=100))
    seen: list[bool] = []

    def hands(image: np.ndarray) -> tuple[np.ndarray | None, object]:
        found = bool(image.mean() > 0)
        seen.append(found)
        return (rng.normal(size=8).astype(np.float32) if found else None), "hand result"

    classifier = LearningClassifier(lambda _: None, CLASSES, corrections.head, hands=hands)
    empty = classifier.predict(np.zeros((8, 8, 3), np.uint8), 0.0)
    assert empty.features is None and empty.confidence == 0.0 and empty.hand == "hand result"
    assert set(empty.probs.values()) == {0.0}
    hand = classifier.predict(np.full((8, 8, 3), 200, np.uint8), 1.0)
    assert hand.features is not None and hand.top in CLASSES
    assert seen == [False, True]

    class Live:
        def __init__(self, result: object, index: int) -> None:
            self.result, self.frame_index, self.captured_at = result, index, float(index)
            self.frame = Frame(np.full((48, 48, 3), 40 * index, np.uint8), float(index), index)
            self.probs: dict[str, float] = {}

    identity = ProfileIdentity(tuple(CLASSES), "hand", "test", "", (8,))
    learning = PlayLearning(classifier, corrections, __import__("pathlib").Path("."), identity)
    assert not learning.override("up", Live(empty, 1))  # nothing to learn from
    assert learning.override("up", Live(hand, 2))


def test_the_refit_recipe_follows_the_heads_shape() -> None:
    corrections, _ = make()
    assert corrections._refit_config is DEFAULT_REFIT  # a hidden layer: its last layer is tuned
    one_layer = HeadArrays("flatten", (corrections.head.layers[-1],))
    base = np.zeros((3, 6), np.float32)
    assert Corrections(CLASSES, one_layer, base, np.arange(3))._refit_config is SOFTMAX_REFIT
    chosen = LearningSettings(refit=RefitConfig(epochs=3))
    assert Corrections(CLASSES, one_layer, base, np.arange(3), chosen)._refit_config.epochs == 3


def _hand_profile(classes: list[str], backbone_id: str = "hands@1") -> Profile:
    rng = np.random.default_rng(1)
    width = feature_shape(HAND)[0]
    kernel = rng.normal(size=(width, 4)).astype(np.float32)
    head = HeadArrays("flatten", (DenseArrays(kernel, None, "softmax"),))
    features = rng.normal(size=(8, width)).astype(np.float16)
    thumbs = np.zeros((8, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), np.uint8)
    samples = Samples(features, np.arange(8, dtype=np.int64) % 4, thumbs)
    return Profile(classes, backbone_id, "1" * 64, samples=samples, recognizer=HAND, head_arrays=head)


@pytest.mark.parametrize(
    ("retrained", "said"),
    [
        (_hand_profile(["a", "b", "c", "d"]), "its classes are now a, b, c, d, not up, down, left, right"),
        (_hand_profile(["up", "down", "left", "right"], "hands@2"), "other models (hands@2, not hands@1)"),
    ],
    ids=["other-classes", "other-models"],
)
def test_learned_samples_are_not_kept_in_a_profile_retrained_meanwhile(
    retrained: Profile, said: str, tmp_path: Path
) -> None:
    """Retrained with as many classes but other ones: the labels would land under the wrong names."""
    played = _hand_profile(["up", "down", "left", "right"])
    folder = save_profile(played, tmp_path / "p")
    identity = ProfileIdentity.of(played)
    rng = np.random.default_rng(2)
    learned = NewSamples(
        rng.normal(size=(3, feature_shape(HAND)[0])).astype(np.float32),
        np.array([0, 1, 1]),
        np.zeros((3, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), np.uint8),
    )
    save_profile(retrained, folder)  # calibration or train --force, while the game ran
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(ProfileError, match=re.escape(said)) as caught:
        save_learned(folder, learned, played.head_arrays, identity)
    assert "changed since this game loaded it" in str(caught.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # The profile the game loaded takes them.
    save_profile(played, folder)
    save_learned(folder, learned, played.head_arrays, identity)
    assert len(load_profile(folder).samples) == 8 + 3
