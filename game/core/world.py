"""The game's rules over time: ``new_world`` sets a game up and ``step`` advances it one 60 Hz tick.

``step`` runs the phase machine (READY, PLAYING, the ghost-eaten freeze, DYING, LEVEL_COMPLETE,
GAME_OVER). While playing it advances the scatter/chase and frightened timers, moves Pac-Man,
eats, moves the ghosts, checks collisions (after Pac-Man moves and again after the ghosts move,
so nobody passes through anybody), and lets ghosts out of the house. It returns the ``Event``\\s of
the step for the sound and the HUD. All randomness comes from ``world.rng``.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache

from game.core import levels
from game.core.events import Event
from game.core.ghosts import DOOR_X, EXIT_Y, HOME_X, HOUSE_Y, move_ghost
from game.core.levels import STEPS_PER_SECOND, TICK, level_params
from game.core.maze import Cell, Maze, MazeError, load_maze
from game.core.pacman import apply_request, move_pacman
from game.core.state import Fruit, Ghost, GhostMode, GhostName, PacMan, Phase, Popup, World
from game.core.types import Direction, Intent, Tile

PACMAN_START = (14.0, 23.5)
FRUIT_SPOT = (14.0, 17.5)
_FRUIT_ROW = 17
_FRUIT_COLS = (13, 14)
_TICK_TOLERANCE = 1e-9


@lru_cache(maxsize=1)
def _default_maze() -> Maze:
    return load_maze()


def new_world(seed: int, maze: Maze | None = None) -> World:
    """A new game on ``maze`` (the arcade maze by default), level 1, 3 lives, in the READY phase."""
    maze = maze if maze is not None else _default_maze()
    _check_layout(maze)
    world = World(
        maze=maze,
        rng=random.Random(seed),
        pacman=PacMan(*PACMAN_START),
        ghosts=[Ghost(name, HOME_X[name], HOUSE_Y, home_x=HOME_X[name]) for name in GhostName],
        edibles=set(maze.edibles()),
        seed=seed,
    )
    _reset_actors(world)
    return world


def _check_layout(maze: Maze) -> None:
    """The rules place actors by the arcade maze's geometry; another layout must share it."""
    expected = {
        Cell.DOOR: [Tile(13, 12), Tile(14, 12)],
        Cell.PACMAN_START: [Tile(13, 23), Tile(14, 23)],
    }
    for kind, tiles in expected.items():
        found = sorted(maze.tiles_of(kind), key=lambda t: (t.row, t.col))
        if found != tiles:
            where = ", ".join(f"({t.col},{t.row})" for t in tiles)
            raise MazeError(f"maze layout: the '{kind.value}' cells must be at {where} as in the arcade maze")


def step(world: World, intent: Intent, dt: float = TICK) -> list[Event]:
    """Advance ``world`` by exactly one fixed step and return what happened in it."""
    if abs(dt - TICK) > _TICK_TOLERANCE:
        raise ValueError(f"step advances one fixed tick of {TICK:.6f} s; got dt={dt}")
    events: list[Event] = []
    if intent.direction is not None:
        # Buffered even while frozen, like a joystick held during READY!.
        world.pacman.requested = intent.direction
    if world.tick == 0 and world.phase is Phase.READY:
        events.append(Event.READY)
    world.tick += 1
    world.phase_steps += 1
    phase = world.phase
    if phase is Phase.PLAYING:
        _play(world, events)
    elif phase is Phase.READY:
        if world.phase_steps >= _ready_steps(world):
            _set_phase(world, Phase.PLAYING)
            events.append(Event.START)
    elif phase is Phase.GHOST_EATEN:
        if world.phase_steps >= levels.GHOST_EATEN_STEPS:
            world.eaten_ghost = None
            _set_phase(world, Phase.PLAYING)
    elif phase is Phase.DYING:
        if world.phase_steps >= levels.DEATH_FREEZE_STEPS + levels.DEATH_ANIMATION_STEPS:
            _after_death(world, events)
    elif phase is Phase.LEVEL_COMPLETE and world.phase_steps >= levels.LEVEL_FLASH_STEPS:
        _next_level(world, events)
    world.phase_time = world.phase_steps * TICK
    if world.popups:
        _age_popups(world)
    return events


# --- phases -----------------------------------------------------------------------------------


def _set_phase(world: World, phase: Phase) -> None:
    world.phase = phase
    world.phase_steps = 0
    world.phase_time = 0.0


def _ready_steps(world: World) -> int:
    """How long this READY! lasts: the game's first (it began with the game, at step 0) waits for
    the start tune; the ones after a death or on a new level are short."""
    return levels.FIRST_READY_STEPS if world.phase_steps == world.tick else levels.READY_STEPS


def _reset_actors(world: World) -> None:
    """Actors to their start places, the mode schedule back to its first scatter, no fright."""
    pac = world.pacman
    pac.x, pac.y = PACMAN_START
    pac.direction, pac.moving, pac.eat_pause, pac.requested = Direction.LEFT, True, 0, None
    for ghost in world.ghosts:
        ghost.frightened = ghost.reverse_pending = ghost.reverse_on_exit = False
        if ghost.name is GhostName.BLINKY:
            ghost.x, ghost.y, ghost.direction, ghost.mode = DOOR_X, EXIT_Y, Direction.LEFT, GhostMode.SCATTER
        else:
            ghost.x, ghost.y, ghost.mode = ghost.home_x, HOUSE_Y, GhostMode.IN_HOUSE
            ghost.direction = Direction.DOWN if ghost.name is GhostName.PINKY else Direction.UP
    world.mode, world.mode_index, world.mode_steps = GhostMode.SCATTER, 0, 0
    world.fright_steps, world.frightened_left, world.flash_frames, world.ghost_chain = 0, 0.0, 0, 0
    world.idle_steps = 0
    world.fruit = None
    world.eaten_ghost = None
    world.popups.clear()
    # The arcade resets its random generator at each level and life, so fright patterns repeat
    # for the same moves. Reseeded from the game's seed rather than a constant, so that
    # ``--seed`` still picks a different (but repeatable) pattern per game.
    world.rng.seed(world.seed)
    _set_phase(world, Phase.READY)


def _after_death(world: World, events: list[Event]) -> None:
    world.lives -= 1
    if world.lives <= 0:
        _set_phase(world, Phase.GAME_OVER)
        events.append(Event.GAME_OVER)
        return
    _reset_actors(world)
    # Eaten dots stay eaten; the house switches to the shared counter; Elroy waits for Clyde.
    world.global_counter_active, world.global_dot_counter = True, 0
    world.elroy_suspended = True
    world.elroy = 0
    events.append(Event.READY)


def _next_level(world: World, events: list[Event]) -> None:
    world.level += 1
    world.params = level_params(world.level)
    world.edibles = set(world.maze.edibles())
    graph = world.graph
    for tile in world.edibles:
        world.edible_flags[graph.index(tile.col, tile.row)] = 1
    world.level_dots_eaten = 0
    world.global_counter_active, world.global_dot_counter = False, 0
    world.elroy, world.elroy_suspended = 0, False
    for ghost in world.ghosts:
        ghost.dot_counter = 0
    _reset_actors(world)
    events.append(Event.LEVEL_START)
    events.append(Event.READY)


# --- playing ----------------------------------------------------------------------------------


def _play(world: World, events: list[Event]) -> None:
    params = world.params
    if world.fright_steps > 0:
        world.fright_steps -= 1
        if world.fright_steps == 0:
            for ghost in world.ghosts:
                ghost.frightened = False  # no reversal when fright ends
            events.append(Event.FRIGHT_END)
        world.frightened_left = world.fright_steps * TICK
    else:
        _advance_mode_timer(world, events)
    _update_elroy(world)

    pac = world.pacman
    if pac.eat_pause > 0:
        pac.eat_pause -= 1
    else:
        apply_request(pac, world.graph)
        move_pacman(pac, world.graph, params.pac_fright_speed if world.fright_steps else params.pac_speed)
        _eat(world, events)
        if world.phase is not Phase.PLAYING:
            return
    if _collide(world, events):
        return
    for ghost in world.ghosts:
        move_ghost(world, ghost)
    if _collide(world, events):
        return

    world.idle_steps += 1
    _release_ghosts(world)
    if world.fruit is not None:
        world.fruit.time_left -= TICK
        if world.fruit.time_left <= 0.0:
            world.fruit = None
            events.append(Event.FRUIT_GONE)


def _advance_mode_timer(world: World, events: list[Event]) -> None:
    duration = world.params.schedule[world.mode_index]
    if duration is None:
        return
    world.mode_steps += 1
    if world.mode_steps < duration:
        return
    world.mode_index += 1
    world.mode_steps = 0
    world.mode = GhostMode.SCATTER if world.mode_index % 2 == 0 else GhostMode.CHASE
    for ghost in world.ghosts:
        if ghost.mode is GhostMode.SCATTER or ghost.mode is GhostMode.CHASE:
            ghost.mode = world.mode
            ghost.reverse_pending = True
        elif ghost.mode is GhostMode.IN_HOUSE or ghost.mode is GhostMode.LEAVING:
            ghost.reverse_on_exit = True
    events.append(Event.MODE_CHANGE)


def _update_elroy(world: World) -> None:
    if world.elroy_suspended:
        world.elroy = 0
        return
    left = len(world.edibles)
    params = world.params
    world.elroy = 2 if left <= params.elroy2_dots else 1 if left <= params.elroy1_dots else 0


def _eat(world: World, events: list[Event]) -> None:
    pac = world.pacman
    graph = world.graph
    col, row = math.floor(pac.x), math.floor(pac.y)
    index = graph.index(col, row)
    if world.edible_flags[index]:
        world.edible_flags[index] = 0
        world.edibles.discard(Tile(col, row))
        energizer = world.maze.cells[row][col] is Cell.ENERGIZER
        if energizer:
            pac.eat_pause = levels.ENERGIZER_PAUSE_STEPS
            _add_score(world, levels.ENERGIZER_POINTS, events)
            _frighten(world)
            events.append(Event.ENERGIZER)
        else:
            pac.eat_pause = levels.DOT_PAUSE_STEPS
            _add_score(world, levels.DOT_POINTS, events)
            events.append(Event.DOT)
        world.counters.dots_eaten += 1
        world.level_dots_eaten += 1
        world.idle_steps = 0
        _count_house_dot(world)
        if world.level_dots_eaten in levels.FRUIT_DOTS:
            kind = world.params.fruit
            world.fruit = Fruit(kind.name, kind.points, *FRUIT_SPOT, levels.FRUIT_SECONDS)
            events.append(Event.FRUIT_SHOWN)
        if not world.edibles:
            world.counters.levels_cleared += 1
            _set_phase(world, Phase.LEVEL_COMPLETE)
            events.append(Event.LEVEL_COMPLETE)
            return
    fruit = world.fruit
    if fruit is not None and row == _FRUIT_ROW and col in _FRUIT_COLS:
        world.fruit = None
        world.counters.fruits_eaten += 1
        _add_score(world, fruit.points, events)
        world.popups.append(Popup(fruit.points, fruit.x, fruit.y, levels.FRUIT_POPUP_SECONDS))
        events.append(Event.FRUIT_EATEN)


def _add_score(world: World, points: int, events: list[Event]) -> None:
    world.score += points
    if not world.extra_life_awarded and world.score >= levels.EXTRA_LIFE_SCORE:
        world.extra_life_awarded = True
        world.lives += 1
        events.append(Event.EXTRA_LIFE)


def _frighten(world: World) -> None:
    """An energizer: ghosts outside reverse; with frightened time they (and those at home) turn blue."""
    params = world.params
    world.ghost_chain = 0
    world.fright_steps = params.fright_steps
    world.frightened_left = params.fright_steps * TICK
    world.flash_frames = params.flash_steps
    for ghost in world.ghosts:
        mode = ghost.mode
        if mode is GhostMode.SCATTER or mode is GhostMode.CHASE:
            ghost.reverse_pending = True
        if params.fright_steps and mode is not GhostMode.EYES and mode is not GhostMode.ENTERING:
            ghost.frightened = True


def _collide(world: World, events: list[Event]) -> bool:
    """Pac-Man meets a ghost on the same tile: eat it (frightened) or die. True if the phase changed."""
    pac = world.pacman
    col, row = math.floor(pac.x), math.floor(pac.y)
    for ghost in world.ghosts:
        mode = ghost.mode
        if mode is GhostMode.EYES or mode is GhostMode.ENTERING or mode is GhostMode.IN_HOUSE:
            continue
        if math.floor(ghost.y) != row or math.floor(ghost.x) != col:
            continue
        if ghost.frightened:
            _eat_ghost(world, ghost, events)
        else:
            world.counters.lives_lost += 1
            _set_phase(world, Phase.DYING)
            events.append(Event.DEATH)
        return True
    return False


def _eat_ghost(world: World, ghost: Ghost, events: list[Event]) -> None:
    points = levels.GHOST_POINTS[min(world.ghost_chain, len(levels.GHOST_POINTS) - 1)]
    world.ghost_chain += 1
    world.counters.ghosts_eaten += 1
    _add_score(world, points, events)
    ghost.mode = GhostMode.EYES
    ghost.frightened = ghost.reverse_pending = False  # eyes are exempt from forced reversals
    world.eaten_ghost = ghost.name
    world.popups.append(Popup(points, ghost.x, ghost.y, levels.GHOST_POPUP_SECONDS))
    _set_phase(world, Phase.GHOST_EATEN)
    events.append(Event.GHOST_EATEN)


# --- the ghost house --------------------------------------------------------------------------


def _first_waiting(world: World) -> Ghost | None:
    """The first ghost still waiting in the house, in release order (Pinky, Inky, Clyde)."""
    for ghost in world.ghosts[1:]:
        if ghost.mode is GhostMode.IN_HOUSE:
            return ghost
    return None


def _count_house_dot(world: World) -> None:
    if world.global_counter_active:
        world.global_dot_counter += 1
        return
    first = _first_waiting(world)
    if first is not None:
        first.dot_counter += 1  # only the first ghost still inside counts


def _release(world: World, ghost: Ghost) -> None:
    ghost.mode = GhostMode.LEAVING
    if ghost.name is GhostName.CLYDE:
        world.elroy_suspended = False


def _release_ghosts(world: World) -> None:
    first = _first_waiting(world)
    if first is None:
        world.idle_steps = 0
        return
    house = world.ghosts[1:]
    if world.global_counter_active:
        # After a death: Pinky leaves when the shared count is 7, Inky at 17. At 32 the arcade does
        # not release Clyde: if he is inside, the shared counter is reset and switched off and the
        # personal counters (kept from before the death) apply again, Clyde's included. On level 3+
        # his limit is 0, so he leaves at 32 as the Dossier's summary says; on levels 1-2 (limits
        # 60 and 50) he leaves when his own counter gets there (or on the no-dot timer). We follow
        # the arcade code and the Dossier's detailed paragraph, not the summary ("Clyde at 32").
        # If Clyde is already out at 32, the shared counter keeps running for the rest of the life.
        count = world.global_dot_counter
        pinky_limit, inky_limit, clyde_limit = levels.GLOBAL_RELEASE_DOTS
        pinky, inky, clyde = house
        if count == pinky_limit and pinky.mode is GhostMode.IN_HOUSE:
            _release(world, pinky)
        elif count == inky_limit and inky.mode is GhostMode.IN_HOUSE:
            _release(world, inky)
        elif count == clyde_limit and clyde.mode is GhostMode.IN_HOUSE:
            world.global_counter_active, world.global_dot_counter = False, 0
    first = _first_waiting(world)
    if first is not None and not world.global_counter_active:
        limit = world.params.release_limits[house.index(first)]
        if first.dot_counter >= limit:
            _release(world, first)
    if world.idle_steps >= world.params.idle_release_steps:
        # Pac-Man has not eaten for a while: push the next ghost out and restart the timer.
        world.idle_steps = 0
        waiting = _first_waiting(world)
        if waiting is not None:
            _release(world, waiting)


def _age_popups(world: World) -> None:
    for popup in world.popups:
        popup.time_left -= TICK
    world.popups[:] = [p for p in world.popups if p.time_left > 0.0]


__all__ = ["STEPS_PER_SECOND", "TICK", "new_world", "step"]
