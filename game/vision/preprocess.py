"""The whole-frame recognizer's preprocessing, shared by calibration, training from images,
evaluation and play of ``frame`` profiles. Hand profiles run the hand stage on the whole frame
instead (``game.vision.hands``); for them this module only cuts the small centre squares that are
shown and kept with samples (:func:`thumbnail`, :func:`frame_square`).

A frame is center-cropped to a square, resized to the backbone's input size with ``INTER_AREA``
and scaled to [-1, 1] as MobileNet expects. OpenCV's area resize is fast only for whole ratios
(ten times slower otherwise), so a large frame's square is trimmed at its edges to a whole
multiple of the size (480 -> 448 = 2 x 224, 720 -> 672) and shrunk in one step (``resize="area"``,
the default); when trimming would lose more than a tenth of the side (1080 -> 896), or for
profiles saved before this setting existed (``"area_then_linear"``), it shrinks by a whole factor
and finishes with a bilinear step instead. The config is stored in each profile so that play uses
exactly what training used; every caller goes through :func:`preprocess` (one RGB frame),
:func:`preprocess_camera` (one camera frame as it was decoded, BGR and not yet mirrored: play's
path, written straight into the interpreter's input, which converts only the resized square) or
:func:`preprocess_batch` (training), and all three give the same numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from game.vision.types import ThumbKind

if TYPE_CHECKING:
    from game.vision.camera import Frame


class Crop(str, Enum):
    CENTER = "center"
    NONE = "none"  # squash the whole frame to a square


class Scale(str, Enum):
    MINUS1_1 = "minus1_1"


class Resize(str, Enum):
    #: Trim the square to a whole multiple of the size, then one area resize (fast and exact).
    AREA = "area"
    #: Whole-factor area shrink, then bilinear for the rest: every profile saved before ``AREA``.
    AREA_THEN_LINEAR = "area_then_linear"


#: Trimming the square to a whole multiple of the size may lose at most this share of its side.
MAX_TRIM = 0.1


@dataclass(frozen=True)
class PreprocessConfig:
    """How a frame becomes the backbone's input; saved in the profile as a dict."""

    size: int = 224
    crop: str = Crop.CENTER.value
    scale: str = Scale.MINUS1_1.value
    resize: str = Resize.AREA.value

    def __post_init__(self) -> None:
        if self.size <= 0:
            raise ValueError(f"preprocess size must be positive, got {self.size}")
        Crop(self.crop)
        Scale(self.scale)
        Resize(self.resize)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PreprocessConfig:
        """Raises ValueError for unknown keys or values (a profile from a newer version).

        A profile without ``resize`` was saved before it existed and gets the resize it was trained with.
        """
        unknown = set(data) - {"size", "crop", "scale", "resize"}
        if unknown:
            raise ValueError(f"unknown preprocess settings: {', '.join(sorted(unknown))}")
        return cls(
            size=int(data.get("size", 224)),
            crop=str(data.get("crop", Crop.CENTER.value)),
            scale=str(data.get("scale", Scale.MINUS1_1.value)),
            resize=str(data.get("resize", Resize.AREA_THEN_LINEAR.value)),
        )


DEFAULT_PREPROCESS = PreprocessConfig()


def _check_image(image_rgb: np.ndarray) -> None:
    if image_rgb.ndim != 3 or image_rgb.shape[2] != 3 or image_rgb.dtype != np.uint8:
        raise ValueError(
            f"expected an HxWx3 uint8 RGB image, got shape {image_rgb.shape} dtype {image_rgb.dtype}"
        )


def center_square(image: np.ndarray) -> np.ndarray:
    """The largest centered square of ``image`` (a view, no copy)."""
    h, w = image.shape[:2]
    side = min(h, w)
    top = (h - side) // 2
    left = (w - side) // 2
    return image[top : top + side, left : left + side]


@dataclass(frozen=True)
class _Plan:
    """Which part of a frame becomes the input, and how: rows ``top`` to ``top + height`` and
    columns ``left`` to ``left + width`` are shrunk by a whole ``factor`` with ``INTER_AREA`` (1:
    none) and then resized to the size (``INTER_AREA`` after no shrink, bilinear after one)."""

    top: int
    left: int
    height: int
    width: int
    factor: int


@functools.lru_cache(maxsize=64)
def _plan(h: int, w: int, config: PreprocessConfig) -> _Plan:
    size = config.size
    top, left, height, width = 0, 0, h, w
    if config.crop == Crop.CENTER.value:
        side = min(h, w)
        top, left, height, width = (h - side) // 2, (w - side) // 2, side, side
        if side == size:
            return _Plan(top, left, side, side, 1)
        whole = (side // size) * size
        if config.resize == Resize.AREA.value and whole >= 2 * size and whole >= (1.0 - MAX_TRIM) * side:
            # Trimmed to a whole multiple: OpenCV's fast area path (0.05-0.1 ms for 448 -> 224), one pass.
            edge = (side - whole) // 2
            return _Plan(top + edge, left + edge, whole, whole, 1)
    factor = min(height, width) // size
    if factor < 2:
        return _Plan(top, left, height, width, 1)
    # Large frames: OpenCV's INTER_AREA is fast for whole-number ratios and slow otherwise (0.65 ms
    # for 480 -> 224). So: a whole-factor area shrink (480 -> 240, 0.04 ms), which does the
    # anti-aliasing, then bilinear for the remaining ratio below 2 (240 -> 224, 0.06 ms). The result
    # is within about half a grey level of a direct INTER_AREA resize. Up to factor-1 edge pixels
    # are trimmed to make the first ratio whole.
    trimmed_h, trimmed_w = (height // factor) * factor, (width // factor) * factor
    top += (height - trimmed_h) // 2
    left += (width - trimmed_w) // 2
    return _Plan(top, left, trimmed_h, trimmed_w, factor)


def _run_plan(region: np.ndarray, plan: _Plan, size: int, out: np.ndarray | None) -> np.ndarray:
    if plan.factor == 1 and plan.height == size and plan.width == size:
        if out is None:
            return np.ascontiguousarray(region)
        out[...] = region
        return out
    if plan.factor == 1:
        return cv2.resize(region, (size, size), dst=out, interpolation=cv2.INTER_AREA)
    shrunk = cv2.resize(
        region, (plan.width // plan.factor, plan.height // plan.factor), interpolation=cv2.INTER_AREA
    )
    return cv2.resize(shrunk, (size, size), dst=out, interpolation=cv2.INTER_LINEAR)


def resize_square(
    image_rgb: np.ndarray, config: PreprocessConfig = DEFAULT_PREPROCESS, out: np.ndarray | None = None
) -> np.ndarray:
    """The crop-and-resize half of :func:`preprocess`, still ``uint8`` (for augmentation and thumbnails).

    ``out``, a C-contiguous ``uint8`` (size, size, 3) array, receives the result when given.
    """
    _check_image(image_rgb)
    plan = _plan(image_rgb.shape[0], image_rgb.shape[1], config)
    region = image_rgb[plan.top : plan.top + plan.height, plan.left : plan.left + plan.width]
    return _run_plan(region, plan, config.size, out)


def resize_camera_square(
    bgr: np.ndarray,
    mirror: bool,
    config: PreprocessConfig = DEFAULT_PREPROCESS,
    out: np.ndarray | None = None,
    work: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`resize_square` of the RGB frame a camera's BGR ``bgr`` becomes (mirrored when
    ``mirror``), without converting the whole frame first.

    The region the RGB frame would give is cut from ``bgr`` (reflected when mirrored). When it
    shrinks by a whole ratio (webcam frames: 480 -> 448 -> 224), it is resized as it is and only
    the small result is turned into RGB, and mirrored, in one pass that reverses each row's bytes:
    a whole-ratio area resize commutes with both. Other ratios do not, quite (OpenCV's weights are
    not mirror-symmetric there), so the region is converted first. Either way the pixels are
    those of converting the whole frame first (tests/vision/test_preprocess.py). ``work``, a
    ``uint8`` (size, size, 3) array, holds the resized BGR pixels; with ``out`` as well nothing is
    allocated.
    """
    _check_image(bgr)
    h, w = bgr.shape[:2]
    size = config.size
    plan = _plan(h, w, config)
    left = w - plan.left - plan.width if mirror else plan.left
    region = bgr[plan.top : plan.top + plan.height, left : left + plan.width]
    if not (plan.factor == 1 and plan.height == plan.width and plan.height % size == 0):
        return _run_plan(_bgr_to_rgb(region, mirror), plan, size, out)
    small = _run_plan(region, plan, size, work)
    return _bgr_to_rgb(small, mirror, out)


def _bgr_to_rgb(bgr: np.ndarray, mirror: bool, out: np.ndarray | None = None) -> np.ndarray:
    h, w = bgr.shape[:2]
    if out is None:
        out = np.empty((h, w, 3), np.uint8)
    if mirror:
        # B0 G0 R0 ... Bn Gn Rn reversed is Rn Gn Bn ... R0 G0 B0: mirrored and RGB at once.
        cv2.flip(np.ascontiguousarray(bgr).reshape(h, w * 3), 1, dst=out.reshape(h, w * 3))
    else:
        cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=out)
    return out


#: ``uint8`` value -> its input value in [-1, 1]: x / 127.5 - 1, computed as float32 once.
_SCALE_TABLE = np.arange(256, dtype=np.float32) * np.float32(1.0 / 127.5) - np.float32(1.0)


def scale_pixels(square_uint8: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``uint8`` pixels to float32 in [-1, 1] (x / 127.5 - 1), written into ``out`` when given.

    One table look-up per value (OpenCV's ``LUT``): a single pass that writes the float32 result,
    where a multiply and a subtract went over it twice.
    """
    if out is None:
        out = np.empty(square_uint8.shape, dtype=np.float32)
    if square_uint8.ndim == 3 and square_uint8.shape[2] <= 4 and square_uint8.flags.c_contiguous:
        cv2.LUT(square_uint8, _SCALE_TABLE, dst=out)
    else:
        np.take(_SCALE_TABLE, square_uint8, out=out)
    return out


def preprocess(
    image_rgb: np.ndarray,
    config: PreprocessConfig = DEFAULT_PREPROCESS,
    out: np.ndarray | None = None,
    work: np.ndarray | None = None,
) -> np.ndarray:
    """An RGB ``uint8`` frame of any size -> ``float32`` (size, size, 3) in [-1, 1].

    ``out`` receives the result (play passes the interpreter's own input buffer); ``work``, a
    ``uint8`` (size, size, 3) array, holds the resized pixels, so a caller that passes both
    allocates nothing per frame.
    """
    return scale_pixels(resize_square(image_rgb, config, work), out)


def preprocess_camera(
    bgr: np.ndarray,
    mirror: bool,
    config: PreprocessConfig = DEFAULT_PREPROCESS,
    out: np.ndarray | None = None,
    work: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """:func:`preprocess` of the RGB frame a camera's BGR ``bgr`` becomes (mirrored when ``mirror``),
    from the camera's own pixels: what play runs on every frame. ``work``: two ``uint8`` (size,
    size, 3) arrays for the resized pixels before and after the colour step."""
    resized, rgb = work if work is not None else (None, None)
    return scale_pixels(resize_camera_square(bgr, mirror, config, rgb, resized), out)


def preprocess_batch(
    images_rgb: Sequence[np.ndarray], config: PreprocessConfig = DEFAULT_PREPROCESS
) -> np.ndarray:
    """Several frames -> ``float32`` (N, size, size, 3), each exactly as :func:`preprocess` makes it."""
    batch = np.empty((len(images_rgb), config.size, config.size, 3), dtype=np.float32)
    for i, image in enumerate(images_rgb):
        preprocess(image, config, out=batch[i])
    return batch


def frame_square(frame: Frame, config: PreprocessConfig = DEFAULT_PREPROCESS) -> np.ndarray:
    """:func:`resize_square` of ``frame.image``, from the camera's own pixels when the frame still
    has them as decoded (a thumbnail then costs a resize of the region, not a conversion of the
    whole frame)."""
    if frame.bgr:
        return resize_camera_square(frame.pixels, frame.mirror, config)
    return resize_square(frame.image, config)


def thumbnail(image_rgb: np.ndarray, size: int = 48) -> np.ndarray:
    """A small ``uint8`` (size, size, 3) center-cropped copy, kept with samples so a user can see them."""
    return resize_square(image_rgb, PreprocessConfig(size=size))


def seen_thumbnail(seen: np.ndarray | None, frame: Frame | np.ndarray, size: int = 48) -> np.ndarray:
    """A sample's thumbnail: what the recognizer looked at, which the sample gate and the variety
    meter compare (``game.vision.variety``). ``seen`` is the picture the recognizer read when that
    is not the frame's centre square (a hand profile's hand crop, ``HandResult.seen``); without
    it, the centre square of ``frame`` (a source's frame, or an RGB picture), as MobileNet sees it.
    Calibration (``game.vision.recorder``) and learning while playing (``game.vision.play_learning``)
    both cut their thumbnails here."""
    if seen is not None:
        return thumbnail(seen, size)
    if isinstance(frame, np.ndarray):
        return thumbnail(frame, size)
    return frame_square(frame, PreprocessConfig(size=size))


def seen_kind(seen: np.ndarray | None) -> ThumbKind:
    """Which thumbnail :func:`seen_thumbnail` cuts given ``seen``: the hand crop or the centre square."""
    return ThumbKind.CENTRE if seen is None else ThumbKind.HAND
