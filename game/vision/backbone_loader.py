"""Loads the per-frame MobileNet backbone (and then the saved profile, whose head needs Keras) in a
background thread so the calibration window and its camera preview appear at once; the scene
shows ``stage`` with a busy indicator meanwhile.

``game.vision.features`` imports TensorFlow lazily, and only this thread calls into it (which
imports it only when the LiteRT conversion is not cached yet), so the UI thread never does.
"""

from __future__ import annotations

import contextlib
import threading
import time
from enum import Enum
from pathlib import Path

import numpy as np

from game.vision import features as vf
from game.vision.calibration_profile import ProfileError, SavedCalibration, load_calibration
from game.vision.jobs import lower_current_thread_priority
from game.vision.preprocess import DEFAULT_PREPROCESS, PreprocessConfig, preprocess
from game.vision.profile_store import find_profile

#: LiteRT threads for the per-frame backbone during calibration.
FRAME_THREADS = 1
#: TensorFlow threads for training the head: the head is tiny, and the window needs a core.
TRAIN_THREADS = 1


def _prepare_tensorflow() -> None:
    """Import TensorFlow and keep its training to ``TRAIN_THREADS`` (only possible before its first op)."""
    import tensorflow as tf

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
    ) -> None:
        self.models = models
        self.weights = weights
        self.profile_dir = profile_dir
        #: The profile found at ``profile_dir`` (None when there is none), and why it did not load.
        self.saved: SavedCalibration | None = None
        self.profile_error = ""
        self.preprocess_config = preprocess_config
        self.state = LoadState.LOADING
        self.stage = "starting"
        self.message = ""
        self.seconds: float | None = None
        self.backbone: vf.LiteRTBackbone | None = None
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
            weights = self.weights or vf.default_weights_path()
            if weights is None:
                self.stage = "Downloading MobileNet weights (first run only)"
            elif not vf.litert_cache_path(self.models, vf.file_sha256(weights)).is_file():
                self.stage = "Converting MobileNet for the per-frame runtime (first run only)"
            else:
                self.stage = "Loading MobileNet"
            # One thread: the other core stays free for the window and for training.
            backbone = vf.LiteRTBackbone.load(self.models, self.weights, num_threads=FRAME_THREADS)
            self.seconds = time.perf_counter() - started
        except Exception as exc:  # the message is shown on screen; recording stays disabled
            self.message = str(exc) or type(exc).__name__
            self.state = LoadState.FAILED
            return
        if self.profile_dir is not None and find_profile(self.profile_dir) is not None:
            # Before READY, so that samples recorded meanwhile cannot be replaced by the saved ones.
            self.stage = "Loading your saved profile"
            _prepare_tensorflow()  # the saved head is a Keras model
            try:
                self.saved = load_calibration(self.profile_dir)
            except ProfileError as exc:
                self.profile_error = str(exc)
        # Published last: the scene reads the profile fields once it sees READY.
        self.backbone = backbone
        self.state = LoadState.READY
        # Importing TensorFlow holds the interpreter lock for long stretches; doing it now, while
        # the player records, keeps that hitch out of the training the player is watching.
        if self._cancelled.is_set():
            return
        self.stage = "Preparing training"
        _prepare_tensorflow()
        self.warm = True

    def features(self, image_rgb: np.ndarray) -> np.ndarray:
        """One RGB ``uint8`` frame -> float32 (7, 7, 256), exactly as play computes them."""
        backbone = self.backbone
        if backbone is None:
            raise RuntimeError("the backbone is not loaded yet")
        x = preprocess(image_rgb, self.preprocess_config)[None]
        with self._lock:
            out = backbone.features(x)
        return np.array(out[0], dtype=np.float32)
