"""Every colour the game draws with, named once: the arcade's (maze, sprites, score) and the
interface's (side panels, calibration, widgets), so that every screen reads as one program."""

from __future__ import annotations

from game.core.state import GhostName

Color = tuple[int, int, int]

BLACK: Color = (0, 0, 0)
WHITE: Color = (255, 255, 255)
WALL_BLUE: Color = (33, 33, 255)
DOOR_PINK: Color = (255, 184, 222)
DOT: Color = (255, 184, 151)
PACMAN_YELLOW: Color = (255, 255, 0)
TEXT_RED: Color = (255, 0, 0)
TEXT_CYAN: Color = (0, 255, 255)
TEXT_PINK: Color = (255, 184, 255)
FRIGHT_BLUE: Color = (33, 33, 255)
FRIGHT_FACE: Color = (255, 184, 151)
FLASH_FACE: Color = (255, 0, 0)
EYE_BLUE: Color = (33, 33, 255)
PANEL_TEXT: Color = (200, 200, 220)
PANEL_DIM: Color = (120, 120, 150)

GHOST_COLORS: dict[GhostName, Color] = {
    GhostName.BLINKY: (255, 0, 0),
    GhostName.PINKY: (255, 184, 255),
    GhostName.INKY: (0, 255, 255),
    GhostName.CLYDE: (255, 184, 82),
}

# The interface: side panels, calibration, widgets.
BACKGROUND: Color = (12, 12, 28)
PANEL: Color = (28, 30, 56)
PANEL_EDGE: Color = (70, 76, 130)
TEXT: Color = (230, 230, 240)
TEXT_DIM: Color = (150, 152, 176)
ACCENT: Color = (255, 210, 40)  # Pac-Man yellow marks "the one that matters"
GOOD: Color = (80, 200, 120)
BAD: Color = (230, 70, 70)
BAR_BG: Color = (45, 48, 80)
BAR_FG: Color = (90, 130, 220)
#: The side panels' background is the interface's.
PANEL_BG: Color = BACKGROUND

# The hand stage's overlay on the webcam picture.
HAND_BOX: Color = (80, 220, 255)
HAND_BONE: Color = (120, 255, 140)
HAND_JOINT: Color = (255, 255, 255)
HAND_MISSING: Color = (255, 170, 60)
