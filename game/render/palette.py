"""Every colour the game draws with, named once: the arcade's (maze, sprites, fruit, score) and the
interface's (side panels, calibration, widgets), so that every screen reads as one program.
Translucent shades are :data:`BLACK` with an alpha chosen where they are drawn."""

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
#: Text on a light fill (a pressed button, a bright confusion-matrix cell).
DARK_INK: Color = (20, 20, 30)
#: The title panel's "profile trained" lines.
READY_GREEN: Color = (120, 255, 120)

# Buttons (``widgets.Button``): fill, and the disabled state's fill, edge and text.
BUTTON_FILL: Color = (40, 44, 84)
BUTTON_HOVER_FILL: Color = (58, 64, 120)
BUTTON_DISABLED_FILL: Color = (30, 30, 44)
BUTTON_DISABLED_EDGE: Color = (55, 55, 70)
BUTTON_DISABLED_TEXT: Color = (95, 95, 110)
#: The confusion matrix's cells run from HEAT_LOW (share 0) through HEAT_MID to ACCENT (share 1).
HEAT_LOW: Color = (30, 36, 80)
HEAT_MID: Color = (30, 140, 150)

# The calibration screen.
LOSS_RED: Color = (235, 100, 100)  # the training chart's loss curve
REC_RED: Color = (235, 40, 40)  # recording: the preview's frame and dot, the class panel's name
REC_FILL: Color = (60, 24, 30)  # the class panel being recorded
CLASS_HOVER_FILL: Color = (44, 48, 90)  # a class panel under the mouse
CAMERA_LOST_BAND: Color = (70, 10, 10)  # behind "Camera lost: retrying"

# The hand stage's overlay on the webcam picture.
HAND_BOX: Color = (80, 220, 255)
HAND_BONE: Color = (120, 255, 140)
HAND_JOINT: Color = (255, 255, 255)
HAND_MISSING: Color = (255, 170, 60)

# The fruit's pixel art (``sprites.fruit_sprite``).
FRUIT_RED: Color = (255, 0, 0)
FRUIT_GREEN: Color = (0, 200, 40)
FRUIT_STEM: Color = (222, 151, 81)
FRUIT_ORANGE: Color = (255, 170, 60)
FRUIT_PEACH_CREASE: Color = (220, 120, 40)
FRUIT_YELLOW: Color = (255, 255, 0)
FRUIT_CYAN: Color = (0, 255, 255)
FRUIT_BLUE: Color = (33, 33, 255)
