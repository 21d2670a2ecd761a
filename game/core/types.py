"""Plain value types shared by every layer: directions, intents and tile positions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Direction(Enum):
    """A direction of travel; the declaration order is the arcade's tie-break order (U, L, D, R)."""

    UP = (0, -1)
    LEFT = (-1, 0)
    DOWN = (0, 1)
    RIGHT = (1, 0)

    @property
    def dx(self) -> int:
        return self.value[0]

    @property
    def dy(self) -> int:
        return self.value[1]

    @property
    def opposite(self) -> Direction:
        return _OPPOSITE[self]

    @classmethod
    def from_name(cls, name: str) -> Direction | None:
        """The direction called ``name`` ("up", "LEFT", ...), or None for anything else ("idle")."""
        try:
            return cls[name.upper()]
        except KeyError:
            return None


_OPPOSITE = {
    Direction.UP: Direction.DOWN,
    Direction.DOWN: Direction.UP,
    Direction.LEFT: Direction.RIGHT,
    Direction.RIGHT: Direction.LEFT,
}

#: Tie-break order for ghost steering and any "first legal direction" search.
TIE_BREAK_ORDER: tuple[Direction, ...] = (Direction.UP, Direction.LEFT, Direction.DOWN, Direction.RIGHT)


@dataclass(frozen=True)
class Intent:
    """What an input source asks of Pac-Man this step: a direction, or None for "keep going"."""

    direction: Direction | None = None
    source: str = ""


@dataclass(frozen=True)
class Tile:
    """A playfield cell, (col, row) with the origin top-left and rows growing downwards."""

    col: int
    row: int

    def step(self, direction: Direction, n: int = 1) -> Tile:
        return Tile(self.col + direction.dx * n, self.row + direction.dy * n)
