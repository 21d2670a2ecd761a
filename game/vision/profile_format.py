"""What a valid gesture profile is: one declarative table of ``profile.json`` fields, and read limits.

Every loader goes through :func:`validate_metadata` (``profile.json``) and :func:`check_npz`
(``samples.npz``, before any array is allocated), so a field is checked in exactly one place.
To add a field, add a :class:`Field` row to :data:`FIELDS` (or :data:`METRICS`): optional
fields with a default keep older profiles loadable. Limits on sizes are checked before reading:
:data:`PARTS` caps each file, :func:`check_npz` reads the ``.npy`` headers inside the archive
and refuses shapes, types or sizes that do not fit before numpy allocates anything.

Light on purpose (no TensorFlow): the command line uses the same limits for its options.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from game.vision.features import FEATURE_SHAPE
from game.vision.recognizer import LEGACY_RECOGNIZER, RECOGNIZERS

if TYPE_CHECKING:
    import numpy as np

PROFILE_KIND = "gesture-pacman-profile"
FORMAT_VERSION = 1
PROFILE_FILE = "profile.json"
HEAD_FILE = "head.keras"
#: The head's weights as plain arrays, which play reads instead of head.keras (no TensorFlow).
HEAD_ARRAYS_FILE = "head.npz"
SAMPLES_FILE = "samples.npz"
THUMBNAIL_SIZE = 48

#: The files that make up a profile, with the most bytes each may have on disk. Anything else in
#: a profile folder belongs to the user and is kept untouched by a save.
PARTS: dict[str, int] = {
    PROFILE_FILE: 1 << 20,
    HEAD_FILE: 256 << 20,
    HEAD_ARRAYS_FILE: 256 << 20,
    SAMPLES_FILE: 512 << 20,
}
#: Learned corrections waiting for the next game (``game.vision.pending_corrections``). Not a
#: part: a save carries it along; an unusable one is renamed ``pending-corrections.unusable-*.npz``.
PENDING_FILE = "pending-corrections.npz"
#: What ``game.files.atomic_path`` names its temporary sibling of ``<stem><suffix>``.
_TEMPORARY = re.compile(r"\.(?P<stem>.+)\.[a-z0-9_]+\.tmp(?P<suffix>\.[a-z]+)")


def is_own_name(name: str) -> bool:
    """True for the names the game itself gives entries of a profile folder: the parts, the
    pending corrections (kept or moved aside as unusable), and the temporaries of their atomic
    writes that a crash can leave behind. A folder holding only such names holds nothing of the
    user's (see ``profile_store.is_profile_folder``)."""
    pending_stem, pending_suffix = PENDING_FILE.rsplit(".", 1)
    if name in PARTS or (name.startswith(pending_stem) and name.endswith(f".{pending_suffix}")):
        return True
    temporary = _TEMPORARY.fullmatch(name)
    return temporary is not None and is_own_name(temporary["stem"] + temporary["suffix"])


#: Samples a profile may hold (10,000 feature maps are 250 MB as float16).
MAX_SAMPLES = 10_000
MAX_CLASSES = 16
MAX_NAME = 64
MAX_CAMERA_INDEX = 1023

#: Limits of the head's settings, shared with the command-line options that set them.
LIMITS: dict[str, tuple[float, float]] = {
    "epochs": (1, 10_000),
    "learning_rate": (0.0, 1.0),  # open interval
    "hidden_units": (0, 4096),
    "batch_fraction": (0.0, 1.0),  # (0, 1]
    "dropout": (0.0, 1.0),  # [0, 1)
    "l2": (0.0, 10.0),
    "label_smoothing": (0.0, 1.0),
    "validation_fraction": (0.0, 0.5),
    "steps_per_epoch": (1, 10_000),
    "preprocess_size": (16, 1024),
    "seed": (0, 2**32 - 1),
}


class ProfileError(Exception):
    """A profile cannot be loaded or saved; the message says which file and what is wrong."""


class FieldError(ValueError):
    """One field of ``profile.json`` is wrong; the message names the field and what is wrong."""


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One ``profile.json`` field: its check (returns the value to use, raises ValueError), and
    whether it must be present (else ``default`` is used)."""

    name: str
    check: Check
    required: bool = False
    default: Any = None


# --- checks: each returns the cleaned value or raises ValueError with a short reason -----------


def integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, got {type(value).__name__}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}, got {value}")
        return value

    return check


def number(low: float, high: float, low_open: bool = False, high_open: bool = False) -> Check:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number, got {type(value).__name__}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"must be finite, got {value}")
        if value < low or value > high or (low_open and value == low) or (high_open and value == high):
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            raise ValueError(f"must be in {left}{low:g}, {high:g}{right}, got {value:g}")
        return value

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {type(value).__name__}")
    return value


def text(max_len: int = 200) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, got {type(value).__name__}")
        if len(value) > max_len:
            raise ValueError(f"must be at most {max_len} characters, got {len(value)}")
        return value

    return check


def choice(*options: str) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}, got {value!r}")
        return str(value)

    return check


def optional(inner: Check) -> Check:
    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return check


def list_of(inner: Check, max_len: int) -> Check:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValueError(f"must be a list, got {type(value).__name__}")
        if len(value) > max_len:
            raise ValueError(f"must have at most {max_len} entries, got {len(value)}")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(inner(item))
            except ValueError as exc:
                raise ValueError(f"entry {i} {exc}") from None
        return out

    return check


def table(rows: tuple[Field, ...], allow_unknown: bool = True) -> Check:
    """A JSON object checked row by row; unknown keys are kept as they are (a newer version's)."""

    def check(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError(f"must be an object, got {type(value).__name__}")
        return check_rows(value, rows, allow_unknown)

    return check


def check_rows(
    data: Mapping[str, Any], rows: tuple[Field, ...], allow_unknown: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = dict(data) if allow_unknown else {}
    for row in rows:
        if row.name not in data:
            if row.required:
                raise FieldError(f"'{row.name}' is missing")
            out.pop(row.name, None)
            if row.default is not None:
                out[row.name] = row.default
            continue
        try:
            out[row.name] = row.check(data[row.name])
        except FieldError as exc:
            raise FieldError(f"'{row.name}': {exc}") from None
        except ValueError as exc:
            raise FieldError(f"'{row.name}' {exc}") from None
    if not allow_unknown:
        unknown = sorted(set(data) - {row.name for row in rows})
        if unknown:
            raise FieldError(f"unknown settings {', '.join(unknown)}")
    return out


def class_names(value: Any) -> list[str]:
    names = list_of(text(MAX_NAME), MAX_CLASSES)(value)
    if len(names) < 2 or len(set(names)) != len(names) or any(not n.strip() for n in names):
        raise ValueError(f"must be two or more distinct, non-empty names, got {names}")
    return names


def _limit(name: str, kind: str = "int", low_open: bool = False, high_open: bool = False) -> Check:
    low, high = LIMITS[name]
    if kind == "int":
        return integer(int(low), int(high))
    return number(low, high, low_open, high_open)


#: The head's settings (``HeadConfig``); its own checks run after these type and range checks.
HEAD_FIELDS: tuple[Field, ...] = (
    Field("epochs", _limit("epochs")),
    Field("learning_rate", _limit("learning_rate", "float", True, True)),
    Field("hidden_units", _limit("hidden_units")),
    Field("batch_fraction", _limit("batch_fraction", "float", low_open=True)),
    Field("dropout", _limit("dropout", "float", high_open=True)),
    Field("pooling", choice("flatten", "avg")),
    Field("l2", _limit("l2", "float")),
    Field("label_smoothing", _limit("label_smoothing", "float", high_open=True)),
    Field("validation_fraction", _limit("validation_fraction", "float", high_open=True)),
    Field("refit", boolean),
    Field("kind", choice("mlp", "linear")),
    Field("steps_per_epoch", _limit("steps_per_epoch")),
)

PREPROCESS_FIELDS: tuple[Field, ...] = (
    Field("size", _limit("preprocess_size")),
    Field("crop", choice("center", "none")),
    Field("scale", choice("minus1_1")),
    # Absent in profiles saved before it existed: PreprocessConfig.from_dict gives those their resize.
    Field("resize", choice("area", "area_then_linear")),
)

_fraction = optional(number(0.0, 1.0))
_count = integer(0, 10**9)

#: What training and calibration record; the calibration screen shows these again on reopening.
METRICS: tuple[Field, ...] = (
    Field("val_accuracy", _fraction),
    Field("per_class_accuracy", lambda v: {text(MAX_NAME)(k): _fraction(x) for k, x in table(())(v).items()}),
    Field("confusion", list_of(list_of(_count, MAX_CLASSES), MAX_CLASSES)),
    Field("train_seconds", number(0.0, 1e9)),
    Field("epochs_run", _count),
    Field("samples", list_of(_count, MAX_CLASSES)),
    Field("seed", integer(-(2**63), 2**63 - 1)),
    Field("note", optional(text(2000))),
    Field("loss", list_of(optional(number(-1e30, 1e30)), 100_000)),
    Field("val_accuracy_per_epoch", list_of(_fraction, 100_000)),
)

#: Every field of ``profile.json``. Optional ones get their default when absent.
FIELDS: tuple[Field, ...] = (
    Field("kind", choice(PROFILE_KIND), required=True),
    Field("format_version", integer(1, FORMAT_VERSION), required=True),
    Field("classes", class_names, required=True),
    # Absent in profiles saved before the hand recognizer existed: they are whole-frame ones.
    Field("recognizer", choice(*RECOGNIZERS), default=LEGACY_RECOGNIZER),
    Field("backbone", text(200), required=True),
    Field("weights_sha256", text(128), required=True),
    Field("preprocess", table(PREPROCESS_FIELDS, allow_unknown=False), default={}),
    Field("head", table(HEAD_FIELDS), default={}),
    Field("metrics", table(METRICS), default={}),
    Field("created", text(100), default=""),
    Field("samples", list_of(_count, MAX_CLASSES)),
    #: The webcam index calibration recorded with, which play opens first (absent: unknown).
    Field("camera", optional(integer(0, MAX_CAMERA_INDEX))),
)


def validate_metadata(meta: Any) -> dict[str, Any]:
    """``meta`` (parsed ``profile.json``) with every field checked; raises :class:`FieldError`.

    A newer ``format_version`` is reported as such before the other fields are looked at.
    """
    if not isinstance(meta, dict) or meta.get("kind") != PROFILE_KIND:
        raise FieldError("it is not a gesture-pacman profile")
    version = meta.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise FieldError(f"newer format {version}")
    out = check_rows(meta, FIELDS)
    confusion = out.get("metrics", {}).get("confusion")
    n = len(out["classes"])
    if confusion is not None and (len(confusion) != n or any(len(row) != n for row in confusion)):
        raise FieldError(f"'metrics': 'confusion' must be {n}x{n} for {n} classes")
    return out


# --- samples.npz: headers before arrays -------------------------------------------------------


@dataclass(frozen=True)
class ArraySpec:
    """An array a ``.npz`` must hold (or may, when not ``required``): allowed dtype kinds/sizes,
    and its shape after the first axis."""

    kinds: tuple[str, ...]  # numpy dtype.str values, e.g. "<f2"
    inner: tuple[int, ...]
    required: bool = True


#: The optional ``thumbnail_kinds`` array of ``samples.npz`` and ``pending-corrections.npz``.
THUMBNAIL_KINDS = ArraySpec(("|u1",), (), required=False)

SAMPLE_ARRAYS: dict[str, ArraySpec] = {
    "features": ArraySpec(("<f2", "<f4"), FEATURE_SHAPE),
    "labels": ArraySpec(("<i8", "<i4", "<i2", "|i1", "|u1"), ()),
    "thumbnails": ArraySpec(("|u1",), (THUMBNAIL_SIZE, THUMBNAIL_SIZE, 3)),
    # What each thumbnail shows (``types.ThumbKind``); absent in older files: all centre squares.
    "thumbnail_kinds": THUMBNAIL_KINDS,
}


def sample_arrays(recognizer: str) -> dict[str, ArraySpec]:
    """:data:`SAMPLE_ARRAYS` with the feature shape of ``recognizer`` (``frame``: MobileNet's)."""
    from game.vision.recognizer import feature_shape

    return {**SAMPLE_ARRAYS, "features": ArraySpec(("<f2", "<f4"), feature_shape(recognizer))}


def kinds_array(n: int, kinds: Any = None) -> np.ndarray:
    """``thumbnail_kinds`` for ``n`` thumbnails, as uint8 ``types.ThumbKind`` values: ``kinds`` as
    given (one per thumbnail, or one for all), all centre squares when None or empty (what files
    from before kinds hold); ValueError when it does not fit or holds other values."""
    import numpy as np

    from game.vision.types import ThumbKind

    if kinds is None or np.size(kinds) == 0:
        return np.full(n, ThumbKind.CENTRE, np.uint8)
    out = np.asarray(kinds)
    if out.ndim == 0:
        out = np.full(n, out)
    if out.shape != (n,):
        raise ValueError(f"'thumbnail_kinds' has shape {out.shape}, expected ({n},), one per thumbnail")
    if not np.isin(out, [int(kind) for kind in ThumbKind]).all():
        bad = next(int(k) for k in out.tolist() if k not in set(ThumbKind))
        raise ValueError(f"'thumbnail_kinds' holds {bad}, which is no kind of thumbnail")
    return out.astype(np.uint8)


def read_npy_header(fh: IO[bytes], name: str) -> tuple[tuple[int, ...], bool, Any]:
    """Shape, Fortran order and dtype from the ``.npy`` header at ``fh``'s position, without the
    data; ValueError (naming ``name``) for a format numpy's loader would not read either."""
    import numpy as np

    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(fh)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(fh)
    raise ValueError(f"{name} has an unknown array format {version}")


def check_npz(path: Path, arrays: Mapping[str, ArraySpec], max_rows: int) -> int:
    """The row count shared by ``arrays`` in the ``.npz`` at ``path``, read from the ``.npy``
    headers only; raises ValueError when a required member is missing, compressed oddly, of another type,
    rank or size, or larger than ``max_rows`` rows. Nothing the size of an array is allocated."""

    rows: int | None = None
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: info for info in archive.infolist()}
        for name, spec in arrays.items():
            info = members.get(f"{name}.npy")
            if info is None:
                if not spec.required:
                    continue
                raise ValueError(f"it has no '{name}' array")
            with archive.open(info) as fh:
                shape, fortran, dtype = read_npy_header(fh, f"'{name}'")
                header_len = fh.tell()
            if dtype.hasobject or dtype.str not in spec.kinds:
                raise ValueError(f"'{name}' holds {dtype}, expected {' or '.join(spec.kinds)}")
            if fortran or len(shape) != 1 + len(spec.inner) or tuple(shape[1:]) != spec.inner:
                raise ValueError(
                    f"'{name}' has shape {shape}, expected (N, {', '.join(map(str, spec.inner))})"
                )
            n = int(shape[0])
            if n > max_rows:
                raise ValueError(f"'{name}' has {n} rows, more than the limit of {max_rows}")
            if rows is not None and n != rows:
                raise ValueError(f"'{name}' has {n} rows but the other arrays {rows}")
            rows = n
            expected = header_len + n * math.prod(spec.inner) * dtype.itemsize
            if info.file_size != expected:
                raise ValueError(f"'{name}' holds {info.file_size} bytes, its header says {expected}")
    return rows or 0


def check_part_size(path: Path, limit: int | None = None) -> int:
    """The size of the regular file ``path``; ValueError when it is not one or is over its limit."""
    import stat

    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("it is not a regular file")
    limit = PARTS.get(path.name, 0) if limit is None else limit
    if limit and info.st_size > limit:
        raise ValueError(f"it is {info.st_size / 2**20:.0f} MiB, over the limit of {limit / 2**20:.0f} MiB")
    return info.st_size
