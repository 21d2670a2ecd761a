"""Gesture Pac-Man: an arcade-faithful Pac-Man steered by hand gestures seen through a webcam."""

import os

# pygame greets on stdout when first imported; that would precede the JSON printed by --json commands.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

__version__ = "0.1.0"
