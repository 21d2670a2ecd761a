"""Labelled image folders: ``DIR/<class>/*`` read into RGB arrays for training and evaluation.

Class folders are the gesture names (up, down, left, right and optionally idle), any image
format OpenCV reads, any size. Files that do not decode are skipped and counted; a class with no
usable image, or a folder with no class folders at all, is a :class:`DatasetError` naming it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

#: Gesture classes in the order profiles list them; a folder may hold any two or more of them.
KNOWN_CLASSES: tuple[str, ...] = ("up", "down", "left", "right", "idle")


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
        )

    def split_first(self, n: int) -> tuple[LabelledImages, LabelledImages]:
        """(the first ``n`` images of each class by file name, the rest)."""
        first = self.ranks < n
        return self.subset(first), self.subset(~first)


def read_rgb(path: Path) -> np.ndarray | None:
    """An image file as RGB ``uint8``, or None when OpenCV cannot decode it."""
    data = np.fromfile(str(path), dtype=np.uint8)  # handles non-ASCII paths, unlike cv2.imread
    if data.size == 0:
        return None
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None:
        return None
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def class_folders(root: Path, classes: list[str] | None = None) -> list[tuple[str, Path]]:
    """The class sub-folders of ``root`` in :data:`KNOWN_CLASSES` order (or the order of ``classes``)."""
    if not root.is_dir():
        raise DatasetError(f"Image folder not found: {root}")
    present = {p.name.lower(): p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    if classes is not None:
        missing = [c for c in classes if c not in present]
        if missing:
            raise DatasetError(f"{root} has no folder for class {', '.join(missing)}")
        return [(c, present[c]) for c in classes]
    found = [(c, present[c]) for c in KNOWN_CLASSES if c in present]
    ignored = sorted(set(present) - set(KNOWN_CLASSES))
    if ignored:
        log.warning("ignoring folders that are not gesture classes: %s", ", ".join(ignored))
    if len(found) < 2:
        raise DatasetError(
            f"{root} needs at least two class folders named {', '.join(KNOWN_CLASSES)} "
            f"(found: {', '.join(sorted(present)) or 'none'})"
        )
    return found


def load_labelled_folder(root: str | Path, classes: list[str] | None = None) -> LabelledImages:
    """Read ``root/<class>/*``; ``classes`` fixes the class list and order (e.g. a profile's)."""
    root = Path(root).expanduser()
    folders = class_folders(root, classes)
    images: list[np.ndarray] = []
    labels: list[int] = []
    paths: list[Path] = []
    ranks: list[int] = []
    skipped: list[Path] = []
    for label, (name, folder) in enumerate(folders):
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        rank = 0
        for path in files:
            image = read_rgb(path)
            if image is None:
                skipped.append(path)
                continue
            images.append(image)
            labels.append(label)
            paths.append(path)
            ranks.append(rank)
            rank += 1
        if rank == 0:
            what = f"{len(files)} files, none of them an image OpenCV can decode" if files else "it is empty"
            raise DatasetError(f"class '{name}' has no usable image in {folder} ({what})")
    if skipped:
        log.warning("skipped %d file(s) that are not decodable images, e.g. %s", len(skipped), skipped[0])
    return LabelledImages(
        classes=[name for name, _ in folders],
        images=images,
        labels=np.asarray(labels, dtype=np.int64),
        paths=paths,
        ranks=np.asarray(ranks, dtype=np.int64),
        skipped=skipped,
    )
