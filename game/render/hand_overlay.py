"""Draws what the hand stage found over a picture of the frame: the hand's box and its 21-point
skeleton, or "no hand" when it found none. Used by the calibration preview and the in-game
webcam thumbnail; the caller says how frame pixels map to the screen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pygame

from game.render.palette import HAND_BONE, HAND_BOX, HAND_JOINT, HAND_MISSING
from game.render.text import blit_with_font
from game.vision.hands import HAND_CONNECTIONS, HandResult

#: Frame pixels (N, 2) -> screen pixels (N, 2).
ToScreen = Callable[[np.ndarray], np.ndarray]

BOX = HAND_BOX
BONE = HAND_BONE
JOINT = HAND_JOINT
NO_HAND = HAND_MISSING


def scaled(offset: tuple[float, float], factor: float) -> ToScreen:
    """Frame pixels -> screen for a picture drawn at ``offset`` scaled by ``factor``."""
    ox, oy = offset

    def to_screen(points: np.ndarray) -> np.ndarray:
        return np.asarray(points, dtype=np.float64)[..., :2] * factor + (ox, oy)

    return to_screen


def draw_hand(
    surface: pygame.Surface,
    hand: HandResult | None,
    to_screen: ToScreen,
    area: pygame.Rect,
    font: pygame.font.Font,
    scale: int = 1,
    label_no_hand: bool = True,
) -> None:
    """Draw ``hand`` clipped to ``area`` (the picture's rectangle on screen). None draws nothing;
    "no hand" is a label in the picture's corner (``label_no_hand`` False: a caller that says it
    itself)."""
    if hand is None:
        return
    previous = surface.get_clip()
    surface.set_clip(area.clip(previous) if previous else area)
    try:
        if not hand.found or hand.landmarks is None:
            if not label_no_hand:
                return
            corner = (area.x + 3 * scale, area.bottom - 2 * scale)
            label = blit_with_font(surface, font, "NO HAND", NO_HAND, corner, "bottomleft")
            pygame.draw.rect(surface, NO_HAND, label.inflate(2 * scale, 0), width=max(1, scale // 2))
            return
        points = to_screen(hand.landmarks[:, :2])
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = 3 * scale
        size = (int(hi[0] - lo[0]) + 2 * pad, int(hi[1] - lo[1]) + 2 * pad)
        box = pygame.Rect((int(lo[0]) - pad, int(lo[1]) - pad), size)
        pygame.draw.rect(surface, BOX, box, width=max(1, scale))
        pts = [(round(float(x)), round(float(y))) for x, y in points]
        for a, b in HAND_CONNECTIONS:
            pygame.draw.line(surface, BONE, pts[a], pts[b], max(1, scale))
        for p in pts:
            pygame.draw.circle(surface, JOINT, p, max(1, scale))
    finally:
        surface.set_clip(previous)
