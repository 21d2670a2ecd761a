"""The one preprocessing step shared by calibration, training from images, evaluation and play.

A frame is center-cropped to a square, resized to the backbone's input size with ``INTER_AREA``
and scaled to [-1, 1] as MobileNet expects. OpenCV's area resize is fast only for whole ratios
(ten times slower otherwise), so a large frame's square is trimmed at its edges to a whole
multiple of the size (480 -> 448 = 2 x 224, 720 -> 672) and shrunk in one step (``resize="area"``,
the default); when trimming would lose more than a tenth of the side (1080 -> 896), or for
profiles saved before this setting existed (``"area_then_linear"``), it shrinks by a whole factor
and finishes with a bilinear step instead. The config is stored in each profile so that play uses
exactly what training used; every caller goes through :func:`preprocess` (one frame, written
straight into the interpreter's input in play) or :func:`preprocess_batch` (training).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

import cv2
import numpy as np


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


def _trimmed(square: np.ndarray, size: int) -> np.ndarray | None:
    """``square``'s centre trimmed to a whole multiple (2x or more) of ``size``, or None when that
    would cut more than :data:`MAX_TRIM` of its side."""
    side = square.shape[0]
    whole = (side // size) * size
    if whole < 2 * size or whole < (1.0 - MAX_TRIM) * side:
        return None
    edge = (side - whole) // 2
    return square[edge : edge + whole, edge : edge + whole]


def resize_square(
    image_rgb: np.ndarray, config: PreprocessConfig = DEFAULT_PREPROCESS, out: np.ndarray | None = None
) -> np.ndarray:
    """The crop-and-resize half of :func:`preprocess`, still ``uint8`` (for augmentation and thumbnails).

    ``out``, a C-contiguous ``uint8`` (size, size, 3) array, receives the result when given.
    """
    _check_image(image_rgb)
    size = config.size
    square = center_square(image_rgb) if config.crop == Crop.CENTER.value else image_rgb
    if square.shape[0] == size and square.shape[1] == size:
        if out is None:
            return np.ascontiguousarray(square)
        out[...] = square
        return out
    if config.resize == Resize.AREA.value and config.crop == Crop.CENTER.value:
        trimmed = _trimmed(square, size)
        if trimmed is not None:
            # A whole ratio: OpenCV's fast area path (0.05-0.1 ms for 448 -> 224), one pass.
            return cv2.resize(trimmed, (size, size), dst=out, interpolation=cv2.INTER_AREA)
    factor = min(square.shape[0], square.shape[1]) // size
    if factor < 2:
        return cv2.resize(square, (size, size), dst=out, interpolation=cv2.INTER_AREA)
    # Large frames (webcam): OpenCV's INTER_AREA is fast for whole-number ratios and slow otherwise
    # (0.65 ms for 480 -> 224). So: a whole-factor area shrink (480 -> 240, 0.04 ms), which does the
    # anti-aliasing, then bilinear for the remaining ratio below 2 (240 -> 224, 0.06 ms). The result
    # is within about half a grey level of a direct INTER_AREA resize. Up to factor-1 edge pixels
    # are trimmed to make the first ratio whole.
    h, w = (square.shape[0] // factor) * factor, (square.shape[1] // factor) * factor
    top, left = (square.shape[0] - h) // 2, (square.shape[1] - w) // 2
    shrunk = cv2.resize(
        square[top : top + h, left : left + w], (w // factor, h // factor), interpolation=cv2.INTER_AREA
    )
    return cv2.resize(shrunk, (size, size), dst=out, interpolation=cv2.INTER_LINEAR)


def scale_pixels(square_uint8: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``uint8`` pixels to float32 in [-1, 1] (x / 127.5 - 1), written into ``out`` when given."""
    if out is None:
        out = np.empty(square_uint8.shape, dtype=np.float32)
    np.multiply(square_uint8, np.float32(1.0 / 127.5), out=out, casting="unsafe")
    out -= np.float32(1.0)
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


def preprocess_batch(
    images_rgb: Sequence[np.ndarray], config: PreprocessConfig = DEFAULT_PREPROCESS
) -> np.ndarray:
    """Several frames -> ``float32`` (N, size, size, 3), each exactly as :func:`preprocess` makes it."""
    batch = np.empty((len(images_rgb), config.size, config.size, 3), dtype=np.float32)
    for i, image in enumerate(images_rgb):
        preprocess(image, config, out=batch[i])
    return batch


def thumbnail(image_rgb: np.ndarray, size: int = 48) -> np.ndarray:
    """A small ``uint8`` (size, size, 3) center-cropped copy, kept with samples so a user can see them."""
    return resize_square(image_rgb, PreprocessConfig(size=size))
