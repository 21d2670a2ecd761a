"""Saving a frame as a PNG, atomically (``game.files``: a temporary sibling, then a rename)."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.files import atomic_path


class ScreenshotError(Exception):
    """The PNG could not be written; the message says where and why."""


def save_png(surface: pygame.Surface, path: Path) -> None:
    """Write ``surface`` to ``path`` as PNG; the file appears complete or not at all."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ScreenshotError(f"cannot save the screenshot {path}: the folder {path.parent} does not exist")
    try:
        with atomic_path(path) as tmp:
            pygame.image.save(surface, str(tmp))
    except (pygame.error, OSError) as exc:
        raise ScreenshotError(f"cannot save the screenshot {path}: {exc}") from None
