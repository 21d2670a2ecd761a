"""The maze as data: parse the 28x31 layout file from ``assets/`` into a grid of cell kinds."""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from game.core.types import Direction, Tile

#: ``assets/`` of the source checkout, else where a wheel install puts it (``game.config``'s rule,
#: written out here because the rules import nothing of the game's outside ``core``).
_CHECKOUT_ASSETS = Path(__file__).resolve().parents[2] / "assets"
ASSETS_DIR = (
    _CHECKOUT_ASSETS
    if (_CHECKOUT_ASSETS.parent / "pyproject.toml").is_file()
    else Path(sys.prefix) / "share" / "gesture-pacman" / "assets"
)
DEFAULT_MAZE_PATH = ASSETS_DIR / "maze.txt"


class Cell(Enum):
    """What a maze cell holds at the start of a level."""

    WALL = "#"
    DOT = "."
    ENERGIZER = "o"
    EMPTY = " "
    DOOR = "-"
    TUNNEL = "T"
    PACMAN_START = "P"
    HOUSE = "G"


class MazeError(ValueError):
    """The layout file is missing or malformed."""


@dataclass(frozen=True)
class Maze:
    """An immutable grid of cells. Dots eaten during play live in the world, not here."""

    cells: tuple[tuple[Cell, ...], ...]

    @property
    def width(self) -> int:
        return len(self.cells[0])

    @property
    def height(self) -> int:
        return len(self.cells)

    def cell(self, tile: Tile) -> Cell:
        """The cell at ``tile``; columns wrap (the tunnel), rows outside the grid are wall."""
        if not 0 <= tile.row < self.height:
            return Cell.WALL
        return self.cells[tile.row][tile.col % self.width]

    def is_pacman_floor(self, tile: Tile) -> bool:
        """Pac-Man may stand here: not a wall, the ghost door or the ghost house."""
        return self.cell(tile) not in (Cell.WALL, Cell.DOOR, Cell.HOUSE)

    def tiles_of(self, kind: Cell) -> list[Tile]:
        return [
            Tile(col, row)
            for row, line in enumerate(self.cells)
            for col, cell in enumerate(line)
            if cell is kind
        ]

    def edibles(self) -> frozenset[Tile]:
        """Every dot and energizer at the start of a level."""
        return frozenset(self.tiles_of(Cell.DOT) + self.tiles_of(Cell.ENERGIZER))

    def reachable_from(self, start: Tile) -> set[Tile]:
        """Tiles Pac-Man can reach from ``start`` (breadth-first, through the tunnel)."""
        seen = {start}
        queue = deque([start])
        while queue:
            tile = queue.popleft()
            for direction in Direction:
                nxt = tile.step(direction)
                nxt = Tile(nxt.col % self.width, nxt.row)
                if nxt not in seen and self.is_pacman_floor(nxt):
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


def parse_maze(text: str) -> Maze:
    """Parse layout text (one line per row, one character per cell) into a ``Maze``."""
    lines = [line.rstrip("\n") for line in text.splitlines() if line.strip("\n")]
    if not lines:
        raise MazeError("maze layout is empty")
    width = len(lines[0])
    rows: list[tuple[Cell, ...]] = []
    for row, line in enumerate(lines):
        if len(line) != width:
            raise MazeError(f"maze row {row} has {len(line)} cells, expected {width}")
        try:
            rows.append(tuple(Cell(ch) for ch in line))
        except ValueError as exc:
            raise MazeError(f"maze row {row}: unknown cell character ({exc})") from None
    return Maze(tuple(rows))


def load_maze(path: Path = DEFAULT_MAZE_PATH) -> Maze:
    """Load and parse a layout file."""
    try:
        return parse_maze(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MazeError(f"cannot read maze layout {path}: {exc}") from exc
