"""Learning while playing judges a hand profile's corrections by the hand crop, as calibration does.

An arrow held while a gesture is shown offers every new camera frame as a correction; the sample
gate keeps only frames that changed since the last one kept. For a hand profile the gate compares
the hand crop the hand stage cut (what the head's features come from), not the frame's centre
square: on real frames (``room_hands_support``) a hand moving beside a still centre is learned, a
still hand before a changing background is not.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from room_hands_support import centre_spread, moving_hand, session, still_hand_changing_rooms

from game.vision.camera import Frame
from game.vision.corrections import LearningSettings
from game.vision.hand_features import HandFeatureExtractor
from game.vision.hands import HandResult
from game.vision.head_arrays import DenseArrays, HeadArrays
from game.vision.play_learning import PlayLearning, load_play_learning
from game.vision.predictor import LivePrediction
from game.vision.preprocess import PreprocessConfig, frame_square, thumbnail
from game.vision.profile import THUMBNAIL_SIZE, Profile, Samples, save_profile
from game.vision.recognizer import HAND, feature_shape
from game.vision.types import ThumbKind
from game.vision.variety import GOOD_SPREAD, VarietyMeter

CLASSES = ["up", "down", "left", "right"]
#: A frame every half second: the play gate's rate (4 a second) never decides, only the change.
FRAME_INTERVAL = 0.5


def _hand_profile(folder: Path) -> Path:
    """A hand profile on the shipped hand models with a one-layer head, saved in ``folder``."""
    stage = HandFeatureExtractor()
    rng = np.random.default_rng(0)
    width = feature_shape(HAND)[0]
    kernel = rng.normal(0, 0.1, (width, 4)).astype(np.float32)
    head = HeadArrays("flatten", (DenseArrays(kernel, None, "softmax"),))
    thumbs = np.zeros((8, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), np.uint8)
    samples = Samples(rng.normal(size=(8, width)).astype(np.float16), np.arange(8) % 4, thumbs)
    profile = Profile(
        CLASSES, stage.backbone_id, stage.weights_sha256, samples=samples, recognizer=HAND, head_arrays=head
    )
    save_profile(profile, folder)
    return folder


def _play(learning: PlayLearning, frames: list[np.ndarray]) -> int:
    """Hold the up arrow over ``frames`` as the play scene does (each frame's newest prediction
    offered once); how many corrections were learned."""
    for i, image in enumerate(frames):
        frame = Frame(image, i * FRAME_INTERVAL, i)
        result = learning.classifier.predict_frame(frame)  # the predictor thread's call
        live = LivePrediction(result, frame, i, frame.timestamp, frame.timestamp, frame.timestamp)
        learning.override("up", live)
        learning.override("up", live)  # the key stays down over several game steps
    return learning.count


def _learning(folder: Path) -> PlayLearning:
    return load_play_learning(_hand_profile(folder), None, None, LearningSettings(retrain_after=1000))


def test_a_hand_moving_beside_a_still_centre_is_learned(shared_dir: Path, tmp_path: Path) -> None:
    frames = moving_hand(session(shared_dir))
    assert centre_spread(frames) == 0.0  # the centre square never changes: the old gate kept one
    learning = _learning(tmp_path)
    try:
        learned = _play(learning, frames)
        thumbs = learning.corrections.new_samples().thumbnails
    finally:
        learning.close()
    assert learned >= len(frames) - 4, f"{learned} of {len(frames)}"  # 16 of 16; the old gate kept 1
    assert VarietyMeter().variety("up", list(thumbs)).good  # saved with the profile: crops, varied


def test_a_still_hand_before_a_changing_background_is_gated(shared_dir: Path, tmp_path: Path) -> None:
    frames = still_hand_changing_rooms(shared_dir, session(shared_dir))
    assert centre_spread(frames) >= GOOD_SPREAD  # the old gate took the background for new poses
    learning = _learning(tmp_path)
    try:
        learned = _play(learning, frames)
    finally:
        learning.close()
    # 3 of 14 (the old gate kept 10): the first frames, while the tracked crop settles on the hand
    # the palm detector found; after that the crop does not change.
    assert learned <= 3, f"{learned} of {len(frames)}"


class _Result:
    def __init__(self, hand: object) -> None:
        self.features = np.zeros(4, np.float32)
        self.hand = hand


class _Corrections:
    """Records what ``PlayLearning.override`` offers."""

    enabled = True

    def __init__(self) -> None:
        self.thumbs: list[tuple[np.ndarray, ThumbKind]] = []

    def offer(
        self, label: str, features: np.ndarray, thumbnail: np.ndarray, t: float, kind: ThumbKind
    ) -> bool:
        self.thumbs.append((thumbnail, kind))
        return True


def _offered(hand: object, image: np.ndarray) -> tuple[np.ndarray, ThumbKind]:
    corrections = _Corrections()
    learning = PlayLearning(None, corrections, Path("."), None)  # type: ignore[arg-type]
    frame = Frame(image, 0.0, 1)
    learning.override("up", LivePrediction(_Result(hand), frame, 1, 0.0, 0.0, 0.0))  # type: ignore[arg-type]
    assert len(corrections.thumbs) == 1
    return corrections.thumbs[0]


def test_the_thumbnail_is_the_hand_crop_for_a_hand_and_the_centre_square_otherwise() -> None:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (120, 200, 3), dtype=np.uint8)
    crop = rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)
    centre = frame_square(Frame(image, 0.0, 1), PreprocessConfig(size=THUMBNAIL_SIZE))
    found = HandResult(found=True, crop=crop)
    thumb, kind = _offered(found, image)
    assert np.array_equal(thumb, thumbnail(crop, THUMBNAIL_SIZE)) and kind is ThumbKind.HAND
    # A frame profile has no hand result; a hand result without a hand has no crop to show.
    for hand in (None, HandResult(found=False, crop=crop)):
        thumb, kind = _offered(hand, image)
        assert np.array_equal(thumb, centre) and kind is ThumbKind.CENTRE
