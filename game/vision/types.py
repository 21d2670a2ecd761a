"""The vision package's vocabulary, defined once: gesture class names, what a prediction says, and
the states of a camera and of the live predictor.

Pure data (no OpenCV, no TensorFlow), so the input layer and the screens can name these too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from game.vision.camera import Frame
    from game.vision.hands import HandResult

#: The four steering classes, named like ``core.types.Direction`` members (lower case).
DIRECTION_CLASSES: tuple[str, ...] = ("up", "down", "left", "right")
#: "No gesture": a relaxed hand or no hand; it never steers.
IDLE_CLASS = "idle"
ALL_CLASSES: tuple[str, ...] = (*DIRECTION_CLASSES, IDLE_CLASS)


class ThumbKind(IntEnum):
    """What a sample's thumbnail shows, stored with it as a small int (``thumbnail_kinds`` in
    ``samples.npz`` and ``pending-corrections.npz``; absent in older files: all :attr:`CENTRE`).

    The variety meter and the sample gates compare only thumbnails of one kind
    (``game.vision.variety``): a hand crop against a centre square differs everywhere, and would
    read as variety that is not there.
    """

    #: The frame's centre square: every ``frame`` profile's, and a ``hand`` profile's recorded
    #: before its thumbnails were hand crops (nothing is left to recut them from).
    CENTRE = 0
    #: The hand crop the hand stage cut (``HandResult.seen``): a ``hand`` profile's.
    HAND = 1


class CameraState(Enum):
    """Where a camera thread stands (``game.vision.capture``)."""

    OPENING = "opening"  # no frame yet
    RUNNING = "running"
    LOST = "lost"  # failed to open, or stopped delivering; retrying
    ENDED = "ended"  # a finite source ran out
    STOPPED = "stopped"


class PredictorState(Enum):
    """Where live gesture recognition stands, as the game shows it (``game.vision.predictor``)."""

    LOADING = "loading"  # the model is still loading; no predictor runs yet
    STARTING = "starting"  # opening the camera, no frame yet
    RUNNING = "running"
    LOST = "lost"  # the camera failed; retrying
    ENDED = "ended"  # a finite source (a video that does not loop) ran out
    FAILED = "failed"  # the classifier raised; see ``Predictor.error``
    STOPPED = "stopped"


class Probabilities(Protocol):
    """Class name -> probability for one frame."""

    @property
    def probs(self) -> Mapping[str, float]: ...


class Scores(Probabilities, Protocol):
    """A classifier's answer for one frame: the probabilities and the top class."""

    @property
    def top(self) -> str: ...


class ScoredPrediction(Scores, Protocol):
    """``Scores`` with the top class's probability."""

    @property
    def confidence(self) -> float: ...


class TimedScores(Probabilities, Protocol):
    """Probabilities with the monotonic time their frame was captured (for the staleness check)."""

    @property
    def timestamp(self) -> float: ...


#: ``Prediction.top`` for a frame in which the hand recognizer found no hand.
NO_HAND = "no hand"


@dataclass(frozen=True)
class Prediction:
    """Class probabilities for one frame, its most likely class, and how long the frame took."""

    probs: dict[str, float]
    top: str
    confidence: float
    timestamp: float
    latency_ms: float
    #: The hand stage's result (hand recognizer only): box, landmarks, or "no hand".
    hand: HandResult | None = None

    @property
    def no_hand(self) -> bool:
        """True when the hand recognizer found no hand in the frame (the answer is then idle)."""
        return self.hand is not None and not self.hand.found


class FrameClassifier(Protocol):
    """Preprocessing plus inference for one frame of a source (``classifier.GestureClassifier``)."""

    def predict_frame(self, frame: Frame) -> ScoredPrediction: ...
