"""The hand stage: find the hand in a webcam frame and its 21 landmarks, as MediaPipe's hand graph does.

Two LiteRT models (MediaPipe's, shipped in ``models/`` with their notice):

* palm detection (``palm_detection_full.tflite``): the frame letterboxed to a 192x192 square;
  2016 SSD anchors decoded into palm boxes with 7 keypoints, score = sigmoid(logit), and the
  best hand kept after weighted non-maximum suppression (``palm_detection_cpu.pbtxt``);
* hand landmarks (``hand_landmark_lite.tflite``): a 224x224 crop rotated so that the wrist ->
  middle-finger base points up (the palm box scaled 2.6x and shifted half a box towards the
  fingers, ``palm_detection_detection_to_roi.pbtxt``), giving 21 landmarks, a presence score and
  handedness.

:class:`HandTracker` follows one hand from frame to frame: while the landmark model's presence
stays high, the next crop comes from the last landmarks (``hand_landmark_landmarks_to_roi``:
scaled 2x, shifted 0.1 towards the fingers), so most frames skip the detector; when presence
drops, the detector runs again. "No hand" is a result of its own (:attr:`HandResult.found` False).

When the whole frame shows no palm, the detector takes a second look (:data:`SECOND_LOOKS`, not
in MediaPipe's graph): at the frame zoomed out 2x (a hand close to the camera), then at its
halves and quarters, where a hand at the frame's edge or far from the camera is seen at 1.3x or
1.7x the detail of the letterboxed whole frame. A photo gets every look until one finds the hand;
a stream gets one of them, in turn, on every other frame without a hand, so that a frame without
a hand costs 1.5 detector runs on average. On the room recordings (``bench --suite hands``) the
hand is found in 99.3% of the frames as photos and 98.7% as streams, against 98.0% and 97.6%
with the zoomed-out look alone, taken instead of the whole frame on every other frame without a
hand (docs/benchmarks.md, "Hand recognizer").

All geometry is in frame pixels (continuous coordinates: pixel ``i`` covers ``[i, i + 1)``).
A tracker or :class:`HandModels` holds interpreters, which are not thread-safe: use each from one
thread.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from game.config import shipped_dir

PALM_MODEL_FILE = "palm_detection_full.tflite"
LANDMARK_MODEL_FILE = "hand_landmark_lite.tflite"
#: Where the two models ship: ``models/`` of the source tree (they are tracked by git there).
SHIPPED_MODELS_DIR = shipped_dir("models")

DETECTOR_SIZE = 192
LANDMARK_SIZE = 224
NUM_LANDMARKS = 21
#: MediaPipe's default ``min_detection_confidence`` and ``min_tracking_confidence``.
DETECTION_THRESHOLD = 0.5
PRESENCE_THRESHOLD = 0.5
NMS_IOU = 0.3

#: The 21-point skeleton as pairs of landmark indices (wrist 0; thumb 1-4; index 5-8; middle
#: 9-12; ring 13-16; pinky 17-20), for drawing.
HAND_CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
)  # fmt: skip

#: A part of the frame for the detector, as fractions of its width and height: (x0, y0, x1, y1).
Window = tuple[float, float, float, float]
#: Where the detector looks when the whole frame shows no palm, in this order: the frame zoomed
#: out 2x (``None``), then its left and right halves and its four quarters, each 0.6 of the
#: frame's width (and height), so that neighbours overlap by a fifth of the frame and a hand on
#: the middle line is whole in one of them.
SECOND_LOOKS: tuple[Window | None, ...] = (
    None,
    (0.0, 0.0, 0.6, 1.0), (0.4, 0.0, 1.0, 1.0),
    (0.0, 0.0, 0.6, 0.6), (0.4, 0.0, 1.0, 0.6), (0.0, 0.4, 0.6, 1.0), (0.4, 0.4, 1.0, 1.0),
)  # fmt: skip

# Landmarks that hand_landmarks_to_rect_calculator.cc uses for the next crop (palm and finger
# bases, which move less than the tips).
_ROI_LANDMARKS = np.array([0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18])


class HandModelError(RuntimeError):
    """A hand model file is missing or not the expected model; the message says which and what to do."""


@dataclass(frozen=True)
class Roi:
    """A rotated rectangle in frame pixels: centre, width, height and rotation (radians).

    ``rotation`` follows MediaPipe: 0 when the hand points up; positive turns the rectangle's
    "up" towards +x (clockwise on screen, whose y axis points down).
    """

    cx: float
    cy: float
    width: float
    height: float
    rotation: float

    def crop_to_frame(self, size: int) -> np.ndarray:
        """The 2x3 affine matrix from a ``size`` x ``size`` crop's continuous coordinates to the frame's."""
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        ax = np.array([c, s]) * (self.width / size)  # crop +x in the frame
        ay = np.array([-s, c]) * (self.height / size)  # crop +y (down) in the frame
        origin = np.array([self.cx, self.cy]) - 0.5 * size * (ax + ay)
        return np.array([[ax[0], ay[0], origin[0]], [ax[1], ay[1], origin[1]]], dtype=np.float64)

    def corners(self) -> np.ndarray:
        """(4, 2) corners in frame pixels: top-left, top-right, bottom-right, bottom-left of the crop."""
        m = self.crop_to_frame(1)
        unit = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
        return unit @ m.T


@dataclass(frozen=True)
class PalmDetection:
    """One palm: score, axis-aligned box (x0, y0, x1, y1) and 7 keypoints (7, 2), in frame pixels."""

    score: float
    box: tuple[float, float, float, float]
    keypoints: np.ndarray


def _shifted(palm: PalmDetection, dx: float, dy: float) -> PalmDetection:
    """``palm`` moved by (dx, dy) pixels: from a part of the frame back into the frame."""
    x0, y0, x1, y1 = palm.box
    box = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    return PalmDetection(palm.score, box, palm.keypoints + np.array([dx, dy]))


@dataclass(frozen=True)
class HandResult:
    """The hand stage's answer for one frame.

    ``found`` False means "no hand" (then ``landmarks`` is None). ``landmarks`` is (21, 3):
    x, y in frame pixels and z (depth relative to the wrist) in the same pixel scale.
    ``detected`` says whether the palm detector ran for this frame (False: tracked from the
    previous landmarks). ``crop`` is the 224x224 RGB hand crop the landmarks came from.
    """

    found: bool
    presence: float = 0.0
    landmarks: np.ndarray | None = None
    handedness: float = 0.5
    roi: Roi | None = None
    palm: PalmDetection | None = None
    detected: bool = False
    crop: np.ndarray | None = field(default=None, repr=False)
    detector_ms: float = 0.0
    landmark_ms: float = 0.0

    @property
    def box(self) -> tuple[float, float, float, float] | None:
        """The landmarks' axis-aligned bounding box (x0, y0, x1, y1) in frame pixels, or None."""
        if self.landmarks is None:
            return None
        xy = self.landmarks[:, :2]
        return (float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max()))

    @property
    def seen(self) -> np.ndarray | None:
        """What the landmark model read (``crop``) when a hand was found, else None: what a hand
        profile's sample thumbnail shows (``preprocess.seen_thumbnail``), in calibration and play."""
        return self.crop if self.found else None


NO_HAND = HandResult(found=False)


@lru_cache(maxsize=1)
def palm_anchors() -> np.ndarray:
    """(2016, 2) anchor centres in [0, 1]: 24x24 cells x 2 (stride 8), then 12x12 cells x 6 (stride 16).

    MediaPipe's SsdAnchorsCalculator with fixed_anchor_size (every anchor is 1x1), for the options
    of palm_detection_cpu.pbtxt: 4 layers, strides 8, 16, 16, 16, one aspect ratio plus the
    interpolated scale (2 anchors per layer); the three stride-16 layers share one grid.
    """
    parts = []
    for grid, per_cell in ((DETECTOR_SIZE // 8, 2), (DETECTOR_SIZE // 16, 6)):
        centres = (np.arange(grid, dtype=np.float32) + 0.5) / grid
        yy, xx = np.meshgrid(centres, centres, indexing="ij")  # row-major: y outer, x inner
        cells = np.stack([xx.ravel(), yy.ravel()], axis=1)
        parts.append(np.repeat(cells, per_cell, axis=0))
    return np.concatenate(parts)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -100.0, 100.0)))


def decode_palms(
    regressors: np.ndarray, logits: np.ndarray, threshold: float = DETECTION_THRESHOLD
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw detector outputs -> (scores (K,), boxes (K, 4) x0 y0 x1 y1, keypoints (K, 7, 2)), in [0, 1]
    of the 192x192 input, for the anchors scoring at least ``threshold``, best first."""
    raw = regressors.reshape(-1, 18)
    scores = _sigmoid(logits.reshape(-1).astype(np.float64))
    keep = np.flatnonzero(scores >= threshold)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    anchors = palm_anchors()[keep].astype(np.float64)
    r = raw[keep].astype(np.float64) / DETECTOR_SIZE  # x_scale = y_scale = w_scale = h_scale = 192
    centre = anchors + r[:, 0:2]
    half = r[:, 2:4] / 2.0
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    keypoints = r[:, 4:18].reshape(-1, 7, 2) + anchors[:, None, :]
    return scores[keep], boxes, keypoints


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def best_palm(
    scores: np.ndarray, boxes: np.ndarray, keypoints: np.ndarray, iou: float = NMS_IOU
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """The first cluster of MediaPipe's weighted NMS: the best-scoring box, with box and keypoints
    replaced by the score-weighted mean of every box overlapping it by more than ``iou``."""
    if len(scores) == 0:
        return None
    members = _iou(boxes[0], boxes) > iou
    members[0] = True
    w = scores[members]
    total = w.sum()
    box = (boxes[members] * w[:, None]).sum(axis=0) / total
    kps = (keypoints[members] * w[:, None, None]).sum(axis=0) / total
    return float(scores[0]), box, kps


@dataclass(frozen=True)
class Letterbox:
    """How a frame sits in the detector's square input: content size and offset, in input pixels."""

    frame_w: int
    frame_h: int
    content_w: int
    content_h: int
    pad_x: int
    pad_y: int

    @classmethod
    def for_frame(cls, width: int, height: int, size: int = DETECTOR_SIZE) -> Letterbox:
        scale = size / max(width, height)
        cw, ch = max(1, round(width * scale)), max(1, round(height * scale))
        return cls(width, height, cw, ch, (size - cw) // 2, (size - ch) // 2)

    def to_frame(self, points01: np.ndarray, size: int = DETECTOR_SIZE) -> np.ndarray:
        """Points in [0, 1] of the square input -> frame pixels (the letterbox undone)."""
        pts = np.asarray(points01, dtype=np.float64).copy()
        pts[..., 0] = (pts[..., 0] * size - self.pad_x) * (self.frame_w / self.content_w)
        pts[..., 1] = (pts[..., 1] * size - self.pad_y) * (self.frame_h / self.content_h)
        return pts


def letterbox(frame_rgb: np.ndarray, out: np.ndarray, size: int = DETECTOR_SIZE) -> Letterbox:
    """Write ``frame_rgb`` letterboxed (zero borders, centred) into ``out``, float32 in [0, 1]."""
    h, w = frame_rgb.shape[:2]
    lb = Letterbox.for_frame(w, h, size)
    small = cv2.resize(frame_rgb, (lb.content_w, lb.content_h), interpolation=cv2.INTER_AREA)
    out.fill(0.0)
    region = out[lb.pad_y : lb.pad_y + lb.content_h, lb.pad_x : lb.pad_x + lb.content_w]
    np.multiply(small, np.float32(1.0 / 255.0), out=region, casting="unsafe")
    return lb


def _normalize_radians(angle: float) -> float:
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


def _rotation(start: np.ndarray, end: np.ndarray) -> float:
    """MediaPipe's rotation that turns the vector ``start`` -> ``end`` (frame pixels) to point up."""
    return _normalize_radians(math.pi / 2 - math.atan2(-(end[1] - start[1]), end[0] - start[0]))


def _transform(
    cx: float, cy: float, width: float, height: float, rotation: float, scale: float, shift_y: float
) -> Roi:
    """RectTransformationCalculator in pixels: shift along the rotated y axis, square (long side), scale."""
    cx += -height * shift_y * math.sin(rotation)
    cy += height * shift_y * math.cos(rotation)
    side = max(width, height) * scale
    return Roi(cx, cy, side, side, rotation)


def palm_to_roi(palm: PalmDetection) -> Roi:
    """The landmark model's crop for a palm: rotated wrist (kp 0) -> middle-finger base (kp 2) up,
    shifted half a box towards the fingers, squared and scaled 2.6x."""
    x0, y0, x1, y1 = palm.box
    rotation = _rotation(palm.keypoints[0], palm.keypoints[2])
    return _transform((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, rotation, 2.6, -0.5)


def landmarks_to_roi(landmarks: np.ndarray) -> Roi:
    """The next frame's crop from this frame's landmarks (hand_landmarks_to_rect_calculator.cc):
    rotation from the wrist to the mean of the index/ring and middle finger bases, the rotated box
    of the palm and finger-base landmarks, shifted 0.1 towards the fingers, squared, scaled 2x."""
    pts = np.asarray(landmarks, dtype=np.float64)[_ROI_LANDMARKS, :2]
    wrist = pts[0]
    end = ((pts[4] + pts[8]) / 2 + pts[6]) / 2  # index, ring and middle MCP (5, 13, 9)
    rotation = _rotation(wrist, end)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    c, s = math.cos(-rotation), math.sin(-rotation)
    rel = pts - centre
    proj = np.stack([rel[:, 0] * c - rel[:, 1] * s, rel[:, 0] * s + rel[:, 1] * c], axis=1)
    lo, hi = proj.min(axis=0), proj.max(axis=0)
    pc = (lo + hi) / 2
    cr, sr = math.cos(rotation), math.sin(rotation)
    cx = pc[0] * cr - pc[1] * sr + centre[0]
    cy = pc[0] * sr + pc[1] * cr + centre[1]
    width, height = hi - lo
    return _transform(cx, cy, float(width), float(height), rotation, 2.0, -0.1)


def crop_hand(frame_rgb: np.ndarray, roi: Roi, size: int = LANDMARK_SIZE) -> np.ndarray:
    """The rotated ``size`` x ``size`` uint8 crop of ``roi`` (borders replicated, as MediaPipe does)."""
    m = roi.crop_to_frame(size)
    # warpAffine samples source pixel centres at integer coordinates: shift both sides by 0.5.
    m_idx = m.copy()
    m_idx[:, 2] += 0.5 * (m[:, 0] + m[:, 1]) - 0.5
    return cv2.warpAffine(
        frame_rgb, m_idx, (size, size),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip


def _check_frame(frame_rgb: np.ndarray) -> None:
    if frame_rgb.ndim != 3 or frame_rgb.shape[2] != 3 or frame_rgb.dtype != np.uint8:
        raise ValueError(
            f"expected an HxWx3 uint8 RGB frame, got shape {frame_rgb.shape} dtype {frame_rgb.dtype}"
        )


def _open_interpreter(path: Path, inputs: tuple[int, ...], outputs: int, num_threads: int) -> Any:
    from ai_edge_litert.interpreter import Interpreter

    if not path.is_file():
        raise HandModelError(
            f"Hand model not found: {path}. It ships in the project's models/ folder "
            f"(MediaPipe's {path.name}); restore it from the repository."
        )
    try:
        interpreter = Interpreter(model_path=str(path), num_threads=num_threads)
        interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as exc:
        raise HandModelError(f"{path} is not a valid LiteRT model ({type(exc).__name__}).") from exc
    shape = tuple(int(d) for d in interpreter.get_input_details()[0]["shape"])
    n_out = len(interpreter.get_output_details())
    if shape != inputs or n_out != outputs:
        raise HandModelError(
            f"{path} is not MediaPipe's {path.name}: input {shape} with {n_out} outputs, "
            f"expected input {inputs} with {outputs} outputs."
        )
    return interpreter


class HandModels:
    """The palm detector and the landmark model on LiteRT, with reusable input buffers."""

    def __init__(self, folder: Path | None = None, num_threads: int | None = None) -> None:
        folder = Path(folder) if folder is not None else SHIPPED_MODELS_DIR
        threads = num_threads or os.cpu_count() or 1
        self._palm = _open_interpreter(
            folder / PALM_MODEL_FILE, (1, DETECTOR_SIZE, DETECTOR_SIZE, 3), 2, threads
        )
        self._hand = _open_interpreter(
            folder / LANDMARK_MODEL_FILE, (1, LANDMARK_SIZE, LANDMARK_SIZE, 3), 4, threads
        )
        self._palm_in = np.zeros((1, DETECTOR_SIZE, DETECTOR_SIZE, 3), dtype=np.float32)
        self._hand_in = np.zeros((1, LANDMARK_SIZE, LANDMARK_SIZE, 3), dtype=np.float32)
        palm_out = {d["name"]: d["index"] for d in self._palm.get_output_details()}
        hand_out = {d["name"]: d["index"] for d in self._hand.get_output_details()}
        try:
            self._palm_reg, self._palm_logit = palm_out["Identity"], palm_out["Identity_1"]
            self._lm, self._presence, self._handed = (
                hand_out["Identity"],
                hand_out["Identity_1"],
                hand_out["Identity_2"],
            )
        except KeyError as exc:
            raise HandModelError(f"a hand model lacks the output {exc}: not MediaPipe's model.") from exc

    def detect(self, frame_rgb: np.ndarray, threshold: float = DETECTION_THRESHOLD) -> PalmDetection | None:
        """The best palm in the frame (letterboxed to the detector's square), or None."""
        lb = letterbox(frame_rgb, self._palm_in[0])
        it = self._palm
        it.set_tensor(it.get_input_details()[0]["index"], self._palm_in)
        it.invoke()
        regressors = it.get_tensor(self._palm_reg)
        logits = it.get_tensor(self._palm_logit)
        best = best_palm(*decode_palms(regressors, logits, threshold))
        if best is None:
            return None
        score, box, kps = best
        corners = lb.to_frame(box.reshape(2, 2))
        x0, y0, x1, y1 = (float(v) for v in corners.ravel())
        return PalmDetection(score, (x0, y0, x1, y1), lb.to_frame(kps))

    def landmarks(self, frame_rgb: np.ndarray, roi: Roi) -> tuple[np.ndarray, float, float, np.ndarray]:
        """(landmarks (21, 3) in frame pixels, presence, handedness, the uint8 crop) for ``roi``."""
        crop = crop_hand(frame_rgb, roi)
        np.multiply(crop, np.float32(1.0 / 255.0), out=self._hand_in[0], casting="unsafe")
        it = self._hand
        it.set_tensor(it.get_input_details()[0]["index"], self._hand_in)
        it.invoke()
        raw = it.get_tensor(self._lm).reshape(NUM_LANDMARKS, 3).astype(np.float64)
        presence = float(it.get_tensor(self._presence).reshape(-1)[0])
        handedness = float(it.get_tensor(self._handed).reshape(-1)[0])
        m = roi.crop_to_frame(LANDMARK_SIZE)
        out = np.empty((NUM_LANDMARKS, 3))
        out[:, :2] = raw[:, :2] @ m[:, :2].T + m[:, 2]
        out[:, 2] = raw[:, 2] * (roi.width / LANDMARK_SIZE)
        return out, presence, handedness, crop


class HandTracker:
    """One hand followed over a stream of frames (see the module docstring). Use from one thread.

    ``second_looks``: where the detector looks when the whole frame shows no palm
    (:data:`SECOND_LOOKS`; empty: the whole frame only, as MediaPipe does).
    """

    def __init__(
        self,
        models: HandModels,
        detection_threshold: float = DETECTION_THRESHOLD,
        presence_threshold: float = PRESENCE_THRESHOLD,
        second_looks: Sequence[Window | None] = SECOND_LOOKS,
    ) -> None:
        self.models = models
        self.detection_threshold = detection_threshold
        self.presence_threshold = presence_threshold
        self.second_looks = tuple(second_looks)
        self._next_roi: Roi | None = None
        self._lost = 0  # stream frames that needed the detector, for taking turns at second looks

    def reset(self) -> None:
        """Forget the tracked hand: the next frame runs the detector."""
        self._next_roi = None

    @property
    def tracking(self) -> bool:
        return self._next_roi is not None

    def _landmarks(self, frame: np.ndarray, roi: Roi) -> tuple[HandResult, float]:

        start = time.perf_counter()
        lm, presence, handed, crop = self.models.landmarks(frame, roi)
        ms = (time.perf_counter() - start) * 1000.0
        if presence < self.presence_threshold:
            return HandResult(found=False, presence=presence, roi=roi, landmark_ms=ms), ms
        return HandResult(True, presence, lm, handed, roi, crop=crop, landmark_ms=ms), ms

    def _zoomed_out_palm(self, frame_rgb: np.ndarray) -> PalmDetection | None:
        """The palm found in the frame shrunk into a canvas twice its size (edges replicated), in
        the frame's own pixels: a close-up hand is larger than the detector's anchors expect."""
        h, w = frame_rgb.shape[:2]
        py, px = h // 2, w // 2
        padded = cv2.copyMakeBorder(frame_rgb, py, py, px, px, cv2.BORDER_REPLICATE)
        palm = self.models.detect(padded, self.detection_threshold)
        return None if palm is None else _shifted(palm, -px, -py)

    def _window_palm(self, frame_rgb: np.ndarray, window: Window) -> PalmDetection | None:
        """The palm found in one part of the frame (seen at more detail than in the whole), in
        the frame's pixels."""
        h, w = frame_rgb.shape[:2]
        x0, y0 = round(window[0] * w), round(window[1] * h)
        x1, y1 = round(window[2] * w), round(window[3] * h)
        palm = self.models.detect(np.ascontiguousarray(frame_rgb[y0:y1, x0:x1]), self.detection_threshold)
        return None if palm is None else _shifted(palm, x0, y0)

    def _look(self, frame_rgb: np.ndarray, look: Window | None) -> Callable[[], PalmDetection | None]:
        if look is None:
            return lambda: self._zoomed_out_palm(frame_rgb)
        return lambda: self._window_palm(frame_rgb, look)

    def _detectors(self, frame_rgb: np.ndarray, all_looks: bool) -> list[Callable[[], PalmDetection | None]]:
        """The whole frame, then every second look (``all_looks``) or, on every other call, the
        next one in turn."""
        detectors = [lambda: self.models.detect(frame_rgb, self.detection_threshold)]
        if all_looks:
            return detectors + [self._look(frame_rgb, look) for look in self.second_looks]
        self._lost += 1
        if self.second_looks and self._lost % 2 == 0:
            turn = (self._lost // 2 - 1) % len(self.second_looks)
            detectors.append(self._look(frame_rgb, self.second_looks[turn]))
        return detectors

    def process(self, frame_rgb: np.ndarray, all_looks: bool = False) -> HandResult:
        """The hand in this frame: tracked from the last landmarks when possible, else detected.

        Detection looks at the whole frame, then, when that finds no hand, takes second looks
        (module docstring): all of them with ``all_looks`` (for photos), else one in turn on
        every other frame that needs the detector.
        """
        _check_frame(frame_rgb)
        landmark_ms = 0.0
        if self._next_roi is not None:
            result, landmark_ms = self._landmarks(frame_rgb, self._next_roi)
            if result.found:
                assert result.landmarks is not None
                self._next_roi = landmarks_to_roi(result.landmarks)
                return result
            self._next_roi = None
        result = NO_HAND
        detector_ms = 0.0
        for detect in self._detectors(frame_rgb, all_looks):
            start = time.perf_counter()
            palm = detect()
            detector_ms += (time.perf_counter() - start) * 1000.0
            if palm is None:
                continue
            result, ms = self._landmarks(frame_rgb, palm_to_roi(palm))
            landmark_ms += ms
            result = replace(result, palm=palm)
            if result.found:
                break
        result = replace(result, detected=True, detector_ms=detector_ms, landmark_ms=landmark_ms)
        if result.found:
            assert result.landmarks is not None
            self._next_roi = landmarks_to_roi(result.landmarks)
        return result

    def still(self, frame_rgb: np.ndarray, refine: int = 1) -> HandResult:
        """The hand in a single photo: detect (with every second look), then ``refine`` more
        landmark passes on the crop that the landmarks give (what tracking would use on the next
        frame of a still hand)."""
        self.reset()
        result = self.process(frame_rgb, all_looks=True)
        for _ in range(refine):
            if not result.found:
                break
            again = self.process(frame_rgb)
            if not again.found:
                break
            result = HandResult(
                True, again.presence, again.landmarks, again.handedness, again.roi, result.palm,
                detected=True, crop=again.crop, detector_ms=result.detector_ms,
                landmark_ms=result.landmark_ms + again.landmark_ms,
            )  # fmt: skip
        self.reset()
        return result
