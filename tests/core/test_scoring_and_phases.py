"""Scoring, fruit, extra life, and the phase machine: READY, death, level complete, game over."""

from __future__ import annotations

from core_support import (
    KEEP_GOING,
    ghost,
    kill_pacman,
    leave_only,
    park_ghosts,
    place_ghost,
    place_pacman,
    playing_world,
    run,
    run_until,
)

from game.core import levels
from game.core.events import Event
from game.core.state import GhostMode, GhostName, Phase, World
from game.core.types import Direction, Tile
from game.core.world import new_world, step


def eat_at(world: World, tile: Tile) -> list[Event]:
    """Put Pac-Man on ``tile`` (moving towards a wall-free side is irrelevant: he eats on arrival)."""
    place_pacman(world, tile.col, tile.row, Direction.LEFT)
    return step(world, KEEP_GOING)


def eat_all_but_last(world: World) -> Tile:
    """Eat every edible but one (ghosts at home, fright cancelled); return the one left."""
    park_ghosts(world)
    edibles = sorted(world.maze.edibles(), key=lambda t: (t.row, t.col))
    for tile in edibles[:-1]:
        eat_at(world, tile)
        world.fright_steps = 0
    return edibles[-1]


def test_243_edibles_do_not_end_the_level() -> None:
    world = playing_world()
    eat_all_but_last(world)
    assert world.phase is Phase.PLAYING
    assert len(world.edibles) == 1
    assert world.counters.levels_cleared == 0


def test_the_244th_edible_ends_the_level() -> None:
    world = playing_world()
    last = eat_all_but_last(world)
    events = eat_at(world, last)
    assert Event.LEVEL_COMPLETE in events
    assert world.phase is Phase.LEVEL_COMPLETE
    assert world.counters.dots_eaten == 244
    assert world.counters.levels_cleared == 1


def test_clearing_the_edibles_scores_2600() -> None:
    world = playing_world()
    eat_at(world, eat_all_but_last(world))
    assert world.score == 2600


def test_level_complete_flashes_then_starts_the_next_level_refilled() -> None:
    world = playing_world()
    park_ghosts(world)
    leave_only(world, [Tile(12, 5)])
    place_pacman(world, 13, 5, Direction.LEFT)
    run_until(world, Event.LEVEL_COMPLETE, 60)
    frozen_at = world.pacman.x
    events = run(world, levels.LEVEL_FLASH_STEPS - 1)
    assert world.phase is Phase.LEVEL_COMPLETE and world.pacman.x == frozen_at
    events = run(world, 1)
    assert Event.LEVEL_START in events and Event.READY in events
    assert world.level == 2
    assert world.edibles == world.maze.edibles()
    assert world.phase is Phase.READY
    assert (world.pacman.x, world.pacman.y) == (14.0, 23.5)
    assert world.params.level == 2
    assert all(g.dot_counter == 0 for g in world.ghosts)


def test_ghost_chain_doubles_and_restarts_per_energizer() -> None:
    world = playing_world()
    park_ghosts(world)
    leave_only(world, [Tile(1, 3), Tile(26, 3), Tile(26, 29)])

    def eat_energizer(tile: Tile) -> None:
        place_pacman(world, tile.col, tile.row + 1, Direction.UP)
        run_until(world, Event.ENERGIZER, 30)

    def eat_ghost(name: GhostName) -> int:
        before = world.score
        place_pacman(world, 6, 5, Direction.RIGHT)
        g = place_ghost(world, name, 6, 5, Direction.LEFT, GhostMode.SCATTER)
        g.frightened = True
        assert Event.GHOST_EATEN in step(world, KEEP_GOING)
        run(world, levels.GHOST_EATEN_STEPS)
        return world.score - before

    eat_energizer(Tile(1, 3))
    assert [eat_ghost(name) for name in GhostName] == [200, 400, 800, 1600]
    assert world.counters.ghosts_eaten == 4
    eat_energizer(Tile(26, 3))
    assert eat_ghost(GhostName.PINKY) == 200


def test_ghost_eaten_freeze_shows_points() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, 6, 5, Direction.RIGHT)
    g = place_ghost(world, GhostName.INKY, 6, 5, Direction.LEFT, GhostMode.CHASE)
    g.frightened = True
    world.fright_steps = 300
    step(world, KEEP_GOING)
    assert world.phase is Phase.GHOST_EATEN and world.eaten_ghost is GhostName.INKY
    assert [p.points for p in world.popups] == [200]
    fright_left = world.fright_steps
    run(world, levels.GHOST_EATEN_STEPS - 1)
    assert world.phase is Phase.GHOST_EATEN and world.fright_steps == fright_left
    run(world, 1)
    assert world.phase is Phase.PLAYING and world.eaten_ghost is None


def test_extra_life_exactly_once_at_10000() -> None:
    world = playing_world()
    park_ghosts(world)
    world.score = 9_990
    lives = world.lives
    events = eat_at(world, Tile(6, 5))
    assert Event.EXTRA_LIFE in events and world.lives == lives + 1
    world.score = 19_990
    events = eat_at(world, Tile(7, 5))
    events += eat_at(world, Tile(8, 5))
    assert Event.EXTRA_LIFE not in events and world.lives == lives + 1


def test_fruit_appears_at_70_and_170_dots_for_9_5_seconds() -> None:
    world = playing_world()
    park_ghosts(world)
    world.level_dots_eaten = 69
    events = eat_at(world, Tile(6, 5))
    assert Event.FRUIT_SHOWN in events
    assert world.fruit is not None and (world.fruit.name, world.fruit.points) == ("cherry", 100)
    assert (world.fruit.x, world.fruit.y) == (14.0, 17.5)
    place_pacman(world, 1, 1, Direction.LEFT)
    steps = run_until(world, Event.FRUIT_GONE, 20 * levels.STEPS_PER_SECOND)
    assert abs(steps - levels.FRUIT_SECONDS * levels.STEPS_PER_SECOND) <= 2
    world.level_dots_eaten = 169
    assert Event.FRUIT_SHOWN in eat_at(world, Tile(7, 5))


def test_eating_the_fruit() -> None:
    world = playing_world()
    park_ghosts(world)
    world.level_dots_eaten = 69
    eat_at(world, Tile(6, 5))
    score = world.score
    place_pacman(world, 16, 17, Direction.LEFT)
    run_until(world, Event.FRUIT_EATEN, 60)
    assert world.score == score + 100
    assert world.fruit is None and world.counters.fruits_eaten == 1
    assert [p.points for p in world.popups] == [100]


def test_the_first_ready_lasts_as_long_as_the_arcades_start_tune() -> None:
    world = new_world(1)
    first = step(world, KEEP_GOING)
    assert Event.READY in first
    x = world.pacman.x
    steps = run_until(world, Event.START, 10 * levels.STEPS_PER_SECOND) + 1
    assert 4.0 <= steps / levels.STEPS_PER_SECOND <= 4.4  # the start tune, about 4.2 s
    assert steps == levels.FIRST_READY_STEPS
    assert world.pacman.x == x
    step(world, KEEP_GOING)
    assert world.pacman.x < x


def test_ready_after_a_death_or_on_a_new_level_lasts_two_seconds() -> None:
    world = playing_world()
    kill_pacman(world)
    run_until(world, Event.READY, levels.DEATH_FREEZE_STEPS + levels.DEATH_ANIMATION_STEPS + 1)
    assert run_until(world, Event.START, 10 * levels.STEPS_PER_SECOND) == levels.READY_STEPS
    park_ghosts(world)
    leave_only(world, [Tile(12, 5)])
    place_pacman(world, 13, 5, Direction.LEFT)
    run_until(world, Event.LEVEL_START, levels.LEVEL_FLASH_STEPS + 60)
    assert world.phase is Phase.READY and world.level == 2
    assert run_until(world, Event.START, 10 * levels.STEPS_PER_SECOND) == levels.READY_STEPS


def test_death_sequence_then_ready_with_dots_kept() -> None:
    world = playing_world()
    eaten_before = len(world.maze.edibles()) - len(world.edibles)
    run(world, 30)
    eaten = len(world.maze.edibles()) - len(world.edibles)
    assert eaten > eaten_before
    kill_pacman(world)
    assert world.phase is Phase.DYING and world.counters.lives_lost == 1
    run(world, levels.DEATH_FREEZE_STEPS + levels.DEATH_ANIMATION_STEPS - 1)
    assert world.phase is Phase.DYING and world.lives == 3
    assert world.phase_time > levels.DEATH_FREEZE_STEPS / levels.STEPS_PER_SECOND
    assert Event.READY in run(world, 1)
    assert world.lives == 2 and world.phase is Phase.READY
    assert len(world.maze.edibles()) - len(world.edibles) == eaten
    assert (world.pacman.x, world.pacman.y) == (14.0, 23.5)
    assert ghost(world, GhostName.PINKY).mode is GhostMode.IN_HOUSE
    assert world.mode is GhostMode.SCATTER and world.mode_steps == 0


def test_three_deaths_end_the_game() -> None:
    world = playing_world()
    for _ in range(3):
        while world.phase is not Phase.PLAYING:
            step(world, KEEP_GOING)
        kill_pacman(world)
    events = run(world, levels.DEATH_FREEZE_STEPS + levels.DEATH_ANIMATION_STEPS)
    assert Event.GAME_OVER in events
    assert world.phase is Phase.GAME_OVER and world.lives == 0
    assert world.counters.lives_lost == 3
    tick = world.tick
    run(world, 10)
    assert world.phase is Phase.GAME_OVER and world.tick == tick + 10


def test_collision_needs_the_same_tile() -> None:
    world = playing_world()
    park_ghosts(world)
    place_pacman(world, 10, 5, Direction.RIGHT)
    place_ghost(world, GhostName.BLINKY, 12, 5, Direction.RIGHT, GhostMode.CHASE)
    step(world, KEEP_GOING)
    assert world.phase is Phase.PLAYING  # neighbours, not the same tile
