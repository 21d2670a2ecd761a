"""Frightened ghosts' random generator restarts at each level and each life, as the arcade's PRNG does.

That is what lets a player learn fright patterns: the same moves after a death (or on a new level)
give the same blue-ghost wanderings, whatever happened earlier in the game.
"""

from __future__ import annotations

from core_support import KEEP_GOING, kill_pacman, park_ghosts, place_ghost, place_pacman, playing_world, run

from game.core import world as rules
from game.core.state import GhostMode, GhostName, Phase, World
from game.core.types import Direction
from game.core.world import step

WANDER_STEPS = 400


def restart_after_death(world: World) -> None:
    kill_pacman(world)
    while world.phase is not Phase.PLAYING:
        step(world, KEEP_GOING)


def fright_path(world: World) -> list[tuple[float, float]]:
    """Blinky frightened from the same spot for a while, Pac-Man parked out of the way: his positions."""
    park_ghosts(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    blinky = place_ghost(world, GhostName.BLINKY, 6, 5, Direction.RIGHT, GhostMode.SCATTER)
    blinky.frightened = True
    world.fright_steps = 10**6
    path = []
    for _ in range(WANDER_STEPS):
        step(world, KEEP_GOING)
        path.append((blinky.x, blinky.y))
    return path


def burn_random_numbers(world: World) -> None:
    """Let a frightened ghost wander, which draws from the generator at every junction."""
    fright_path(world)
    world.fright_steps = 0
    for g in world.ghosts:
        g.frightened = False


def test_fright_pattern_after_a_death_does_not_depend_on_what_came_before() -> None:
    plain = playing_world(seed=7)
    restart_after_death(plain)
    busy = playing_world(seed=7)
    burn_random_numbers(busy)
    run(busy, 5)
    restart_after_death(busy)
    assert fright_path(busy) == fright_path(plain)


def test_fright_pattern_restarts_on_each_level() -> None:
    fresh = playing_world(seed=9)
    fresh_path = fright_path(fresh)
    later = playing_world(seed=9)
    burn_random_numbers(later)
    later.level_dots_eaten = 0
    rules._next_level(later, [])
    while later.phase is not Phase.PLAYING:
        step(later, KEEP_GOING)
    later.params = fresh.params  # compare the generator alone, not level 2's speeds
    assert fright_path(later) == fresh_path


def test_the_game_seed_still_picks_the_pattern() -> None:
    paths = {tuple(fright_path(playing_world(seed=seed))) for seed in range(1, 6)}
    assert len(paths) > 1, "different games should wander differently"
