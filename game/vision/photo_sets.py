"""A gesture session without a player: a profile trained on some labelled hand photos and a
webcam-like video of others.

The gesture benchmarks and the end-to-end tests play with these. The profile uses the first
``train_per_class`` photos of each class in file-name order; the video uses photos from
``video_from_rank`` on, so the model, as with a player, sees hands it never trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from game.vision.synthetic_video import GestureVideo, write_gesture_video
from game.vision.types import DIRECTION_CLASSES

#: The classes a session shows (no idle: the photos are of hand signs).
CLASSES: tuple[str, ...] = DIRECTION_CLASSES
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})


class PhotoSetError(RuntimeError):
    """The photos a session needs are missing or unreadable; the message says which."""


def class_photos(folder: Path, label: str) -> list[Path]:
    path = folder / label
    if not path.is_dir():
        raise PhotoSetError(f"{folder} has no '{label}' folder of photos")
    return sorted(p for p in path.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)


#: Photos of each class a photo-set profile is trained on (the first ones by file name).
TRAIN_PER_CLASS = 20


def train_profile_from_photos(
    folder: Path, models: Path, out: Path, train_per_class: int = TRAIN_PER_CLASS, seed: int = 0
) -> Path:
    """Train and save a profile on the first ``train_per_class`` photos of each class; return ``out``.

    Features come from the per-frame backbone, the same runtime that play uses.
    """
    from game.vision.features import LiteRTBackbone
    from game.vision.images import read_rgb
    from game.vision.profile import Profile, Samples, save_profile, train_profile
    from game.vision.training import DEFAULT

    backbone = LiteRTBackbone.load(models)
    samples = Samples()
    for label, name in enumerate(CLASSES):
        images = []
        for path in class_photos(folder, name)[:train_per_class]:
            image = read_rgb(path)
            if image is None:
                raise PhotoSetError(f"cannot read photo {path}")
            images.append(image)
        samples = samples.add(label, backbone.from_images(images))
    profile = Profile(
        classes=list(CLASSES),
        backbone_id=backbone.backbone_id,
        weights_sha256=backbone.weights_sha256,
        samples=samples,
    )
    train_profile(profile, DEFAULT, seed=seed)
    save_profile(profile, out)
    return out


def video_from_photos(
    folder: Path,
    out: Path,
    order: Sequence[str],
    *,
    photos_per_segment: int = 8,
    hold_frames: int = 3,
    video_from_rank: int = TRAIN_PER_CLASS,
) -> GestureVideo:
    """A video with one segment per entry of ``order``; no photo is shown twice. By default it
    starts with the first photos a default photo-set profile was not trained on, so that the 50
    photos a class of ``tests/data/signdigits`` holds are enough for the benches' 8 segments."""
    next_rank = dict.fromkeys(CLASSES, video_from_rank)
    segments = []
    for name in order:
        start = next_rank[name]
        chosen = class_photos(folder, name)[start : start + photos_per_segment]
        if len(chosen) < photos_per_segment:
            raise PhotoSetError(f"not enough '{name}' photos in {folder} for a {len(order)}-segment video")
        next_rank[name] += photos_per_segment
        segments.append((name, chosen))
    return write_gesture_video(out, segments, hold_frames=hold_frames)
