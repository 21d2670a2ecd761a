"""A gesture profile: everything a user creates, in one versioned directory.

Layout::

    profile.json   format version, classes, backbone id and weights hash, preprocessing, head
                   hyper-parameters, metrics, creation time
    head.keras     the trained head (current Keras format, loaded with safe_mode=True)
    samples.npz    features (float16), labels, thumbnails (loaded with allow_pickle=False)

Saving writes a temporary sibling directory and swaps it in, so a crash mid-save leaves the
previous profile intact. Loading validates every part and raises :class:`ProfileError` with one
clear message. No pickle anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from game.vision.features import FEATURE_SHAPE
from game.vision.preprocess import PreprocessConfig
from game.vision.training import DEFAULT, EpochCallback, HeadConfig, StopCheck, TrainResult, train_head

FORMAT_VERSION = 1
PROFILE_KIND = "gesture-pacman-profile"
PROFILE_FILE = "profile.json"
HEAD_FILE = "head.keras"
SAMPLES_FILE = "samples.npz"
THUMBNAIL_SIZE = 48


class ProfileError(Exception):
    """A profile cannot be loaded or saved; the message says which file and what is wrong."""


@dataclass
class Samples:
    """Training samples kept with a profile so that one class can be topped up and retrained later."""

    features: np.ndarray = field(default_factory=lambda: np.zeros((0, *FEATURE_SHAPE), dtype=np.float16))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    thumbnails: np.ndarray = field(
        default_factory=lambda: np.zeros((0, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), dtype=np.uint8)
    )

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self, n_classes: int) -> list[int]:
        return [int(c) for c in np.bincount(self.labels, minlength=n_classes)[:n_classes]]

    def add(self, label: int, features: np.ndarray, thumbnails: np.ndarray | None = None) -> Samples:
        """A copy with ``features`` (N, 7, 7, 256) appended under ``label``; the other classes are kept."""
        features = np.asarray(features).reshape(-1, *FEATURE_SHAPE)
        n = len(features)
        if thumbnails is None:
            thumbnails = np.zeros((n, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), dtype=np.uint8)
        if len(thumbnails) != n:
            raise ValueError(f"{n} feature rows but {len(thumbnails)} thumbnails")
        return Samples(
            features=np.concatenate([self.features, features.astype(np.float16)]),
            labels=np.concatenate([self.labels, np.full(n, label, dtype=np.int64)]),
            thumbnails=np.concatenate([self.thumbnails, np.asarray(thumbnails, dtype=np.uint8)]),
        )


@dataclass
class Profile:
    """A user's trained gestures. ``head`` is a Keras model (None before the first training)."""

    classes: list[str]
    backbone_id: str
    weights_sha256: str
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    head_config: HeadConfig = field(default_factory=HeadConfig)
    head: Any = None
    samples: Samples = field(default_factory=Samples)
    metrics: dict[str, Any] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    format_version: int = FORMAT_VERSION

    def metadata(self) -> dict[str, Any]:
        return {
            "kind": PROFILE_KIND,
            "format_version": self.format_version,
            "classes": list(self.classes),
            "backbone": self.backbone_id,
            "weights_sha256": self.weights_sha256,
            "preprocess": self.preprocess.to_dict(),
            "head": self.head_config.to_dict(),
            "metrics": self.metrics,
            "created": self.created,
            "samples": self.samples.counts(len(self.classes)),
        }


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_parts(profile: Profile, folder: Path) -> None:
    (folder / PROFILE_FILE).write_text(json.dumps(profile.metadata(), indent=2) + "\n", encoding="utf-8")
    if profile.head is not None:
        profile.head.save(str(folder / HEAD_FILE))
    np.savez(
        folder / SAMPLES_FILE,
        features=profile.samples.features.astype(np.float16),
        labels=profile.samples.labels.astype(np.int64),
        thumbnails=profile.samples.thumbnails.astype(np.uint8),
    )
    for part in folder.iterdir():
        with part.open("rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(folder)


def check_save_target(folder: str | os.PathLike[str]) -> Path:
    """The resolved ``folder`` if a profile may be saved there; raises :class:`ProfileError` if not.

    Commands call it before the slow work, so a wrong ``--profile`` is reported at once.
    """
    target = Path(folder).expanduser().resolve()
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / PROFILE_FILE).is_file())
    ):
        raise ProfileError(f"Refusing to overwrite {target}: it exists and is not a gesture profile.")
    blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise ProfileError(f"Cannot save a profile at {target}: {blocker} is a file, not a folder.")
    return target


def save_profile(profile: Profile, folder: str | os.PathLike[str]) -> Path:
    """Write ``profile`` to ``folder`` atomically: a crash at any point leaves the old profile loadable."""
    target = check_save_target(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        _write_parts(profile, staging)
        if target.exists():
            # A directory cannot be replaced in one rename, so the old one moves aside first;
            # load_profile() restores it if a crash lands between the two renames.
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            retired.rmdir()
            os.replace(target, retired)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _recover_interrupted_save(target: Path) -> None:
    if target.exists() or not target.parent.is_dir():
        return
    # The suffixes are random, so the newest is told by when its contents were written: an older
    # leftover (a clean-up that failed) must not come back in place of the latest save.
    retired = [p for p in target.parent.glob(f".{target.name}.old-*") if p.is_dir()]
    if retired:
        os.replace(max(retired, key=_written_at), target)


def _written_at(folder: Path) -> int:
    meta = folder / PROFILE_FILE
    return meta.stat().st_mtime_ns if meta.is_file() else -1


def _read_metadata(target: Path) -> dict[str, Any]:
    meta_path = target / PROFILE_FILE
    if not meta_path.is_file():
        if not target.exists():
            raise ProfileError(
                f"No profile at {target}: train one with `gesture-pacman calibrate` or `train`."
            )
        raise ProfileError(f"{target} is not a gesture profile: {PROFILE_FILE} is missing.")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProfileError(f"{meta_path} is damaged (not valid JSON: {exc}). Retrain the profile.") from exc
    if not isinstance(meta, dict) or meta.get("kind") != PROFILE_KIND:
        raise ProfileError(f"{meta_path} is not a gesture-pacman profile.")
    version = meta.get("format_version")
    if not isinstance(version, int):
        raise ProfileError(f"{meta_path} has no valid format_version.")
    if version > FORMAT_VERSION:
        raise ProfileError(
            f"{target} was saved by a newer gesture-pacman (profile format {version}; this version reads "
            f"up to {FORMAT_VERSION}). Upgrade, or train a new profile."
        )
    return meta


def _parse_metadata(meta: dict[str, Any], meta_path: Path) -> Profile:
    try:
        classes = [str(c) for c in meta["classes"]]
        if len(classes) < 2 or len(set(classes)) != len(classes):
            raise ValueError(f"classes must be two or more distinct names, got {classes}")
        return Profile(
            classes=classes,
            backbone_id=str(meta["backbone"]),
            weights_sha256=str(meta["weights_sha256"]),
            preprocess=PreprocessConfig.from_dict(meta.get("preprocess", {})),
            head_config=HeadConfig.from_dict(meta.get("head", {})),
            metrics=dict(meta.get("metrics", {})),
            created=str(meta.get("created", "")),
            format_version=int(meta["format_version"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"{meta_path} is damaged or incomplete ({type(exc).__name__}: {exc}).") from exc


def _load_samples(path: Path, n_classes: int) -> Samples:
    if not path.is_file():
        return Samples()
    try:
        with np.load(path, allow_pickle=False) as data:
            samples = Samples(
                features=np.asarray(data["features"], dtype=np.float16),
                labels=np.asarray(data["labels"], dtype=np.int64),
                thumbnails=np.asarray(data["thumbnails"], dtype=np.uint8),
            )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # numpy's own text can advise loading the file with pickle, which must never be done here.
        raise ProfileError(
            f"{path} is damaged or not a samples file ({type(exc).__name__}). "
            "Retrain the profile or delete the file."
        ) from exc
    n = len(samples.labels)
    if (
        samples.features.shape[1:] != FEATURE_SHAPE
        or len(samples.features) != n
        or len(samples.thumbnails) != n
        or (n and (samples.labels.min() < 0 or samples.labels.max() >= n_classes))
    ):
        raise ProfileError(f"{path} does not match the profile's classes or the backbone's feature shape.")
    return samples


def _load_head(path: Path, n_classes: int) -> Any:
    import keras

    try:
        head = keras.saving.load_model(str(path), compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a truncated or foreign archive
        # Only the type: Keras's own text says "File not found" for a file that is there but broken.
        raise ProfileError(
            f"{path} is damaged or not a Keras head ({type(exc).__name__}). Retrain the profile."
        ) from exc
    in_shape = tuple(head.input_shape[1:])
    out_units = head.output_shape[-1]
    if in_shape != FEATURE_SHAPE:
        raise ProfileError(
            f"{path} was trained on features of shape {in_shape}, but the backbone gives {FEATURE_SHAPE}: "
            "it belongs to another backbone. Retrain the profile."
        )
    if out_units != n_classes:
        raise ProfileError(f"{path} predicts {out_units} classes but the profile lists {n_classes}.")
    return head


def load_profile(folder: str | os.PathLike[str], load_head: bool = True) -> Profile:
    """Load and validate a profile directory; raises :class:`ProfileError` with one clear message."""
    target = Path(folder).expanduser().resolve()
    _recover_interrupted_save(target)
    meta = _read_metadata(target)
    profile = _parse_metadata(meta, target / PROFILE_FILE)
    profile.samples = _load_samples(target / SAMPLES_FILE, len(profile.classes))
    head_path = target / HEAD_FILE
    if load_head and head_path.is_file():
        profile.head = _load_head(head_path, len(profile.classes))
    return profile


def train_profile(
    profile: Profile,
    config: HeadConfig = DEFAULT,
    seed: int = 0,
    on_epoch: EpochCallback | None = None,
    should_stop: StopCheck | None = None,
) -> TrainResult:
    """Train a new head on all of ``profile``'s samples and store it, its settings and metrics in the profile.

    Used after recording or topping up a class: the other classes' samples are kept and reused.
    """
    result = train_head(
        profile.samples.features.astype(np.float32),
        profile.samples.labels,
        profile.classes,
        config,
        seed=seed,
        on_epoch=on_epoch,
        should_stop=should_stop,
    )
    profile.head = result.head
    profile.head_config = config
    profile.metrics = {
        "val_accuracy": result.val_accuracy,
        "per_class_accuracy": result.per_class_accuracy,
        "confusion": result.confusion,
        "train_seconds": round(result.seconds, 3),
        "epochs_run": len(result.history),
        "samples": profile.samples.counts(len(profile.classes)),
        "seed": seed,
        "note": result.note,
    }
    return result
