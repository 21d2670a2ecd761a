"""Loads the per-frame runtime (and then the saved profile, whose head needs Keras) in a background
thread so the calibration window and its camera preview appear at once; the scene shows ``stage``
and a bar filled to ``progress`` (the share of the loading steps done), and records meanwhile
(the camera thread keeps those frames until the runtime is ready).

The runtime is the recognizer's (``recognizer``, decided at construction): the hand stage for
``hand`` (the default for a new profile), the LiteRT MobileNet for ``frame``. Without an explicit
choice a saved profile keeps its own. With the hand recognizer, ``features`` is None for a frame
without a hand (nothing is recorded), ``look`` runs the hand stage on frames that are not
recorded, and ``last_hand`` is the newest hand result, which the preview draws.

``game.vision.features`` imports TensorFlow lazily, and only this thread calls into it (which
imports it only when the LiteRT conversion is not cached yet), so the UI thread never does.
"""

from __future__ import annotations

import contextlib
import threading
import time
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from game.vision import features as vf
from game.vision.calibration_profile import (
    ProfileError,
    Runtime,
    SavedCalibration,
    load_calibration,
    recognizer_of,
)
from game.vision.hand_features import HandFeatureExtractor
from game.vision.hands import HandResult
from game.vision.jobs import import_tensorflow, lower_current_thread_priority
from game.vision.preprocess import DEFAULT_PREPROCESS, PreprocessConfig, preprocess
from game.vision.profile_format import PROFILE_FILE
from game.vision.profile_store import find_profile
from game.vision.recognizer import DEFAULT_RECOGNIZER, HAND, RECOGNIZERS

#: LiteRT threads for the per-frame backbone during calibration.
FRAME_THREADS = 1
#: TensorFlow threads for training the head: the head is tiny, and the window needs a core.
TRAIN_THREADS = 1


def _prepare_tensorflow() -> None:
    """Import TensorFlow and keep its training to ``TRAIN_THREADS`` (only possible before its first op)."""
    tf = import_tensorflow()

    # Only the per-op pool: one inter-op thread can deadlock Keras's fit, whose input pipeline
    # waits on ops scheduled on that same pool. RuntimeError: TensorFlow is already running (it
    # converted the backbone this session), and keeps its settings.
    with contextlib.suppress(RuntimeError):
        tf.config.threading.set_intra_op_parallelism_threads(TRAIN_THREADS)


class LoadState(Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class BackboneLoader:
    """Owns the per-frame backbone once it is loaded; ``features`` turns one RGB frame into features."""

    def __init__(
        self,
        models: Path,
        weights: Path | None = None,
        preprocess_config: PreprocessConfig = DEFAULT_PREPROCESS,
        profile_dir: Path | None = None,
        recognizer: str | None = None,
    ) -> None:
        self.models = models
        self.weights = weights
        self.profile_dir = profile_dir
        #: The recognizer of the saved profile (None: no readable one).
        self.saved_recognizer = self._saved_recognizer()
        #: The one in use: asked for, else the saved profile's, else the default.
        self.recognizer = recognizer or self.saved_recognizer or DEFAULT_RECOGNIZER
        #: The profile found at ``profile_dir`` (None when there is none), and why it did not load.
        self.saved: SavedCalibration | None = None
        self.profile_error = ""
        #: How frames become the backbone's input: the saved profile's own when it has this
        #: recognizer (a profile saved before the current default keeps its resize), else as given.
        self.preprocess_config = self._saved_preprocess() or preprocess_config
        self.state = LoadState.LOADING
        self.stage = "Loading the hand models" if self.recognizer == HAND else "Finding the MobileNet weights"
        #: Loading steps: which one is under way (1-based) and how many there are; ``progress``
        #: is the share of them done, for the bar on screen.
        self.step = 0
        self.steps = 1
        self.progress = 0.0
        self.step_started = time.monotonic()
        self.message = ""
        self.seconds: float | None = None
        self.backbone: Runtime | None = None
        #: True once TensorFlow is imported and set up for training (after READY).
        self.warm = False
        self._lock = threading.Lock()  # one interpreter, shared by the camera thread and the classifier
        self._thread: threading.Thread | None = None
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Skip the steps not yet started (the scene was left); a step under way still finishes."""
        self._cancelled.set()

    def start(self) -> BackboneLoader:
        # Not a daemon: a thread killed inside TensorFlow's C++ code at interpreter exit aborts the
        # process, so quitting during the first-run conversion waits for it (and keeps its result).
        self._thread = threading.Thread(target=self._load, name="calibration-backbone")
        self._thread.start()
        return self

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state is not LoadState.LOADING

    @property
    def ready(self) -> bool:
        return self.state is LoadState.READY

    def _load(self) -> None:
        lower_current_thread_priority()
        started = time.perf_counter()
        try:
            has_profile = self.profile_dir is not None and find_profile(self.profile_dir) is not None
            other = self.saved_recognizer is not None and self.saved_recognizer != self.recognizer
            if other:
                has_profile = False  # its samples are another recognizer's: not loaded (profile_error)
                self.profile_error = (
                    f"it uses the {self.saved_recognizer} recognizer and this calibration the "
                    f"{self.recognizer} one, so its samples cannot be used; saving replaces it"
                )
            backbone = self._load_runtime(has_profile)
            self.seconds = time.perf_counter() - started
        except Exception as exc:  # the message is shown on screen; recording stays disabled
            self.message = str(exc) or type(exc).__name__
            self.state = LoadState.FAILED
            return
        self._after_runtime(backbone, has_profile)

    def _saved_meta(self) -> dict[str, Any] | None:
        """The saved profile.json, read without loading anything else (None: none readable)."""
        import json

        folder = find_profile(self.profile_dir) if self.profile_dir is not None else None
        if folder is None:
            return None
        try:
            meta = json.loads((Path(folder) / PROFILE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # the full load reports what is wrong with it
        return meta if isinstance(meta, dict) else None

    def _saved_recognizer(self) -> str | None:
        """The recognizer field of the saved profile.json."""
        meta = self._saved_meta()
        found = meta.get("recognizer", "frame") if meta is not None else None
        return found if found in RECOGNIZERS else None

    def _saved_preprocess(self) -> PreprocessConfig | None:
        """The saved profile's preprocessing, when its samples are this recognizer's (they are kept)."""
        meta = self._saved_meta()
        if meta is None or self.saved_recognizer != self.recognizer or "preprocess" not in meta:
            return None
        try:
            return PreprocessConfig.from_dict(meta["preprocess"])
        except (TypeError, ValueError, AttributeError):
            return None  # the full load reports what is wrong with it

    def _load_runtime(self, has_profile: bool) -> Runtime:
        if self.recognizer == HAND:
            self.steps = 1 + (1 if has_profile else 0)
            self._begin(1, "Loading the hand models")
            return HandFeatureExtractor(num_threads=FRAME_THREADS)
        weights = self.weights or vf.default_weights_path()
        converted = weights is not None and vf.litert_cache_path(self.models, vf.file_sha256(weights))
        cached = bool(converted and converted.is_file())
        # The steps are known before the first one starts, so the bar can say "step i of n".
        self.steps = (1 if cached else 3) + (1 if has_profile else 0)
        if cached:
            self._begin(1, "Loading MobileNet")
            return vf.LiteRTBackbone.load(self.models, self.weights, num_threads=FRAME_THREADS)
        self._begin(1, "Importing TensorFlow to prepare MobileNet (first run only)")
        _prepare_tensorflow()
        fetch = "Downloading MobileNet weights" if weights is None else "Building MobileNet"
        self._begin(2, f"{fetch} (first run only)")
        network = vf.load_backbone(self.weights)
        self._begin(3, "Converting MobileNet for the per-frame runtime (first run only)")
        # One thread: the other core stays free for the window and for training.
        return vf.LiteRTBackbone.from_backbone(network, self.models, num_threads=FRAME_THREADS)

    def _after_runtime(self, backbone: Runtime, has_profile: bool) -> None:
        if has_profile and self.profile_dir is not None:
            # Before READY, so that the saved samples come first and the frames recorded meanwhile
            # (kept by the camera thread) are added after them.
            self._begin(self.steps, "Loading your saved profile (TensorFlow, for its head)")
            _prepare_tensorflow()  # the saved head is a Keras model
            try:
                self.saved = load_calibration(self.profile_dir)
            except ProfileError as exc:
                self.profile_error = str(exc)
        # Published last: the scene reads the profile fields once it sees READY.
        self.backbone = backbone
        self.progress = 1.0
        self.state = LoadState.READY
        # Importing TensorFlow holds the interpreter lock for long stretches; doing it now, while
        # the player records, keeps that hitch out of the training the player is watching.
        if self._cancelled.is_set():
            return
        self.stage = "Preparing training"
        _prepare_tensorflow()
        self.warm = True

    def _begin(self, step: int, stage: str) -> None:
        self.step, self.stage = step, stage
        self.steps = max(self.steps, step)
        self.progress = (step - 1) / self.steps
        self.step_started = time.monotonic()

    def features(self, image_rgb: np.ndarray) -> np.ndarray | None:
        """One RGB ``uint8`` frame -> its features, exactly as play computes them: float32
        (7, 7, 256) for ``frame``; the hand vector for ``hand``, or None when no hand is found."""
        backbone = self.backbone
        if backbone is None:
            raise RuntimeError("the backbone is not loaded yet")
        if isinstance(backbone, HandFeatureExtractor):
            with self._lock:
                vector, _ = backbone.frame(image_rgb)
            return vector
        x = preprocess(image_rgb, self.preprocess_config)[None]
        with self._lock:
            out = backbone.features(x)
        return np.array(out[0], dtype=np.float32)

    def look(self, image_rgb: np.ndarray) -> None:
        """Run the hand stage on a frame that is not recorded, so ``last_hand`` stays current."""
        if isinstance(self.backbone, HandFeatureExtractor):
            with self._lock:
                self.backbone.frame(image_rgb)

    @property
    def last_hand(self) -> HandResult | None:
        """The newest hand stage result (hand recognizer only; None before the first), for drawing."""
        return self.backbone.last if isinstance(self.backbone, HandFeatureExtractor) else None

    def last_crop(self) -> np.ndarray | None:
        """The hand crop of the newest hand stage result (None without a hand, or for ``frame``):
        what a hand profile's sample looked at (``CameraWorker.set_features``'s ``seen``)."""
        hand = self.last_hand
        return hand.seen if hand is not None else None

    @property
    def recognizer_loaded(self) -> str | None:
        """The recognizer of the loaded runtime, None before it is loaded."""
        return None if self.backbone is None else recognizer_of(self.backbone)
