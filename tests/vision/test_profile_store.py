"""Profile storage: saves keep the user's files and permissions, the one recovery rule, consistent
reads during saves, and size/shape limits checked before anything is allocated.

Profiles here have no head (no Keras), so these run in a fraction of a second each.
"""

from __future__ import annotations

import io
import json
import os
import stat
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from game.vision.features import FEATURE_SHAPE
from game.vision.gesture_setup import has_trained_profile
from game.vision.profile import (
    HEAD_FILE,
    PROFILE_FILE,
    SAMPLES_FILE,
    Profile,
    ProfileError,
    check_save_target,
    find_profile,
    load_profile,
    save_profile,
)


def small(classes: list[str], rows: int) -> Profile:
    profile = Profile(classes=classes, backbone_id="test-backbone", weights_sha256="0" * 64)
    rng = np.random.default_rng(rows)
    for label in range(len(classes)):
        n = rows // len(classes) + (label < rows % len(classes))
        profile.samples = profile.samples.add(label, rng.standard_normal((n, *FEATURE_SHAPE)))
    return profile


def test_save_keeps_the_users_files_and_the_folders_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "me"
    save_profile(small(["up", "down"], 4), folder)
    (folder / "notes.txt").write_text("mine")
    (folder / "photos").mkdir()
    (folder / "photos" / "a.jpg").write_bytes(b"jpeg")
    (folder / "link").symlink_to("notes.txt")
    os.chmod(folder, 0o750)
    inode = (folder / "notes.txt").stat().st_ino
    save_profile(small(["up", "down", "left"], 6), folder)
    assert load_profile(folder).classes == ["up", "down", "left"]
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "notes.txt").stat().st_ino == inode  # the same file, not a copy
    assert (folder / "photos" / "a.jpg").read_bytes() == b"jpeg"
    assert os.readlink(folder / "link") == "notes.txt"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["me"]  # no staging or old folder left


def test_a_folder_that_merely_holds_a_file_named_profile_json_is_not_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / PROFILE_FILE).write_text('{"name": "my web app"}')
    (folder / "index.js").write_text("precious")
    with pytest.raises(ProfileError, match="not a gesture profile"):
        save_profile(small(["up", "down"], 2), folder)
    assert (folder / "index.js").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_a_damaged_profile_can_be_saved_over(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    meta = json.loads((folder / PROFILE_FILE).read_text())
    (folder / PROFILE_FILE).write_text(json.dumps({**meta, "classes": 7}))
    with pytest.raises(ProfileError, match="'classes'"):
        load_profile(folder)
    save_profile(small(["up", "down"], 2), folder)  # retraining is how a damaged profile is repaired
    assert load_profile(folder).classes == ["up", "down"]


@pytest.mark.parametrize(
    "damage",
    [b'{"kind": "gesture-pacman-prof', b"", b"\xff\xfe garbage", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000],
    ids=["cut-short", "empty", "not-utf8", "not-an-object", "too-deep"],
)
def test_a_profile_whose_profile_json_is_damaged_can_be_replaced(damage: bytes, tmp_path: Path) -> None:
    """Every message about a damaged profile says to retrain it: the save must be allowed."""
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    (folder / PROFILE_FILE).write_bytes(damage)
    # The game's own files beside the parts: pending corrections, one moved aside, a crash's temporary.
    for name in (
        "pending-corrections.npz",
        "pending-corrections.unusable-20250101-120000.npz",
        ".pending-corrections.k2j3h4l5.tmp.npz",
    ):
        (folder / name).write_bytes(b"learned")
    with pytest.raises(ProfileError):
        load_profile(folder)
    assert check_save_target(folder) == folder
    save_profile(small(["up", "down", "left"], 3), folder)
    assert load_profile(folder).classes == ["up", "down", "left"]
    assert (folder / "pending-corrections.npz").read_bytes() == b"learned"  # carried along, untouched


def test_a_profile_that_lost_its_profile_json_says_so_and_can_be_replaced(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    (folder / PROFILE_FILE).unlink()
    with pytest.raises(ProfileError, match=r"damaged: its profile\.json is missing\. Retrain the profile\."):
        load_profile(folder)
    save_profile(small(["up", "down"], 2), folder)
    assert load_profile(folder).classes == ["up", "down"]
    # Without profile.json, a folder of the user's is nobody's profile, as before.
    (folder / PROFILE_FILE).unlink()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ProfileError, match=r"not a gesture profile: profile\.json is missing"):
        load_profile(folder)
    with pytest.raises(ProfileError, match=r"has no profile\.json, so it is not a gesture profile"):
        check_save_target(folder)


def test_a_damaged_profile_json_beside_the_users_files_is_not_replaced(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    (folder / PROFILE_FILE).write_text("{ cut sho")
    (folder / "notes.txt").write_text("mine")
    (folder / "head.npz.d").mkdir()  # a folder, whatever its name: a save would delete what it holds
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(ProfileError) as caught:
        save_profile(small(["up", "down"], 2), folder)
    message = str(caught.value)
    assert "not readable JSON" in message and "head.npz.d, notes.txt" in message
    assert "move those files out" in message and "\n" not in message
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    # Someone else's readable profile.json stays refused however few files sit beside it.
    other = tmp_path / "other"
    other.mkdir()
    (other / PROFILE_FILE).write_text('{"kind": "something else"}')
    with pytest.raises(ProfileError, match="not a gesture-pacman profile's, so it is not a gesture profile"):
        check_save_target(other)


def test_an_empty_folder_keeps_its_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir(mode=0o711)
    os.chmod(folder, 0o711)
    save_profile(small(["up", "down"], 2), folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o711


def test_stale_staging_folders_are_removed_and_a_fresh_one_is_left_alone(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    stale = tmp_path / ".me.new-dead"
    stale.mkdir()
    (stale / PROFILE_FILE).write_text("{}")
    os.utime(stale, (time.time() - 60, time.time() - 60))
    fresh = tmp_path / ".me.new-live"
    fresh.mkdir()
    load_profile(folder)
    assert not stale.exists()
    assert fresh.exists()  # it may belong to a save that has not locked it yet


def test_play_sees_a_profile_whose_save_was_interrupted_between_the_renames(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    (folder / HEAD_FILE).write_bytes(b"")  # has_trained_profile only looks for the file
    folder.rename(tmp_path / ".me.old-abc")
    assert has_trained_profile(folder)
    assert find_profile(folder) == folder


def test_loads_during_saves_see_one_whole_profile(tmp_path: Path) -> None:
    """A reader loads back to back while a writer saves two versions in turn, SAVES times.

    After each save the writer waits until a load that began after it has finished, so both
    versions are loaded however the threads are scheduled, and the next save races the loads
    that follow. Bounded by counts, not by a clock.
    """
    saves = 60
    folder = save_profile(small(["up", "down"], 3), tmp_path / "me")
    versions = [small(["up", "down"], 3), small(["up", "down", "left"], 5)]
    progress = threading.Condition()
    loads_started = 0
    loads_done = 0
    reader_gone = threading.Event()
    errors: list[BaseException] = []

    def saver() -> None:
        try:
            for i in range(saves):
                save_profile(versions[i % 2], folder)
                with progress:
                    after = loads_started
                    progress.wait_for(lambda after=after: loads_done > after or reader_gone.is_set())
                if reader_gone.is_set():
                    return
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    thread = threading.Thread(target=saver)
    thread.start()
    seen = set()
    try:
        while thread.is_alive():
            with progress:
                loads_started += 1
            loaded = load_profile(folder)
            seen.add((len(loaded.classes), len(loaded.samples)))
            with progress:
                loads_done += 1
                progress.notify_all()
    finally:
        reader_gone.set()
        with progress:
            progress.notify_all()
        thread.join()
    assert not errors
    assert seen == {(2, 3), (3, 5)}, "every load is one whole version, and both were loaded"
    assert loads_done >= saves


def _npz(arrays: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in arrays.items():
            archive.writestr(f"{name}.npy", data)
    return out.getvalue()


def _npy_header(shape: tuple[int, ...], descr: str) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": descr, "fortran_order": False, "shape": shape})
    return out.getvalue()


def test_an_absurd_array_size_in_a_samples_header_is_refused_before_allocation(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    bomb = {
        "features": _npy_header((10**9, *FEATURE_SHAPE), "<f2"),
        "labels": _npy_header((10**9,), "<i8"),
        "thumbnails": _npy_header((10**9, 48, 48, 3), "|u1"),
    }
    (folder / SAMPLES_FILE).write_bytes(_npz(bomb))
    with pytest.raises(ProfileError, match="more than the limit"):
        load_profile(folder)


@pytest.mark.parametrize(
    ("name", "shape", "descr", "match"),
    [
        ("features", (2, 7, 7), "<f2", "shape"),
        ("labels", (2, 1), "<i8", "shape"),
        ("features", (2, 7, 7, 256), "|O", "holds"),
        ("thumbnails", (2, 48, 48, 3), "<f8", "holds"),
    ],
)
def test_samples_of_the_wrong_rank_or_type_are_refused(
    tmp_path: Path, name: str, shape: tuple[int, ...], descr: str, match: str
) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    with np.load(folder / SAMPLES_FILE) as data:
        arrays = {k: data[k] for k in data.files}
    parts = {}
    for key, value in arrays.items():
        buf = io.BytesIO()
        np.lib.format.write_array(buf, value)
        parts[key] = buf.getvalue()
    parts[name] = _npy_header(shape, descr) + b"\0" * 64
    (folder / SAMPLES_FILE).write_bytes(_npz(parts))
    with pytest.raises(ProfileError, match=match):
        load_profile(folder)


def test_an_oversized_profile_json_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = save_profile(small(["up", "down"], 2), tmp_path / "me")
    with (folder / PROFILE_FILE).open("ab") as fh:
        fh.truncate(64 << 20)  # sparse: no disk used
    with pytest.raises(ProfileError, match="over the limit"):
        load_profile(folder)


def test_a_symlink_loop_as_profile_path_is_one_message(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    for call in (lambda: load_profile(loop), lambda: check_save_target(loop)):
        with pytest.raises(ProfileError) as error:
            call()
        assert "\n" not in str(error.value)
