"""Learning while playing, as the game sees it: one object per game that the play scene talks to.

It bundles the learning classifier (which the predictor thread runs), the corrections (samples
from keyboard overrides and the background refit) and where to save them. The play scene calls
:meth:`PlayLearning.override` when the keyboard steers, :meth:`PlayLearning.update` once per
frame (a finished refit's head is swapped in there, between frames), and on leaving
:meth:`keep` or :meth:`drop`. When a game ends without that question (Ctrl-C, ``play --seconds``)
the scene calls :meth:`set_aside`: the samples go to the profile's pending file
(:mod:`game.vision.pending_corrections`), which the next game restores (:meth:`restore_pending`)
and which either answer removes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from game.vision.camera import Frame
from game.vision.corrections import Corrections, LearningSettings, save_learned
from game.vision.hands import HandResult
from game.vision.learning_classifier import LearningClassifier, learning_classifier
from game.vision.pending_corrections import (
    PENDING_FILE,
    ProfileIdentity,
    discard_pending,
    load_pending,
    move_aside,
    new_batch,
    save_pending,
)
from game.vision.preprocess import seen_kind, seen_thumbnail
from game.vision.profile import THUMBNAIL_SIZE


class FramePrediction(Protocol):
    """A live prediction as the predictor publishes it (``game.vision.predictor.LivePrediction``)."""

    @property
    def result(self) -> object: ...

    @property
    def frame(self) -> Frame: ...

    @property
    def captured_at(self) -> float: ...

    @property
    def frame_index(self) -> int: ...

    @property
    def probs(self) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class Notice:
    """Something to tell the player once: a short line for the screen, the whole story for the terminal."""

    screen: str
    terminal: str


class PlayLearning:
    """See the module docstring. ``identity`` is what the learned features belong to (the profile's
    classes, recognizer and backbone), written with them when they are set aside."""

    def __init__(
        self,
        classifier: LearningClassifier,
        corrections: Corrections,
        profile_dir: Path,
        identity: ProfileIdentity,
    ) -> None:
        self.classifier = classifier
        self.corrections = corrections
        self.profile_dir = profile_dir
        self.identity = identity
        self._last_frame = -1
        #: Set once the learned samples were kept, dropped or set aside (nothing more to ask on leaving).
        self.settled = False
        #: Samples restored from an earlier game (they count in :attr:`count`).
        self.restored = 0
        #: The pending-file batch of each restored sample: what this game carries of the file.
        self._restored_batches = np.zeros(0, dtype=np.int64)
        self._notice: Notice | None = None
        #: The pending file is someone else's (unusable, and it could not be moved aside).
        self._foreign_pending = False

    @property
    def enabled(self) -> bool:
        return self.corrections.enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self.corrections.enabled = value

    @property
    def count(self) -> int:
        return self.corrections.count

    @property
    def busy(self) -> bool:
        return self.corrections.busy

    @property
    def error(self) -> str:
        return self.corrections.error

    def override(self, label: str, prediction: FramePrediction | None) -> bool:
        """The keyboard steered ``label`` while ``prediction``'s frame was the newest; True if learned.

        Each camera frame is offered once, however many game steps the key is held over it.
        """
        if prediction is None or prediction.frame_index == self._last_frame:
            return False
        features = getattr(prediction.result, "features", None)
        if features is None:
            return False
        self._last_frame = prediction.frame_index
        # What the head saw, as calibration keeps it: a hand profile's hand crop (so a hand moving
        # beside a still centre is new, and a background changing away from the hand is not).
        hand = getattr(prediction.result, "hand", None)
        seen = hand.seen if isinstance(hand, HandResult) else None
        thumb = seen_thumbnail(seen, prediction.frame, THUMBNAIL_SIZE)
        return self.corrections.offer(label, features, thumb, prediction.captured_at, seen_kind(seen))

    def update(self) -> bool:
        """Swap in a head a refit finished (between frames); True when one was swapped in."""
        head = self.corrections.take_head()
        if head is None:
            return False
        self.classifier.set_head(head)
        return True

    def keep(self) -> Path:
        """Save the learned samples and the head learned from them into the profile (atomically);
        the pending file, whose samples are now in the profile, goes."""
        self.corrections.wait(30.0)
        self.update()
        learned = self.corrections.new_samples()
        path = save_learned(self.profile_dir, learned, self.corrections.head, self.identity)
        self.settled = True
        self._discard_pending("kept")
        return path

    def drop(self) -> None:
        """The player chose to drop the learned samples, restored ones included: the pending file goes."""
        self.settled = True
        self._discard_pending("dropped")

    def _discard_pending(self, answer: str) -> None:
        if self._foreign_pending:
            return  # not this game's file: never removed
        try:
            # Only what this game restored: another game's corrections set aside since stay.
            discard_pending(self.profile_dir, set(self._restored_batches.tolist()), self.identity)
        except OSError as exc:  # the answer stands; the file comes back next game, and says so
            self._notice = Notice(
                "Could not remove the pending corrections",
                f"gesture-pacman play: the learned corrections were {answer}, but "
                f"{self.profile_dir / PENDING_FILE} could not be removed ({exc.strerror or exc}); "
                "the next game restores its corrections again.",
            )

    def restore_pending(self) -> int:
        """Learn the samples an earlier game set aside, as if learned in this game; how many.

        A pending file that cannot be used is moved aside (never deleted); :meth:`take_notice`
        says what happened either way.
        """
        found = load_pending(self.profile_dir, self.identity)
        self._foreign_pending = found.stuck
        if found.samples is not None:
            self.corrections.restore(found.samples)
            self.restored = len(found.samples)
            self._restored_batches = found.batches
        if found.terminal:
            self._notice = Notice(found.screen, found.terminal)
        return self.restored

    def take_notice(self) -> Notice | None:
        """What restoring found, once (the scene shows it and prints it)."""
        notice, self._notice = self._notice, None
        return notice

    def set_aside(self) -> str | None:
        """Keep unsaved samples in the profile's pending file when the game ends without asking;
        the line to print (what was kept, where, what happens next), or None with nothing unsaved.

        Nothing raises: a failure to write is said in the line.
        """
        if self.settled or self.count == 0:
            return None
        n = self.count
        plural = "" if n == 1 else "s"
        try:
            pending = self.profile_dir / PENDING_FILE
            if self._foreign_pending and os.path.lexists(pending):
                move_aside(pending)  # never written over: out of the way first, or not at all
            self._foreign_pending = False
            learned = self.corrections.new_samples()
            # The restored samples come first (Corrections.restore) and keep their batches; the
            # file's copies of those batches are left out, another game's corrections stay.
            restored = self._restored_batches
            batches = np.concatenate([restored, np.full(len(learned.labels) - len(restored), new_batch())])
            carried = set(restored.tolist())
            path = save_pending(self.profile_dir, self.identity, learned, batches, carried)
        except OSError as exc:
            return (
                f"gesture-pacman play: {n} learned correction{plural} could not be kept aside in "
                f"{self.profile_dir} ({exc.strerror or exc}); they are lost."
            )
        self.settled = True
        return (
            f"gesture-pacman play: the game ended without asking, so {n} learned correction{plural} "
            f"(not saved yet) were kept aside in {path}. The next gesture game with this profile "
            "restores them and asks whether to keep them."
        )

    def close(self) -> None:
        self.corrections.close()


def load_play_learning(
    profile_dir: Path, models: str | Path | None, weights: str | Path | None, settings: LearningSettings
) -> PlayLearning:
    """The profile's learning classifier on the per-frame backbone; raises ``GestureSetupError``."""
    from game.config import models_dir
    from game.vision.features import LiteRTBackbone, WeightsUnavailableError
    from game.vision.gesture_setup import GestureSetupError, live_inference_threads
    from game.vision.hand_features import HandFeatureExtractor
    from game.vision.hands import HandModelError
    from game.vision.profile import ProfileError, load_profile
    from game.vision.recognizer import HAND

    if not profile_dir.is_dir():
        raise GestureSetupError(
            f"No gesture profile at {profile_dir}. Run `gesture-pacman calibrate` to record your "
            "gestures, or `gesture-pacman train --images DIR` to train one from photos."
        )
    try:
        profile = load_profile(profile_dir, keras_head=False)  # play never imports TensorFlow
        threads = live_inference_threads()
        runtime: LiteRTBackbone | HandFeatureExtractor
        if profile.recognizer == HAND:
            runtime = HandFeatureExtractor(num_threads=threads)
        else:
            runtime = LiteRTBackbone.load(models_dir(models), Path(weights) if weights else None, threads)
        classifier = learning_classifier(profile, runtime)
    except (ProfileError, WeightsUnavailableError, HandModelError) as exc:
        raise GestureSetupError(str(exc)) from None
    corrections = Corrections(
        profile.classes, classifier.head, profile.samples.features, profile.samples.labels, settings
    )
    learning = PlayLearning(classifier, corrections, profile_dir, ProfileIdentity.of(profile))
    learning.restore_pending()
    return learning
