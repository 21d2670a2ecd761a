"""The high score, kept between runs as a small JSON file in the models directory.

Writes are atomic (``game.files``: a temporary sibling, then a rename), so a crash never leaves half a file;
a file that cannot be read or parsed is ignored with a warning and the high score starts at 0.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from game.files import write_text

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def load_high_score(path: Path) -> int:
    """The stored high score, or 0 when there is none or the file is unreadable (with a warning)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return 0
    except OSError as exc:
        log.warning("ignoring the high score file %s: %s", path, exc)
        return 0
    try:
        data = json.loads(text)
        score = data["high_score"]
        if not isinstance(score, int) or isinstance(score, bool) or score < 0:
            raise ValueError(f"high_score must be a non-negative integer, got {score!r}")
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the corrupt high score file %s: %s", path, exc)
        return 0
    return score


def save_high_score(path: Path, score: int) -> bool:
    """Write ``score`` atomically; return False (with a warning) when the directory is not writable."""
    payload = json.dumps({"version": FORMAT_VERSION, "high_score": int(score)})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, payload)
    except OSError as exc:
        log.warning("could not save the high score to %s: %s", path, exc)
        return False
    return True


class HighScore:
    """The best score so far: loaded once, raised during play, saved when it was beaten."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._saved = load_high_score(path) if path is not None else 0
        self.value = self._saved

    def offer(self, score: int) -> None:
        """A score reached in play; it becomes the high score when higher."""
        self.value = max(self.value, score)

    def save(self) -> None:
        """Persist the high score if it went up since it was loaded or last saved."""
        if self.path is not None and self.value > self._saved and save_high_score(self.path, self.value):
            self._saved = self.value
