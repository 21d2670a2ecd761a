"""The high score file: survives restarts, is written atomically, and a bad file never stops the game."""

from __future__ import annotations

import logging
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
def test_a_corrupt_file_is_ignored_with_a_warning(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "highscore.json"
    path.write_text(content)
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        assert load_high_score(path) == 0
    assert "corrupt high score file" in caplog.text
    score = HighScore(path)
    score.offer(700)
    score.save()
    assert load_high_score(path) == 700, "the next save repairs the file"


def test_an_unwritable_place_is_a_warning_not_a_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Tests run as root, which ignores permissions: a path under a regular file is unwritable for all."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING, logger="game.highscore"):
        assert not save_high_score(blocker / "highscore.json", 100)
    assert "could not save the high score" in caplog.text
