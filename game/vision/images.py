"""Labelled image folders: ``DIR/<class>/*`` read into RGB arrays for training and evaluation.

Class folders are the gesture names (up, down, left, right and optionally idle), any image
format OpenCV reads (whose header Pillow knows). Each file's size and header dimensions are checked
before it is decoded, JPEGs are decoded already reduced, and each image is shrunk to
:data:`WORK_SIDE` as soon as it is decoded, so memory stays bounded for folders of big photos.
Files that are not images, do not decode or are over a limit are skipped and counted (with the
reason); a class with no usable image, or a folder with no class folders at all, is a
:class:`DatasetError` naming it.
"""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from game.vision.types import ALL_CLASSES

log = logging.getLogger(__name__)

#: Gesture classes in the order profiles list them; a folder may hold any two or more of them.
#: The class folders a labelled folder may have, in this order.
KNOWN_CLASSES: tuple[str, ...] = ALL_CLASSES


class DatasetError(ValueError):
    """A labelled folder cannot be used; the message names the folder or class."""


@dataclass
class LabelledImages:
    """Images with integer labels indexing ``classes``; ``skipped`` lists files that did not decode."""

    classes: list[str]
    images: list[np.ndarray]
    labels: np.ndarray
    paths: list[Path]
    ranks: np.ndarray  # position of each image within its class, in file-name order
    skipped: list[Path] = field(default_factory=list)
    #: Why each skipped file was skipped, in the order of ``skipped``.
    reasons: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    def subset(self, mask: np.ndarray) -> LabelledImages:
        keep = np.flatnonzero(mask)
        return LabelledImages(
            classes=self.classes,
            images=[self.images[i] for i in keep],
            labels=self.labels[keep],
            paths=[self.paths[i] for i in keep],
            ranks=self.ranks[keep],
            skipped=self.skipped,
            reasons=self.reasons,
        )

    def skipped_summary(self) -> str:
        """One line on the skipped files ("" when none), for the end of a command's report."""
        if not self.skipped:
            return ""
        first = f"{self.skipped[0].name}: {self.reasons[0]}" if self.reasons else self.skipped[0].name
        return f"skipped {len(self.skipped)} file(s) that are not usable images (e.g. {first})"

    def split_first(self, n: int) -> tuple[LabelledImages, LabelledImages]:
        """(the first ``n`` images of each class by file name, the rest)."""
        first = self.ranks < n
        return self.subset(first), self.subset(~first)


#: The longest side an image keeps once decoded: what the pipeline uses (a 224-pixel crop, a hand
#: crop) needs no more than a webcam frame gives, and 50 twelve-megapixel photos kept at full size
#: are 1.8 GB.
WORK_SIDE = 1280
#: Pixels a decode may produce (after JPEG's own reduction): 50 MP is 150 MB for a moment.
MAX_DECODED_PIXELS = 50_000_000
#: Bytes read from one file; a phone photo is a few MB.
MAX_FILE_BYTES = 100 << 20
#: Header sizes refused outright, whatever the format (a decompression bomb).
MAX_HEADER_PIXELS = 1_000_000_000


class ImageSkipped(ValueError):
    """One file cannot be used as an image; the message says why (it is skipped and counted)."""


def image_size(path: Path) -> tuple[str, int, int]:
    """(format, width, height) from the file's header, without decoding its pixels.

    Pillow reads only the header in ``Image.open``; OpenCV, which decodes, has no header-only call.
    """
    import warnings

    from PIL import Image

    # Pillow's own bomb check would say less than ours (which names the size); it stays as a backstop.
    Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, MAX_HEADER_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: the limits below decide
            with Image.open(path) as im:
                return str(im.format or "?"), int(im.size[0]), int(im.size[1])
    except Image.DecompressionBombError:
        raise ImageSkipped(
            f"its header declares more than {2 * MAX_HEADER_PIXELS / 1e6:.0f} megapixels"
        ) from None
    except OSError as exc:
        if exc.errno is not None:  # the file could not be read (permissions, I/O), not a non-image
            raise ImageSkipped(f"cannot be read ({exc.strerror or exc})") from None
        raise ImageSkipped("not an image file") from None  # Pillow's "cannot identify image file"
    except Exception:  # Pillow raises many types for files that are not images
        raise ImageSkipped("not an image file") from None


def _reduction(fmt: str, width: int, height: int, short_side: int | None) -> int:
    """1, 2, 4 or 8: how much a JPEG can be shrunk while decoding and stay above what is kept."""
    if fmt not in ("JPEG", "MPO"):
        return 1
    factor = 1
    while factor < 8 and _fits(width // (factor * 2), height // (factor * 2), short_side):
        factor *= 2
    return factor


def _fits(width: int, height: int, short_side: int | None) -> bool:
    """True when a ``width`` x ``height`` image is still at least what :func:`shrink` keeps."""
    if short_side is not None:
        return min(width, height) >= short_side
    return max(width, height) >= WORK_SIDE


_REDUCED = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


def shrink(image: np.ndarray, short_side: int | None = None) -> np.ndarray:
    """``image`` shrunk (area interpolation) to what the pipeline needs, else unchanged.

    With ``short_side``, its shorter side becomes at most ``short_side`` (a pipeline that only
    uses a square crop of known size); otherwise its longer side becomes at most :data:`WORK_SIDE`.
    """
    h, w = image.shape[:2]
    scale = short_side / min(h, w) if short_side is not None else WORK_SIDE / max(h, w)
    if scale >= 1:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def decode_image(path: Path, short_side: int | None = None) -> np.ndarray:
    """An image file as RGB ``uint8``, shrunk as :func:`shrink` says as soon as it is decoded.

    Checked before decoding: a regular file of at most :data:`MAX_FILE_BYTES`, with a header of
    at most :data:`MAX_DECODED_PIXELS` (after a JPEG's reduction while decoding). Raises
    :class:`ImageSkipped` with the reason otherwise, or when it does not decode.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise ImageSkipped(f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImageSkipped("not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ImageSkipped(f"{info.st_size / 2**20:.0f} MB, over the {MAX_FILE_BYTES >> 20} MB limit")
    fmt, width, height = image_size(path)
    factor = _reduction(fmt, width, height, short_side)
    decoded = (width // factor) * (height // factor)
    if width * height > MAX_HEADER_PIXELS or decoded > MAX_DECODED_PIXELS:
        raise ImageSkipped(
            f"{width}x{height} pixels, over the limit of {MAX_DECODED_PIXELS / 1e6:.0f} megapixels"
        )
    try:
        data = np.fromfile(str(path), dtype=np.uint8)  # handles non-ASCII paths, unlike cv2.imread
    except OSError as exc:
        raise ImageSkipped(f"cannot be read ({exc.strerror or exc})") from None
    bgr = cv2.imdecode(data, _REDUCED[factor]) if data.size else None
    del data
    if bgr is None or bgr.ndim != 3 or bgr.shape[2] != 3:
        raise ImageSkipped("OpenCV cannot decode it")
    return cv2.cvtColor(shrink(bgr, short_side), cv2.COLOR_BGR2RGB)


def read_rgb(path: Path) -> np.ndarray | None:
    """:func:`decode_image`, or None when the file is skipped."""
    try:
        return decode_image(path)
    except ImageSkipped:
        return None


def class_folders(root: Path, classes: list[str] | None = None, minimum: int = 2) -> list[tuple[str, Path]]:
    """The class sub-folders of ``root`` in :data:`KNOWN_CLASSES` order (or the order of ``classes``).

    Without ``classes``, at least ``minimum`` of them must be there (training needs two classes;
    scoring a trained profile, one).

    Folder names are matched without regard to case; two folders for one class (``Up`` and ``up``)
    are a :class:`DatasetError` naming both, since either would silently leave the other out.
    """
    if not root.is_dir():
        raise DatasetError(f"Image folder not found: {root}")
    by_class: dict[str, list[Path]] = {}
    for path in sorted(root.iterdir()):
        if path.is_dir() and not path.name.startswith("."):
            by_class.setdefault(path.name.lower(), []).append(path)
    wanted = KNOWN_CLASSES if classes is None else classes
    for name in wanted:
        twins = by_class.get(name, [])
        if len(twins) > 1:
            raise DatasetError(
                f"{root} has {len(twins)} folders for class '{name}' ({', '.join(p.name for p in twins)}): "
                "folder names are read without regard to case, so merge them into one"
            )
    present = {name: paths[0] for name, paths in by_class.items()}
    if classes is not None:
        missing = [c for c in classes if c not in present]
        if missing:
            raise DatasetError(f"{root} has no folder for class {', '.join(missing)}")
        return [(c, present[c]) for c in classes]
    found = [(c, present[c]) for c in KNOWN_CLASSES if c in present]
    ignored = sorted(set(present) - set(KNOWN_CLASSES))
    if ignored:
        log.warning("ignoring folders that are not gesture classes: %s", ", ".join(ignored))
    if len(found) < minimum:
        count = "a class folder" if minimum == 1 else "at least two class folders"
        raise DatasetError(
            f"{root} needs {count} named {', '.join(KNOWN_CLASSES)} "
            f"(found: {', '.join(sorted(present)) or 'none'})"
        )
    return found


def load_labelled_folder(
    root: str | Path, classes: list[str] | None = None, short_side: int | None = None
) -> LabelledImages:
    """Read ``root/<class>/*``; ``classes`` fixes the class list and order (e.g. a profile's).

    ``short_side``: what the caller's pipeline needs of each image (see :func:`shrink`).
    """
    root = Path(root).expanduser()
    folders = class_folders(root, classes)
    images: list[np.ndarray] = []
    labels: list[int] = []
    paths: list[Path] = []
    ranks: list[int] = []
    skipped: list[Path] = []
    reasons: list[str] = []
    for label, (name, folder) in enumerate(folders):
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        rank = 0
        for path in files:
            try:
                image = decode_image(path, short_side)
            except ImageSkipped as exc:
                skipped.append(path)
                reasons.append(str(exc))
                continue
            images.append(image)
            labels.append(label)
            paths.append(path)
            ranks.append(rank)
            rank += 1
        if rank == 0:
            what = f"{len(files)} files, none of them a usable image" if files else "it is empty"
            raise DatasetError(f"class '{name}' has no usable image in {folder} ({what})")
    if skipped:
        log.warning("skipped %d file(s), e.g. %s: %s", len(skipped), skipped[0], reasons[0])
    return LabelledImages(
        classes=[name for name, _ in folders],
        images=images,
        labels=np.asarray(labels, dtype=np.int64),
        paths=paths,
        ranks=np.asarray(ranks, dtype=np.int64),
        skipped=skipped,
        reasons=reasons,
    )
