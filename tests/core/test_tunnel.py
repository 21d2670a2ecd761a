"""The side tunnel runs on off-screen: two hidden tiles beyond each edge, so trips are arcade-long.

In the arcade the tunnel row extends past the screen's edges; an actor disappears behind the edge
and travels on before it comes back on the other side. Ghosts keep their tunnel speed there.
"""

from __future__ import annotations

import math

import pytest
from core_support import KEEP_GOING, park_ghosts, place_ghost, place_pacman, playing_world

from game.core.graph import TUNNEL_HIDDEN_TILES, TUNNEL_ROW, floor_distances, maze_graph
from game.core.levels import FULL_SPEED_TILES_PER_S, STEPS_PER_SECOND
from game.core.maze import load_maze
from game.core.state import GhostMode, GhostName
from game.core.types import Direction, Tile
from game.core.world import step

MAZE = load_maze()
GRAPH = maze_graph(MAZE)


def test_two_hidden_tiles_beyond_each_edge() -> None:
    assert TUNNEL_HIDDEN_TILES == 2
    left = GRAPH.neighbours[GRAPH.index(0, TUNNEL_ROW)][1]  # LEFT from the left-hand end
    assert left == GRAPH.index(-1, TUNNEL_ROW)
    assert left >= GRAPH.width * GRAPH.height, "an off-screen tile, not a maze cell"
    walked = [GRAPH.index(0, TUNNEL_ROW)]
    for _ in range(5):
        walked.append(GRAPH.neighbours[walked[-1]][1])
    expected = [(0, 14), (-1, 14), (-2, 14), (29, 14), (28, 14), (27, 14)]
    assert walked == [GRAPH.index(col, row) for col, row in expected]
    assert [GRAPH.tile(i) for i in walked] == [Tile(col, row) for col, row in expected]
    for index in walked[1:5]:
        assert GRAPH.floor[index] and GRAPH.slow_zone[index] and not GRAPH.no_up[index]
        assert GRAPH.neighbours[index][0] < 0 and GRAPH.neighbours[index][2] < 0, "no way up or down"


def test_planners_see_the_longer_tunnel() -> None:
    distances = floor_distances(MAZE)
    assert distances[GRAPH.index(0, TUNNEL_ROW)][GRAPH.index(27, TUNNEL_ROW)] == 2 * TUNNEL_HIDDEN_TILES + 1


def test_pacman_disappears_behind_the_edge_and_comes_back_later() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, 2, TUNNEL_ROW, Direction.LEFT)
    speed = world.params.pac_speed
    xs = []
    steps = 0
    while not (xs and xs[-1] > 20.0 and world.pacman.x <= 25.5):
        step(world, KEEP_GOING)
        xs.append(world.pacman.x)
        steps += 1
        assert steps < 10 * STEPS_PER_SECOND
    assert min(xs) < -TUNNEL_HIDDEN_TILES + speed, "he goes two whole tiles past the left edge"
    assert max(xs) > 28.0 + TUNNEL_HIDDEN_TILES - speed, "and comes back from two tiles past the right"
    # 2.5 -> -2 is 4.5 tiles, 30 -> 25.5 another 4.5 (it used to be 2.5 + 2.5).
    assert steps == math.ceil(9.0 / speed)
    assert world.pacman.direction is Direction.LEFT


def test_ghosts_keep_tunnel_speed_off_screen() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    blinky = place_ghost(world, GhostName.BLINKY, -2, TUNNEL_ROW, Direction.LEFT, GhostMode.SCATTER)
    blinky.x = -1.97
    before = blinky.x
    step(world, KEEP_GOING)
    moved = (before - blinky.x) % GRAPH.span
    assert moved * STEPS_PER_SECOND / FULL_SPEED_TILES_PER_S * 100.0 == pytest.approx(40)
    assert blinky.x > 29.0, "past the far end of the hidden tiles it comes back on the right"
    for _ in range(STEPS_PER_SECOND * 2):
        step(world, KEEP_GOING)
    assert 0.0 <= blinky.x < 28.0, "and then runs into the maze"


def test_a_ghost_in_the_hidden_tiles_catches_pacman_there() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, -1, TUNNEL_ROW, Direction.LEFT)
    place_ghost(world, GhostName.BLINKY, -2, TUNNEL_ROW, Direction.RIGHT, GhostMode.CHASE)
    deaths = 0
    for _ in range(30):
        deaths += "death" in [e.value for e in step(world, KEEP_GOING)]
    assert deaths == 1
