"""Hostile inputs against the real commands: each probe ends in one line on stderr and a non-zero
exit, never a traceback, and nothing outside the profile's own files changes.

Each row of :data:`PROBES` builds its input in a fresh folder (a damaged profile, a bad image
folder, a video that is not one, an option out of range, a path that is a device, a link or a
loop, a hostile environment) and runs ``game.cli.main`` in-process. Everything in the folder
except the profile folder itself is fingerprinted before and after.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from photo_support import png_header_only

from game.cli import main
from game.vision.features import FEATURE_SHAPE
from game.vision.profile import HEAD_FILE, PROFILE_FILE, SAMPLES_FILE, Profile, save_profile


@dataclass
class Place:
    """A probe's folder: a valid profile (no head), labelled images, a video, and a user's file."""

    root: Path

    @property
    def profile(self) -> Path:
        return self.root / "profiles" / "me"

    @property
    def images(self) -> Path:
        return self.root / "images"

    @property
    def video(self) -> Path:
        return self.root / "clip.avi"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def device(self) -> Path:
        return self.root / "device"

    @property
    def precious(self) -> Path:
        return self.root / "precious.txt"

    def meta(self) -> dict:
        return json.loads((self.profile / PROFILE_FILE).read_text())

    def set_meta(self, **changes: object) -> None:
        meta = self.meta()
        for key, value in changes.items():
            section, _, field = key.partition("__")
            if field:
                meta[section][field] = value
            else:
                meta[key] = value
        (self.profile / PROFILE_FILE).write_text(json.dumps(meta))


def _place(root: Path) -> Place:
    place = Place(root)
    profile = Profile(classes=["up", "down"], backbone_id="test", weights_sha256="0" * 64)
    rng = np.random.default_rng(0)
    for label in (0, 1):
        profile.samples = profile.samples.add(label, rng.standard_normal((2, *FEATURE_SHAPE)))
    save_profile(profile, place.profile)
    for cls in ("up", "down"):
        (place.images / cls).mkdir(parents=True)
        cv2.imwrite(str(place.images / cls / "a.png"), np.full((32, 32, 3), 100, np.uint8))
    writer = cv2.VideoWriter(str(place.video), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (64, 48))
    for _ in range(3):
        writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    place.models.mkdir()
    place.precious.write_text("the user's own file")
    return place


def _npy(shape: tuple[int, ...], descr: str, body: bytes = b"") -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": descr, "fortran_order": False, "shape": shape})
    return out.getvalue() + body


def _samples(p: Place, **arrays: bytes) -> None:
    with np.load(p.profile / SAMPLES_FILE) as data:
        parts = {}
        for name in data.files:
            buf = io.BytesIO()
            np.lib.format.write_array(buf, data[name])
            parts[name] = buf.getvalue()
    parts.update(arrays)
    with zipfile.ZipFile(p.profile / SAMPLES_FILE, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(f"{name}.npy", blob)


def _evaluate(p: Place) -> list[str]:
    return ["evaluate", "--images", str(p.images), "--profile", str(p.profile), "--models", str(p.models)]


def _play(p: Place, *extra: str) -> list[str]:
    return ["play", "--headless", "--video", str(p.video), "--profile", str(p.profile), *extra]


def _train(p: Place, *extra: str) -> list[str]:
    return ["train", "--images", str(p.images), "--models", str(p.models), *extra]


def _meta(**changes: object) -> Callable[[Place], None]:
    return lambda p: p.set_meta(**changes)


def _write(name: str, data: bytes) -> Callable[[Place], None]:
    return lambda p: (p.profile / name).write_bytes(data)


def _nothing(p: Place) -> None:
    return None


def _sparse(path: Path, size: int) -> None:
    with path.open("ab") as fh:
        fh.truncate(size)


def _replace_with_dir(name: str) -> Callable[[Place], None]:
    def setup(p: Place) -> None:
        (p.profile / name).unlink()
        (p.profile / name).mkdir()

    return setup


def _loop(path_of: Callable[[Place], Path]) -> Callable[[Place], None]:
    def setup(p: Place) -> None:
        path = path_of(p)
        if path.is_dir():
            for child in path.iterdir():
                child.unlink()
            path.rmdir()
        elif path.exists():
            path.unlink()
        path.symlink_to(path)

    return setup


def _foreign_project(p: Place) -> None:
    work = p.root / "webapp"
    work.mkdir()
    (work / PROFILE_FILE).write_text('{"name": "my web app"}')
    (work / "index.js").write_text("precious code")


def _non_images(p: Place) -> None:
    for cls in ("up", "down"):
        (p.images / cls / "a.png").write_text("not a picture")


def _bomb_images(p: Place) -> None:
    for cls in ("up", "down"):
        (p.images / cls / "a.png").write_bytes(png_header_only(20000, 20000))


def _device(p: Place) -> None:
    """A non-regular file in the probe's folder: a null device where allowed (root), else a FIFO.

    Never the system's /dev/null: a command that wrongly replaced it would break the machine.
    """
    try:
        os.mknod(p.device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        os.mkfifo(p.device)


def _with_head(setup: Callable[[Place], None]) -> Callable[[Place], None]:
    """``setup`` on a profile that also has a (built, untrained) head, so loading gets past it."""

    def both(p: Place) -> None:
        from game.vision.training import DEFAULT, build_head

        build_head(2, DEFAULT, seed=0).save(str(p.profile / HEAD_FILE))
        setup(p)

    return both


def _models_file(p: Place) -> None:
    p.models.rmdir()
    p.models.write_text("not a folder")


@dataclass(frozen=True)
class Probe:
    name: str
    setup: Callable[[Place], None]
    argv: Callable[[Place], list[str]]
    expect: str  # a piece of the one-line message
    env: tuple[tuple[str, str], ...] = ()


P = Probe
PROBES: list[Probe] = [
    # -- profile.json: every kind of wrong field, through evaluate and play -----------------------
    P("classes-int", _meta(classes=7), _evaluate, "'classes' must be a list"),
    P("classes-one", _meta(classes=["up"]), _evaluate, "two or more distinct"),
    P("classes-dupe", _meta(classes=["up", "up"]), _evaluate, "two or more distinct"),
    P("classes-nested", _meta(classes=[["up"], {}]), _evaluate, "'classes' entry 0 must be a string"),
    P("classes-huge-name", _meta(classes=["u" * 10_000, "d"]), _evaluate, "at most 64"),
    P("epochs-string", _meta(head__epochs="20"), _evaluate, "'epochs' must be a whole number"),
    P("epochs-float", _meta(head__epochs=2.5), _evaluate, "'epochs' must be a whole number"),
    P("epochs-huge", _meta(head__epochs=10**12), _evaluate, "'epochs' must be between"),
    P("hidden-huge", _meta(head__hidden_units=10**9), _evaluate, "'hidden_units' must be between"),
    P("lr-nan", _meta(head__learning_rate=float("nan")), _evaluate, "'learning_rate' must be finite"),
    P("lr-bool", _meta(head__learning_rate=True), _evaluate, "'learning_rate' must be a number"),
    P("dropout-one", _meta(head__dropout=1.0), _evaluate, "'dropout' must be in"),
    P("pooling-odd", _meta(head__pooling="max"), _evaluate, "'pooling' must be one of"),
    P("head-list", _meta(head=[1, 2]), _evaluate, "'head' must be an object"),
    P("size-huge", _meta(preprocess__size=10**9), _evaluate, "'size' must be between"),
    P("size-string", _meta(preprocess__size="224"), _evaluate, "'size' must be a whole number"),
    P("preprocess-extra", _meta(preprocess__zoom=2), _evaluate, "unknown settings zoom"),
    P("metrics-confusion", _meta(metrics={"confusion": [[1, 2, 3]]}), _evaluate, "'confusion'"),
    P("metrics-accuracy", _meta(metrics={"val_accuracy": 7}), _evaluate, "'val_accuracy' must be in"),
    P("version-newer", _meta(format_version=99), _evaluate, "newer gesture-pacman"),
    P("version-string", _meta(format_version="1"), _evaluate, "'format_version' must be a whole number"),
    P("kind-missing", _meta(kind=None), _evaluate, "not a gesture-pacman profile"),
    P("backbone-number", _meta(backbone=5), _evaluate, "'backbone' must be a string"),
    P("json-list", _write(PROFILE_FILE, b"[1, 2, 3]"), _evaluate, "not a gesture-pacman profile"),
    P("json-binary", _write(PROFILE_FILE, b"\xff\xfe\x00garbage"), _evaluate, "not valid JSON"),
    P("json-deep", _write(PROFILE_FILE, b"[" * 100_000 + b"]" * 100_000), _evaluate, "not valid JSON"),
    P("json-empty", _write(PROFILE_FILE, b""), _evaluate, "not valid JSON"),
    P("json-huge", lambda p: _sparse(p.profile / PROFILE_FILE, 64 << 20), _evaluate, "over the limit"),
    P("json-folder", _replace_with_dir(PROFILE_FILE), _evaluate, "not a gesture profile"),
    P("json-loop", _loop(lambda p: p.profile / PROFILE_FILE), _evaluate, "not a gesture profile"),
    P("play-classes-int", _meta(classes=7), _play, "'classes' must be a list"),
    P("play-size-huge", _meta(preprocess__size=10**9), _play, "'size' must be between"),
    P("play-version-newer", _meta(format_version=99), _play, "newer gesture-pacman"),
    # -- samples.npz --------------------------------------------------------------------------
    P("samples-garbage", _write(SAMPLES_FILE, b"garbage"), _evaluate, "damaged or not a samples file"),
    P("samples-empty", _write(SAMPLES_FILE, b""), _evaluate, "damaged or not a samples file"),
    P(
        "samples-absurd-header",
        lambda p: _samples(p, features=_npy((10**9, *FEATURE_SHAPE), "<f2")),
        _evaluate,
        "more than the limit",
    ),
    P("samples-rank", lambda p: _samples(p, features=_npy((2, 7, 7), "<f2")), _evaluate, "has shape"),
    P("samples-object", lambda p: _samples(p, labels=_npy((2,), "|O")), _evaluate, "holds object"),
    P(
        "samples-short",
        lambda p: _samples(p, labels=_npy((4,), "<i8", b"\0" * 8)),
        _evaluate,
        "its header says",
    ),
    P(
        "samples-label-range",
        lambda p: _samples(p, labels=_npy((4,), "<i8", np.array([0, 1, 2, 9], "<i8").tobytes())),
        _evaluate,
        "labels outside",
    ),
    P(
        "samples-nan",
        lambda p: _samples(
            p,
            features=_npy((4, *FEATURE_SHAPE), "<f2", np.full((4, *FEATURE_SHAPE), np.nan, "<f2").tobytes()),
        ),
        _evaluate,
        "not finite",
    ),
    P("samples-huge", lambda p: _sparse(p.profile / SAMPLES_FILE, 600 << 20), _evaluate, "over the limit"),
    P("samples-folder", _replace_with_dir(SAMPLES_FILE), _evaluate, "not a regular file"),
    P("play-samples-absurd", lambda p: _samples(p, features=_npy((10**9, 7, 7, 256), "<f2")), _play, "limit"),
    # -- head.keras ---------------------------------------------------------------------------
    P("head-garbage", _write(HEAD_FILE, b"garbage"), _evaluate, "damaged or not a Keras head"),
    P("head-empty", _write(HEAD_FILE, b""), _evaluate, "damaged or not a Keras head"),
    P("head-huge", lambda p: _sparse(p.profile / HEAD_FILE, 300 << 20), _evaluate, "over the limit"),
    P("head-folder", lambda p: (p.profile / HEAD_FILE).mkdir(), _evaluate, "not a regular file"),
    P("head-loop", _loop(lambda p: p.profile / HEAD_FILE), _evaluate, "not a regular file"),
    P("play-head-garbage", _write(HEAD_FILE, b"PK\x03\x04garbage"), _play, "damaged or not a Keras head"),
    # -- the profile path -----------------------------------------------------------------------
    P("profile-loop", _loop(lambda p: p.profile), _evaluate, "symbolic link loop"),
    P("play-profile-loop", _loop(lambda p: p.profile), _play, "symbolic link loop"),
    P(
        "train-profile-loop",
        _loop(lambda p: p.profile),
        lambda p: _train(p, "--profile", str(p.profile)),
        "loop",
    ),
    P(
        "profile-missing",
        lambda p: None,
        lambda p: [*_evaluate(p)[:-4], "--profile", str(p.root / "no")],
        "No profile",
    ),
    P(
        "profile-is-file",
        _nothing,
        lambda p: [*_evaluate(p)[:3], "--profile", str(p.precious)],
        "not a gesture",
    ),
    P(
        "train-over-foreign-project",
        _foreign_project,
        lambda p: _train(p, "--profile", str(p.root / "webapp")),
        "not a gesture profile",
    ),
    P(
        "train-profile-under-a-file",
        _nothing,
        lambda p: _train(p, "--profile", str(p.precious / "me")),
        "is a file, not a folder",
    ),
    P("train-profile-is-file", _nothing, lambda p: _train(p, "--profile", str(p.precious)), "not a folder"),
    P("train-profile-is-device", _device, lambda p: _train(p, "--profile", str(p.device)), "not a folder"),
    # -- images ---------------------------------------------------------------------------------
    P(
        "images-missing",
        _nothing,
        lambda p: ["train", "--images", str(p.root / "none"), "--profile", str(p.root / "new")],
        "not found",
    ),
    P(
        "images-not-images",
        _non_images,
        lambda p: _train(p, "--profile", str(p.root / "new")),
        "no usable image",
    ),
    P("images-bombs", _bomb_images, lambda p: _train(p, "--profile", str(p.root / "new")), "no usable image"),
    P("images-is-file", _nothing, lambda p: ["train", "--images", str(p.precious)], "not found"),
    P("evaluate-images-bombs", _with_head(_bomb_images), _evaluate, "no usable image"),
    # -- videos ---------------------------------------------------------------------------------
    P("video-garbage", lambda p: p.video.write_bytes(b"not a video"), _play, "video"),
    P("video-empty", lambda p: p.video.write_bytes(b""), _play, "video"),
    P("video-folder", lambda p: (p.video.unlink(), p.video.mkdir()), _play, "video file not found"),
    P("video-missing", lambda p: p.video.unlink(), _play, "video file not found"),
    P("video-device", _device, lambda p: [*_play(p)[:2], "--video", str(p.device)], "video file not found"),
    # -- output paths ---------------------------------------------------------------------------
    P("log-folder", _nothing, lambda p: _play(p, "--log", str(p.root / "images")), "folder"),
    P(
        "log-no-folder",
        _nothing,
        lambda p: _play(p, "--log", str(p.root / "no" / "x.jsonl")),
        "does not exist",
    ),
    P("log-device", _device, lambda p: _play(p, "--log", str(p.device)), "not a regular file"),
    P(
        "log-symlink",
        lambda p: (p.root / "log.jsonl").symlink_to(p.precious),
        lambda p: _play(p, "--log", str(p.root / "log.jsonl")),
        "symbolic link",
    ),
    P("log-is-the-video", _nothing, lambda p: _play(p, "--log", str(p.video)), "the video being played"),
    P(
        "log-is-the-video-by-another-path",
        lambda p: (p.root / "alias").symlink_to(p.root),
        lambda p: _play(p, "--log", str(p.root / "alias" / p.video.name)),
        "the video being played",
    ),
    P(
        "log-is-the-profile-json",
        _nothing,
        lambda p: _play(p, "--log", str(p.profile / PROFILE_FILE)),
        "the profile's profile.json",
    ),
    P(
        "log-is-the-pending-corrections",
        _nothing,
        lambda p: _play(p, "--log", str(p.profile / "pending-corrections.npz")),
        "the profile's pending-corrections.npz",
    ),
    P(
        "shot-folder",
        _nothing,
        lambda p: ["demo", "--headless", "--seconds", "1", "--screenshot", str(p.images)],
        "folder",
    ),
    P(
        "shot-device",
        _device,
        lambda p: ["demo", "--headless", "--seconds", "1", "--screenshot", str(p.device)],
        "not a regular file",
    ),
    P(
        "shot-symlink",
        lambda p: (p.root / "shot.png").symlink_to(p.precious),
        lambda p: ["demo", "--headless", "--seconds", "1", "--screenshot", str(p.root / "shot.png")],
        "symbolic link",
    ),
    P(
        "shot-no-folder",
        _nothing,
        lambda p: ["demo", "--headless", "--screenshot", str(p.root / "x" / "a.png")],
        "does not exist",
    ),
    # -- the models directory -------------------------------------------------------------------
    P("play-models-file", _models_file, lambda p: _play(p, "--models", str(p.models)), "not a folder"),
    P("evaluate-models-file", _models_file, _evaluate, "not a folder"),
    P("train-models-file", _models_file, lambda p: _train(p), "not a folder"),
    P(
        "demo-models-file",
        _models_file,
        lambda p: ["demo", "--headless", "--models", str(p.models)],
        "not a folder",
    ),
    # -- environment ----------------------------------------------------------------------------
    P(
        "env-models-file",
        _models_file,
        lambda p: [*_play(p)],
        "not a folder",
        env=(("GESTURE_PACMAN_MODELS", "{models}"),),
    ),
    P(
        "env-models-loop",
        _loop(lambda p: p.models),
        lambda p: ["play", "--headless", "--video", str(p.video)],
        "loop",
        env=(("GESTURE_PACMAN_MODELS", "{models}"),),
    ),
]

#: Each is refused by every numeric option ("0x10" is a whole number only to int(..., 0), which
#: the options do not use).
BAD_NUMBERS = ["nan", "inf", "-inf", "-1", "1e400", "abc", "", "9" * 5000, "0x10"]
OPTIONS = [
    (["play"], "--seconds"),
    (["play"], "--seed"),
    (["play"], "--smoothing"),
    (["play"], "--threshold"),
    (["play"], "--scale"),
    (["play"], "--camera"),
    (["demo"], "--seconds"),
    (["demo"], "--seed"),
    (["demo"], "--scale"),
    (["calibrate"], "--scale"),
    (["calibrate"], "--camera"),
    (["train", "--images", "x"], "--epochs"),
    (["train", "--images", "x"], "--lr"),
    (["train", "--images", "x"], "--hidden"),
    (["train", "--images", "x"], "--batch-fraction"),
    (["train", "--images", "x"], "--seed"),
    (["bench"], "--frames"),
    (["bench"], "--minutes"),
]
for command, option in OPTIONS:
    for bad in BAD_NUMBERS:
        if bad == "0x10" and option in ("--threshold", "--lr", "--batch-fraction", "--minutes"):
            bad = "1e9"  # float() would accept neither; out of range for every one of them
        PROBES.append(
            P(
                f"{command[0]}{option}={bad[:8]}",
                _nothing,
                lambda p, c=command, o=option, b=bad: [*c, o, b],
                option,
            )
        )


def _fingerprint(root: Path, skip: Path) -> dict[str, tuple[int, str]]:
    """Every entry under ``root`` except ``skip``: its mode and content hash (or link target)."""
    out: dict[str, tuple[int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if here == skip or skip in here.parents:
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = here / name
            if path == skip:
                continue
            info = path.lstat()
            if path.is_symlink():
                digest = "link:" + os.readlink(path)
            elif path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = "dir"
            out[str(path.relative_to(root))] = (info.st_mode, digest)
    return out


@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_hostile_input_is_one_line_and_changes_nothing(
    probe: Probe, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    place = _place(tmp_path)
    probe.setup(place)
    for key, value in probe.env:
        monkeypatch.setenv(key, value.format(models=place.models))
    before = _fingerprint(tmp_path, place.profile)
    capsys.readouterr()
    code = main(probe.argv(place))
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code != 0, f"exit 0; stderr: {captured.err!r}"
    assert len(lines) == 1, f"{len(lines)} lines: {captured.err!r}"
    assert "Traceback" not in captured.err
    assert probe.expect in lines[0], lines[0]
    assert _fingerprint(tmp_path, place.profile) == before


@pytest.mark.parametrize(
    ("errno_", "strerror"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
    ids=["models-full", "models-read-only"],
)
def test_play_with_a_models_folder_that_cannot_be_written_is_one_line(
    errno_: int,
    strerror: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Converting the backbone writes into the models folder; when that fails, play says so once.

    (A full or read-only disk cannot be made here, and as root permissions do not stop a write, so
    the write itself fails as it would there.)
    """
    from game.vision import features

    place = _place(tmp_path)
    _with_head(_nothing)(place)

    def cannot_write(*args: object, **kwargs: object) -> None:
        raise OSError(errno_, strerror, str(place.models / "backbones"))

    monkeypatch.setattr(features.LiteRTBackbone, "load", cannot_write)
    before = _fingerprint(tmp_path, place.profile)
    code = main(_play(place, "--models", str(place.models)))
    lines = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(lines) == 1, lines
    assert strerror in lines[0] and str(place.models) in lines[0]
    assert _fingerprint(tmp_path, place.profile) == before
