"""A gesture profile: everything a user creates, in one versioned directory.

Layout::

    profile.json   format version, classes, recognizer (``hand`` or ``frame``; absent in old
                   profiles, which are ``frame``), backbone id and weights hash, preprocessing,
                   head hyper-parameters, metrics, creation time
    head.keras     the trained head (current Keras format, loaded with safe_mode=True); absent
                   after a head refitted in play was kept (saved without Keras, as head.npz
                   alone) until calibration or training saves the profile again
    head.npz       the same head as plain float32 arrays (``game.vision.head_arrays``), which is
                   what play and evaluate read, so that they never import TensorFlow; a profile
                   saved before it existed is given one the first time play loads it
    samples.npz    features (float16; the recognizer's feature shape), labels, thumbnails,
                   thumbnail_kinds (uint8, ``types.ThumbKind``: what each thumbnail shows, the
                   centre square or the hand crop; absent in older profiles, whose thumbnails
                   are all centre squares) (loaded with allow_pickle=False)

Not a part of the profile, so carried along by saves like any file of the user's and never
read here: ``pending-corrections.npz``, corrections learned in a game that ended without asking
whether to keep them (``game.vision.pending_corrections``).

Saving writes a staging sibling directory and swaps it in, so a crash mid-save leaves the
previous profile intact; files of the user's in the folder are kept (``profile_store``). Loading
recovers an interrupted save, validates every field (``profile_format``'s one table) and size
before reading, and raises :class:`ProfileError` with one clear message. No pickle anywhere.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from game.vision import profile_store
from game.vision.features import FEATURE_SHAPE, INPUT_SIZE
from game.vision.head_arrays import (
    HeadArrays,
    HeadArraysError,
    arrays_from_keras,
    head_arrays_bytes,
    load_head_arrays,
)
from game.vision.preprocess import PreprocessConfig
from game.vision.profile_format import (
    FORMAT_VERSION,
    HEAD_ARRAYS_FILE,
    HEAD_FILE,
    MAX_SAMPLES,
    PARTS,
    PROFILE_FILE,
    PROFILE_KIND,
    SAMPLES_FILE,
    THUMBNAIL_SIZE,
    FieldError,
    ProfileError,
    check_npz,
    check_part_size,
    kinds_array,
    sample_arrays,
    validate_metadata,
)
from game.vision.recognizer import FRAME, LEGACY_RECOGNIZER, check_recognizer, feature_shape
from game.vision.training import DEFAULT, EpochCallback, HeadConfig, StopCheck, TrainResult, train_head
from game.vision.types import ThumbKind

log = logging.getLogger(__name__)

__all__ = [
    "FORMAT_VERSION",
    "HEAD_ARRAYS_FILE",
    "HEAD_FILE",
    "PROFILE_FILE",
    "PROFILE_KIND",
    "SAMPLES_FILE",
    "THUMBNAIL_SIZE",
    "Profile",
    "ProfileError",
    "Samples",
    "check_save_target",
    "find_profile",
    "load_profile",
    "save_profile",
    "train_profile",
]


@dataclass
class Samples:
    """Training samples kept with a profile so that one class can be topped up and retrained later."""

    features: np.ndarray = field(default_factory=lambda: np.zeros((0, *FEATURE_SHAPE), dtype=np.float16))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    thumbnails: np.ndarray = field(
        default_factory=lambda: np.zeros((0, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), dtype=np.uint8)
    )
    #: What each thumbnail shows (``ThumbKind`` values, uint8); left empty: all centre squares.
    thumbnail_kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))

    def __post_init__(self) -> None:
        self.thumbnail_kinds = kinds_array(len(self.labels), self.thumbnail_kinds)

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self, n_classes: int) -> list[int]:
        return [int(c) for c in np.bincount(self.labels, minlength=n_classes)[:n_classes]]

    @classmethod
    def empty(cls, recognizer: str) -> Samples:
        """No samples yet, with the feature shape of ``recognizer``."""
        return cls(features=np.zeros((0, *feature_shape(recognizer)), dtype=np.float16))

    def add(
        self,
        label: int,
        features: np.ndarray,
        thumbnails: np.ndarray | None = None,
        kinds: ThumbKind | np.ndarray = ThumbKind.CENTRE,
    ) -> Samples:
        """A copy with ``features`` (N, 7, 7, 256) appended under ``label``; the other classes are kept.
        ``kinds``: what the thumbnails show, one kind for all or one per row."""
        features = np.asarray(features).reshape(-1, *self.features.shape[1:])
        n = len(features)
        if thumbnails is None:
            thumbnails = np.zeros((n, THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3), dtype=np.uint8)
        if len(thumbnails) != n:
            raise ValueError(f"{n} feature rows but {len(thumbnails)} thumbnails")
        return Samples(
            features=np.concatenate([self.features, features.astype(np.float16)]),
            labels=np.concatenate([self.labels, np.full(n, label, dtype=np.int64)]),
            thumbnails=np.concatenate([self.thumbnails, np.asarray(thumbnails, dtype=np.uint8)]),
            thumbnail_kinds=np.concatenate([self.thumbnail_kinds, kinds_array(n, kinds)]),
        )


@dataclass
class Profile:
    """A user's trained gestures. ``head`` is a Keras model (None before the first training, and
    when the profile was loaded for play without Keras); ``head_arrays`` is the head's numpy form
    when it was loaded that way. A Keras ``head``, when present, is what counts (see :meth:`numpy_head`)."""

    classes: list[str]
    backbone_id: str
    weights_sha256: str
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    head_config: HeadConfig = field(default_factory=HeadConfig)
    head: Any = None
    head_arrays: HeadArrays | None = None
    samples: Samples = field(default_factory=Samples)
    metrics: dict[str, Any] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    format_version: int = FORMAT_VERSION
    #: ``hand`` or ``frame`` (see game.vision.recognizer); old profiles without the field are ``frame``.
    recognizer: str = LEGACY_RECOGNIZER

    def __post_init__(self) -> None:
        check_recognizer(self.recognizer)
        if len(self.samples) == 0 and self.samples.features.shape[1:] != feature_shape(self.recognizer):
            self.samples = Samples.empty(self.recognizer)

    #: The webcam index the samples were recorded with (None: unknown, or a video).
    camera: int | None = None

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "kind": PROFILE_KIND,
            "format_version": self.format_version,
            "classes": list(self.classes),
            "recognizer": self.recognizer,
            "backbone": self.backbone_id,
            "weights_sha256": self.weights_sha256,
            "preprocess": self.preprocess.to_dict(),
            "head": self.head_config.to_dict(),
            "metrics": self.metrics,
            "created": self.created,
            "samples": self.samples.counts(len(self.classes)),
        }
        if self.camera is not None:
            meta["camera"] = self.camera
        return meta

    def numpy_head(self) -> HeadArrays | None:
        """The head as arrays: taken from the Keras head when there is one, else ``head_arrays``."""
        if self.head is not None:
            try:
                return arrays_from_keras(self.head)
            except HeadArraysError as exc:
                raise ProfileError(str(exc)) from None
        return self.head_arrays


def _write_parts(profile: Profile, folder: Path) -> None:
    (folder / PROFILE_FILE).write_text(json.dumps(profile.metadata(), indent=2) + "\n", encoding="utf-8")
    if profile.head is not None:
        profile.head.save(str(folder / HEAD_FILE))
    arrays = profile.numpy_head()
    if arrays is not None:
        (folder / HEAD_ARRAYS_FILE).write_bytes(head_arrays_bytes(arrays))
    np.savez(
        folder / SAMPLES_FILE,
        features=profile.samples.features.astype(np.float16),
        labels=profile.samples.labels.astype(np.int64),
        thumbnails=profile.samples.thumbnails.astype(np.uint8),
        thumbnail_kinds=profile.samples.thumbnail_kinds.astype(np.uint8),
    )
    for part in folder.iterdir():
        with part.open("rb") as fh:
            os.fsync(fh.fileno())


def check_save_target(folder: str | os.PathLike[str]) -> Path:
    """The resolved ``folder`` if a profile may be saved there; raises :class:`ProfileError` if not.

    Only a new folder, an empty one or an existing gesture profile qualifies. Commands call it
    before the slow work, so a wrong ``--profile`` is reported at once.
    """
    return profile_store.check_target(folder)


def save_profile(profile: Profile, folder: str | os.PathLike[str]) -> Path:
    """Write ``profile`` to ``folder`` atomically: a crash at any point leaves the old profile loadable.

    Files in ``folder`` that are not part of a profile are kept, and so are its permissions.
    """
    return profile_store.commit(Path(folder), lambda staging: _write_parts(profile, staging))


find_profile = profile_store.find_profile


def _read_metadata(target: Path) -> dict[str, Any]:
    meta_path = target / PROFILE_FILE
    if not meta_path.is_file():
        if not target.exists():
            raise ProfileError(
                f"No profile at {target}: train one with `gesture-pacman calibrate` or `train`."
            )
        if not target.is_dir():
            raise ProfileError(f"{target} is not a gesture profile: it is a file, not a folder.")
        if not os.path.lexists(meta_path) and _holds_parts_only(target):
            raise ProfileError(f"{target} is damaged: its {PROFILE_FILE} is missing. Retrain the profile.")
        raise ProfileError(f"{target} is not a gesture profile: {PROFILE_FILE} is missing.")
    try:
        check_part_size(meta_path)
        raw = meta_path.read_bytes()
    except (OSError, ValueError) as exc:
        raise ProfileError(f"{meta_path} cannot be read: {_why(exc)}.") from None
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProfileError(
            f"{meta_path} is damaged (not valid JSON: {type(exc).__name__}). Retrain the profile."
        ) from None
    try:
        return validate_metadata(meta)
    except FieldError as exc:
        if str(exc).startswith("newer format"):
            raise ProfileError(
                f"{target} was saved by a newer gesture-pacman (profile format {meta['format_version']}; "
                f"this version reads up to {FORMAT_VERSION}). Upgrade, or train a new profile."
            ) from None
        if str(exc).startswith("it is not"):
            raise ProfileError(f"{meta_path} is not a gesture-pacman profile.") from None
        raise ProfileError(f"{meta_path} is damaged or incomplete: {exc}. Retrain the profile.") from None


def _holds_parts_only(folder: Path) -> bool:
    """Whether ``folder`` holds something, and only files the game names (a profile's remains)."""
    try:
        return any(folder.iterdir()) and profile_store.is_profile_folder(folder) is None
    except OSError:
        return False


def remembered_camera(folder: str | os.PathLike[str]) -> int | None:
    """The webcam index the profile in ``folder`` was recorded with, read from ``profile.json`` alone
    (cheap: no head, no samples); None when unknown or the profile cannot be read."""
    try:
        camera = _read_metadata(Path(folder)).get("camera")
    except ProfileError:
        return None
    return camera if isinstance(camera, int) else None


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _parse_metadata(meta: dict[str, Any], meta_path: Path) -> Profile:
    """A :class:`Profile` from fields :func:`validate_metadata` has checked."""
    profile = _profile_from_metadata(meta, meta_path)
    size = profile.preprocess.size
    if profile.recognizer == FRAME and size != INPUT_SIZE:
        # A valid size on its own, but not one MobileNet takes: every command would fail later.
        raise ProfileError(
            f"{meta_path} preprocesses to {size}x{size}, but MobileNet takes {INPUT_SIZE}x{INPUT_SIZE}. "
            "Retrain the profile."
        )
    return profile


def _profile_from_metadata(meta: dict[str, Any], meta_path: Path) -> Profile:
    try:
        return Profile(
            classes=list(meta["classes"]),
            backbone_id=meta["backbone"],
            weights_sha256=meta["weights_sha256"],
            preprocess=PreprocessConfig.from_dict(meta["preprocess"]),
            head_config=HeadConfig.from_dict(meta["head"]),
            metrics=dict(meta["metrics"]),
            created=meta["created"],
            format_version=meta["format_version"],
            recognizer=meta["recognizer"],
            camera=meta.get("camera"),
        )
    except (KeyError, TypeError, ValueError) as exc:  # TrainingError is a ValueError
        raise ProfileError(f"{meta_path} is damaged or incomplete ({type(exc).__name__}: {exc}).") from exc


def _load_samples(path: Path, n_classes: int, recognizer: str = LEGACY_RECOGNIZER) -> Samples:
    if not os.path.lexists(path):
        return Samples.empty(recognizer)
    try:
        check_part_size(path)
        # The .npy headers first: shapes, types and sizes are checked before anything is allocated.
        check_npz(path, sample_arrays(recognizer), MAX_SAMPLES)
    except ValueError as exc:
        raise ProfileError(f"{path} is not a usable samples file: {exc}. Retrain the profile.") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ProfileError(
            f"{path} is damaged or not a samples file ({type(exc).__name__}). "
            "Retrain the profile or delete the file."
        ) from None
    try:
        with np.load(path, allow_pickle=False) as data:
            features = np.asarray(data["features"], dtype=np.float16)
            labels = np.asarray(data["labels"], dtype=np.int64)
            thumbnails = np.asarray(data["thumbnails"], dtype=np.uint8)
            kinds = np.asarray(data["thumbnail_kinds"]) if "thumbnail_kinds" in data.files else None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # numpy's own text can advise loading the file with pickle, which must never be done here.
        raise ProfileError(
            f"{path} is damaged or not a samples file ({type(exc).__name__}). "
            "Retrain the profile or delete the file."
        ) from None
    try:  # absent in profiles saved before thumbnails had kinds: all centre squares
        samples = Samples(features, labels, thumbnails, kinds_array(len(labels), kinds))
    except ValueError as exc:
        raise ProfileError(f"{path} is not a usable samples file: {exc}. Retrain the profile.") from None
    n = len(samples.labels)
    if n and (samples.labels.min() < 0 or samples.labels.max() >= n_classes):
        raise ProfileError(f"{path} has labels outside the profile's {n_classes} classes.")
    expected = feature_shape(recognizer)
    if samples.features.shape[1:] != expected:
        raise ProfileError(f"{path} does not match the {recognizer} recognizer's feature shape {expected}.")
    if not np.isfinite(samples.features).all():
        raise ProfileError(f"{path} holds features that are not finite numbers. Retrain the profile.")
    return samples


def _check_head_file(path: Path) -> None:
    """Size limits before Keras reads it: the file, and what its archive unpacks to."""
    try:
        size = check_part_size(path)
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except ValueError as exc:
        raise ProfileError(f"{path} cannot be used: {exc}. Retrain the profile.") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ProfileError(
            f"{path} is damaged or not a Keras head ({type(exc).__name__}). Retrain the profile."
        ) from None
    if unpacked > 2 * PARTS[HEAD_FILE] or (size and unpacked > 1000 * size):
        raise ProfileError(
            f"{path} unpacks to {unpacked / 2**20:.0f} MiB, too much for a head. Retrain the profile."
        )


def _load_head(path: Path, n_classes: int, recognizer: str = LEGACY_RECOGNIZER) -> Any:
    import keras

    _check_head_file(path)
    try:
        head = keras.saving.load_model(str(path), compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a truncated or foreign archive
        # Only the type: Keras's own text says "File not found" for a file that is there but broken.
        raise ProfileError(
            f"{path} is damaged or not a Keras head ({type(exc).__name__}). Retrain the profile."
        ) from None
    try:
        in_shape, out_shape = tuple(head.input_shape), tuple(head.output_shape)
    except Exception:  # an unbuilt or multi-input model has no single shape
        raise ProfileError(f"{path} is not a built single-input head. Retrain the profile.") from None
    if len(out_shape) != 2 or any(isinstance(d, (tuple, list)) for d in (*in_shape, *out_shape)):
        raise ProfileError(
            f"{path} has outputs of shape {out_shape}, not one score per class. Retrain the profile."
        )
    expected = feature_shape(recognizer)
    if in_shape[1:] != expected:
        raise ProfileError(
            f"{path} was trained on features of shape {in_shape[1:]}, "
            f"but the {recognizer} recognizer gives {expected}: "
            "it belongs to another backbone. Retrain the profile."
        )
    if out_shape[-1] != n_classes:
        raise ProfileError(f"{path} predicts {out_shape[-1]} classes but the profile lists {n_classes}.")
    return head


def load_profile(folder: str | os.PathLike[str], load_head: bool = True, keras_head: bool = True) -> Profile:
    """Load and validate a profile directory; raises :class:`ProfileError` with one clear message.

    An interrupted save is recovered first (the one rule, :func:`profile_store.settle`), and a
    save that swaps the folder while it is read makes the read start again.

    With ``keras_head`` the head is loaded as a Keras model (``head``: for training and anything
    that needs Keras). Without it only ``head_arrays`` is loaded, from head.npz, and TensorFlow
    stays unimported: what play does. A profile saved before head.npz existed is read through
    Keras once in that case and saved again with head.npz, so the next game needs no Keras.
    """
    target = profile_store.resolve(folder)
    profile_store.settle(target)
    profile = profile_store.read_consistent(target, lambda t: _read(t, load_head, keras_head))
    if load_head and not keras_head and profile.head is not None:
        _add_head_arrays(profile, target)
    return profile


def _read(target: Path, load_head: bool, keras_head: bool = True) -> Profile:
    meta = _read_metadata(target)
    profile = _parse_metadata(meta, target / PROFILE_FILE)
    profile.samples = _load_samples(target / SAMPLES_FILE, len(profile.classes), profile.recognizer)
    if not load_head:
        return profile
    head_path, arrays_path = target / HEAD_FILE, target / HEAD_ARRAYS_FILE
    n = len(profile.classes)
    if not keras_head and os.path.lexists(arrays_path):
        profile.head_arrays = _load_head_arrays(arrays_path, n, profile.recognizer)
    elif os.path.lexists(head_path):
        if not stat.S_ISREG(head_path.lstat().st_mode):
            raise ProfileError(f"{head_path} is not a regular file. Retrain the profile.")
        profile.head = _load_head(head_path, n, profile.recognizer)
    elif os.path.lexists(arrays_path):  # only the arrays (saved by a game without Keras)
        profile.head_arrays = _load_head_arrays(arrays_path, n, profile.recognizer)
    return profile


def _load_head_arrays(path: Path, n_classes: int, recognizer: str = LEGACY_RECOGNIZER) -> HeadArrays:
    try:
        return load_head_arrays(path, n_classes, feature_shape(recognizer))
    except HeadArraysError as exc:
        raise ProfileError(f"{path} is damaged or not a gesture head ({exc}). Retrain the profile.") from None


def _add_head_arrays(profile: Profile, target: Path) -> None:
    """A profile from before head.npz, loaded for play: keep the head's arrays only, and save the
    profile again with them (through the store, atomically) so that later games skip Keras."""
    arrays = profile.numpy_head()
    if arrays is not None:
        try:
            arrays.check(len(profile.classes), feature_shape(profile.recognizer))
        except HeadArraysError as exc:
            raise ProfileError(f"{target / HEAD_FILE}: {exc}. Retrain the profile.") from None
    try:
        save_profile(profile, target)
    except (ProfileError, OSError) as exc:
        log.info("could not add %s to %s (%s): Keras reads the head again", HEAD_ARRAYS_FILE, target, exc)
    profile.head, profile.head_arrays = None, arrays


def train_profile(
    profile: Profile,
    config: HeadConfig = DEFAULT,
    seed: int = 0,
    on_epoch: EpochCallback | None = None,
    should_stop: StopCheck | None = None,
    on_refit_epoch: EpochCallback | None = None,
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
        on_refit_epoch=on_refit_epoch,
    )
    profile.head = result.head
    profile.head_arrays = None  # the new Keras head is the one that counts from now on
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
