"""Forced reversals (scatter/chase switches, energizers) happen as each ghost enters its next tile.

In the arcade the reversal is a flag the ghost acts on when it next enters a tile, so ghosts turn
one after the other, each at a tile edge, never all on the same step in mid-tile.
"""

from __future__ import annotations

import math

from core_support import KEEP_GOING, park_ghosts, place_ghost, place_pacman, playing_world

from game.core.events import Event
from game.core.state import Ghost, GhostMode, GhostName, World
from game.core.types import Direction, Intent
from game.core.world import step


def two_ghosts_on_row_5(world: World) -> tuple[Ghost, Ghost]:
    """Blinky on a tile centre and Pinky just short of a tile edge, both heading right in scatter."""
    park_ghosts(world)
    blinky = place_ghost(world, GhostName.BLINKY, 8, 5, Direction.RIGHT, GhostMode.SCATTER)
    pinky = place_ghost(world, GhostName.PINKY, 18, 5, Direction.RIGHT, GhostMode.SCATTER)
    pinky.x = 18.95
    return blinky, pinky


def flip_steps(world: World, ghosts: tuple[Ghost, ...], trigger: Intent, steps: int = 30) -> list[int]:
    """Step (the first with ``trigger``); return the step at which each ghost turned around (1-based)."""
    headings = [g.direction for g in ghosts]
    flipped = [0] * len(ghosts)
    for n in range(1, steps + 1):
        step(world, trigger if n == 1 else KEEP_GOING)
        for i, g in enumerate(ghosts):
            if not flipped[i] and g.direction is headings[i].opposite:
                flipped[i] = n
    return flipped


def test_a_mode_change_turns_each_ghost_at_its_own_next_tile_edge() -> None:
    world = playing_world()
    blinky, pinky = two_ghosts_on_row_5(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    world.mode_steps = world.params.schedule[0] - 1  # the first scatter ends on the next step
    speed = world.params.ghost_speed
    xs: list[float] = []
    headings = [g.direction for g in (blinky, pinky)]
    flipped = [0, 0]
    for n in range(1, 20):
        events = step(world, KEEP_GOING)
        if n == 1:
            assert Event.MODE_CHANGE in events
        xs.append(blinky.x)
        for i, g in enumerate((blinky, pinky)):
            if not flipped[i] and g.direction is headings[i].opposite:
                flipped[i] = n
    assert flipped[1] == 1, "Pinky enters her next tile (col 19) on the first step"
    assert flipped[0] == math.ceil(0.5 / speed), "Blinky turns when he reaches the edge of col 9"
    assert max(xs) <= 9.0 < max(xs) + speed, "he turns on the edge, not before and not after"
    assert blinky.mode is GhostMode.CHASE and not blinky.reverse_pending


def test_an_energizer_turns_ghosts_one_by_one() -> None:
    world = playing_world()
    blinky, pinky = two_ghosts_on_row_5(world)
    place_pacman(world, 2, 23, Direction.LEFT, x=1.6)  # the energizer at (1, 23) is eaten now
    flipped = flip_steps(world, (blinky, pinky), KEEP_GOING)
    assert blinky.frightened and pinky.frightened
    assert 0 < flipped[1] < flipped[0], "not on the same step"


def test_an_eaten_ghost_drops_its_pending_reversal() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, 6, 5, Direction.RIGHT)
    blinky = place_ghost(world, GhostName.BLINKY, 6, 5, Direction.LEFT, GhostMode.SCATTER)
    blinky.frightened, blinky.reverse_pending = True, True
    world.fright_steps = 600
    assert Event.GHOST_EATEN in step(world, KEEP_GOING)
    assert blinky.mode is GhostMode.EYES and not blinky.reverse_pending
