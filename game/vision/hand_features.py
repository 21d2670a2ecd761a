"""Hand features for the gesture head: the hand stage's 21 landmarks, normalised.

A frame becomes a fixed-length vector that describes the hand's shape, wherever the hand is in
the picture and however large it appears:

* the distances between every pair of landmarks (210, in 3-D), divided by the palm's size (the
  mean wrist -> finger-base distance in the image plane). They do not change when the hand moves,
  turns or is mirrored, so a left and a right hand showing three fingers look alike;
* two directions in the image, as unit vectors: wrist -> middle-finger base (where the hand
  points) and index-finger base -> tip (where the index finger points), so that pointing up and
  pointing left stay apart.

On the room protocol, distances alone scored 0.93 against 0.66 for the landmark coordinates
rotated upright (0.82 with a mirror by handedness); the two directions cost nothing measurable.
A frame without a hand has no vector (``None``): the classifier answers "no hand", which means
idle. See docs/benchmarks.md ("Hand recognizer").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.vision.features import file_sha256
from game.vision.hands import (
    LANDMARK_MODEL_FILE,
    NUM_LANDMARKS,
    PALM_MODEL_FILE,
    SHIPPED_MODELS_DIR,
    HandModels,
    HandResult,
    HandTracker,
)
from game.vision.preprocess import seen_thumbnail
from game.vision.profile_format import THUMBNAIL_SIZE

#: Bumped whenever :func:`hand_vector` changes, so that an old profile's samples are not mixed in.
HAND_FEATURE_VERSION = "landmarks-v1"
_PAIRS = np.triu_indices(NUM_LANDMARKS, 1)
_FINGER_BASES = [5, 9, 13, 17]
#: (from, to) landmarks of the directions kept: wrist -> middle-finger base, index base -> tip.
_DIRECTIONS = ((0, 9), (5, 8))
HAND_FEATURE_SIZE = len(_PAIRS[0]) + 2 * len(_DIRECTIONS)
HAND_FEATURE_SHAPE: tuple[int] = (HAND_FEATURE_SIZE,)


def hand_vector(landmarks: np.ndarray) -> np.ndarray:
    """(21, 3) landmarks in frame pixels -> float32 (HAND_FEATURE_SIZE,): the 210 pairwise distances
    in palm sizes, then the two direction unit vectors (x, y in the image)."""
    p = np.asarray(landmarks, dtype=np.float64)
    if p.shape != (NUM_LANDMARKS, 3):
        raise ValueError(f"expected (21, 3) landmarks, got {p.shape}")
    palm = float(np.linalg.norm(p[_FINGER_BASES, :2] - p[0, :2], axis=1).mean())
    dists = np.linalg.norm(p[:, None, :] - p[None, :, :], axis=-1)[_PAIRS] / max(palm, 1e-6)
    directions = []
    for a, b in _DIRECTIONS:
        v = p[b, :2] - p[a, :2]
        directions.append(v / max(float(np.linalg.norm(v)), 1e-6))
    return np.concatenate([dists, *directions]).astype(np.float32)


def hand_models_id(folder: Path | None = None) -> str:
    """What a hand profile records as its "backbone": the feature version and both models' hashes."""
    folder = Path(folder) if folder is not None else SHIPPED_MODELS_DIR
    palm = file_sha256(folder / PALM_MODEL_FILE)[:16]
    landmark = file_sha256(folder / LANDMARK_MODEL_FILE)[:16]
    return f"mediapipe_hands/{HAND_FEATURE_VERSION}@{palm}+{landmark}"


@dataclass(frozen=True)
class ImageFeatures:
    """Feature vectors for a list of images; ``found[i]`` False means image i had no hand (its row is 0).
    ``thumbnails`` are the samples' thumbnails: of each image's hand crop, what the landmark model
    read (as calibration and play keep them, ``preprocess.seen_thumbnail``); black without a hand."""

    features: np.ndarray
    found: np.ndarray
    thumbnails: np.ndarray


class HandFeatureExtractor:
    """The hand stage plus :func:`hand_vector`: live frames (tracked) or separate photos (detected each).

    Like the interpreters it holds, use one extractor from one thread.
    """

    def __init__(self, folder: Path | None = None, num_threads: int | None = None) -> None:
        self.models = HandModels(folder, num_threads)
        self.tracker = HandTracker(self.models)
        self.backbone_id = hand_models_id(folder)
        self.weights_sha256 = self.backbone_id.rsplit("@", 1)[1]
        #: The newest result of :meth:`frame` (whoever asked for it), for drawing the hand.
        self.last: HandResult | None = None

    def frame(self, image_rgb: np.ndarray) -> tuple[np.ndarray | None, HandResult]:
        """One frame of a stream (the hand tracked from the previous frame): (vector or None, result)."""
        result = self.tracker.process(image_rgb)
        self.last = result
        if not result.found or result.landmarks is None:
            return None, result
        return hand_vector(result.landmarks), result

    def photo(self, image_rgb: np.ndarray) -> tuple[np.ndarray | None, HandResult]:
        """One separate photo (detected, then refined once from its own landmarks)."""
        result = self.tracker.still(image_rgb)
        if not result.found or result.landmarks is None:
            return None, result
        return hand_vector(result.landmarks), result

    def from_images(
        self, images_rgb: Sequence[np.ndarray], on_image: Callable[[int], object] | None = None
    ) -> ImageFeatures:
        """Vectors for separate photos; rows of photos without a hand are zero and ``found`` False.
        ``on_image(1)`` is called after each photo (a progress bar)."""
        out = np.zeros((len(images_rgb), HAND_FEATURE_SIZE), dtype=np.float32)
        found = np.zeros(len(images_rgb), dtype=bool)
        thumbs = np.zeros((len(images_rgb), THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), dtype=np.uint8)
        for i, image in enumerate(images_rgb):
            vector, result = self.photo(image)
            if vector is not None:
                out[i], found[i] = vector, True
                thumbs[i] = seen_thumbnail(result.seen, image, THUMBNAIL_SIZE)
            if on_image is not None:
                on_image(1)
        return ImageFeatures(out, found, thumbs)
