"""``bench --suite vision``: the per-frame path against Keras ``predict``, feature throughput, head training.

Figures (one JSON object):

* ``frame_ms_p50`` / ``frame_ms_p95``: one 640x480 BGR camera frame, as a webcam source hands it
  over (decoded, to be mirrored), through the per-frame path of the whole-frame recognizer exactly
  as play runs it for a ``frame`` profile by default (learning while playing on: preprocessing
  from the camera's pixels into the interpreter's input, LiteRT features, kept for corrections,
  and the head), with the
  default recipe's head, batch 1, with play's thread count (``threads``); ``frame_ms_p50_plain``
  the same through the plain classifier (``play --no-learn``);
* ``backbone_fp32_ms_p50``: the float32 LiteRT backbone's invoke alone, same interpreter and
  threads, timed in the same loop as the frames (interleaved), and ``frame_to_backbone`` =
  frame_ms_p50 / backbone_fp32_ms_p50: what the per-frame path adds on top of the network
  (``frame_to_backbone_plain`` for the plain path); the same at the 10th percentile
  (``frame_ms_p10``, ``backbone_fp32_ms_p10``, ``frame_to_backbone_p10``), which other processes'
  preemptions disturb far less on a shared machine: a longer window is more likely to be
  interrupted, which inflates the ratio of medians;
* ``frame_parts_ms_p50``: the plain path's steps timed one by one in a separate loop
  (preprocessing into the interpreter's input, invoke, head), to show where the frame's time goes;
* ``predict_ms_p50``: preprocess + Keras ``Model.predict`` of backbone + head on the same frame,
  and ``speedup`` = predict_ms_p50 / frame_ms_p50 (the baseline the per-frame path replaces);
* ``images_per_second``: features for training from image files (decode, preprocess, TensorFlow
  batches), after one warm-up batch;
* ``train_seconds_400``: the default head trained on 400 samples, ``train_seconds_400_original``
  the seed's recipe on the same samples, and ``train_ratio_400`` the first over the second (each
  the median of ``TRAIN_RUNS`` alternating runs, after a throwaway training has paid
  TensorFlow's start-up);
* ``hand_frame_ms_p50`` / ``hand_frame_ms_p95``: one 640x480 frame through the hand recognizer's
  path (hand stage with tracking, landmark features, numpy head), with ``hand_detector_share``
  (the share of that time spent in the palm detector), ``hand_detector_frames`` (the share of
  frames on which it ran) and ``hand_detector_ms_p50``; see game/bench/hand_path.py.

With ``--images DIR`` real labelled photos are used (the timed frame is the first one, scaled to
640x480 like a webcam picture); otherwise generated frames.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from game.config import models_dir

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

Log = Callable[[str], None]
TRAIN_RUNS = 3


def _percentile_ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(seconds) * 1000.0, q))


def generated_frame(rng: np.random.Generator, width: int = 640, height: int = 480) -> np.ndarray:
    """A webcam-sized RGB frame with smooth structure (JPEG-like content, not white noise)."""
    small = rng.integers(0, 256, size=(height // 16, width // 16, 3), dtype=np.uint8)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def _image_files(args: argparse.Namespace, workdir: Path, log: Log) -> list[Path]:
    """Image files to time decoding on: the given folder's, or generated JPEGs written to ``workdir``."""
    if args.images:
        from game.vision.camera import list_images
        from game.vision.images import class_folders

        files = [f for _, folder in class_folders(Path(args.images)) for f in list_images(folder)]
        log(f"{len(files)} images from {args.images}")
        return files
    rng = np.random.default_rng(0)
    files = []
    for i in range(400):
        path = workdir / f"frame{i:04d}.jpg"
        cv2.imwrite(str(path), generated_frame(rng, 320, 240))
        files.append(path)
    log("400 generated 320x240 JPEG frames")
    return files


def _time_images_per_second(files: list[Path], extractor: Any) -> float:
    from game.vision.images import read_rgb

    warm = [im for im in (read_rgb(f) for f in files[: extractor.batch_size]) if im is not None]
    extractor.from_images(warm)  # traces the compiled function once
    start = time.perf_counter()
    images = [im for im in (read_rgb(f) for f in files) if im is not None]
    extractor.from_images(images)
    return len(images) / (time.perf_counter() - start)


def _time_interleaved(fns: Sequence[Callable[[], object]], count: int) -> list[list[float]]:
    """Time each of ``fns`` in turn, ``count`` rounds, so that all see the same load."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(count):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return times


def _time_alternating(
    first: Callable[[], object], second: Callable[[], object], count: int
) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` in turn, ``count`` times each, so that both see the same load."""
    a, b = _time_interleaved([first, second], count)
    return a, b


def _time_frames(fn: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _time_parts(camera_bgr: np.ndarray, classifier: Any, count: int) -> dict[str, float]:
    """Median ms of each step of the plain per-frame path, run in order as the path runs them."""
    from game.vision.preprocess import preprocess_camera

    runtime, config = classifier.backbone, classifier.preprocess_config
    size = config.size
    work = (np.empty((size, size, 3), np.uint8), np.empty((size, size, 3), np.uint8))
    times: dict[str, list[float]] = {"preprocess": [], "invoke": [], "head": []}
    for _ in range(count):
        t0 = time.perf_counter()
        runtime.fill_input(lambda x: preprocess_camera(camera_bgr, True, config, out=x[0], work=work))
        t1 = time.perf_counter()
        runtime.invoke()
        t2 = time.perf_counter()
        runtime.read_output(classifier.head.single)  # the head on the output buffer, in place
        t3 = time.perf_counter()
        for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            times[name].append(seconds)
    return {name: round(_percentile_ms(values, 50), 3) for name, values in times.items()}


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    import keras

    from game.vision.camera import Frame
    from game.vision.camera import _to_rgb as camera_to_rgb
    from game.vision.classifier import GestureClassifier
    from game.vision.features import FeatureExtractor, LiteRTBackbone, load_backbone
    from game.vision.gesture_setup import live_inference_threads
    from game.vision.images import read_rgb
    from game.vision.learning_classifier import learning_classifier
    from game.vision.preprocess import preprocess
    from game.vision.profile import Profile
    from game.vision.training import DEFAULT, ORIGINAL_RECIPE, build_head, train_head
    from game.vision.types import DIRECTION_CLASSES

    frames = args.frames or 500
    backbone = load_backbone(Path(args.weights) if args.weights else None)
    extractor = FeatureExtractor(backbone)
    # Play's thread count (all cores but one): the figures describe the path as play runs it.
    runtime = LiteRTBackbone.from_backbone(backbone, models_dir(args.models), live_inference_threads())
    log(f"TensorFlow on {extractor.device}; per-frame runtime LiteRT/XNNPACK, {runtime.num_threads} threads")

    with tempfile.TemporaryDirectory(prefix="gesture-bench-") as tmp:
        files = _image_files(args, Path(tmp), log)
        sample_files = files[:: max(1, len(files) // 400)][:400]
        samples = [im for im in (read_rgb(f) for f in sample_files) if im is not None]
        picture = (
            cv2.resize(samples[0], (640, 480), interpolation=cv2.INTER_LINEAR)
            if args.images
            else generated_frame(np.random.default_rng(1))
        )
        # What a webcam delivers: BGR; the webcam source converts it and mirrors it, as timed below.
        camera_bgr = cv2.cvtColor(picture, cv2.COLOR_RGB2BGR)
        frame = camera_to_rgb(camera_bgr, True)

        # The per-frame path first, while TensorFlow's thread pools are idle, as they are during play.
        classes = list(DIRECTION_CLASSES)
        head = build_head(len(classes), DEFAULT, seed=0)
        profile = Profile(classes, backbone.backbone_id, backbone.weights_sha256, head=head)
        classifier = GestureClassifier(profile, runtime)
        learning = learning_classifier(profile, runtime)
        counter = iter(range(1 << 62))

        def camera_frame() -> Frame:
            """A frame as the webcam source hands it over: decoded BGR, mirrored on conversion."""
            return Frame.decoded(camera_bgr, time.monotonic(), next(counter), mirror=True)

        def frame_path() -> None:
            learning.predict_frame(camera_frame())

        def frame_path_plain() -> None:
            classifier.predict_frame(camera_frame())

        paths = [frame_path, runtime.invoke, frame_path_plain]
        _time_interleaved(paths, 20)
        frame_s, backbone_s, plain_s = _time_interleaved(paths, frames)
        log(
            f"per-frame path: p50 {_percentile_ms(frame_s, 50):.2f} ms (plain "
            f"{_percentile_ms(plain_s, 50):.2f} ms) over {frames} frames of {camera_bgr.shape}; "
            f"backbone invoke alone {_percentile_ms(backbone_s, 50):.2f} ms"
        )

        parts = _time_parts(camera_bgr, classifier, frames)
        log("parts: " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in parts.items()))

        full = keras.Sequential([backbone.model, head])
        full.predict(preprocess(frame)[None], verbose=0)
        # Same work as the per-frame path: preprocessing included, only the inference differs.
        predict_s = _time_frames(lambda: full.predict(preprocess(frame)[None], verbose=0), 30)
        log(f"Keras predict: p50 {_percentile_ms(predict_s, 50):.2f} ms")

        from game.bench.hand_path import time_hand_path

        hand = time_hand_path(samples if args.images else [], frames, runtime.num_threads, log)

        images_per_second = _time_images_per_second(files, extractor)
        log(f"training features: {images_per_second:.0f} images/s")

    features = extractor.from_images(samples)
    labels = np.arange(len(features)) % len(classes)
    # TensorFlow's one-time start-up (first graph, thread pools) is paid by a throwaway training,
    # not by whichever recipe happens to run first; then the two alternate, median of TRAIN_RUNS.
    train_head(features[:40], labels[:40], classes, ORIGINAL_RECIPE.replace(epochs=1), seed=0)
    default_s: list[float] = []
    original_s: list[float] = []
    for _ in range(TRAIN_RUNS):
        default_s.append(train_head(features, labels, classes, DEFAULT, seed=0).seconds)
        original_s.append(train_head(features, labels, classes, ORIGINAL_RECIPE, seed=0).seconds)
    train_default, train_original = float(np.median(default_s)), float(np.median(original_s))
    log(f"default head on {len(features)} samples: {train_default:.2f} s (median of {TRAIN_RUNS})")
    log(f"original recipe on {len(features)} samples: {train_original:.2f} s (median of {TRAIN_RUNS})")

    frame_p50 = _percentile_ms(frame_s, 50)
    backbone_p50 = _percentile_ms(backbone_s, 50)
    predict_p50 = _percentile_ms(predict_s, 50)
    return {
        "frame_ms_p50": round(frame_p50, 3),
        "frame_ms_p95": round(_percentile_ms(frame_s, 95), 3),
        "backbone_fp32_ms_p50": round(backbone_p50, 3),
        "frame_to_backbone": round(frame_p50 / backbone_p50, 3),
        "frame_ms_p50_plain": round(_percentile_ms(plain_s, 50), 3),
        "frame_to_backbone_plain": round(_percentile_ms(plain_s, 50) / backbone_p50, 3),
        "frame_ms_p10": round(_percentile_ms(frame_s, 10), 3),
        "backbone_fp32_ms_p10": round(_percentile_ms(backbone_s, 10), 3),
        "frame_to_backbone_p10": round(_percentile_ms(frame_s, 10) / _percentile_ms(backbone_s, 10), 3),
        "threads": runtime.num_threads,
        "frame_parts_ms_p50": parts,
        "predict_ms_p50": round(predict_p50, 3),
        "speedup": round(predict_p50 / frame_p50, 1),
        "images_per_second": round(images_per_second, 1),
        "train_seconds_400": round(train_default, 3),
        "train_seconds_400_original": round(train_original, 3),
        "train_ratio_400": round(train_default / train_original, 2),
        "train_samples": len(features),
        "frame_shape": list(camera_bgr.shape),
        "runtime": f"LiteRT XNNPACK, {runtime.num_threads} threads",
        "device": extractor.device,
        "images": str(args.images) if args.images else "generated",
        **hand,
    }
