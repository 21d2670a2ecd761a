"""Runs ``train_head`` on the recorded samples in a background thread, so the calibration scene
keeps drawing at full frame rate while it shows the progress bar and the per-epoch chart.

The scene polls ``epochs`` (a snapshot) and ``state`` each frame; nothing here touches pygame.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from enum import Enum

import numpy as np

from game.vision.jobs import import_tensorflow, lower_current_thread_priority
from game.vision.training import EpochReport, HeadConfig, TrainingError, TrainResult, train_head


class JobState(Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TrainingJob:
    """One training run on a frozen copy of the samples (recording may go on while it trains)."""

    def __init__(
        self,
        features: np.ndarray,
        labels: np.ndarray,
        classes: Sequence[str],
        config: HeadConfig,
        seed: int = 0,
    ) -> None:
        self.classes = tuple(classes)
        self.config = config
        self._features = features
        self._labels = labels
        self._seed = seed
        self._lock = threading.Lock()
        self._epochs: list[EpochReport] = []
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = JobState.RUNNING
        #: Set when the run returns, cancelled or not: a CANCELLED job's is the head of a run cut
        #: short, which callers should not take as a finished training.
        self.result: TrainResult | None = None
        self.message = ""

    def start(self) -> TrainingJob:
        # Not a daemon (see BackboneLoader.start); the scene cancels it on exit, which ends it after
        # the current epoch.
        self._thread = threading.Thread(target=self._run, name="calibration-training")
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the run to stop after the current epoch (leaving the scene while it trains)."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds; True when the run has finished one way or another."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state is not JobState.RUNNING

    @property
    def epochs(self) -> list[EpochReport]:
        with self._lock:
            return list(self._epochs)

    @property
    def progress(self) -> float:
        with self._lock:
            done = len(self._epochs)
        return done / self.config.epochs

    def _on_epoch(self, report: EpochReport) -> None:
        with self._lock:
            self._epochs.append(report)

    def _run(self) -> None:
        lower_current_thread_priority()
        try:
            import_tensorflow()  # not at the same time as the backbone loader's first import
            result = train_head(
                self._features,
                self._labels,
                self.classes,
                self.config,
                seed=self._seed,
                on_epoch=self._on_epoch,
                should_stop=self._cancel.is_set,
            )
        except TrainingError as exc:
            self.message = str(exc)
            self.state = JobState.FAILED
            return
        except Exception as exc:  # shown on screen: the samples stay, the player can retry
            self.message = f"training failed: {type(exc).__name__}: {exc}"
            self.state = JobState.FAILED
            return
        self.result = result
        self.state = JobState.CANCELLED if self._cancel.is_set() else JobState.DONE
