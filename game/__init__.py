"""Gesture Pac-Man: an arcade-faithful Pac-Man steered by hand gestures seen through a webcam."""

import os

# pygame greets on stdout when first imported; that would precede the JSON printed by --json commands.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# TensorFlow's C++ logging ("failed call to cuInit" on every CPU-only machine) would bury the game's
# own messages; failures still reach the user as Python errors. A few lines printed while
# TensorFlow is imported ignore this setting (a known TensorFlow limitation). Set
# TF_CPP_MIN_LOG_LEVEL=0 to see all of TensorFlow's logs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
