"""Pac-Man's movement: speed, dot pauses, cornering, buffered requests, reversal, walls, the tunnel."""

from __future__ import annotations

import itertools

import pytest
from core_support import KEEP_GOING, leave_only, park_ghosts, place_pacman, playing_world, run, run_until

from game.core.events import Event
from game.core.levels import FULL_SPEED_TILES_PER_S, STEPS_PER_SECOND
from game.core.pacman import TURN_WINDOW
from game.core.state import World
from game.core.types import Direction, Intent, Tile
from game.core.world import step

L1_PAC_PER_STEP = 0.80 * FULL_SPEED_TILES_PER_S / STEPS_PER_SECOND
#: A dot nobody eats, so that eating the test's last dot does not end the level.
FAR_DOT = Tile(26, 29)


def quiet_world(edibles: list[Tile] | None = None) -> World:
    world = playing_world()
    park_ghosts(world)
    leave_only(world, [*(edibles or []), FAR_DOT])
    return world


def steps_to_reach_x(world: World, x: float, limit: int = 600) -> int:
    for n in range(1, limit):
        step(world, KEEP_GOING)
        if world.pacman.x >= x:
            return n
    raise AssertionError("never got there")


def test_level1_speed_is_80_percent() -> None:
    world = quiet_world()
    place_pacman(world, 3, 5, Direction.RIGHT)
    run(world, STEPS_PER_SECOND)
    assert world.pacman.x - 3.5 == pytest.approx(0.80 * FULL_SPEED_TILES_PER_S)


def test_each_dot_costs_one_step() -> None:
    empty = quiet_world()
    place_pacman(empty, 3, 5, Direction.RIGHT)
    dotted = quiet_world([Tile(c, 5) for c in range(4, 14)])
    place_pacman(dotted, 3, 5, Direction.RIGHT)
    assert steps_to_reach_x(dotted, 13.5) - steps_to_reach_x(empty, 13.5) == 10


def test_an_energizer_freezes_him_for_three_steps() -> None:
    world = quiet_world([Tile(1, 3)])
    place_pacman(world, 1, 1, Direction.DOWN)
    run_until(world, Event.ENERGIZER, 60)
    eaten_at = world.pacman.y
    frozen = []
    for _ in range(3):
        step(world, KEEP_GOING)
        frozen.append(world.pacman.y)
    assert frozen == [eaten_at] * 3
    step(world, KEEP_GOING)
    assert world.pacman.y > eaten_at


def test_speed_along_a_row_of_dots_is_about_71_percent() -> None:
    world = quiet_world([Tile(c, 5) for c in range(2, 27)])
    place_pacman(world, 1, 5, Direction.RIGHT)
    steps = steps_to_reach_x(world, 25.5)
    percent = 24.0 / steps * STEPS_PER_SECOND / FULL_SPEED_TILES_PER_S * 100.0
    assert percent == pytest.approx(71.0, abs=1.0)


def test_pre_turn_before_the_centre_then_drift_onto_the_lane() -> None:
    world = quiet_world()
    place_pacman(world, 8, 5, Direction.LEFT, x=8.2)
    up = Intent(Direction.UP)
    turned_at = None
    for _ in range(60):
        before = world.pacman.x
        step(world, up)
        if world.pacman.direction is Direction.UP:
            turned_at = before
            break
    assert turned_at is not None
    assert 6.5 < turned_at <= 6.5 + TURN_WINDOW + L1_PAC_PER_STEP, "he should turn before the centre of (6,5)"
    run(world, 10)
    assert world.pacman.x == 6.5  # back on the new lane's centreline
    assert world.pacman.y < 5.5


def test_post_turn_just_after_the_centre() -> None:
    world = quiet_world()
    place_pacman(world, 6, 5, Direction.LEFT, x=6.3)
    step(world, Intent(Direction.UP))
    assert world.pacman.direction is Direction.UP


def test_a_turn_too_far_past_the_centre_stays_buffered_until_possible() -> None:
    world = quiet_world()
    place_pacman(world, 6, 5, Direction.LEFT, x=6.5 - TURN_WINDOW - 0.03)
    step(world, Intent(Direction.UP))
    assert world.pacman.direction is Direction.LEFT
    assert world.pacman.requested is Direction.UP
    # The request is kept (no new input) until the next corridor upwards, at column 1.
    for _ in range(STEPS_PER_SECOND):
        step(world, KEEP_GOING)
        if world.pacman.direction is Direction.UP:
            break
    assert world.pacman.direction is Direction.UP
    assert int(world.pacman.x) == 1


def test_an_impossible_request_never_stops_him() -> None:
    world = quiet_world()
    place_pacman(world, 12, 5, Direction.LEFT)
    down = Intent(Direction.DOWN)  # closed below row 5 between columns 10 and 17
    xs = []
    for _ in range(12):
        step(world, down)
        xs.append(world.pacman.x)
    assert all(b < a for a, b in itertools.pairwise(xs))
    assert world.pacman.direction is Direction.LEFT


def test_reversing_is_instant_anywhere() -> None:
    world = quiet_world()
    place_pacman(world, 10, 5, Direction.LEFT, x=10.2)
    step(world, Intent(Direction.RIGHT))
    assert world.pacman.direction is Direction.RIGHT
    assert world.pacman.x > 10.2


def test_stops_at_the_wall_on_the_tile_centre_facing_it() -> None:
    world = quiet_world()
    place_pacman(world, 4, 1, Direction.LEFT)
    run(world, STEPS_PER_SECOND)
    pac = world.pacman
    assert (pac.x, pac.y, pac.direction, pac.moving) == (1.5, 1.5, Direction.LEFT, False)
    step(world, Intent(Direction.UP))  # a wall too: nothing happens
    assert (pac.x, pac.y, pac.direction) == (1.5, 1.5, Direction.LEFT)
    step(world, Intent(Direction.DOWN))
    assert pac.direction is Direction.DOWN and pac.y > 1.5


def test_tunnel_wraps_without_slowing_him() -> None:
    world = quiet_world()
    place_pacman(world, 2, 14, Direction.LEFT)
    xs = []
    for _ in range(40):
        step(world, KEEP_GOING)
        xs.append(world.pacman.x)
    assert any(x > 26.0 for x in xs), "he should come out on the right-hand side"
    span = world.graph.span  # the tunnel row runs on off-screen before it wraps
    moved = [(a - b) % span for a, b in itertools.pairwise(xs)]
    assert moved == pytest.approx([L1_PAC_PER_STEP] * len(moved))
    assert world.pacman.direction is Direction.LEFT


def test_requests_are_buffered_during_ready() -> None:
    from game.core.world import new_world

    world = new_world(3)
    step(world, Intent(Direction.RIGHT))
    assert world.pacman.requested is Direction.RIGHT
    while world.pacman.x <= 14.0:
        step(world, KEEP_GOING)
    assert world.pacman.direction is Direction.RIGHT
