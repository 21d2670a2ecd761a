"""The rules layer stays importable without pygame, OpenCV or TensorFlow."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = (
    "game.core.world",
    "game.core.ghosts",
    "game.core.pacman",
    "game.core.simulate",
    "game.core.snapshot",
    "game.core.clock",
    "game.input.autopilot",
)


def test_core_imports_no_heavy_libraries() -> None:
    # A fresh interpreter: other tests in this process may already have imported pygame.
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "from game.core.simulate import simulate\n"
        "simulate(2.0, 1)\n"
        "bad = sorted(m for m in ('pygame', 'cv2', 'tensorflow', 'keras') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == ""
