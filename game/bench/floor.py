"""``bench --suite floor``: how close any per-frame path can come to the bare backbone on this CPU.

``bench --suite vision`` reports play's per-frame path against the backbone's invoke alone
(``frame_to_backbone``). This suite says how much of the difference is the path's own Python and
how much is pixel work that any path has to do, by timing, in one interleaved loop (so that every
variant sees the same load; each round starts one variant later, so that each follows every other
equally often: what ran before changes what is still in the CPU's caches), on the same 640x480
camera frame as ``vision``:

* ``backbone``: the float32 LiteRT backbone's invoke alone (``vision``'s ``backbone_fp32_ms_p50``);
* ``play``: play's plain path, ``GestureClassifier.predict_frame`` on a frame as the webcam source
  hands it over (``vision``'s ``frame_ms_p50_plain``);
* ``floor``: the same pixel work and head product written straight, with no objects and no
  checks: area resize of the frame's 448x448 centre square, the one flip that mirrors it and
  turns it into RGB, the look-up into the interpreter's input, invoke, the head's product;
* ``floor_no_resize`` and ``floor_no_scale``: ``floor`` without the resize, or without the
  look-up (the input keeps the previous frame's values), to show what each step costs;
  ``floor_same_features`` says whether ``floor`` gave exactly play's features for the frame;
* ``small_camera``: ``floor`` on a 320x240 frame, whose 224x224 centre needs no resize at all:
  what a camera opened at 320x240 would cost (the camera's own scaler does the shrinking).

Each figure is ``<name>_ms_p50`` and ``<name>_to_backbone`` (its median over the backbone's, same
run). Weights as for ``vision``; the converted backbone is built once if it is not cached.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from game.bench.vision import generated_frame
from game.config import models_dir

Log = Callable[[str], None]
ROUNDS = 20


def _picture(args: argparse.Namespace) -> np.ndarray:
    """The RGB frame to time: the first photo of ``--images`` scaled to 640x480, else a generated one."""
    if args.images:
        from game.vision.camera import list_images
        from game.vision.images import class_folders, read_rgb

        for _, folder in class_folders(Path(args.images)):
            for file in list_images(folder):
                image = read_rgb(file)
                if image is not None:
                    return cv2.resize(image, (640, 480), interpolation=cv2.INTER_LINEAR)
    return generated_frame(np.random.default_rng(1))


def _straight_path(
    runtime: Any, kernel_t: np.ndarray, bgr: np.ndarray, resize: bool, scale: bool
) -> Callable[[], None]:
    """The per-frame pixel work on ``bgr`` with nothing around it (see the module docstring)."""
    from game.vision.preprocess import scale_pixels

    size = 224
    h, w = bgr.shape[:2]
    side = (min(h, w) // size) * size
    top, left = (h - side) // 2, (w - side) // 2
    region = bgr[top : top + side, left : left + side]
    resized = np.empty((size, size, 3), np.uint8)
    rgb = np.empty((size, size, 3), np.uint8)
    logits = np.empty(kernel_t.shape[0], np.float32)
    # The square to mirror: the resized one, or (no resize needed) the region itself, rows as bytes.
    source = resized if side != size else region
    rows = np.lib.stride_tricks.as_strided(source, (size, size * 3), (source.strides[0], 1))

    def fill(x: np.ndarray) -> None:
        scale_pixels(rgb, out=x[0])

    def head(features: np.ndarray) -> None:
        np.dot(kernel_t, features.reshape(-1), out=logits)

    def run() -> None:
        if resize and side != size:
            cv2.resize(region, (size, size), dst=resized, interpolation=cv2.INTER_AREA)
        cv2.flip(rows, 1, dst=rgb.reshape(size, size * 3))
        if scale:
            runtime.fill_input(fill)
        runtime.invoke()
        runtime.read_output(head)

    return run


def _time_rotating(fns: list[Callable[[], object]], count: int) -> list[list[float]]:
    """Seconds of each of ``fns``, ``count`` rounds, round ``r`` starting with ``fns[r % len(fns)]``."""
    times: list[list[float]] = [[] for _ in fns]
    for r in range(count):
        for i in range(len(fns)):
            k = (r + i) % len(fns)
            start = time.perf_counter()
            fns[k]()
            times[k].append(time.perf_counter() - start)
    return times


def run(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    from game.bench.vision import _percentile_ms
    from game.vision.camera import Frame
    from game.vision.classifier import GestureClassifier
    from game.vision.features import FEATURE_SHAPE, LiteRTBackbone
    from game.vision.gesture_setup import live_inference_threads
    from game.vision.head_arrays import DenseArrays, HeadArrays
    from game.vision.profile import Profile
    from game.vision.types import DIRECTION_CLASSES

    frames = args.frames or 500
    runtime = LiteRTBackbone.load(
        models_dir(args.models), Path(args.weights) if args.weights else None, live_inference_threads()
    )
    log(f"per-frame runtime LiteRT/XNNPACK, {runtime.num_threads} threads")
    classes = list(DIRECTION_CLASSES)
    n_inputs = int(np.prod(FEATURE_SHAPE))
    # The default recipe's head: one softmax layer on the flattened features (its values do not
    # change the time; these are small random ones).
    kernel = np.random.default_rng(0).normal(0, 0.01, (n_inputs, len(classes))).astype(np.float32)
    arrays = HeadArrays("flatten", (DenseArrays(kernel, np.zeros(len(classes), np.float32), "softmax"),))
    profile = Profile(classes, runtime.backbone_id, runtime.weights_sha256, head_arrays=arrays)
    classifier = GestureClassifier(profile, runtime)
    kernel_t = np.ascontiguousarray(kernel.T)

    camera_bgr = cv2.cvtColor(_picture(args), cv2.COLOR_RGB2BGR)
    small_bgr = cv2.resize(camera_bgr, (320, 240), interpolation=cv2.INTER_AREA)
    counter = iter(range(1 << 62))

    def play() -> None:
        classifier.predict_frame(Frame.decoded(camera_bgr, time.monotonic(), next(counter), mirror=True))

    variants: dict[str, Callable[[], object]] = {
        "backbone": runtime.invoke,
        "play": play,
        "floor": _straight_path(runtime, kernel_t, camera_bgr, resize=True, scale=True),
        "floor_no_resize": _straight_path(runtime, kernel_t, camera_bgr, resize=False, scale=True),
        "floor_no_scale": _straight_path(runtime, kernel_t, camera_bgr, resize=True, scale=False),
        "small_camera": _straight_path(runtime, kernel_t, small_bgr, resize=True, scale=True),
    }
    # The straight path must do play's work: the same pixels in, so the same features out.
    variants["floor"]()
    floor_features = runtime.read_output(lambda f: f[0].copy())
    play_features = classifier.frame_features(Frame.decoded(camera_bgr, 0.0, 0, mirror=True))
    same_features = bool(np.array_equal(floor_features, play_features))
    log(f"floor computes play's features exactly: {same_features}")
    _time_rotating(list(variants.values()), ROUNDS)
    times = dict(zip(variants, _time_rotating(list(variants.values()), frames), strict=True))
    backbone_ms = _percentile_ms(times["backbone"], 50)
    result: dict[str, Any] = {
        "threads": runtime.num_threads,
        "frames": frames,
        "floor_same_features": same_features,
    }
    for name, spent in times.items():
        ms = _percentile_ms(spent, 50)
        result[f"{name}_ms_p50"] = round(ms, 3)
        if name != "backbone":
            result[f"{name}_to_backbone"] = round(ms / backbone_ms, 3)
        log(f"{name:16s} p50 {ms:.3f} ms  ({ms / backbone_ms:.3f}x the backbone)")
    return result
