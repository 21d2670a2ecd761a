"""The hand recognizer: normalised landmark features, profiles that record their recognizer, training
and evaluation from photos, and the per-frame classifier's "no hand" answer (real models)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from photo_support import labelled_subset

from game import cli
from game.cli import main
from game.vision import recognizer as rec
from game.vision.classifier import NO_HAND, GestureClassifier
from game.vision.hand_features import HAND_FEATURE_SHAPE, HandFeatureExtractor, hand_vector
from game.vision.images import load_labelled_folder
from game.vision.preprocess import DEFAULT_PREPROCESS, thumbnail
from game.vision.profile import Profile, ProfileError, Samples, load_profile, save_profile
from game.vision.training import HeadConfig, train_head

ROOMS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rooms"
#: For tests that read room photos: needs ../shared (marked ``shared`` by tests/conftest.py).
needs_rooms = pytest.mark.usefixtures("shared_dir")


def _hand_like(rng: np.random.Generator) -> np.ndarray:
    lm = np.zeros((21, 3))
    lm[0] = [320, 400, 0]
    for finger, x in zip((1, 5, 9, 13, 17), (250, 290, 320, 350, 380), strict=True):
        for j in range(4):
            lm[finger + j] = [x + rng.normal(0, 5), 330 - 30 * j + rng.normal(0, 5), rng.normal(0, 10)]
    return lm


def _similar(lm: np.ndarray, angle: float, scale: float, shift: tuple[float, float]) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    out = lm.copy()
    out[:, :2] = (lm[:, :2] @ np.array([[c, s], [-s, c]])) * scale + shift
    out[:, 2] = lm[:, 2] * scale
    return out


def test_hand_vector_ignores_where_the_hand_is_and_how_large_it_is() -> None:
    lm = _hand_like(np.random.default_rng(0))
    base = hand_vector(lm)
    assert base.shape == HAND_FEATURE_SHAPE == (214,)
    np.testing.assert_allclose(hand_vector(_similar(lm, 0.0, 1.8, (-100.0, 50.0))), base, atol=1e-4)


def test_turning_the_hand_changes_only_its_directions() -> None:
    lm = _hand_like(np.random.default_rng(0))
    base, turned = hand_vector(lm), hand_vector(_similar(lm, math.pi / 2, 1.0, (0.0, 0.0)))
    np.testing.assert_allclose(turned[:210], base[:210], atol=1e-4)  # pairwise distances
    # The hand pointed up (0, -1); a quarter turn makes it point sideways.
    np.testing.assert_allclose(base[210:212], [0, -1], atol=0.1)
    assert abs(turned[210]) > 0.95 and abs(turned[211]) < 0.1


def test_a_mirrored_hand_has_the_same_shape_and_flipped_directions() -> None:
    rng = np.random.default_rng(1)
    lm = _hand_like(rng)
    mirrored = lm.copy()
    mirrored[:, 0] = 640 - mirrored[:, 0]
    a, b = hand_vector(lm), hand_vector(mirrored)
    np.testing.assert_allclose(a[:210], b[:210], atol=1e-4)
    np.testing.assert_allclose(a[210::2], -b[210::2], atol=1e-4)  # x components
    folded = lm.copy()
    folded[8, 1] += 80  # the index finger folded down
    assert np.abs(hand_vector(folded)[:210] - a[:210]).max() > 0.3


def test_cli_knows_the_same_recognizers_as_the_vision_layer() -> None:
    assert cli.RECOGNIZERS == rec.RECOGNIZERS
    assert cli.DEFAULT_RECOGNIZER == rec.DEFAULT_RECOGNIZER


def test_hand_profile_round_trip_and_old_profiles_are_frame(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    samples = Samples.empty("hand")
    for label in range(2):
        samples = samples.add(label, rng.normal(size=(6, *HAND_FEATURE_SHAPE)).astype(np.float32))
    profile = Profile(["up", "down"], "mediapipe_hands/x@y", "y", samples=samples, recognizer="hand")
    saved = save_profile(profile, tmp_path / "hand")
    loaded = load_profile(saved)
    assert loaded.recognizer == "hand"
    assert loaded.samples.features.shape == (12, *HAND_FEATURE_SHAPE)
    assert json.loads((saved / "profile.json").read_text())["recognizer"] == "hand"

    old = save_profile(Profile(["up", "down"], "mobilenet@abc", "abc"), tmp_path / "old")
    meta = json.loads((old / "profile.json").read_text())
    del meta["recognizer"]
    (old / "profile.json").write_text(json.dumps(meta))
    assert load_profile(old).recognizer == "frame"

    meta["recognizer"] = "telepathy"
    (old / "profile.json").write_text(json.dumps(meta))
    with pytest.raises(ProfileError, match="telepathy"):
        load_profile(old)


def test_frame_samples_are_refused_in_a_hand_profile(tmp_path: Path) -> None:
    frame = Samples().add(0, np.zeros((3, 7, 7, 256), dtype=np.float32)).add(1, np.zeros((3, 7, 7, 256)))
    saved = save_profile(Profile(["up", "down"], "m@a", "a", samples=frame), tmp_path / "p")
    meta = json.loads((saved / "profile.json").read_text())
    meta["recognizer"] = "hand"
    (saved / "profile.json").write_text(json.dumps(meta))
    with pytest.raises(ProfileError, match=r"expected \(N, 214\)"):
        load_profile(saved)


@pytest.fixture(scope="module")
def extractor() -> HandFeatureExtractor:
    return HandFeatureExtractor()


def _room(name: str) -> np.ndarray:
    path = ROOMS / name
    if not path.is_file():  # callers are marked needs_rooms: ../shared is here, so this is a fault
        pytest.fail(f"{path} is missing from ../shared: the room photos live in ../shared/data/rooms")
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@needs_rooms
def test_classifier_answers_no_hand_as_idle_and_a_hand_with_its_box(extractor: HandFeatureExtractor) -> None:
    hand_frame = _room("996/three/996_pic00045.jpg")
    empty = cv2.resize(hand_frame[:, 300:], (640, 480))
    vector, _ = extractor.photo(hand_frame)
    assert vector is not None
    rng = np.random.default_rng(0)
    x = vector + rng.normal(0, 0.05, (10, vector.size))
    y = np.array([0, 1] * 5)
    head = train_head(x.astype(np.float32), y, ["up", "idle"], HeadConfig(epochs=2), seed=0).head
    profile = Profile(
        ["up", "idle"], extractor.backbone_id, extractor.weights_sha256, head=head, recognizer="hand"
    )
    classifier = GestureClassifier(profile, extractor)
    seen = classifier.predict(hand_frame)
    assert seen.hand is not None and seen.hand.found and not seen.no_hand
    assert seen.top in ("up", "idle")
    gone = classifier.predict(empty)
    assert gone.no_hand and gone.top == NO_HAND and gone.confidence == 0.0
    assert gone.probs == {"up": 0.0, "idle": 1.0}


def test_a_hand_profile_needs_the_hand_runtime(extractor: HandFeatureExtractor) -> None:
    profile = Profile(["up", "down"], "mobilenet@abc", "abc", head=object())
    with pytest.raises(ProfileError):
        GestureClassifier(profile, extractor)


def test_an_avg_pooling_head_is_refused_for_hand_vectors(tmp_path: Path) -> None:
    """Averaging over rows and columns needs a feature map: a hand vector has none."""
    from game.vision.head_arrays import DenseArrays, HeadArrays, HeadArraysError

    kernel = np.zeros((HAND_FEATURE_SHAPE[-1], 2), np.float32)
    arrays = HeadArrays("avg", (DenseArrays(kernel, np.zeros(2, np.float32), "softmax"),))
    with pytest.raises(HeadArraysError, match=r"'avg'.*feature map"):
        arrays.check(2, HAND_FEATURE_SHAPE)
    arrays.check(2, (7, 7, HAND_FEATURE_SHAPE[-1]))  # a feature map of that depth is fine
    samples = Samples.empty("hand").add(0, np.zeros((2, *HAND_FEATURE_SHAPE))).add(1, np.ones((2, 214)))
    profile = Profile(["up", "down"], "m@a", "a", samples=samples, recognizer="hand", head_arrays=arrays)
    saved = save_profile(profile, tmp_path / "p")
    with pytest.raises(ProfileError, match=r"head\.npz.*'avg'") as caught:
        load_profile(saved, keras_head=False)
    assert "\n" not in str(caught.value)


@pytest.fixture(scope="module")
def hand_profile(signdigits: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hand")
    train = labelled_subset(signdigits, root / "train", 0, 20)
    profile = root / "profile"
    argv = ["train", "--images", str(train), "--profile", str(profile), "--json"]  # hand is the default
    assert main(argv) == 0
    return profile


def test_train_and_evaluate_a_hand_profile_on_photos(
    hand_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = hand_profile
    loaded = load_profile(profile)
    assert loaded.recognizer == "hand" and loaded.samples.features.shape[1:] == HAND_FEATURE_SHAPE
    assert len(loaded.samples) >= 72  # at most 8 of the 80 photos without a hand found
    # The samples' thumbnails are the hand crops the landmark model read, as calibration keeps them.
    data = load_labelled_folder(profile.parent / "train", short_side=2 * DEFAULT_PREPROCESS.size)
    rows = rec.image_features("hand", data.images)
    assert rows.thumbnails is not None
    crops = np.concatenate(
        [rows.thumbnails[(data.labels == i) & rows.found] for i in range(len(data.classes))]
    )
    assert np.array_equal(loaded.samples.thumbnails, crops)
    centres = np.stack([thumbnail(image, 48) for image in data.images])
    assert not np.array_equal(rows.thumbnails[rows.found], centres[rows.found])
    test = labelled_subset(signdigits, tmp_path / "test", 20, 15)
    capsys.readouterr()
    assert main(["evaluate", "--images", str(test), "--profile", str(profile), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["recognizer"] == "hand" and report["n"] == 60
    assert report["accuracy"] >= 0.8, report


def test_evaluate_and_play_refuse_a_hand_profile_whose_numpy_head_averages(
    hand_profile: Path, signdigits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from game.vision.photo_sets import video_from_photos

    odd = tmp_path / "odd"
    shutil.copytree(hand_profile, odd)
    with np.load(odd / "head.npz", allow_pickle=False) as data:
        entries = {name: data[name] for name in data.files}
    entries["pooling"] = np.asarray("avg")  # the kernels still fit: 214 is the vector's last axis
    np.savez(odd / "head.npz", **entries)
    test = labelled_subset(signdigits, tmp_path / "test", 20, 2)
    clip = tmp_path / "v.avi"
    video = video_from_photos(signdigits, clip, ["up"], photos_per_segment=2, video_from_rank=40)
    capsys.readouterr()
    for argv in (
        ["evaluate", "--images", str(test), "--profile", str(odd)],
        ["play", "--headless", "--video", str(video.path), "--profile", str(odd), "--seconds", "1"],
    ):
        assert main(argv) != 0
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "'avg'" in err and "Traceback" not in err, err


def test_play_loads_the_hand_runtime_for_a_hand_profile(hand_profile: Path) -> None:
    from game.vision.gesture_setup import load_gesture_classifier

    classifier = load_gesture_classifier(hand_profile, threads=1)
    assert classifier.recognizer == "hand"
    blank = classifier.predict(np.full((480, 640, 3), 128, dtype=np.uint8))
    assert blank.no_hand and blank.confidence == 0.0 and blank.top == NO_HAND
