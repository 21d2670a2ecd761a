"""What happened during one step, for the sound effects and the HUD: a stream of ``Event`` values."""

from __future__ import annotations

from enum import Enum


class Event(Enum):
    READY = "ready"  # a READY! pause begins (game start, after a death, new level)
    START = "start"  # READY! is over and the actors move
    DOT = "dot"
    ENERGIZER = "energizer"  # ghosts turn blue (or only reverse on levels with no frightened time)
    FRIGHT_END = "fright_end"
    GHOST_EATEN = "ghost_eaten"
    FRUIT_SHOWN = "fruit_shown"
    FRUIT_EATEN = "fruit_eaten"
    FRUIT_GONE = "fruit_gone"  # the fruit timed out uneaten
    MODE_CHANGE = "mode_change"  # scatter <-> chase; ghosts outside the house reverse
    DEATH = "death"  # Pac-Man was caught; the death sequence begins
    EXTRA_LIFE = "extra_life"
    LEVEL_COMPLETE = "level_complete"
    LEVEL_START = "level_start"  # the maze is refilled for the next level
    GAME_OVER = "game_over"
