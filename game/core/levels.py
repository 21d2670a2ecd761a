"""Per-level numbers from the arcade: speeds, frightened time, mode schedule, fruit, release limits.

Everything the rules need for one level is gathered in a frozen ``LevelParams`` built once when the
level starts, so the per-step code reads plain attributes instead of looking tables up. Speeds are
stored in tiles per fixed step; timers in whole steps, because counting frames keeps every timer
exact (summing 1/60 s floats would drift by a frame over a level).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: Steps per second of the fixed-timestep simulation.
STEPS_PER_SECOND = 60
TICK = 1.0 / STEPS_PER_SECOND
#: 100% speed: 1.25 arcade px per frame at 60.606 Hz, in tiles per second.
FULL_SPEED_TILES_PER_S = 1.25 * 60.606 / 8.0

#: Steps of Pac-Man's pause after eating a dot / an energizer (gives the "+dots" speeds).
DOT_PAUSE_STEPS = 1
ENERGIZER_PAUSE_STEPS = 3
#: One flash of a frightened ghost: 14 white + 14 blue frames.
FLASH_STEPS = 28
#: Dots eaten (energizers included) at which the fruit appears, and how long it stays.
FRUIT_DOTS = (70, 170)
FRUIT_SECONDS = 9.5
EXTRA_LIFE_SCORE = 10_000
GHOST_POINTS = (200, 400, 800, 1600)
DOT_POINTS = 10
ENERGIZER_POINTS = 50
#: Global dot counter used after a death: Pinky, Inky, Clyde leave at these counts.
GLOBAL_RELEASE_DOTS = (7, 17, 32)

# Percentages of full speed: (pac, pac frightened, ghost, ghost frightened, ghost tunnel).
_SPEEDS_L1 = (80, 90, 75, 50, 40)
_SPEEDS_L2_4 = (90, 95, 85, 55, 45)
_SPEEDS_L5_20 = (100, 100, 95, 60, 50)
_SPEEDS_L21 = (90, 90, 95, 60, 50)  # no frightened time from level 19 on, so the fright speeds never apply
#: Eaten ghosts (eyes) are not documented; clones use 1.5-2 px/frame.
EYES_SPEED_PCT = 150

_FRIGHT_SECONDS = (6, 5, 4, 3, 2, 5, 2, 2, 1, 5, 2, 1, 1, 3, 1, 1, 0, 1)
_FRIGHT_FLASHES = (5, 5, 5, 5, 5, 5, 5, 5, 3, 5, 5, 3, 3, 5, 3, 3, 0, 3)

# Scatter/chase phase lengths in seconds; None = forever (the last chase).
_SCHEDULE_L1 = (7.0, 20.0, 7.0, 20.0, 5.0, 20.0, 5.0, None)
_SCHEDULE_L2_4 = (7.0, 20.0, 7.0, 20.0, 5.0, 1033.0, 1.0 / 60.0, None)
_SCHEDULE_L5 = (5.0, 20.0, 5.0, 20.0, 5.0, 1037.0, 1.0 / 60.0, None)


@dataclass(frozen=True)
class FruitKind:
    name: str
    points: int


_FRUITS = (
    FruitKind("cherry", 100),
    FruitKind("strawberry", 300),
    FruitKind("peach", 500),
    FruitKind("peach", 500),
    FruitKind("apple", 700),
    FruitKind("apple", 700),
    FruitKind("grapes", 1000),
    FruitKind("grapes", 1000),
    FruitKind("galaxian", 2000),
    FruitKind("galaxian", 2000),
    FruitKind("bell", 3000),
    FruitKind("bell", 3000),
)
_KEY = FruitKind("key", 5000)


@dataclass(frozen=True)
class LevelParams:
    """The rules' numbers for one level. Speeds in tiles per step, durations in steps."""

    level: int
    pac_speed: float
    pac_fright_speed: float
    ghost_speed: float
    ghost_fright_speed: float
    ghost_tunnel_speed: float
    elroy1_speed: float
    elroy2_speed: float
    eyes_speed: float
    #: Cruise Elroy 1 starts at this many edibles left; Elroy 2 at half of it.
    elroy1_dots: int
    fright_steps: int
    flash_steps: int
    #: Step lengths of scatter, chase, scatter, ...; None = this phase never ends.
    schedule: tuple[int | None, ...]
    #: Personal dot limits for Pinky, Inky, Clyde.
    release_limits: tuple[int, int, int]
    idle_release_steps: int
    fruit: FruitKind

    @property
    def elroy2_dots(self) -> int:
        return self.elroy1_dots // 2


def _per_step(percent: float) -> float:
    return percent / 100.0 * FULL_SPEED_TILES_PER_S / STEPS_PER_SECOND


def _steps(seconds: float) -> int:
    return max(1, round(seconds * STEPS_PER_SECOND))


def _elroy1_dots(level: int) -> int:
    for last_level, dots in ((1, 20), (2, 30), (5, 40), (8, 50), (11, 60), (14, 80), (18, 100)):
        if level <= last_level:
            return dots
    return 120


@lru_cache(maxsize=32)
def level_params(level: int) -> LevelParams:
    """The numbers for ``level`` (1-based; levels past 21 repeat level 21)."""
    if level < 1:
        raise ValueError(f"level must be >= 1, got {level}")
    if level == 1:
        speeds, elroy = _SPEEDS_L1, (80, 85)
    elif level <= 4:
        speeds, elroy = _SPEEDS_L2_4, (90, 95)
    elif level <= 20:
        speeds, elroy = _SPEEDS_L5_20, (100, 105)
    else:
        speeds, elroy = _SPEEDS_L21, (100, 105)
    pac, pac_fright, ghost, ghost_fright, tunnel = speeds
    fright_s = _FRIGHT_SECONDS[level - 1] if level <= len(_FRIGHT_SECONDS) else 0
    flashes = _FRIGHT_FLASHES[level - 1] if level <= len(_FRIGHT_FLASHES) else 0
    schedule_s = _SCHEDULE_L1 if level == 1 else _SCHEDULE_L2_4 if level <= 4 else _SCHEDULE_L5
    return LevelParams(
        level=level,
        pac_speed=_per_step(pac),
        pac_fright_speed=_per_step(pac_fright),
        ghost_speed=_per_step(ghost),
        ghost_fright_speed=_per_step(ghost_fright),
        ghost_tunnel_speed=_per_step(tunnel),
        elroy1_speed=_per_step(elroy[0]),
        elroy2_speed=_per_step(elroy[1]),
        eyes_speed=_per_step(EYES_SPEED_PCT),
        elroy1_dots=_elroy1_dots(level),
        fright_steps=fright_s * STEPS_PER_SECOND,
        flash_steps=flashes * FLASH_STEPS,
        schedule=tuple(None if s is None else _steps(s) for s in schedule_s),
        release_limits=(0, 30 if level == 1 else 0, 60 if level == 1 else 50 if level == 2 else 0),
        idle_release_steps=(4 if level <= 4 else 3) * STEPS_PER_SECOND,
        fruit=_FRUITS[level - 1] if level <= len(_FRUITS) else _KEY,
    )


#: Pauses of the game's phases, in steps (lengths from clones of the arcade game).
READY_STEPS = 2 * STEPS_PER_SECOND
#: The game's first READY! lasts as long as the start tune, as in the arcade (about 4.2 s): the
#: actors move when the tune ends. READY! after a death or on a new level is ``READY_STEPS``.
FIRST_READY_STEPS = round(4.2 * STEPS_PER_SECOND)
GHOST_EATEN_STEPS = 1 * STEPS_PER_SECOND
DEATH_FREEZE_STEPS = 1 * STEPS_PER_SECOND
DEATH_ANIMATION_STEPS = round(2.5 * STEPS_PER_SECOND)
LEVEL_FLASH_STEPS = 2 * STEPS_PER_SECOND
GHOST_POPUP_SECONDS = 1.0
FRUIT_POPUP_SECONDS = 2.0
