"""Saving a frame as a PNG, atomically (a temporary sibling, then a rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pygame


class ScreenshotError(Exception):
    """The PNG could not be written; the message says where and why."""


def save_png(surface: pygame.Surface, path: Path) -> None:
    """Write ``surface`` to ``path`` as PNG; the file appears complete or not at all."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ScreenshotError(f"cannot save the screenshot {path}: the folder {path.parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        pygame.image.save(surface, tmp_name)
        os.replace(tmp_name, path)
    except (pygame.error, OSError) as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise ScreenshotError(f"cannot save the screenshot {path}: {exc}") from None
