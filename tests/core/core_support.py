"""Helpers that put a fresh world into the situation a rules test needs (no pytest fixtures here)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from game.core.events import Event
from game.core.levels import level_params
from game.core.state import Ghost, GhostMode, GhostName, Phase, World
from game.core.types import Direction, Intent, Tile
from game.core.world import new_world, step

KEEP_GOING = Intent()
NEVER = 10**9


def playing_world(seed: int = 1, level: int = 1) -> World:
    """A new world (at ``level``) stepped through READY!, so the next step moves the actors."""
    world = new_world(seed)
    if level != 1:
        world.level = level
        world.params = level_params(level)
    while world.phase is Phase.READY:
        step(world, KEEP_GOING)
    return world


def park_ghosts(world: World) -> None:
    """Keep every ghost bobbing in the house for good, so a test can watch Pac-Man alone."""
    world.params = dataclasses.replace(
        world.params, release_limits=(NEVER, NEVER, NEVER), idle_release_steps=NEVER
    )
    for ghost in world.ghosts:
        ghost.mode = GhostMode.IN_HOUSE
        ghost.x, ghost.y = ghost.home_x, 14.5


def ghost(world: World, name: GhostName) -> Ghost:
    return next(g for g in world.ghosts if g.name is name)


def place_pacman(world: World, col: int, row: int, direction: Direction, *, x: float | None = None) -> None:
    pac = world.pacman
    pac.x = col + 0.5 if x is None else x
    pac.y = row + 0.5
    pac.direction, pac.moving, pac.eat_pause, pac.requested = direction, True, 0, None


def place_ghost(
    world: World, name: GhostName, col: int, row: int, direction: Direction, mode: GhostMode
) -> Ghost:
    g = ghost(world, name)
    g.x, g.y, g.direction, g.mode = col + 0.5, row + 0.5, direction, mode
    return g


def leave_only(world: World, tiles: Iterable[Tile]) -> None:
    """Remove every edible except ``tiles`` (which must be edibles of the maze)."""
    keep = set(tiles)
    assert keep <= world.maze.edibles()
    graph = world.graph
    world.edibles = set(keep)
    world.edible_flags[:] = bytes(len(world.edible_flags))
    for tile in keep:
        world.edible_flags[graph.index(tile.col, tile.row)] = 1


def run(world: World, steps: int, intent: Intent = KEEP_GOING) -> list[Event]:
    events: list[Event] = []
    for _ in range(steps):
        events.extend(step(world, intent))
    return events


def run_until(world: World, event: Event, limit: int, intent: Intent = KEEP_GOING) -> int:
    """Step until ``event`` happens; return the number of steps it took (fails after ``limit``)."""
    for n in range(1, limit + 1):
        if event in step(world, intent):
            return n
    raise AssertionError(f"{event} did not happen within {limit} steps")


def kill_pacman(world: World) -> None:
    """Put Blinky on top of Pac-Man, heading his way, and step until he is caught."""
    pac = world.pacman
    blinky = place_ghost(world, GhostName.BLINKY, 0, 0, pac.direction, GhostMode.CHASE)
    blinky.x, blinky.y = pac.x, pac.y
    run_until(world, Event.DEATH, 5)
