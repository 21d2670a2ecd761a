"""Ghost targets and steering: chase targets, scatter corners, tie-break, no-up tiles, frightened turns."""

from __future__ import annotations

import pytest
from core_support import ghost, place_ghost, place_pacman, playing_world

from game.core.ghosts import SCATTER_TARGET, chase_target, choose_direction, target_tile
from game.core.state import GhostMode, GhostName, World
from game.core.types import Direction


def world_with_pacman(col: int, row: int, facing: Direction) -> World:
    world = playing_world()
    place_pacman(world, col, row, facing)
    return world


def test_blinky_targets_pacman() -> None:
    world = world_with_pacman(10, 20, Direction.LEFT)
    assert chase_target(world, ghost(world, GhostName.BLINKY)) == (10, 20)


@pytest.mark.parametrize(
    ("facing", "expected"),
    [
        (Direction.LEFT, (6, 20)),
        (Direction.RIGHT, (14, 20)),
        (Direction.DOWN, (10, 24)),
        (Direction.UP, (6, 16)),
    ],
)
def test_pinky_targets_four_ahead_with_the_up_quirk(facing: Direction, expected: tuple[int, int]) -> None:
    world = world_with_pacman(10, 20, facing)
    assert chase_target(world, ghost(world, GhostName.PINKY)) == expected


@pytest.mark.parametrize(("facing", "pivot"), [(Direction.RIGHT, (12, 20)), (Direction.UP, (8, 18))])
def test_inky_targets_twice_the_vector_from_blinky(facing: Direction, pivot: tuple[int, int]) -> None:
    world = world_with_pacman(10, 20, facing)
    place_ghost(world, GhostName.BLINKY, 3, 5, Direction.LEFT, GhostMode.CHASE)
    expected = (2 * pivot[0] - 3, 2 * pivot[1] - 5)
    assert chase_target(world, ghost(world, GhostName.INKY)) == expected


@pytest.mark.parametrize(("clyde_col", "chases"), [(2, True), (3, False), (9, False)])
def test_clyde_chases_only_from_eight_tiles_away(clyde_col: int, chases: bool) -> None:
    world = world_with_pacman(10, 5, Direction.LEFT)
    place_ghost(world, GhostName.CLYDE, clyde_col, 5, Direction.LEFT, GhostMode.CHASE)
    target = chase_target(world, ghost(world, GhostName.CLYDE))
    assert target == ((10, 5) if chases else SCATTER_TARGET[GhostName.CLYDE])


def test_scatter_targets_are_the_corners() -> None:
    world = world_with_pacman(10, 20, Direction.LEFT)
    corners = {}
    for name in GhostName:
        g = place_ghost(world, name, 6, 5, Direction.LEFT, GhostMode.SCATTER)
        corners[name] = target_tile(world, g)
    assert corners == {
        GhostName.BLINKY: (25, -3),
        GhostName.PINKY: (2, -3),
        GhostName.INKY: (27, 32),
        GhostName.CLYDE: (0, 32),
    }


def test_elroy_blinky_chases_during_scatter() -> None:
    world = world_with_pacman(10, 20, Direction.LEFT)
    blinky = place_ghost(world, GhostName.BLINKY, 6, 5, Direction.LEFT, GhostMode.SCATTER)
    world.elroy = 1
    assert target_tile(world, blinky) == (10, 20)


@pytest.mark.parametrize(
    ("heading", "target", "expected"),
    [
        (Direction.RIGHT, (7, 4), Direction.UP),  # UP and RIGHT tie: UP wins
        (Direction.RIGHT, (7, 6), Direction.DOWN),  # DOWN and RIGHT tie: DOWN wins
        (Direction.LEFT, (5, 4), Direction.UP),  # UP and LEFT tie: UP wins
        (Direction.LEFT, (5, 6), Direction.LEFT),  # LEFT and DOWN tie: LEFT wins
    ],
)
def test_tie_break_prefers_up_left_down_right(
    heading: Direction, target: tuple[int, int], expected: Direction
) -> None:
    # Blinky on the junction (6,5) chases Pac-Man, who is placed on the target tile.
    world = world_with_pacman(*target, Direction.LEFT)
    blinky = place_ghost(world, GhostName.BLINKY, 6, 5, heading, GhostMode.CHASE)
    assert choose_direction(world, blinky, world.graph.index(6, 5)) is expected


def test_never_picks_the_reverse_even_towards_the_target() -> None:
    world = world_with_pacman(2, 5, Direction.LEFT)  # target straight behind
    blinky = place_ghost(world, GhostName.BLINKY, 9, 5, Direction.RIGHT, GhostMode.CHASE)
    assert choose_direction(world, blinky, world.graph.index(9, 5)) is not Direction.LEFT


@pytest.mark.parametrize("col", [12, 15])
def test_no_upward_turn_on_the_special_tiles(col: int) -> None:
    world = world_with_pacman(col, 5, Direction.LEFT)  # target straight above
    heading = Direction.LEFT if col == 12 else Direction.RIGHT
    blinky = place_ghost(world, GhostName.BLINKY, col, 11, heading, GhostMode.CHASE)
    assert choose_direction(world, blinky, world.graph.index(col, 11)) is heading
    # The same spot one tile further along has no such rule: there UP is taken.
    other = col - 1 if col == 12 else col + 1
    assert world.graph.no_up[world.graph.index(other, 11)] == 0


def test_eyes_may_turn_up_on_a_special_tile() -> None:
    world = world_with_pacman(1, 29, Direction.LEFT)
    blinky = place_ghost(world, GhostName.BLINKY, 15, 11, Direction.RIGHT, GhostMode.EYES)
    assert choose_direction(world, blinky, world.graph.index(15, 11)) is Direction.UP


def test_frightened_ghosts_turn_at_random_but_never_reverse() -> None:
    picks = set()
    for seed in range(40):
        world = playing_world(seed)
        blinky = place_ghost(world, GhostName.BLINKY, 12, 11, Direction.LEFT, GhostMode.CHASE)
        blinky.frightened = True
        pick = choose_direction(world, blinky, world.graph.index(12, 11))
        assert pick is not Direction.RIGHT
        picks.add(pick)
    # Both legal ways out of the no-up tile get chosen, UP included (frightened ghosts ignore the rule).
    assert picks == {Direction.UP, Direction.LEFT}


def test_frightened_turns_come_from_the_seeded_rng() -> None:
    def picks(seed: int) -> list[Direction]:
        world = playing_world(seed)
        blinky = place_ghost(world, GhostName.BLINKY, 6, 5, Direction.RIGHT, GhostMode.CHASE)
        blinky.frightened = True
        return [choose_direction(world, blinky, world.graph.index(6, 5)) for _ in range(30)]

    assert picks(5) == picks(5)
    assert picks(5) != picks(6)
