"""Gesture Pac-Man: an arcade-faithful Pac-Man steered by hand gestures seen through a webcam."""

__version__ = "0.1.0"
