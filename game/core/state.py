"""The state of a game in progress, as plain dataclasses the renderer reads and ``step`` advances.

Positions are in tile units with the origin at the playfield's top-left: an actor centred in
tile (c, r) is at (c + 0.5, r + 0.5). In the side tunnel x runs on off-screen, from -2 to 30 on
the arcade maze (see ``game.core.graph``), so it can be negative: tiles are floor(x), not int(x).
The renderer reads these fields and never writes them.
``game.core.world`` creates a ``World`` (``new_world``) and advances it (``step``). Fields after
``counters`` are the rules' own bookkeeping: timers in whole 60 Hz steps so they stay exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import Enum

from game.core.graph import MazeGraph, maze_graph
from game.core.levels import LevelParams, level_params
from game.core.maze import Maze
from game.core.types import Direction, Tile


class GhostName(Enum):
    BLINKY = "blinky"
    PINKY = "pinky"
    INKY = "inky"
    CLYDE = "clyde"


class GhostMode(Enum):
    """What a ghost is doing. FRIGHTENED is a flag on top of SCATTER/CHASE, see ``Ghost.frightened``."""

    SCATTER = "scatter"
    CHASE = "chase"
    EYES = "eyes"  # eaten: eyes travel back to the house
    ENTERING = "entering"  # eyes sinking into the house
    IN_HOUSE = "in_house"  # waiting (bobbing) to be released
    LEAVING = "leaving"  # moving up and out through the door


class Phase(Enum):
    """The game's top-level state; only PLAYING moves the actors."""

    READY = "ready"  # "READY!" shown, actors still
    PLAYING = "playing"
    GHOST_EATEN = "ghost_eaten"  # short freeze showing the points for an eaten ghost
    DYING = "dying"  # freeze, then the death animation
    LEVEL_COMPLETE = "level_complete"  # maze flashes before the next level
    GAME_OVER = "game_over"


@dataclass
class PacMan:
    x: float
    y: float
    direction: Direction = Direction.LEFT
    moving: bool = False
    #: Distance travelled in tiles, for the mouth animation.
    distance: float = 0.0
    #: Frames left in the pause after eating a dot (1) or an energizer (3).
    eat_pause: int = 0
    #: The buffered request: applied as soon as it is possible, kept until replaced.
    requested: Direction | None = None

    @property
    def tile(self) -> Tile:
        return Tile(int(self.x // 1), int(self.y // 1))


@dataclass
class Ghost:
    name: GhostName
    x: float
    y: float
    direction: Direction = Direction.LEFT
    mode: GhostMode = GhostMode.IN_HOUSE
    frightened: bool = False
    #: A forced reversal waiting to be applied: the ghost turns around when it enters its next tile.
    reverse_pending: bool = False
    dot_counter: int = 0
    #: Where the ghost waits inside the house (x); y is the house's middle row.
    home_x: float = 14.0
    #: The mode changed while the ghost was inside: it leaves the house to the right, not the left.
    reverse_on_exit: bool = False

    @property
    def tile(self) -> Tile:
        return Tile(int(self.x // 1), int(self.y // 1))


@dataclass
class Fruit:
    name: str
    points: int
    x: float
    y: float
    time_left: float


@dataclass
class Popup:
    """Points shown where a ghost or a fruit was eaten."""

    points: int
    x: float
    y: float
    time_left: float


@dataclass
class Counters:
    """Events counted over a game, for the demo report and tests."""

    dots_eaten: int = 0
    ghosts_eaten: int = 0
    fruits_eaten: int = 0
    levels_cleared: int = 0
    lives_lost: int = 0


@dataclass
class World:
    maze: Maze
    #: Frightened ghosts' random choices. Reseeded from ``seed`` at the start of every level and
    #: after every life, as the arcade resets its generator: the same moves give the same fright.
    rng: random.Random
    pacman: PacMan
    ghosts: list[Ghost]
    #: Dots and energizers not yet eaten this level.
    edibles: set[Tile]
    level: int = 1
    score: int = 0
    lives: int = 3  # including the Pac-Man in play
    phase: Phase = Phase.READY
    #: Seconds spent in the current phase.
    phase_time: float = 0.0
    #: Seconds of frightened time left (0 when not frightened).
    frightened_left: float = 0.0
    #: Frames of the frightened period that flash (white/blue), counted from its end.
    flash_frames: int = 0
    fruit: Fruit | None = None
    popups: list[Popup] = field(default_factory=list)
    extra_life_awarded: bool = False
    tick: int = 0
    counters: Counters = field(default_factory=Counters)
    #: Scatter or chase: the mode ghosts outside the house follow (frightened is on top of it).
    mode: GhostMode = GhostMode.SCATTER
    #: Which entry of the level's scatter/chase schedule runs, and steps spent in it.
    mode_index: int = 0
    mode_steps: int = 0
    #: Frightened steps left (``frightened_left`` in steps).
    fright_steps: int = 0
    #: Ghosts eaten since the last energizer (the next one scores GHOST_POINTS[ghost_chain]).
    ghost_chain: int = 0
    #: Edibles eaten this level (fruit appears at 70 and 170).
    level_dots_eaten: int = 0
    #: After a death the house uses one shared dot counter instead of the ghosts' own.
    global_counter_active: bool = False
    global_dot_counter: int = 0
    #: Steps since Pac-Man last ate; a long wait pushes the next ghost out of the house.
    idle_steps: int = 0
    #: Cruise Elroy stage of Blinky (0 = off, 1, 2); suspended after a death until Clyde leaves.
    elroy: int = 0
    elroy_suspended: bool = False
    #: Steps spent in the current phase (``phase_time`` in steps).
    phase_steps: int = 0
    #: The ghost just eaten, hidden while its points show (phase GHOST_EATEN).
    eaten_ghost: GhostName | None = None
    #: Per tile index: 1 while a dot or energizer is still there (mirrors ``edibles`` for fast lookup).
    edible_flags: bytearray = field(default_factory=bytearray)
    #: The game's seed: ``rng`` restarts from it at each level and life.
    seed: int = 0
    #: The level's numbers; refreshed by the rules when the level changes.
    params: LevelParams = field(init=False, repr=False)
    graph: MazeGraph = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.graph = maze_graph(self.maze)
        self.params = level_params(self.level)
        if not self.edible_flags:
            self.edible_flags = bytearray(self.graph.size)
            for tile in self.edibles:
                self.edible_flags[self.graph.index(tile.col, tile.row)] = 1
