"""Screens of the game (title, play, calibration), each a ``Scene`` run by the ``SceneManager``."""
