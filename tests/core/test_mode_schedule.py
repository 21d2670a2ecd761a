"""The scatter/chase clock: level 1 phase boundaries, paused while frightened."""

from __future__ import annotations

from core_support import KEEP_GOING, leave_only, park_ghosts, place_pacman, playing_world, run_until

from game.core.events import Event
from game.core.levels import STEPS_PER_SECOND
from game.core.state import GhostMode, World
from game.core.types import Direction, Tile
from game.core.world import step

L1_BOUNDARIES_S = [7, 27, 34, 54, 59, 79, 84]


def mode_changes(world: World, seconds: float) -> list[tuple[float, GhostMode]]:
    """Play ``seconds`` (Pac-Man parked, ghosts at home) and list (time, new mode) at each switch."""
    changes = []
    for n in range(1, round(seconds * STEPS_PER_SECOND) + 1):
        if Event.MODE_CHANGE in step(world, KEEP_GOING):
            changes.append((n / STEPS_PER_SECOND, world.mode))
    return changes


def parked_world() -> World:
    world = playing_world()
    park_ghosts(world)
    leave_only(world, [Tile(26, 29)])
    place_pacman(world, 1, 1, Direction.LEFT)
    return world


def test_level1_schedule() -> None:
    world = parked_world()
    assert world.mode is GhostMode.SCATTER
    changes = mode_changes(world, 100)
    assert [t for t, _ in changes] == L1_BOUNDARIES_S
    assert [m for _, m in changes] == [GhostMode.CHASE, GhostMode.SCATTER] * 3 + [GhostMode.CHASE]


def test_frightened_time_is_not_counted() -> None:
    world = parked_world()
    leave_only(world, [Tile(1, 3), Tile(26, 29)])
    place_pacman(world, 1, 1, Direction.DOWN)
    eaten_after = run_until(world, Event.ENERGIZER, 60)
    fright_s = world.params.fright_steps / STEPS_PER_SECOND
    changes = mode_changes(world, 30)
    first_chase = changes[0][0] + eaten_after / STEPS_PER_SECOND
    assert abs(first_chase - (7 + fright_s)) <= 1.5 / STEPS_PER_SECOND
