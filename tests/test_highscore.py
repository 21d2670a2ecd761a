"""The high score file: survives restarts, is written atomically, a bad file never stops the game
and is never overwritten, and two games saving keep the higher score."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from game.highscore import HighScore, load_high_score, save_high_score


def test_a_saved_high_score_is_there_next_time(tmp_path: Path) -> None:
    path = tmp_path / "models" / "highscore.json"
    first = HighScore(path)
    assert first.value == 0
    first.offer(3200)
    first.offer(1500)  # a lower score never replaces it
    first.save()
    assert HighScore(path).value == 3200
    assert [p.name for p in path.parent.iterdir()] == ["highscore.json"], "no temporary files left behind"


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"high_score": "lots"}', '{"high_score": -5}', "[]", '{"version": 1}', ""],
)
def test_an_unreadable_file_is_ignored_with_a_warning(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "highscore.json"
    path.write_text(content)
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        assert load_high_score(path) == 0
    assert "unreadable high score file" in caplog.text
    score = HighScore(path)
    score.offer(700)
    score.save()
    assert load_high_score(path) == 700, "the next save makes a good file"


def test_an_unwritable_place_is_a_warning_not_a_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Tests run as root, which ignores permissions: a path under a regular file is unwritable for all."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        assert not save_high_score(blocker / "highscore.json", 100)
    assert "could not save the high score" in caplog.text


REPO = Path(__file__).resolve().parents[1]
#: Windows Notepad's "Unicode": UTF-16 with a byte order mark (FF FE), not UTF-8.
UTF16 = '{"version": 1, "high_score": 5000}'.encode("utf-16")

#: Files that are not ones this game wrote: each must be kept, byte for byte, never replaced.
NOT_OURS = {
    "utf-16": UTF16,
    "not-utf-8": b"\xff\xfe\x00garbage",
    "future-version": b'{"version": 2, "high_score": 5000}',
    "no-version": b'{"high_score": 5000}',
    "float": b'{"version": 1, "high_score": 5000.0}',
    "too-big": b'{"version": 1, "high_score": 999999999999999999999}',
    "not-json": b"{not json",
    "nested": b"[" * 4000,
}


def _aside(folder: Path) -> list[Path]:
    return sorted(folder.glob("highscore.json.unreadable-*"))


@pytest.mark.parametrize("content", NOT_OURS.values(), ids=NOT_OURS.keys())
def test_a_file_that_is_not_ours_is_moved_aside_not_overwritten(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "highscore.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        score = HighScore(path)
        assert score.value == 0
        score.offer(700)
        score.save()
    assert load_high_score(path) == 700
    [kept] = _aside(tmp_path)
    assert kept.read_bytes() == content, "the unreadable file is kept byte for byte"
    assert f"it is kept as {kept.name}" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["highscore.json", kept.name])


def test_a_file_that_is_not_ours_stays_when_it_cannot_be_moved_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "highscore.json"
    path.write_bytes(UTF16)
    score = HighScore(path)
    score.offer(700)

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        score.save()
    assert path.read_bytes() == UTF16, "not written over"
    assert "could not save the high score" in caplog.text and "Permission denied" in caplog.text


def test_a_utf16_file_does_not_stop_the_game(tmp_path: Path) -> None:
    """As the player meets it: the game runs, and the terminal says once what is wrong with the file."""
    models = tmp_path / "models"
    models.mkdir()
    (models / "highscore.json").write_bytes(UTF16)
    env = dict(os.environ, PYTHONPATH=str(REPO), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    done = subprocess.run(
        [sys.executable, "-m", "game", "play", "--keyboard", "--seconds", "1", "--models", str(models)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "highscore.json" in lines[0] and "UTF-16" in lines[0], done.stderr
    kept = [models / "highscore.json", *_aside(models)]
    assert UTF16 in [p.read_bytes() for p in kept if p.is_file()]


def test_an_unreadable_file_is_warned_about_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # The title screen reads the file, then every game started from it.
    path = tmp_path / "highscore.json"
    path.write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        assert load_high_score(path) == 0
        assert HighScore(path).value == 0
        assert HighScore(path).value == 0
    assert len(caplog.records) == 1, caplog.text


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Some editors (Windows Notepad's "UTF-8 with BOM") start a UTF-8 file with EF BB BF.
    path = tmp_path / "highscore.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"version": 1, "high_score": 4200}).encode())
    assert load_high_score(path) == 4200


def test_the_high_score_is_at_most_what_the_screen_shows(tmp_path: Path) -> None:
    """Eight digits fit under HIGH SCORE, clear of the 1UP score; a larger stored value is not ours."""
    path = tmp_path / "highscore.json"
    path.write_text(json.dumps({"version": 1, "high_score": 99_999_999}))
    assert load_high_score(path) == 99_999_999
    path.write_text(json.dumps({"version": 1, "high_score": 100_000_000}))
    assert load_high_score(path) == 0
    path.unlink()
    score = HighScore(path)
    score.offer(10**12)
    score.save()
    assert score.value == 99_999_999 and load_high_score(path) == 99_999_999


def test_two_games_saving_keep_the_higher_score(tmp_path: Path) -> None:
    path = tmp_path / "highscore.json"
    first, second = HighScore(path), HighScore(path)  # two windows open at once
    first.offer(5000)
    first.save()
    second.offer(3000)
    second.save()
    assert load_high_score(path) == 5000, "the lower score never replaces a higher one saved meanwhile"
    assert second.value == 5000, "the other game's higher score becomes this one's"
    second.offer(6000)
    second.save()
    assert load_high_score(path) == 6000


def test_a_save_waits_for_another_game_s_save_and_keeps_its_higher_score(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    path = tmp_path / "highscore.json"
    other = os.open(tmp_path, os.O_RDONLY)  # another game, in the middle of its save
    fcntl.flock(other, fcntl.LOCK_EX)
    saver = threading.Thread(target=save_high_score, args=(path, 300), daemon=True)
    try:
        saver.start()
        saver.join(0.5)
        assert saver.is_alive() and not path.exists(), "the save waits for the other one"
        path.write_text(json.dumps({"version": 1, "high_score": 500}))
    finally:
        os.close(other)
    saver.join(5)
    assert not saver.is_alive() and load_high_score(path) == 500


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    """Reading a pipe would wait for a writer forever: the game would never start."""
    path = tmp_path / "highscore.json"
    os.mkfifo(path)
    result: list[int] = []
    reader = threading.Thread(target=lambda: result.append(load_high_score(path)), daemon=True)
    reader.start()
    reader.join(5)
    stuck = reader.is_alive()
    if stuck:  # let the reader go: a writer opens and closes the pipe
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
    assert not stuck, "reading the high score waited on the pipe"
    assert result == [0]


def test_a_folder_at_the_path_is_left_alone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "highscore.json"
    folder.mkdir()
    (folder / "mine.txt").write_text("mine")
    score = HighScore(folder)
    score.offer(700)
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        score.save()
    assert "is a folder, not a file" in caplog.text
    assert (folder / "mine.txt").read_text() == "mine" and not _aside(tmp_path)
