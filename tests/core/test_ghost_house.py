"""Leaving the ghost house: personal dot counters, the global counter after a death, the idle timer."""

from __future__ import annotations

from core_support import KEEP_GOING, ghost, kill_pacman, leave_only, place_pacman, playing_world

from game.core import world as rules
from game.core.levels import STEPS_PER_SECOND
from game.core.state import GhostMode, GhostName, Phase, World
from game.core.types import Direction, Tile
from game.core.world import step

HOUSE = (GhostName.PINKY, GhostName.INKY, GhostName.CLYDE)


def starved_world(level: int = 1) -> World:
    """Playing, with Pac-Man parked in a dot-free corner: no dots eaten by accident, and no Elroy."""
    world = playing_world(level=level)
    leave_only(world, [tile for tile in world.maze.edibles() if tile.row <= 8])
    place_pacman(world, 1, 29, Direction.LEFT)
    return world


def waiting(world: World) -> list[GhostName]:
    return [name for name in HOUSE if ghost(world, name).mode is GhostMode.IN_HOUSE]


def eat_dots(world: World, count: int) -> None:
    """Count ``count`` eaten dots towards the house and take one step (where releases happen)."""
    for _ in range(count):
        rules._count_house_dot(world)
    world.idle_steps = 0
    step(world, KEEP_GOING)


def test_level1_personal_counters_release_pinky_inky_clyde() -> None:
    world = starved_world()
    step(world, KEEP_GOING)
    assert waiting(world) == [GhostName.INKY, GhostName.CLYDE], "Pinky's limit is 0"
    eat_dots(world, 29)
    assert waiting(world) == [GhostName.INKY, GhostName.CLYDE]
    eat_dots(world, 1)
    assert waiting(world) == [GhostName.CLYDE]
    assert ghost(world, GhostName.CLYDE).dot_counter == 0, "only the first ghost inside counts"
    eat_dots(world, 59)
    assert waiting(world) == [GhostName.CLYDE]
    eat_dots(world, 1)
    assert waiting(world) == []


def test_level3_ghosts_leave_at_once() -> None:
    world = starved_world(level=3)
    for _ in range(3):
        step(world, KEEP_GOING)
    assert waiting(world) == []


def test_idle_timer_pushes_ghosts_out() -> None:
    world = starved_world()
    step(world, KEEP_GOING)  # Pinky leaves at once
    assert run_release(world, GhostName.INKY) == 4 * STEPS_PER_SECOND - 1
    assert run_release(world, GhostName.CLYDE) == 4 * STEPS_PER_SECOND


def run_release(world: World, name: GhostName) -> int:
    for n in range(1, 10 * STEPS_PER_SECOND):
        step(world, KEEP_GOING)
        if ghost(world, name).mode is not GhostMode.IN_HOUSE:
            return n
    raise AssertionError(f"{name} never left")


def kill_and_restart(world: World) -> None:
    kill_pacman(world)
    while world.phase is not Phase.PLAYING:
        step(world, KEEP_GOING)


def test_after_a_death_the_global_counter_releases_at_7_17_32() -> None:
    # Level 3: Clyde's personal limit is 0, so switching back to personal counters at 32 lets him
    # out at once (both readings of the rule agree here; see the level 1 test below).
    world = starved_world(level=3)
    kill_and_restart(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    assert world.global_counter_active
    assert waiting(world) == list(HOUSE)
    eat_dots(world, 6)
    assert waiting(world) == list(HOUSE)
    eat_dots(world, 1)
    assert waiting(world) == [GhostName.INKY, GhostName.CLYDE]
    eat_dots(world, 10)
    assert waiting(world) == [GhostName.CLYDE]
    eat_dots(world, 14)
    assert waiting(world) == [GhostName.CLYDE]
    assert world.elroy_suspended
    eat_dots(world, 1)
    assert waiting(world) == []
    assert not world.global_counter_active
    assert not world.elroy_suspended, "Elroy resumes once Clyde leaves"


def test_on_level1_clyde_is_not_released_at_32_but_back_on_his_own_counter() -> None:
    # The arcade code (and the Dossier's long paragraph) only switches the global counter off at
    # 32 when Clyde is inside; his own limit then applies (60 on level 1, kept from before the death).
    world = starved_world()
    clyde = ghost(world, GhostName.CLYDE)
    kill_and_restart(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    clyde.dot_counter = 20
    for count in (7, 10, 14):  # one release check per step, as dots come one at a time in play
        eat_dots(world, count)
    assert waiting(world) == [GhostName.CLYDE] and world.global_counter_active
    eat_dots(world, 1)
    assert not world.global_counter_active and world.global_dot_counter == 0
    assert waiting(world) == [GhostName.CLYDE], "his personal counter (20) is short of 60"
    assert world.elroy_suspended
    eat_dots(world, 39)
    assert waiting(world) == [GhostName.CLYDE]
    eat_dots(world, 1)
    assert waiting(world) == []
    assert clyde.dot_counter == 60
    assert not world.elroy_suspended


def test_the_global_counter_keeps_running_if_clyde_is_out_at_32() -> None:
    world = starved_world()
    kill_and_restart(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    eat_dots(world, 7)
    eat_dots(world, 10)
    rules._release(world, ghost(world, GhostName.CLYDE))  # as the no-dot timer would
    eat_dots(world, 15)
    assert world.global_dot_counter == 32
    eat_dots(world, 5)
    assert world.global_counter_active, "only Clyde inside at 32 switches it off"


def revive(world: World, name: GhostName) -> None:
    """Send ``name`` home as eyes from just above the door and step until it has revived."""
    g = ghost(world, name)
    g.mode, g.x, g.y, g.frightened = GhostMode.ENTERING, 14.0, 11.5, False
    for _ in range(5 * STEPS_PER_SECOND):
        world.idle_steps = 0  # keep the no-dot timer out of it while the eyes sink
        step(world, KEEP_GOING)
        if g.mode is not GhostMode.ENTERING:
            return
    raise AssertionError(f"{name} never revived")


def test_a_ghost_revived_while_the_global_counter_runs_waits_for_it() -> None:
    world = starved_world()
    kill_and_restart(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    eat_dots(world, 7)
    eat_dots(world, 2)
    assert waiting(world) == [GhostName.INKY, GhostName.CLYDE]
    revive(world, GhostName.PINKY)
    assert ghost(world, GhostName.PINKY).mode is GhostMode.IN_HOUSE, "it must not leave at once"
    eat_dots(world, 3)
    assert waiting(world) == list(HOUSE)
    eat_dots(world, 5)  # 17: Inky's turn, not Pinky's (hers was 7)
    assert waiting(world) == [GhostName.PINKY, GhostName.CLYDE]
    # No dot for the no-dot time: the first ghost waiting (Pinky) is pushed out.
    assert run_release(world, GhostName.PINKY) == 4 * STEPS_PER_SECOND - 1


def test_a_ghost_revived_on_personal_counters_leaves_at_once() -> None:
    world = starved_world()
    for _ in range(3):
        step(world, KEEP_GOING)
    assert ghost(world, GhostName.PINKY).mode is not GhostMode.IN_HOUSE
    revive(world, GhostName.PINKY)
    assert ghost(world, GhostName.PINKY).mode is GhostMode.LEAVING


def test_blinky_revived_after_a_death_leaves_at_once() -> None:
    world = starved_world()
    kill_and_restart(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    revive(world, GhostName.BLINKY)
    assert ghost(world, GhostName.BLINKY).mode is GhostMode.LEAVING


def test_elroy_is_suspended_after_a_death_until_clyde_leaves() -> None:
    world = starved_world()
    leave_only(world, [Tile(26, 1)])
    step(world, KEEP_GOING)
    assert world.elroy == 2  # one dot left
    kill_and_restart(world)
    place_pacman(world, 1, 29, Direction.LEFT)
    step(world, KEEP_GOING)
    assert world.elroy == 0
    for count in (7, 10, 15):
        eat_dots(world, count)
    step(world, KEEP_GOING)
    assert world.elroy == 0, "at 32 Clyde is back on his own counter (60 on level 1), still inside"
    eat_dots(world, 60)
    step(world, KEEP_GOING)
    assert world.elroy == 2


def test_house_ghosts_leave_left_or_right_after_a_mode_change() -> None:
    world = starved_world()
    pinky = ghost(world, GhostName.PINKY)
    for _ in range(400):
        step(world, KEEP_GOING)
        if pinky.mode is not GhostMode.LEAVING and pinky.mode is not GhostMode.IN_HOUSE:
            break
    assert pinky.direction is Direction.LEFT, "no mode change while inside: out to the left"
    inky = ghost(world, GhostName.INKY)
    world.mode_steps = world.params.schedule[world.mode_index] - 1
    step(world, KEEP_GOING)  # scatter -> chase while Inky is still inside
    assert inky.mode is GhostMode.IN_HOUSE and inky.reverse_on_exit
    rules._release(world, inky)
    for _ in range(400):
        step(world, KEEP_GOING)
        if inky.mode is GhostMode.CHASE:
            break
    assert inky.mode is GhostMode.CHASE
    assert inky.direction is Direction.RIGHT
