"""Screens of the game, each a ``Scene`` run by the ``SceneManager``: title, play, demo, and the
``calibration`` and ``gesture`` sub-packages (one folder per feature: scene, view, controls)."""
