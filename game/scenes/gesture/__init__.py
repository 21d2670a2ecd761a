"""Gesture play: the play scene steered by live gestures (``scene``), the glue between the
predictor and the game (``live``) and the side panel that shows what the camera sees (``hud``)."""
