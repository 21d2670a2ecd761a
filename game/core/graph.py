"""The maze as a movement graph, precomputed once per maze so the per-step code only indexes tuples.

Tiles are numbered ``row * width + col``. For each tile the graph holds the open neighbours in the
arcade's tie-break order (U, L, D, R), with the tunnel wrap already applied, and the flags the
ghost rules ask about (no-upward-turn tiles, the tunnel slow zone). Pac-Man and the ghosts outside
the house walk the same floor: everything but walls, the door and the house interior.

A tunnel row (open at both edges) runs on off-screen: ``TUNNEL_HIDDEN_TILES`` tiles beyond each
edge (columns -2, -1 and 28, 29 on the arcade maze) before it wraps round, as in the arcade, so a
trip through the tunnel is as long as there. Those hidden tiles are numbered after the grid's
(from ``width * height`` on); ``index`` maps any column of a tunnel row to its tile.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache

from game.core.maze import Cell, Maze
from game.core.types import TIE_BREAK_ORDER, Direction, Tile

#: Index of each direction in the per-tile neighbour tuples (tie-break order).
DIR_INDEX: dict[Direction, int] = {d: i for i, d in enumerate(TIE_BREAK_ORDER)}

#: The four tiles where scatter/chase ghosts may not turn upwards (arcade layout).
NO_UP_TILES: tuple[Tile, ...] = (Tile(12, 11), Tile(15, 11), Tile(12, 23), Tile(15, 23))
#: Ghosts are slowed on the tunnel row in these columns (both ends).
TUNNEL_ROW = 14
TUNNEL_SLOW_COLS: tuple[range, ...] = (range(0, 6), range(22, 28))
#: Off-screen tiles beyond each edge of a tunnel row (the rules reference: "~2 tiles run off-screen").
TUNNEL_HIDDEN_TILES = 2


@dataclass(frozen=True)
class Exit:
    """One open way out of a tile: the direction, and the neighbour's index and (unwrapped) position."""

    direction: Direction
    index: int
    col: int
    row: int


@dataclass(frozen=True)
class MazeGraph:
    width: int
    height: int
    #: Per tile: neighbour index for U, L, D, R, or -1 when that way is closed.
    neighbours: tuple[tuple[int, int, int, int], ...]
    #: Per tile: the open exits in tie-break order (empty for walls, door and house).
    exits: tuple[tuple[Exit, ...], ...]
    #: Per tile: 1 where scatter/chase ghosts may not choose UP.
    no_up: bytes
    #: Per tile: 1 in the ghosts' tunnel slow zone.
    slow_zone: bytes
    #: Per tile: 1 where Pac-Man may stand.
    floor: bytes
    #: Off-screen tiles beyond each edge of the tunnel rows.
    hidden: int = 0
    #: (col, row) -> index of each off-screen tunnel tile (cols -hidden..-1 and width..width+hidden-1).
    hidden_index: dict[tuple[int, int], int] = field(default_factory=dict, compare=False, hash=False)
    #: Memo for ``ghost_walk_distances``, keyed by (tile, heading).
    walk_cache: dict[tuple[int, Direction], tuple[int, ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def size(self) -> int:
        """Number of tiles, the off-screen ones included (the length of every per-tile table)."""
        return len(self.neighbours)

    @property
    def span(self) -> int:
        """Columns a tunnel row has before it wraps round: the maze's plus the hidden ones."""
        return self.width + 2 * self.hidden

    def index(self, col: int, row: int) -> int:
        """The tile at (col, row); on a tunnel row, columns beyond the edges are its off-screen tiles."""
        width = self.width
        if 0 <= col < width:
            return row * width + col
        hidden = self.hidden
        col = (col + hidden) % (width + 2 * hidden) - hidden
        found = self.hidden_index.get((col, row))
        return found if found is not None else row * width + col % width

    def tile(self, index: int) -> Tile:
        if index >= self.width * self.height:
            for (col, row), found in self.hidden_index.items():
                if found == index:
                    return Tile(col, row)
        return Tile(index % self.width, index // self.width)

    def wrap_x(self, x: float) -> float:
        """An x position (tiles) brought back into [-hidden, width + hidden): the tunnel's wrap."""
        if x < -self.hidden:
            return x + self.span
        if x >= self.width + self.hidden:
            return x - self.span
        return x


def _tunnel_rows(maze: Maze) -> list[int]:
    """Rows open at both edges: the tunnel runs off-screen there."""
    return [
        row
        for row in range(maze.height)
        if maze.is_pacman_floor(Tile(0, row)) and maze.is_pacman_floor(Tile(maze.width - 1, row))
    ]


def _build(maze: Maze, hidden: int = TUNNEL_HIDDEN_TILES) -> MazeGraph:
    width, height = maze.width, maze.height
    span = width + 2 * hidden
    hidden_index: dict[tuple[int, int], int] = {}
    for row in _tunnel_rows(maze):
        for col in [*range(-hidden, 0), *range(width, width + hidden)]:
            hidden_index[(col, row)] = width * height + len(hidden_index)
    size = width * height + len(hidden_index)

    def locate(col: int, row: int) -> int:
        """Index of (col, row) with the tunnel wrap applied; -1 outside the maze."""
        if not 0 <= row < height:
            return -1
        if 0 <= col < width:
            return row * width + col
        wrapped = (col + hidden) % span - hidden
        if 0 <= wrapped < width:
            return row * width + wrapped
        return hidden_index.get((wrapped, row), -1)

    positions = [(index % width, index // width) for index in range(width * height)]
    positions += list(hidden_index)
    floor = bytearray(size)
    for index in range(width * height):
        floor[index] = maze.is_pacman_floor(Tile(*positions[index]))
    for index in hidden_index.values():
        floor[index] = 1
    neighbours: list[tuple[int, int, int, int]] = []
    exits: list[tuple[Exit, ...]] = []
    for index, (col, row) in enumerate(positions):
        links: list[int] = []
        outs: list[Exit] = []
        for direction in TIE_BREAK_ORDER:
            ncol, nrow = col + direction.dx, row + direction.dy
            nidx = locate(ncol, nrow)
            if floor[index] and nidx >= 0 and floor[nidx]:
                links.append(nidx)
                outs.append(Exit(direction, nidx, ncol, nrow))
            else:
                links.append(-1)
        neighbours.append((links[0], links[1], links[2], links[3]))
        exits.append(tuple(outs))
    no_up = bytearray(size)
    for tile in NO_UP_TILES:
        if 0 <= tile.row < height and tile.col < width:
            no_up[tile.row * width + tile.col] = 1
    slow = bytearray(size)
    if height > TUNNEL_ROW:
        for cols in TUNNEL_SLOW_COLS:
            for col in cols:
                if col < width and maze.cells[TUNNEL_ROW][col] is not Cell.WALL:
                    slow[TUNNEL_ROW * width + col] = 1
    for index in hidden_index.values():
        slow[index] = 1  # ghosts keep the tunnel speed off-screen
    return MazeGraph(
        width,
        height,
        tuple(neighbours),
        tuple(exits),
        bytes(no_up),
        bytes(slow),
        bytes(floor),
        hidden,
        hidden_index,
    )


@lru_cache(maxsize=8)
def maze_graph(maze: Maze) -> MazeGraph:
    """The (cached) movement graph of ``maze``."""
    return _build(maze)


@lru_cache(maxsize=8)
def floor_distances(maze: Maze) -> tuple[tuple[int, ...], ...]:
    """Shortest walking distance in tiles between every pair of floor tiles (-1: unreachable or not floor).

    One breadth-first search per floor tile (about 300 on the arcade maze, a fraction of a second);
    planners look distances up instead of searching on every decision.
    """
    graph = maze_graph(maze)
    size = graph.size
    unreachable = (-1,) * size
    table: list[tuple[int, ...]] = []
    for start in range(size):
        if not graph.floor[start]:
            table.append(unreachable)
            continue
        dist = [-1] * size
        dist[start] = 0
        queue = deque([start])
        while queue:
            here = queue.popleft()
            step = dist[here] + 1
            for nxt in graph.neighbours[here]:
                if nxt >= 0 and dist[nxt] < 0:
                    dist[nxt] = step
                    queue.append(nxt)
        table.append(tuple(dist))
    return tuple(table)


def ghost_walk_distances(graph: MazeGraph, tile: int, heading: Direction) -> tuple[int, ...]:
    """Tiles a ghost at ``tile`` moving ``heading`` must walk to reach each tile, never reversing.

    Ghosts cannot turn back, so a ghost running away from a tile is much further from it than the
    plain maze distance says. Breadth-first over (tile, heading) states; -1 where unreachable.
    Results are memoised on the graph: a game visits a few hundred such states.
    """
    key = (tile, heading)
    cached = graph.walk_cache.get(key)
    if cached is not None:
        return cached
    size = graph.size
    dist = [-1] * size
    dist[tile] = 0
    seen = bytearray(size * 4)
    queue: deque[tuple[int, int, int]] = deque()
    ahead = graph.neighbours[tile][DIR_INDEX[heading]]
    if ahead >= 0:
        queue.append((ahead, DIR_INDEX[heading], 1))
    else:
        # Blocked ahead (it is on a centre and about to turn): any exit but the reverse.
        back = DIR_INDEX[heading.opposite]
        for slot, nxt in enumerate(graph.neighbours[tile]):
            if nxt >= 0 and slot != back:
                queue.append((nxt, slot, 1))
    while queue:
        here, slot, walked = queue.popleft()
        if seen[here * 4 + slot]:
            continue
        seen[here * 4 + slot] = 1
        if dist[here] < 0:
            dist[here] = walked
        back = _REVERSE_SLOT[slot]
        for nslot, nxt in enumerate(graph.neighbours[here]):
            if nxt >= 0 and nslot != back and not seen[nxt * 4 + nslot]:
                queue.append((nxt, nslot, walked + 1))
    result = tuple(dist)
    graph.walk_cache[key] = result
    return result


_REVERSE_SLOT = (2, 3, 0, 1)  # U<->D, L<->R in tie-break slot order
