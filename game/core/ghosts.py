"""Ghost behaviour: targets, steering at tile centres, speeds, and the trips in and out of the house.

Outside the house a ghost runs from tile centre to tile centre and picks its next direction on
each centre (the "decide at the current tile's centre" form of the arcade rule). A forced
reversal (scatter/chase switch, energizer) waits until the ghost enters its next tile: it turns
around on that tile's edge, so ghosts turn one by one as in the arcade. Inside, it
follows fixed waypoints: bobbing while it waits, out through the door when released, and in
through the door as eyes before it revives. A revived ghost leaves at once, except that after a
death, while the global dot counter runs, Pinky, Inky and Clyde wait for it (or the no-dot timer)
as the arcade's code makes them; a short rules summary says "leave at once" (README, "What it is").
"""

from __future__ import annotations

import math

from game.core.graph import DIR_INDEX
from game.core.state import Ghost, GhostMode, GhostName, World
from game.core.types import Direction

# House geometry of the arcade maze (tile units).
DOOR_X = 14.0
EXIT_Y = 11.5
HOUSE_Y = 14.5
BOB_TOP = 14.0
BOB_BOTTOM = 15.0
HOME_X: dict[GhostName, float] = {
    GhostName.BLINKY: 14.0,
    GhostName.PINKY: 14.0,
    GhostName.INKY: 12.0,
    GhostName.CLYDE: 16.0,
}
SCATTER_TARGET: dict[GhostName, tuple[int, int]] = {
    GhostName.BLINKY: (25, -3),
    GhostName.PINKY: (2, -3),
    GhostName.INKY: (27, 32),
    GhostName.CLYDE: (0, 32),
}
#: Eyes head for the tile above the left door tile; either tile above the door starts the sinking.
EYES_TARGET = (13, 11)
_EYES_ENTRY_ROW = 11
_EYES_ENTRY_COLS = (13, 14)
CLYDE_SHY_RADIUS = 8

#: Frightened ghosts rotate clockwise from a random start until the way is legal.
_CLOCKWISE = (Direction.UP, Direction.RIGHT, Direction.DOWN, Direction.LEFT)


def pacman_tile(world: World) -> tuple[int, int]:
    """Pac-Man's tile; off-screen in the tunnel its column is below 0 or past the last one."""
    pac = world.pacman
    return math.floor(pac.x), math.floor(pac.y)


def ghost_tile(ghost: Ghost) -> tuple[int, int]:
    return math.floor(ghost.x), math.floor(ghost.y)


def _ahead(world: World, tiles: int) -> tuple[int, int]:
    """The tile ``tiles`` ahead of Pac-Man; facing up also ``tiles`` to the left (the arcade's overflow)."""
    col, row = pacman_tile(world)
    d = world.pacman.direction
    if d is Direction.UP:
        return col - tiles, row - tiles
    return col + d.dx * tiles, row + d.dy * tiles


def chase_target(world: World, ghost: Ghost) -> tuple[int, int]:
    name = ghost.name
    if name is GhostName.BLINKY:
        return pacman_tile(world)
    if name is GhostName.PINKY:
        return _ahead(world, 4)
    if name is GhostName.INKY:
        pivot_col, pivot_row = _ahead(world, 2)
        blinky_col, blinky_row = ghost_tile(world.ghosts[0])
        return 2 * pivot_col - blinky_col, 2 * pivot_row - blinky_row
    col, row = pacman_tile(world)
    own_col, own_row = ghost_tile(ghost)
    if (col - own_col) ** 2 + (row - own_row) ** 2 >= CLYDE_SHY_RADIUS**2:
        return col, row
    return SCATTER_TARGET[GhostName.CLYDE]


def target_tile(world: World, ghost: Ghost) -> tuple[int, int]:
    """Where ``ghost`` steers now (scatter, chase or eyes; frightened ghosts have no target)."""
    if ghost.mode is GhostMode.EYES:
        return EYES_TARGET
    if ghost.mode is GhostMode.CHASE or (ghost.name is GhostName.BLINKY and world.elroy > 0):
        return chase_target(world, ghost)
    return SCATTER_TARGET[ghost.name]


def choose_direction(world: World, ghost: Ghost, index: int) -> Direction:
    """The direction ``ghost`` takes from the tile centre at ``index`` (never the reverse if avoidable)."""
    graph = world.graph
    reverse = ghost.direction.opposite
    if ghost.frightened:
        links = graph.neighbours[index]
        start = world.rng.getrandbits(2)
        for turn in range(4):
            candidate = _CLOCKWISE[(start + turn) & 3]
            if candidate is not reverse and links[DIR_INDEX[candidate]] >= 0:
                return candidate
        return reverse
    target_col, target_row = target_tile(world, ghost)
    no_up = graph.no_up[index] and ghost.mode is not GhostMode.EYES
    best = reverse
    best_distance = math.inf
    for exit_ in graph.exits[index]:
        direction = exit_.direction
        if direction is reverse or (no_up and direction is Direction.UP):
            continue
        distance = (exit_.col - target_col) ** 2 + (exit_.row - target_row) ** 2
        # Exits come in U, L, D, R order, so "strictly less" keeps the arcade's tie-break.
        if distance < best_distance:
            best, best_distance = direction, distance
    return best


def ghost_speed(world: World, ghost: Ghost) -> float:
    """Tiles per step; priority eyes > tunnel > frightened > Elroy > normal (house trips at tunnel speed)."""
    params = world.params
    mode = ghost.mode
    if mode is GhostMode.EYES or mode is GhostMode.ENTERING:
        return params.eyes_speed
    if mode is GhostMode.IN_HOUSE or mode is GhostMode.LEAVING:
        return params.ghost_tunnel_speed
    graph = world.graph
    if graph.slow_zone[graph.index(math.floor(ghost.x), math.floor(ghost.y))]:
        return params.ghost_tunnel_speed
    if ghost.frightened:
        return params.ghost_fright_speed
    if ghost.name is GhostName.BLINKY and world.elroy:
        return params.elroy2_speed if world.elroy == 2 else params.elroy1_speed
    return params.ghost_speed


def move_ghost(world: World, ghost: Ghost) -> None:
    """Advance ``ghost`` by one step at its current speed."""
    distance = ghost_speed(world, ghost)
    mode = ghost.mode
    if mode is GhostMode.IN_HOUSE:
        _bob(ghost, distance)
    elif mode is GhostMode.LEAVING:
        _leave(world, ghost, distance)
    elif mode is GhostMode.ENTERING:
        _enter(world, ghost, distance)
    else:
        _run_maze(world, ghost, distance)


def _run_maze(world: World, ghost: Ghost, distance: float) -> None:
    graph = world.graph
    remaining = distance
    while remaining > 0.0:
        d = ghost.direction
        col, row = math.floor(ghost.x), math.floor(ghost.y)
        offset = (ghost.x - col - 0.5) * d.dx if d.dy == 0 else (ghost.y - row - 0.5) * d.dy
        to_centre = -offset if offset < 0.0 else 1.0 - offset
        if ghost.reverse_pending and offset >= 0.0:
            # A forced reversal takes effect as the ghost enters its next tile: it turns around on
            # the edge and heads back to the centre of the tile it came from.
            to_edge = 0.5 - offset
            if remaining < to_edge:
                ghost.x += d.dx * remaining
                ghost.y += d.dy * remaining
                break
            remaining -= to_edge
            if d.dy == 0:
                ghost.x = float(col + (d.dx > 0))
            else:
                ghost.y = float(row + (d.dy > 0))
            ghost.reverse_pending = False
            ghost.direction = d.opposite
            continue
        if remaining < to_centre:
            ghost.x += d.dx * remaining
            ghost.y += d.dy * remaining
            break
        remaining -= to_centre
        if d.dy == 0:
            ghost.x = graph.wrap_x(math.floor(ghost.x + d.dx * to_centre) + 0.5)
            col = math.floor(ghost.x)
        else:
            ghost.y = math.floor(ghost.y + d.dy * to_centre) + 0.5
            row = math.floor(ghost.y)
        if ghost.mode is GhostMode.EYES and row == _EYES_ENTRY_ROW and col in _EYES_ENTRY_COLS:
            ghost.mode = GhostMode.ENTERING
            return
        ghost.direction = choose_direction(world, ghost, graph.index(col, row))
    ghost.x = graph.wrap_x(ghost.x)


def _toward(ghost: Ghost, x: float, y: float, distance: float) -> bool:
    """Move straight toward (x, y) along one axis; True once there. The caller picks the axis order."""
    if ghost.x != x:
        gap = x - ghost.x
        ghost.direction = Direction.RIGHT if gap > 0 else Direction.LEFT
        ghost.x = x if abs(gap) <= distance else ghost.x + math.copysign(distance, gap)
    elif ghost.y != y:
        gap = y - ghost.y
        ghost.direction = Direction.DOWN if gap > 0 else Direction.UP
        ghost.y = y if abs(gap) <= distance else ghost.y + math.copysign(distance, gap)
    return ghost.x == x and ghost.y == y


def _bob(ghost: Ghost, distance: float) -> None:
    if ghost.direction is Direction.UP:
        ghost.y -= distance
        if ghost.y <= BOB_TOP:
            ghost.y, ghost.direction = BOB_TOP, Direction.DOWN
    else:
        ghost.y += distance
        if ghost.y >= BOB_BOTTOM:
            ghost.y, ghost.direction = BOB_BOTTOM, Direction.UP


def _leave(world: World, ghost: Ghost, distance: float) -> None:
    if ghost.x != DOOR_X:
        # Back to the middle row first, then sideways to the door's column.
        if ghost.y != HOUSE_Y:
            _toward(ghost, ghost.x, HOUSE_Y, distance)
        else:
            _toward(ghost, DOOR_X, HOUSE_Y, distance)
        return
    if _toward(ghost, DOOR_X, EXIT_Y, distance):
        ghost.mode = world.mode
        ghost.direction = Direction.RIGHT if ghost.reverse_on_exit else Direction.LEFT
        ghost.reverse_on_exit = False


def _enter(world: World, ghost: Ghost, distance: float) -> None:
    if ghost.y < HOUSE_Y:
        # Sideways onto the door's column, then down into the house.
        _toward(ghost, DOOR_X, HOUSE_Y, distance)
        return
    if _toward(ghost, ghost.home_x, HOUSE_Y, distance):
        # Revived: no longer frightened. Out again at once, except that while the global dot
        # counter (after a death) runs, Pinky, Inky and Clyde wait in the house like the others
        # until that counter or the no-dot timer lets them out, as in the arcade.
        ghost.frightened = False
        ghost.reverse_on_exit = False
        if world.global_counter_active and ghost.name is not GhostName.BLINKY:
            ghost.mode = GhostMode.IN_HOUSE
            ghost.direction = Direction.UP
        else:
            ghost.mode = GhostMode.LEAVING
