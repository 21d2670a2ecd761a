"""Timing of the hand recognizer's per-frame path (hand stage with tracking + numpy head).

A 640x480 stream is built from one photo with a hand (the first of ``--images`` in which the hand
stage finds one, letterboxed into a webcam-sized frame) that drifts a few pixels per frame, as a
hand held in front of a webcam does, so the tracker works as in play: the detector runs on the
first frame and whenever the landmarks lose the hand. Without such a photo the stream has no hand,
and every frame pays for the detector (the worst case, reported as such).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np

Log = Callable[[str], None]
WIDTH, HEIGHT = 640, 480


def _webcam_sized(image: np.ndarray) -> np.ndarray:
    """``image`` scaled to half the frame's height and centred on a grey 640x480 frame (a close-up
    photo becomes a hand at arm's length)."""
    h, w = image.shape[:2]
    scale = min(WIDTH / w, HEIGHT / h) * 0.5
    small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))))
    frame = np.full((HEIGHT, WIDTH, 3), 110, dtype=np.uint8)
    top, left = (HEIGHT - small.shape[0]) // 2, (WIDTH - small.shape[1]) // 2
    frame[top : top + small.shape[0], left : left + small.shape[1]] = small
    return frame


def hand_photo(images: Sequence[np.ndarray], extractor: Any, tries: int = 20) -> np.ndarray | None:
    """A 640x480 frame made from the first of ``images`` in which a hand is found, else None."""
    for image in images[:tries]:
        frame = image if image.shape[:2] == (HEIGHT, WIDTH) else _webcam_sized(image)
        if extractor.photo(frame)[0] is not None:
            return frame
    return None


def drifting(frame: np.ndarray, index: int) -> np.ndarray:
    """``frame`` moved along a slow loop (up to 40 px), edges replicated."""
    dx, dy = 40 * math.sin(index / 15), 20 * math.sin(index / 9)
    m = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
    return cv2.warpAffine(frame, m, (frame.shape[1], frame.shape[0]), borderMode=cv2.BORDER_REPLICATE)


def time_hand_path(images: Sequence[np.ndarray], frames: int, threads: int, log: Log) -> dict[str, Any]:
    """Per-frame figures of the hand recognizer: p50/p95 of the whole path, the detector's share."""
    from game.vision.classifier import GestureClassifier
    from game.vision.hand_features import HAND_FEATURE_SHAPE, HandFeatureExtractor
    from game.vision.profile import Profile
    from game.vision.training import build_head, default_recipe

    extractor = HandFeatureExtractor(num_threads=threads)
    photo = hand_photo(images, extractor)
    stream = [drifting(photo, i) for i in range(60)] if photo is not None else None
    if stream is None:
        stream = [np.full((HEIGHT, WIDTH, 3), 110, dtype=np.uint8)]
        log("hand path: no photo with a hand among the images; timing frames without a hand")
    classes = ["up", "down", "left", "right"]
    head = build_head(len(classes), default_recipe("hand"), seed=0, input_shape=HAND_FEATURE_SHAPE)
    profile = Profile(classes, extractor.backbone_id, extractor.weights_sha256, head=head, recognizer="hand")
    classifier = GestureClassifier(profile, extractor)
    for i in range(10):
        classifier.predict(stream[i % len(stream)])
    extractor.tracker.reset()
    total, detector, detected, found = [], [], 0, 0
    for i in range(frames):
        start = time.perf_counter()
        prediction = classifier.predict(stream[i % len(stream)])
        total.append(time.perf_counter() - start)
        hand = prediction.hand
        assert hand is not None
        detector.append(hand.detector_ms / 1000.0)
        detected += hand.detected
        found += hand.found
    total_ms = np.asarray(total) * 1000.0
    detector_ms = np.asarray(detector) * 1000.0
    p50 = float(np.percentile(total_ms, 50))
    log(f"hand path: p50 {p50:.2f} ms, detector on {detected}/{frames} frames, hand in {found}/{frames}")
    return {
        "hand_frame_ms_p50": round(p50, 3),
        "hand_frame_ms_p95": round(float(np.percentile(total_ms, 95)), 3),
        "hand_detector_share": round(float(detector_ms.sum() / total_ms.sum()), 3),
        "hand_detector_frames": round(detected / frames, 3),
        "hand_detector_ms_p50": round(float(np.percentile(detector_ms[detector_ms > 0], 50)), 3)
        if detected
        else None,
        "hand_found_frames": round(found / frames, 3),
        "hand_stream": "photo with a hand, drifting" if photo is not None else "no hand (worst case)",
    }
