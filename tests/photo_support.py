"""Photo folders for tests: a labelled subset of the shipped hand photos, and a PNG that is all header."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from game.vision.images import KNOWN_CLASSES


def labelled_subset(signdigits: Path, target: Path, first: int, count: int) -> Path:
    """A labelled folder linking ``count`` photos per class, starting at the ``first``-th by name."""
    for folder in sorted(p for p in signdigits.iterdir() if p.name in KNOWN_CLASSES):
        (target / folder.name).mkdir(parents=True)
        for photo in sorted(folder.iterdir())[first : first + count]:
            (target / folder.name / photo.name).symlink_to(photo)
    return target


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape), tiny on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
