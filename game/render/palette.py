"""The arcade's colours, named once so every drawing module uses the same ones."""

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
PANEL_BG: Color = (12, 12, 28)
PANEL_TEXT: Color = (200, 200, 220)
PANEL_DIM: Color = (120, 120, 150)

GHOST_COLORS: dict[GhostName, Color] = {
    GhostName.BLINKY: (255, 0, 0),
    GhostName.PINKY: (255, 184, 255),
    GhostName.INKY: (0, 255, 255),
    GhostName.CLYDE: (255, 184, 82),
}
