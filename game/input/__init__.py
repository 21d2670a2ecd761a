"""Input sources: keyboard, gestures and the autopilot all produce the same ``Intent``."""
