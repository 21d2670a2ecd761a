"""Ghost speeds (tunnel, frightened, Elroy), forced reversals, the door, and eyes going home."""

from __future__ import annotations

import pytest
from core_support import (
    KEEP_GOING,
    ghost,
    leave_only,
    park_ghosts,
    place_ghost,
    place_pacman,
    playing_world,
)

from game.core.events import Event
from game.core.ghosts import move_ghost
from game.core.levels import FULL_SPEED_TILES_PER_S, STEPS_PER_SECOND
from game.core.maze import Cell
from game.core.state import GhostMode, GhostName, Phase, World
from game.core.types import Direction, Tile
from game.core.world import step
from game.input.autopilot import Autopilot

_OUTSIDE = (GhostMode.SCATTER, GhostMode.CHASE)


def percent_moved(world: World, name: GhostName) -> float:
    g = ghost(world, name)
    before = g.x
    move_ghost(world, g)
    return abs(g.x - before) * STEPS_PER_SECOND / FULL_SPEED_TILES_PER_S * 100.0


def test_level1_ghost_speeds_normal_tunnel_frightened() -> None:
    world = playing_world()
    place_ghost(world, GhostName.BLINKY, 8, 5, Direction.RIGHT, GhostMode.CHASE)
    assert percent_moved(world, GhostName.BLINKY) == pytest.approx(75)
    place_ghost(world, GhostName.BLINKY, 3, 14, Direction.LEFT, GhostMode.CHASE)
    assert percent_moved(world, GhostName.BLINKY) == pytest.approx(40)
    blinky = place_ghost(world, GhostName.BLINKY, 8, 5, Direction.RIGHT, GhostMode.CHASE)
    blinky.frightened = True
    assert percent_moved(world, GhostName.BLINKY) == pytest.approx(50)


@pytest.mark.parametrize(("left", "stage", "speed"), [(21, 0, 75), (20, 1, 80), (11, 1, 80), (10, 2, 85)])
def test_cruise_elroy_by_dots_left(left: int, stage: int, speed: int) -> None:
    world = playing_world()
    leave_only(world, sorted(world.maze.edibles(), key=lambda t: (t.row, t.col))[-left:])
    place_pacman(world, 1, 1, Direction.LEFT)  # away from the remaining dots
    step(world, KEEP_GOING)
    assert world.elroy == stage
    place_ghost(world, GhostName.BLINKY, 8, 5, Direction.RIGHT, GhostMode.SCATTER)
    assert percent_moved(world, GhostName.BLINKY) == pytest.approx(speed)


def test_tunnel_beats_elroy() -> None:
    world = playing_world()
    world.elroy = 2
    place_ghost(world, GhostName.BLINKY, 3, 14, Direction.LEFT, GhostMode.CHASE)
    assert percent_moved(world, GhostName.BLINKY) == pytest.approx(40)


def _reversals_in_play(seed: int, steps: int) -> tuple[list[bool], list[set[Event]], list[set[Event]]]:
    """Play with the autopilot. Return, for each reversal of an outside ghost, whether a forced
    reversal was pending; the events of the steps that set a pending reversal; and all steps."""
    world = playing_world(seed)
    pilot = Autopilot(seed)
    flips: list[bool] = []
    arming: list[set[Event]] = []
    every: list[set[Event]] = []
    for _ in range(steps):
        before = [(g.mode, g.direction, g.reverse_pending) for g in world.ghosts]
        events = set(step(world, pilot.poll(world)))
        every.append(events)
        if Event.READY in events:
            continue  # actors put back in their start places, not a reversal
        for (mode, direction, pending), g in zip(before, world.ghosts, strict=True):
            if mode in _OUTSIDE and g.mode in _OUTSIDE and g.direction is direction.opposite:
                # Pending from an earlier step, or set and used in this one.
                flips.append(pending or bool(events & {Event.MODE_CHANGE, Event.ENERGIZER}))
            if g.reverse_pending and not pending:
                arming.append(events)
        if world.phase is Phase.GAME_OVER:
            break
    return flips, arming, every


def test_ghosts_reverse_only_on_forced_mode_changes() -> None:
    flips, arming, every = _reversals_in_play(seed=4, steps=6000)
    assert flips, "the scatter/chase switches should have reversed someone"
    assert all(flips), "every reversal was a pending forced one"
    assert all(events & {Event.MODE_CHANGE, Event.ENERGIZER} for events in arming)
    fright_ends = [events for events in every if Event.FRIGHT_END in events]
    assert fright_ends, "the run should include the end of a frightened period"
    assert not any(Event.FRIGHT_END in events and not events & {Event.ENERGIZER} for events in arming)


def test_no_upward_turns_from_the_special_tiles_in_play() -> None:
    world = playing_world(seed=6)
    pilot = Autopilot(6)
    graph = world.graph
    turned_up_elsewhere = 0
    for _ in range(8000):
        before = [
            (g.mode, g.direction, g.frightened or g.reverse_pending, graph.index(int(g.x) % 28, int(g.y)))
            for g in world.ghosts
        ]
        events = set(step(world, pilot.poll(world)))
        forced = events & {Event.MODE_CHANGE, Event.ENERGIZER}
        for (mode, direction, exempt, tile), g in zip(before, world.ghosts, strict=True):
            if mode not in _OUTSIDE or exempt or forced or direction is Direction.UP:
                continue
            if g.direction is Direction.UP:
                assert not graph.no_up[tile], f"{g.name} turned up on a no-up tile"
                turned_up_elsewhere += 1
        if world.phase is Phase.GAME_OVER:
            break
    assert turned_up_elsewhere > 0, "ghosts should still turn up on ordinary tiles"


def test_no_reversal_when_fright_ends() -> None:
    world = playing_world()
    park_ghosts(world)
    blinky = place_ghost(world, GhostName.BLINKY, 8, 5, Direction.RIGHT, GhostMode.CHASE)
    blinky.frightened = True
    world.fright_steps = 1
    events = step(world, KEEP_GOING)
    assert Event.FRIGHT_END in events
    assert not blinky.frightened
    assert blinky.direction is Direction.RIGHT


def test_mode_change_reverses_outside_ghosts_and_flags_those_at_home() -> None:
    world = playing_world()
    blinky = place_ghost(world, GhostName.BLINKY, 8, 5, Direction.RIGHT, GhostMode.SCATTER)
    clyde = ghost(world, GhostName.CLYDE)
    world.mode_steps = world.params.schedule[0] - 1  # the first scatter ends on the next step
    events = step(world, KEEP_GOING)
    assert Event.MODE_CHANGE in events
    # Mid-tile: he keeps going and turns on entering his next tile (see test_forced_reversal).
    assert (blinky.mode, blinky.direction, blinky.reverse_pending) == (GhostMode.CHASE, Direction.RIGHT, True)
    assert clyde.mode is GhostMode.IN_HOUSE and clyde.reverse_on_exit and not clyde.reverse_pending
    for _ in range(10):
        step(world, KEEP_GOING)
    assert blinky.direction is Direction.LEFT and not blinky.reverse_pending


def test_only_eyes_and_house_trips_use_the_door() -> None:
    world = playing_world(seed=2)
    pilot = Autopilot(2)
    maze = world.maze
    door_users: set[GhostMode] = set()
    for _ in range(8000):
        step(world, pilot.poll(world))
        for g in world.ghosts:
            cell = maze.cell(Tile(int(g.x) % 28, int(g.y)))
            if cell in (Cell.DOOR, Cell.HOUSE):
                assert g.mode not in _OUTSIDE, f"{g.name} in {g.mode} on {cell}"
                if cell is Cell.DOOR:
                    door_users.add(g.mode)
        if world.phase is Phase.GAME_OVER:
            break
    assert GhostMode.LEAVING in door_users
    assert GhostMode.ENTERING in door_users, "eaten ghosts should have gone home through the door"


def test_eaten_ghost_goes_home_revives_and_leaves() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, 6, 5, Direction.RIGHT)
    blinky = place_ghost(world, GhostName.BLINKY, 6, 5, Direction.LEFT, GhostMode.SCATTER)
    blinky.frightened = True
    world.fright_steps = 600
    assert Event.GHOST_EATEN in step(world, KEEP_GOING)
    assert blinky.mode is GhostMode.EYES and not blinky.frightened
    modes = []
    for _ in range(1200):
        step(world, KEEP_GOING)
        if not modes or modes[-1] is not blinky.mode:
            modes.append(blinky.mode)
        if blinky.mode in _OUTSIDE:
            break
    assert modes == [GhostMode.EYES, GhostMode.ENTERING, GhostMode.LEAVING, world.mode]
    assert not blinky.frightened, "a revived ghost is not blue, even while the fright goes on"
    assert world.fright_steps > 0
