"""Which features a profile's head reads: ``hand`` (the hand stage's landmarks) or ``frame`` (MobileNet
on the whole frame, for gestures that are not hand shapes: leaning, head tilts).

The choice is stored in the profile (profiles saved before it existed are ``frame``). This module is
light to import: the command line reads the names.
:func:`image_features` turns RGB images into the recognizer's feature rows, the one function that
training from images, evaluation and benchmarks (the room protocol) use for either recognizer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from game.vision.features import Backbone, LiteRTBackbone
    from game.vision.preprocess import PreprocessConfig

HAND = "hand"
FRAME = "frame"
RECOGNIZERS: tuple[str, ...] = (HAND, FRAME)
#: What profiles saved before the recognizer choice existed used.
LEGACY_RECOGNIZER = FRAME
#: For new profiles (train, calibrate): the hand recognizer won the room protocol by a wide
#: margin (docs/benchmarks.md, "Hand recognizer").
DEFAULT_RECOGNIZER = HAND


def check_recognizer(name: str) -> str:
    """``name`` if it is a recognizer; ValueError naming the choices otherwise."""
    if name not in RECOGNIZERS:
        raise ValueError(f"unknown recognizer {name!r} (choose {' or '.join(RECOGNIZERS)})")
    return name


def feature_shape(recognizer: str) -> tuple[int, ...]:
    """The shape of one feature row for ``recognizer``."""
    if check_recognizer(recognizer) == HAND:
        from game.vision.hand_features import HAND_FEATURE_SHAPE

        return HAND_FEATURE_SHAPE
    from game.vision.features import FEATURE_SHAPE

    return FEATURE_SHAPE


@dataclass(frozen=True)
class RecognizerFeatures:
    """Feature rows for separate images, whether each had a hand (always True for ``frame``), and
    the ids a profile records to tie its head to these features. ``thumbnails``: the samples'
    thumbnails when they are not the images' centre squares (``hand``: each image's hand crop),
    else None (``frame``: ``preprocess.thumbnail`` of each image)."""

    features: np.ndarray
    found: np.ndarray
    backbone_id: str
    weights_sha256: str
    thumbnails: np.ndarray | None = None


def image_features(
    recognizer: str,
    images_rgb: Sequence[np.ndarray],
    *,
    backbone: Backbone | None = None,
    runtime: LiteRTBackbone | None = None,
    weights: Path | None = None,
    hand_models: Path | None = None,
    preprocess: PreprocessConfig | None = None,
    on_batch: Callable[[int], object] | None = None,
    batch_size: int = 64,
) -> RecognizerFeatures:
    """Feature rows for separate RGB images (photos, not a video stream) for ``recognizer``.

    ``frame``: MobileNet features through TensorFlow in batches (``backbone``, or the one
    ``weights`` or Keras's cache gives; ``preprocess``, by default the standard one), or, given a
    per-frame LiteRT ``runtime``, through it one image at a time with no TensorFlow (the same
    features to float rounding); every image has a row.
    ``hand``: the hand stage on each image (detected, not tracked); ``found`` marks the images
    in which a hand was found, the others have zero rows and must not be trained on.
    ``on_batch(n)`` hears how many images each finished step covered (a progress bar);
    ``batch_size`` is the TensorFlow batch for ``frame``.
    """
    if check_recognizer(recognizer) == HAND:
        from game.vision.hand_features import HandFeatureExtractor

        extractor = HandFeatureExtractor(hand_models)
        rows = extractor.from_images(images_rgb, on_image=on_batch)
        return RecognizerFeatures(
            rows.features, rows.found, extractor.backbone_id, extractor.weights_sha256, rows.thumbnails
        )
    import numpy as np

    from game.vision.features import FeatureExtractor, load_backbone
    from game.vision.preprocess import DEFAULT_PREPROCESS

    if runtime is not None:
        lite = runtime.from_images(images_rgb, preprocess or DEFAULT_PREPROCESS, on_image=on_batch)
        return RecognizerFeatures(lite, np.ones(len(lite), bool), runtime.backbone_id, runtime.weights_sha256)
    backbone = backbone or load_backbone(weights)
    features = FeatureExtractor(backbone, batch_size).from_images(
        images_rgb, preprocess or DEFAULT_PREPROCESS, on_batch=on_batch
    )
    found = np.ones(len(features), dtype=bool)
    return RecognizerFeatures(features, found, backbone.backbone_id, backbone.weights_sha256)
