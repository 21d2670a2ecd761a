"""The autopilot: an ``InputSource`` that plays Pac-Man well enough for the demo and the benchmarks.

Each time Pac-Man reaches a new tile (and every few steps) it looks down each open direction with
a bounded breadth-first search. A tile counts only if Pac-Man gets there clearly before any
dangerous ghost could: his time is planned at 90% of his speed (eating pauses him), a ghost's
comes from walking distances that respect its no-reversal rule (plain maze distances just before
a scatter/chase switch, when every ghost reverses). A direction whose safe tiles run out within a
few tiles is a trap and is dropped. Among the rest it takes, in order: a frightened ghost it can
catch before the fright ends, an energizer when a ghost is close, the nearest dot, else the
direction with the deepest safe room. All choices are deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from game.core.ghosts import ghost_speed
from game.core.graph import floor_distances, ghost_walk_distances
from game.core.maze import Cell
from game.core.state import GhostMode, World
from game.core.types import TIE_BREAK_ORDER, Direction, Intent

#: Time in hand (steps) Pac-Man wants over every dangerous ghost on each tile of his path.
SAFETY_MARGIN_STEPS = 16.0
#: A move must lead at least this many tiles deep into safe tiles, or it is a trap.
ESCAPE_DEPTH = 10
#: Safe tiles deeper than this are not counted (nor searched once a dot is found).
SEARCH_HORIZON = 14
#: Plan with this fraction of Pac-Man's speed: dot pauses slow him down.
PLANNING_SPEED_FACTOR = 0.9
#: Treat ghosts as able to reverse when a scatter/chase switch is this close (steps).
REVERSAL_LOOKAHEAD_STEPS = 30
#: Danger time of a tile no ghost can reach.
NEVER = 1e9
#: A dangerous ghost this many steps away makes the nearest energizer worth taking.
THREAT_STEPS = 70.0
#: Time in hand needed to go after a frightened ghost before its fright ends.
HUNT_MARGIN_STEPS = 40.0
#: Re-plan at least this often, even within one tile, to react to ghosts turning.
REPLAN_STEPS = 6
_HOUSE_EXIT_TILE = (13, 11)
#: Steps a ghost still at home needs before it can be on the exit tile (up through the door).
_HOUSE_DELAY_STEPS = 40.0

_INTENTS = {d: Intent(d, source="autopilot") for d in Direction}
_KEEP_GOING = Intent(None, source="autopilot")


@dataclass(frozen=True)
class _Threat:
    """A ghost to keep away from: its distance row, speed (tiles/step), and a head start in steps."""

    distances: tuple[int, ...]
    speed: float
    delay: float
    #: Steps during which it is harmless (still frightened).
    harmless_for: float


class Autopilot:
    """Plays by itself; ``poll(world)`` returns the direction to take at the current tile."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._last_tile = -1
        self._since_plan = 0
        self._intent = _KEEP_GOING

    def poll(self, world: World) -> Intent:
        pac = world.pacman
        graph = world.graph
        here = graph.index(math.floor(pac.x), math.floor(pac.y))
        self._since_plan += 1
        if here != self._last_tile or self._since_plan >= REPLAN_STEPS or not pac.moving:
            self._last_tile = here
            self._since_plan = 0
            direction = self._plan(world, here)
            self._intent = _INTENTS[direction] if direction is not None else _KEEP_GOING
        return self._intent

    # --- planning -----------------------------------------------------------------------------

    def _threats(self, world: World) -> list[_Threat]:
        graph = world.graph
        params = world.params
        # Just before a scatter/chase switch every ghost outside reverses: then plain maze
        # distances (either way) are the honest ones.
        left_in_mode = params.schedule[world.mode_index]
        reversal_soon = (
            not world.fright_steps
            and left_in_mode is not None
            and left_in_mode - world.mode_steps < REVERSAL_LOOKAHEAD_STEPS
        )
        undirected = floor_distances(world.maze)
        threats: list[_Threat] = []
        for ghost in world.ghosts:
            mode = ghost.mode
            if mode is GhostMode.EYES or mode is GhostMode.ENTERING:
                continue
            if mode is GhostMode.IN_HOUSE or mode is GhostMode.LEAVING:
                index = graph.index(*_HOUSE_EXIT_TILE)
                heading = Direction.RIGHT if ghost.reverse_on_exit else Direction.LEFT
                delay = _HOUSE_DELAY_STEPS
                speed = params.ghost_speed
            else:
                index = graph.index(math.floor(ghost.x), math.floor(ghost.y))
                heading = ghost.direction
                delay = 0.0
                speed = ghost_speed(world, ghost)
                if not graph.floor[index]:
                    continue
            # A ghost with a forced reversal pending turns at its next tile edge: either way is open.
            turning = reversal_soon or ghost.reverse_pending
            walks = undirected[index] if turning else ghost_walk_distances(graph, index, heading)
            harmless = float(world.fright_steps) if ghost.frightened else 0.0
            threats.append(_Threat(walks, max(speed, params.ghost_tunnel_speed), delay, harmless))
        return threats

    def _plan(self, world: World, here: int) -> Direction | None:
        graph = world.graph
        if not graph.floor[here]:
            return None
        threats = self._threats(world)
        pac_speed = world.params.pac_fright_speed if world.fright_steps else world.params.pac_speed
        # Dot pauses slow him down; plan with a little less than his top speed.
        steps_per_tile = 1.0 / (pac_speed * PLANNING_SPEED_FACTOR)
        danger = _DangerMap(threats, len(world.edible_flags))
        threatened = danger.time(here) < THREAT_STEPS
        search = _Search(
            world=world,
            danger=danger,
            steps_per_tile=steps_per_tile,
            prey=self._prey(world),
            energizers_as_dots=len(world.edibles) <= 4,
        )
        options = [
            search.explore(here, direction, nxt)
            for direction in self._move_order(world)
            if (nxt := graph.neighbours[here][_DIR_SLOT[direction]]) >= 0
        ]
        if not options:
            return None
        best_reach = max(option.reach for option in options)
        if best_reach == 0:
            return self._least_bad(world, here, threats)
        viable = [option for option in options if option.reach >= min(ESCAPE_DEPTH, best_reach)]
        for wanted in (
            lambda o: o.prey_depth,
            lambda o: o.energizer_depth if threatened else None,
            lambda o: o.dot_depth,
        ):
            chosen = _nearest(viable, wanted)
            if chosen is not None:
                return chosen.direction
        return max(viable, key=lambda o: (o.reach, o.spare)).direction

    def _prey(self, world: World) -> dict[int, float]:
        """Tiles of frightened ghosts outside the house, with the fright steps left."""
        if not world.fright_steps:
            return {}
        graph = world.graph
        prey: dict[int, float] = {}
        for ghost in world.ghosts:
            if ghost.frightened and (ghost.mode is GhostMode.SCATTER or ghost.mode is GhostMode.CHASE):
                index = graph.index(math.floor(ghost.x), math.floor(ghost.y))
                if graph.floor[index]:
                    prey[index] = float(world.fright_steps)
        return prey

    def _move_order(self, world: World) -> list[Direction]:
        """Try the current direction first (no dithering between equal choices), then a seeded shuffle."""
        current = world.pacman.direction
        others = [d for d in TIE_BREAK_ORDER if d is not current]
        self._rng.shuffle(others)
        return [current, *others]

    def _least_bad(self, world: World, here: int, threats: list[_Threat]) -> Direction | None:
        """Surrounded: step to the open neighbour the ghosts need longest to reach."""
        graph = world.graph
        best: tuple[float, Direction] | None = None
        for direction in TIE_BREAK_ORDER:
            nxt = graph.neighbours[here][_DIR_SLOT[direction]]
            if nxt < 0:
                continue
            soonest = min(
                (t.delay + t.distances[nxt] / t.speed for t in threats if t.distances[nxt] >= 0),
                default=1e9,
            )
            if best is None or soonest > best[0]:
                best = (soonest, direction)
        return None if best is None else best[1]


_DIR_SLOT = {d: i for i, d in enumerate(TIE_BREAK_ORDER)}


class _DangerMap:
    """When the first dangerous ghost could be on each tile (steps from now), computed on demand."""

    def __init__(self, threats: list[_Threat], size: int) -> None:
        self._threats = threats
        self._times = [-1.0] * size

    def time(self, tile: int) -> float:
        known = self._times[tile]
        if known >= 0.0:
            return known
        soonest = NEVER
        for threat in self._threats:
            walk = threat.distances[tile]
            if walk < 0:
                continue
            # A blue ghost is only a danger once its fright is over.
            when = max(threat.delay + walk / threat.speed, threat.harmless_for)
            if when < soonest:
                soonest = when
        self._times[tile] = soonest
        return soonest


@dataclass(frozen=True)
class _Option:
    """What one first move leads to, within the tiles Pac-Man can reach ahead of the ghosts."""

    direction: Direction
    #: Deepest safe tile found (capped at the search horizon); 0 = the first tile is unsafe.
    reach: int
    #: Most time in hand over the ghosts on any safe tile.
    spare: float
    dot_depth: int | None
    energizer_depth: int | None
    prey_depth: int | None


@dataclass
class _Search:
    world: World
    danger: _DangerMap
    steps_per_tile: float
    prey: dict[int, float]
    energizers_as_dots: bool

    def explore(self, here: int, direction: Direction, first: int) -> _Option:
        """Breadth-first from ``first`` (never back through ``here``) over tiles reached before the ghosts."""
        graph = self.world.graph
        flags = self.world.edible_flags
        cells = self.world.maze.cells
        width = graph.width
        spt = self.steps_per_tile
        danger = self.danger
        if spt + SAFETY_MARGIN_STEPS >= danger.time(first):
            return _Option(direction, 0, danger.time(first) - spt, None, None, None)
        depth = {here: 0, first: 1}
        queue = deque([first])
        reach, spare = 1, danger.time(first) - spt
        dot = energizer = prey = None
        want_prey = bool(self.prey)
        while queue:
            tile = queue.popleft()
            level = depth[tile]
            arrive = level * spt
            reach = max(reach, min(level, SEARCH_HORIZON))
            spare = max(spare, danger.time(tile) - arrive)
            if want_prey and prey is None and self.prey.get(tile, 0.0) > arrive + HUNT_MARGIN_STEPS:
                prey = level
            if flags[tile]:
                if cells[tile // width][tile % width] is Cell.ENERGIZER:
                    if energizer is None:
                        energizer = level
                    if self.energizers_as_dots and dot is None:
                        dot = level
                elif dot is None:
                    dot = level
            if dot is not None and reach >= SEARCH_HORIZON and (not want_prey or prey is not None):
                break
            for nxt in graph.neighbours[tile]:
                if nxt < 0 or nxt in depth:
                    continue
                if (level + 1) * spt + SAFETY_MARGIN_STEPS >= danger.time(nxt):
                    continue
                depth[nxt] = level + 1
                queue.append(nxt)
        return _Option(direction, reach, spare, dot, energizer, prey)


def _nearest(options: list[_Option], depth_of: Callable[[_Option], int | None]) -> _Option | None:
    """The option with the smallest depth for ``depth_of`` (first one on ties), or None."""
    best: _Option | None = None
    best_depth = 0
    for option in options:
        depth = depth_of(option)
        if depth is not None and (best is None or depth < best_depth):
            best, best_depth = option, depth
    return best
