"""The arcade maze file satisfies the layout invariants of the rules reference."""

from __future__ import annotations

import pytest

from game.core.graph import NO_UP_TILES, maze_graph
from game.core.maze import Cell, MazeError, load_maze, parse_maze
from game.core.types import Tile
from game.core.world import new_world

MAZE = load_maze()


def test_grid_is_28_by_31() -> None:
    assert (MAZE.width, MAZE.height) == (28, 31)


def test_dot_and_energizer_counts() -> None:
    assert len(MAZE.tiles_of(Cell.DOT)) == 240
    assert sorted(MAZE.tiles_of(Cell.ENERGIZER), key=lambda t: (t.row, t.col)) == [
        Tile(1, 3),
        Tile(26, 3),
        Tile(1, 23),
        Tile(26, 23),
    ]
    assert len(MAZE.edibles()) == 244


def test_tunnel_ends() -> None:
    assert sorted(MAZE.tiles_of(Cell.TUNNEL), key=lambda t: t.col) == [Tile(0, 14), Tile(27, 14)]


def test_door_tiles() -> None:
    assert sorted(MAZE.tiles_of(Cell.DOOR), key=lambda t: t.col) == [Tile(13, 12), Tile(14, 12)]


def test_all_edibles_reachable_from_the_start() -> None:
    start = MAZE.tiles_of(Cell.PACMAN_START)[0]
    assert MAZE.edibles() <= MAZE.reachable_from(start)


def test_mirror_symmetric() -> None:
    for row in MAZE.cells:
        assert row == tuple(reversed(row))


def test_no_up_tiles_are_floor_with_an_upward_corridor() -> None:
    graph = maze_graph(MAZE)
    for tile in NO_UP_TILES:
        index = graph.index(tile.col, tile.row)
        assert graph.floor[index]
        assert graph.no_up[index]
        assert graph.neighbours[index][0] >= 0, f"{tile} has no corridor upwards, so the rule would be moot"


def test_graph_wraps_through_the_tunnel() -> None:
    graph = maze_graph(MAZE)
    here = graph.index(0, 14)
    for _ in range(5):  # LEFT from col 0: two off-screen tiles each side, then col 27
        here = graph.neighbours[here][1]
    assert here == graph.index(27, 14)


def test_pacman_cannot_enter_door_or_house() -> None:
    graph = maze_graph(MAZE)
    for kind in (Cell.DOOR, Cell.HOUSE, Cell.WALL):
        for tile in MAZE.tiles_of(kind):
            assert not graph.floor[graph.index(tile.col, tile.row)]


def test_a_layout_without_the_arcade_geometry_is_rejected_clearly() -> None:
    text = "\n".join("".join(cell.value for cell in row) for row in MAZE.cells)
    moved_start = text.replace("PP", "..", 1).replace("#o..##.", "#oPP##.", 1)
    with pytest.raises(MazeError, match="'P' cells must be at"):
        new_world(1, parse_maze(moved_start))
    new_world(1, parse_maze(text))  # the arcade layout itself is fine
