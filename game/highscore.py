"""The high score, kept between runs as a small JSON file in the models directory.

Writes are atomic (``game.files``: a temporary sibling, then a rename), so a crash never leaves half a file.
A file that is not one this game wrote (not UTF-8, not JSON, another format version, a score that is
not a whole number or more than the screen can show) is never overwritten: loading it warns once and
starts at 0, and the save that would replace it first renames it to ``highscore.json.unreadable-<time>``
beside it, saying so. A save re-reads the file and keeps the higher score, so two games open at once
never lose the better one.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

from game import files
from game.files import check_replaceable, write_text

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
#: The most the HUD can draw: eight digits, right-aligned under "HIGH SCORE" and clear of the 1UP score.
MAX_HIGH_SCORE = 99_999_999
#: A high score file is a few dozen bytes; a longer file is not one.
MAX_FILE_BYTES = 4096

#: (file, reason) pairs already warned about: the title screen and each game load the same file.
_warned: set[tuple[str, str]] = set()


class UnreadableHighScore(ValueError):
    """The file is there but is not a high score file this game can read; the message says why."""


def read_high_score(path: Path) -> int | None:
    """The stored high score, None when there is no file; raises ``UnreadableHighScore``."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise UnreadableHighScore("it is not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnreadableHighScore(f"it cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise UnreadableHighScore(f"it is longer than {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark (some editors add one) is fine
    except UnicodeDecodeError as exc:
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise UnreadableHighScore(
            "it is UTF-16 text, not UTF-8" if utf16 else "it is not UTF-8 text"
        ) from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnreadableHighScore(f"it is not valid JSON ({exc})") from exc
    return _score_in(data)


def _score_in(data: object) -> int:
    if not isinstance(data, dict) or "high_score" not in data:
        raise UnreadableHighScore("it holds no high_score")
    if "version" not in data:
        raise UnreadableHighScore("it has no version")
    version = data["version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise UnreadableHighScore(f"its version is {version!r}; this game reads version {FORMAT_VERSION}")
    score = data["high_score"]
    if not isinstance(score, int) or isinstance(score, bool) or score < 0:
        raise UnreadableHighScore(f"its high_score {score!r} is not a whole number of 0 or more")
    if score > MAX_HIGH_SCORE:
        raise UnreadableHighScore(
            f"its high_score {score} is more than the {MAX_HIGH_SCORE} the screen shows"
        )
    return score


def load_high_score(path: Path) -> int:
    """The stored high score, or 0 when there is none or the file is unreadable (warned once)."""
    try:
        return read_high_score(path) or 0
    except UnreadableHighScore as exc:
        key = (str(path), str(exc))
        if key not in _warned:
            _warned.add(key)
            log.warning("ignoring the unreadable high score file %s: %s. %s", path, exc, _fate(path))
        return 0


def _fate(path: Path) -> str:
    """What becomes of an unreadable file: a regular one is moved aside by the next save, anything
    else (a folder, a link, a pipe) is never touched."""
    try:
        regular = stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        regular = False
    if regular:
        return "The high score starts at 0; the file is moved aside, never overwritten, by the next save."
    return "The high score starts at 0 and is not saved there; what is there is left alone."


def save_high_score(path: Path, score: int) -> int | None:
    """Keep the higher of ``score`` and the file's: the value the file now holds, or None (with a
    warning) when it could not be saved. An unreadable file is renamed aside first, never replaced."""
    score = min(max(int(score), 0), MAX_HIGH_SCORE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with files.locked_folder(path.parent):
            check_replaceable(path)
            try:
                stored = read_high_score(path)
            except UnreadableHighScore as exc:
                moved = move_aside(path)
                log.warning(
                    "the high score file %s could not be read (%s): it is kept as %s and a new one is saved",
                    path,
                    exc,
                    moved.name,
                )
                stored = None
            if stored is not None and stored >= score:
                return stored
            write_text(path, json.dumps({"version": FORMAT_VERSION, "high_score": score}))
    except OSError as exc:
        log.warning("could not save the high score to %s: %s", path, exc)
        return None
    return score


def move_aside(path: Path) -> Path:
    """Rename ``path`` to an unused ``<name>.unreadable-<time>[-k]`` beside it; raises ``OSError``."""
    return files.move_aside(path, "unreadable")


class HighScore:
    """The best score so far: loaded once, raised during play, saved when it was beaten."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._saved = load_high_score(path) if path is not None else 0
        self.value = self._saved

    def offer(self, score: int) -> None:
        """A score reached in play; it becomes the high score when higher (up to what the screen shows)."""
        self.value = min(max(self.value, score), MAX_HIGH_SCORE)

    def save(self) -> None:
        """Persist the high score if it went up since it was loaded or last saved; a higher one
        saved meanwhile by another game is kept, and becomes this one's."""
        if self.path is None or self.value <= self._saved:
            return
        stored = save_high_score(self.path, self.value)
        if stored is not None:
            self._saved = stored
            self.value = max(self.value, stored)
