"""Learned corrections kept aside when a game ends without the keep-or-drop question.

Ctrl-C in the terminal and the end of a timed game (``play --seconds``) cannot ask whether to
keep the samples learned while playing, so they are written to ``pending-corrections.npz`` in
the profile folder instead (atomically, through :mod:`game.files`; read with
``allow_pickle=False``, no pickle anywhere)::

    meta.npy        JSON text: kind, format version, and what the samples belong to: the
                    profile's classes, recognizer, backbone id and weights hash
    features.npy    (N, *feature shape) float32, in the order learned
    labels.npy      (N,) int64, indices into the classes
    thumbnails.npy  (N, 48, 48, 3) uint8
    thumbnail_kinds.npy  (N,) uint8, what each thumbnail shows (``types.ThumbKind``: the centre
                    square or the hand crop); files written before it existed have none: all
                    centre squares
    batches.npy     (N,) int64, which game set each sample aside (a random id per game; files
                    written before it existed have none and count as one batch, id 0)

The next gesture game with the profile restores them (``game.vision.play_learning``) as if they
were learned in that game, and its keep-or-drop question covers them; either answer removes the
batches it restored from the file (the file goes once it is empty).

Two games may play one profile at once, so the file is only changed under an exclusive ``flock``
on the profile folder (where the system has one), read first and written whole: a game setting its
corrections aside adds them to what is there, leaving out the batches it restored itself (it
carries those), so the last game to end does not replace the other's corrections; a game that
answers keep or drop removes only the batches it restored, not what another game set aside since.

A file that is damaged or belongs to another profile (other classes, recognizer, backbone
or feature shape) is never deleted: it is renamed ``pending-corrections.unusable-<time>.npz``
and the game goes on without it. The file is not a part of the profile
(``profile_format.PARTS``), so saving the profile (calibration, ``train --add``) carries it
along untouched and loading the profile never reads it.
"""

from __future__ import annotations

import json
import secrets
import stat
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game import files
from game.files import atomic_path, check_replaceable
from game.vision.corrections import NewSamples
from game.vision.profile_format import (
    MAX_SAMPLES,
    PARTS,
    PENDING_FILE,
    SAMPLES_FILE,
    THUMBNAIL_KINDS,
    THUMBNAIL_SIZE,
    ArraySpec,
    check_npz,
    kinds_array,
    read_npy_header,
)

if TYPE_CHECKING:
    from game.vision.profile import Profile

PENDING_KIND = "gesture-pacman-pending-corrections"
PENDING_VERSION = 1
#: The most characters ``meta.npy`` may hold (16 class names and a few ids fit easily).
MAX_META_CHARS = 1 << 14
#: The most bytes the file may have on disk: as much as the profile's samples may.
MAX_BYTES = PARTS[SAMPLES_FILE]

_LABEL_KINDS = ("<i8", "<i4", "<i2", "|i1", "|u1")
#: The batch of the samples in a file written before batches were recorded.
LEGACY_BATCH = 0


def new_batch() -> int:
    """A fresh batch id for one game's set-aside samples (never :data:`LEGACY_BATCH`)."""
    return secrets.randbits(62) + 1


class PendingError(ValueError):
    """The pending file cannot be restored; the message says why, in words for the player."""


@dataclass(frozen=True)
class ProfileIdentity:
    """What learned features belong to: samples from another profile or backbone must not mix in."""

    classes: tuple[str, ...]
    recognizer: str
    backbone_id: str
    weights_sha256: str
    feature_shape: tuple[int, ...]

    @classmethod
    def of(cls, profile: Profile) -> ProfileIdentity:
        from game.vision.recognizer import feature_shape

        return cls(
            tuple(profile.classes),
            profile.recognizer,
            profile.backbone_id,
            profile.weights_sha256,
            tuple(feature_shape(profile.recognizer)),
        )

    def meta(self) -> dict[str, Any]:
        return {
            "kind": PENDING_KIND,
            "format_version": PENDING_VERSION,
            "classes": list(self.classes),
            "recognizer": self.recognizer,
            "backbone": self.backbone_id,
            "weights_sha256": self.weights_sha256,
            "feature_shape": list(self.feature_shape),
        }


@dataclass(frozen=True)
class Restored:
    """What :func:`load_pending` found: the samples to restore (empty when none) and what to tell
    the player (``""`` when there was no pending file)."""

    samples: NewSamples | None
    #: The batch of each restored sample (empty when none were restored).
    batches: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: A short line for the game screen.
    screen: str = ""
    #: The whole story for the terminal, with the file's path.
    terminal: str = ""
    #: Where a file that could not be used was moved (None when nothing was moved).
    moved_to: Path | None = None
    #: A file that could not be used could not be moved aside either: it is not this game's to
    #: replace or remove.
    stuck: bool = False


def pending_path(profile_dir: Path) -> Path:
    return Path(profile_dir) / PENDING_FILE


def _write(path: Path, identity: ProfileIdentity, learned: NewSamples, batches: np.ndarray) -> None:
    meta = json.dumps(identity.meta(), sort_keys=True)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:  # a handle: numpy adds no suffix
        np.savez(
            fh,
            meta=np.array(meta),
            features=np.asarray(learned.features, dtype=np.float32),
            labels=np.asarray(learned.labels, dtype=np.int64),
            thumbnails=np.asarray(learned.thumbnails, dtype=np.uint8),
            thumbnail_kinds=np.asarray(learned.thumbnail_kinds, dtype=np.uint8),
            batches=np.asarray(batches, dtype=np.int64),
        )


def _concat(a: NewSamples, b: NewSamples) -> NewSamples:
    return NewSamples(
        np.concatenate([np.asarray(a.features, np.float32), np.asarray(b.features, np.float32)]),
        np.concatenate([np.asarray(a.labels, np.int64), np.asarray(b.labels, np.int64)]),
        np.concatenate([np.asarray(a.thumbnails, np.uint8), np.asarray(b.thumbnails, np.uint8)]),
        np.concatenate([a.thumbnail_kinds, b.thumbnail_kinds]),
    )


def _select(samples: NewSamples, keep: np.ndarray) -> NewSamples:
    return NewSamples(
        samples.features[keep], samples.labels[keep], samples.thumbnails[keep], samples.thumbnail_kinds[keep]
    )


def save_pending(
    profile_dir: Path,
    identity: ProfileIdentity,
    learned: NewSamples,
    batches: np.ndarray | None = None,
    carried: Collection[int] = (),
) -> Path:
    """Add ``learned`` (with ``identity``) to the profile's pending file, written atomically.

    ``batches`` says which batch each sample belongs to (all of one new batch when None);
    ``carried`` are the batches the caller restored and so carries in ``learned``: they are left
    out of what the file already holds. A file there that cannot be used is moved aside first (never
    deleted). Raises ``OSError`` (``NotAFileError`` when something other than a file is in the way).
    """
    path = pending_path(profile_dir)
    n = len(learned.labels)
    ids = np.full(n, new_batch(), np.int64) if batches is None else np.asarray(batches, np.int64)
    if ids.shape != (n,):
        raise ValueError(f"{n} samples but {ids.shape} batch ids")
    with files.locked_folder(path.parent):
        try:
            there, there_ids = read_pending_batches(path, identity)
        except FileNotFoundError:
            pass
        except PendingError:
            move_aside(path)  # not ours to replace: kept beside, as a restore would
        else:
            others = ~np.isin(there_ids, np.fromiter(carried, np.int64, len(carried)))
            learned = _concat(_select(there, others), learned)
            ids = np.concatenate([there_ids[others], ids])
        if len(ids) > MAX_SAMPLES:  # the oldest go: a restore could not read more
            learned, ids = _select(learned, np.arange(len(ids) - MAX_SAMPLES, len(ids))), ids[-MAX_SAMPLES:]
        _write(path, identity, learned, ids)
    return path


def read_pending(path: Path, identity: ProfileIdentity) -> NewSamples:
    """The samples in the pending file at ``path``, checked against ``identity``; raises
    ``PendingError`` saying why they cannot be used (``FileNotFoundError`` when there is none)."""
    return read_pending_batches(path, identity)[0]


def read_pending_batches(path: Path, identity: ProfileIdentity) -> tuple[NewSamples, np.ndarray]:
    """:func:`read_pending` and the batch of each sample (:data:`LEGACY_BATCH` for a file without)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise PendingError(f"it cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise PendingError("it is not a regular file")
    if info.st_size > MAX_BYTES:
        raise PendingError(f"it is {info.st_size / 2**20:.0f} MiB, more than learned samples can be")
    arrays = {
        "features": ArraySpec(("<f2", "<f4"), identity.feature_shape),
        "labels": ArraySpec(_LABEL_KINDS, ()),
        "thumbnails": ArraySpec(("|u1",), (THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3)),
        "thumbnail_kinds": THUMBNAIL_KINDS,  # absent in older files: all centre squares
    }
    try:
        _check_meta(_read_meta(path), identity)  # what it belongs to, before the arrays
        with zipfile.ZipFile(path) as archive:
            if "batches.npy" in archive.namelist():
                arrays["batches"] = ArraySpec(("<i8",), ())
        # The .npy headers first: shapes, types and sizes are checked before anything is allocated.
        rows = check_npz(path, arrays, MAX_SAMPLES)
        with np.load(path, allow_pickle=False) as data:
            features = np.asarray(data["features"], dtype=np.float32)
            labels = np.asarray(data["labels"], dtype=np.int64)
            thumbnails = np.asarray(data["thumbnails"], dtype=np.uint8)
            kinds = np.asarray(data["thumbnail_kinds"]) if "thumbnail_kinds" in data.files else None
            if "batches" in arrays:
                batches = np.asarray(data["batches"], dtype=np.int64)
            else:
                batches = np.full(rows, LEGACY_BATCH, np.int64)
    except PendingError:
        raise
    except ValueError as exc:
        raise PendingError(f"it is not a usable pending-corrections file ({exc})") from None
    except (OSError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # Only the type: numpy's own text can advise loading with pickle, which is never done here.
        raise PendingError(f"it is damaged ({type(exc).__name__})") from None
    if len(labels) and (labels.min() < 0 or labels.max() >= len(identity.classes)):
        raise PendingError(f"it has labels outside the profile's {len(identity.classes)} classes")
    if not np.isfinite(features).all():
        raise PendingError("it holds features that are not finite numbers")
    try:
        kinds = kinds_array(rows, kinds)
    except ValueError as exc:
        raise PendingError(f"it is not a usable pending-corrections file ({exc})") from None
    return NewSamples(features, labels, thumbnails, kinds), batches


def _read_meta(path: Path) -> str:
    """``meta.npy``, which must be one unicode string of modest size (checked before it is read)."""
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo("meta.npy")
        except KeyError:
            raise PendingError("it has no 'meta' record, so it is not a pending-corrections file") from None
        with archive.open(info) as fh:
            shape, _, dtype = read_npy_header(fh, "'meta'")
    if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * MAX_META_CHARS:
        raise PendingError("its 'meta' record is not a short text, so it is not a pending-corrections file")
    with np.load(path, allow_pickle=False) as data:
        return str(data["meta"][()])


def _check_meta(text: str, identity: ProfileIdentity) -> None:
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError):
        raise PendingError("its 'meta' record is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("kind") != PENDING_KIND:
        raise PendingError("it is not a pending-corrections file")
    version = meta.get("format_version")
    if version != PENDING_VERSION:
        raise PendingError(f"it has format {version!r}, this version reads {PENDING_VERSION}")
    expected = identity.meta()
    if any(key not in meta for key in expected):
        raise PendingError("it does not say which profile and backbone its samples belong to")
    if meta.get("classes") != expected["classes"]:
        raise PendingError(
            f"it belongs to another profile: its classes are {meta.get('classes')}, "
            f"this profile's {expected['classes']}"
        )
    for key, what in (
        ("recognizer", "recognizer"),
        ("backbone", "backbone"),
        ("weights_sha256", "backbone weights"),
        ("feature_shape", "feature shape"),
    ):
        if meta.get(key) != expected[key]:
            raise PendingError(
                f"it was learned with another {what} ({meta.get(key)!r}, this profile's {expected[key]!r})"
            )


def load_pending(profile_dir: Path, identity: ProfileIdentity) -> Restored:
    """The pending samples of the profile in ``profile_dir``; never raises.

    A file that cannot be used is renamed aside (never deleted) and the returned lines say so;
    an empty one (nothing to lose) is removed. The usable file stays until :func:`discard_pending`.
    """
    path = pending_path(profile_dir)
    with files.locked_folder(path.parent):  # not half-way through another game's change
        try:
            samples, batches = read_pending_batches(path, identity)
        except FileNotFoundError:
            return Restored(None)
        except PendingError as exc:
            return _unusable(path, str(exc))
        n = len(samples)
        if n == 0:
            check_replaceable(path)
            path.unlink(missing_ok=True)
            return Restored(None)
    plural = "" if n == 1 else "s"
    return Restored(
        samples,
        batches,
        screen=f"Restored {n} correction{plural} from the last game (not saved yet)",
        terminal=(
            f"gesture-pacman play: restored {n} learned correction{plural} from the last game "
            f"(not saved yet, from {path}); leaving the game asks whether to keep them."
        ),
    )


def _unusable(path: Path, why: str) -> Restored:
    try:
        moved = move_aside(path)
    except OSError as exc:
        return Restored(
            None,
            screen="Earlier corrections unusable: not restored",
            terminal=(
                f"gesture-pacman play: {path} cannot be restored: {why}. It could not be moved aside "
                f"({exc.strerror or exc}), so it stays where it is, unused; playing on without it."
            ),
            stuck=True,
        )
    return Restored(
        None,
        screen="Earlier corrections unusable: moved aside",
        terminal=(
            f"gesture-pacman play: {path} cannot be restored: {why}. "
            f"Moved it to {moved}; playing on without it."
        ),
        moved_to=moved,
    )


def move_aside(path: Path) -> Path:
    """Rename ``path`` to an unused ``<stem>.unusable-<time>[-k].npz`` beside it; raises ``OSError``."""
    return files.move_aside(path, "unusable", keep_suffix=True)


def discard_pending(
    profile_dir: Path, batches: Collection[int] | None = None, identity: ProfileIdentity | None = None
) -> None:
    """Remove ``batches`` from the profile's pending file (the player answered keep or drop for the
    samples restored from them), and the file once nothing else is in it; a missing file is fine.

    ``batches`` None removes the whole file; with ``batches``, ``identity`` is the profile's.
    Samples of other batches (another game set them aside since) stay; a file that cannot be read
    is left alone (the next game moves it aside). Only a regular file is removed or rewritten;
    raises ``OSError`` when it cannot be.
    """
    path = pending_path(profile_dir)
    with files.locked_folder(path.parent):
        check_replaceable(path)
        if batches is not None:
            if identity is None:
                raise ValueError("removing batches needs the profile's identity")
            try:
                samples, ids = read_pending_batches(path, identity)
            except (FileNotFoundError, PendingError):
                return
            others = ~np.isin(ids, np.fromiter(batches, np.int64, len(batches)))
            if others.any():
                _write(path, identity, _select(samples, others), ids[others])
                return
        path.unlink(missing_ok=True)


def pending_count(profile_dir: Path) -> int | None:
    """How many samples the profile's pending file holds, from its headers alone; None when there
    is no readable one (for a notice in runs that do not learn)."""
    path = pending_path(profile_dir)
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        with zipfile.ZipFile(path) as archive, archive.open("labels.npy") as fh:
            shape, _, _ = read_npy_header(fh, "'labels'")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
        return None
    return int(shape[0]) if len(shape) == 1 else None


def waiting_note(profile_dir: Path) -> str | None:
    """A terminal line for runs that do not learn (``--headless``, ``--no-learn``) when corrections
    from an earlier game wait in ``profile_dir``; None when none do. They leave the file alone."""
    n = pending_count(profile_dir)
    if not n:
        return None
    plural = "" if n == 1 else "s"
    return (
        f"gesture-pacman play: {n} learned correction{plural} from an earlier game wait in "
        f"{pending_path(profile_dir)} (not saved yet); they come back in the next game in the "
        "window with learning on, which asks whether to keep them."
    )
