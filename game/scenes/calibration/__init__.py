"""The calibration screen: its scene (state and keys), view (drawing), layout, buttons, modes and
the advanced panel's settings. The work behind it (camera recorder, sample book, training and
backbone jobs, profile persistence) lives in ``game.vision``."""
