"""Pac-Man's movement: the buffered request, instant reversal, cornering, stopping at walls, the tunnel.

The arcade lets Pac-Man turn a few pixels before or after a tile centre ("cornering") and then
moves him diagonally back onto the new lane; here a perpendicular request is accepted within
``TURN_WINDOW`` tiles of the centre and the cross axis drifts back by the same distance he moves
along the lane each step. A request that is not possible yet stays buffered; it never stops him.
"""

from __future__ import annotations

import math

from game.core.graph import DIR_INDEX, MazeGraph
from game.core.state import PacMan

#: How far from a tile centre (in tiles, ~3.6 arcade px) a perpendicular turn is still accepted.
TURN_WINDOW = 0.45


def _offset_along(pac: PacMan) -> float:
    """Signed distance past the current tile's centre along his direction (< 0: not there yet)."""
    d = pac.direction
    if d.dy == 0:
        return (pac.x - math.floor(pac.x) - 0.5) * d.dx
    return (pac.y - math.floor(pac.y) - 0.5) * d.dy


def apply_request(pac: PacMan, graph: MazeGraph) -> None:
    """Turn Pac-Man to his buffered request if that is possible right now; keep it buffered if not."""
    request = pac.requested
    if request is None or request is pac.direction:
        return
    index = graph.index(math.floor(pac.x), math.floor(pac.y))
    open_that_way = graph.neighbours[index][DIR_INDEX[request]] >= 0
    if request is pac.direction.opposite:
        # Between centres the way back is always open; on a centre it depends on the tile behind.
        if open_that_way or _offset_along(pac) != 0.0:
            pac.direction = request
            pac.moving = True
        return
    if open_that_way and abs(_offset_along(pac)) <= TURN_WINDOW:
        pac.direction = request
        pac.moving = True


def move_pacman(pac: PacMan, graph: MazeGraph, distance: float) -> None:
    """Move ``distance`` tiles: drift onto the lane, run to each centre, stop at walls, wrap the tunnel.

    In the tunnel he runs on over the off-screen tiles before coming back on the other side.
    """
    d = pac.direction
    if d.dy == 0:
        lane = math.floor(pac.y) + 0.5
        gap = lane - pac.y
        if gap:
            pac.y = lane if abs(gap) <= distance else pac.y + math.copysign(distance, gap)
    else:
        lane = math.floor(pac.x) + 0.5
        gap = lane - pac.x
        if gap:
            pac.x = lane if abs(gap) <= distance else pac.x + math.copysign(distance, gap)

    remaining = distance
    while remaining > 0.0:
        d = pac.direction
        col, row = math.floor(pac.x), math.floor(pac.y)
        offset = _offset_along(pac)
        if offset >= 0.0 and graph.neighbours[graph.index(col, row)][DIR_INDEX[d]] < 0:
            # A wall ahead: stop on the centre, still facing it.
            pac.x, pac.y = col + 0.5, row + 0.5
            pac.moving = False
            return
        to_centre = -offset if offset < 0.0 else 1.0 - offset
        travel = min(remaining, to_centre)
        pac.x += d.dx * travel
        pac.y += d.dy * travel
        pac.distance += travel
        remaining -= travel
        if travel == to_centre:
            # Snap onto the centre exactly so that "on a centre" tests stay exact.
            if d.dy == 0:
                pac.x = _snap(pac.x)
            else:
                pac.y = _snap(pac.y)
            pac.x = graph.wrap_x(pac.x)
            # A buffered turn takes effect on this centre, not a step late.
            apply_request(pac, graph)
    pac.x = graph.wrap_x(pac.x)
    pac.moving = True


def _snap(coord: float) -> float:
    """The tile centre nearest to ``coord`` (which is within rounding error of one)."""
    return math.floor(coord) + 0.5
