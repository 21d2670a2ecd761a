"""Atomic writes: the new contents replace the old in one rename, a failed write leaves the old
file and no temporary behind, and a folder (or other non-file) at the target is never replaced."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.files import NotAFileError, atomic_path, atomic_text, write_bytes, write_text


def test_write_replaces_the_old_contents_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "score.json"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new"
    write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["score.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "log.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="disk on fire"), atomic_text(target) as handle:
        handle.write("half a line")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.jsonl"]


def test_the_temporary_is_a_sibling_with_the_same_suffix(tmp_path: Path) -> None:
    # Writers that pick the format from the name (an image saver, a video writer) need the suffix.
    target = tmp_path / "shot.png"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".png" and tmp != target
        tmp.write_bytes(b"png")
        assert not target.exists()
    assert target.read_bytes() == b"png"


def test_a_folder_at_the_target_is_refused_with_one_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "highscore.json"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(NotAFileError, match="is a folder, not a file"):
        write_text(folder, "{}")
    assert (folder / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["highscore.json"]
    assert issubclass(NotAFileError, OSError)  # callers that report OSError report this too


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_special_file_at_the_target_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "out.jsonl"
    os.mkfifo(pipe)
    with pytest.raises(NotAFileError, match="not a regular file"):
        write_text(pipe, "x")


def test_a_symbolic_link_at_the_target_is_refused_and_both_ends_kept(tmp_path: Path) -> None:
    elsewhere = tmp_path / "kept-elsewhere.json"
    elsewhere.write_text("mine")
    link = tmp_path / "highscore.json"
    link.symlink_to(elsewhere)
    with pytest.raises(NotAFileError, match="symbolic link"):
        write_text(link, "{}")
    assert link.is_symlink()
    assert elsewhere.read_text() == "mine"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_rewrite_keeps_the_file_s_permissions(tmp_path: Path, umask_022: None) -> None:
    shared = tmp_path / "highscore.json"
    shared.write_text("old")
    os.chmod(shared, 0o644)
    write_text(shared, "new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    private = tmp_path / "log.jsonl"
    private.write_text("old")
    os.chmod(private, 0o640)
    with atomic_text(private) as handle:
        handle.write("new")
    assert stat.S_IMODE(private.stat().st_mode) == 0o640


def test_a_read_only_file_is_still_replaced_and_stays_read_only(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "shot.png"
    target.write_bytes(b"old")
    os.chmod(target, 0o444)
    write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


@pytest.mark.parametrize("umask", [0o022, 0o002], ids=["022", "002"])
def test_a_new_file_gets_the_usual_permissions(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        write_text(tmp_path / "highscore.json", "{}")
        with atomic_path(tmp_path / "shot.png") as tmp:
            tmp.write_bytes(b"png")
    finally:
        os.umask(old)
    for name in ("highscore.json", "shot.png"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name
