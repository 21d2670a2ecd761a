"""Per-level numbers match the rules reference's tables."""

from __future__ import annotations

import pytest

from game.core.levels import FULL_SPEED_TILES_PER_S, STEPS_PER_SECOND, level_params


def pct(speed_per_step: float) -> float:
    """A speed in tiles per step as a percentage of full speed."""
    return speed_per_step * STEPS_PER_SECOND / FULL_SPEED_TILES_PER_S * 100.0


def test_full_speed_in_tiles_per_second() -> None:
    assert pytest.approx(9.4697, abs=1e-4) == FULL_SPEED_TILES_PER_S


@pytest.mark.parametrize(
    ("level", "pac", "pac_fright", "ghost", "ghost_fright", "tunnel"),
    [(1, 80, 90, 75, 50, 40), (3, 90, 95, 85, 55, 45), (12, 100, 100, 95, 60, 50), (25, 90, 90, 95, 60, 50)],
)
def test_speed_bands(
    level: int, pac: int, pac_fright: int, ghost: int, ghost_fright: int, tunnel: int
) -> None:
    p = level_params(level)
    got = [
        pct(s)
        for s in (p.pac_speed, p.pac_fright_speed, p.ghost_speed, p.ghost_fright_speed, p.ghost_tunnel_speed)
    ]
    assert got == pytest.approx([pac, pac_fright, ghost, ghost_fright, tunnel])


@pytest.mark.parametrize(
    ("level", "seconds", "flashes"), [(1, 6, 5), (2, 5, 5), (9, 1, 3), (17, 0, 0), (19, 0, 0)]
)
def test_frightened_time_and_flashes(level: int, seconds: int, flashes: int) -> None:
    p = level_params(level)
    assert p.fright_steps == seconds * STEPS_PER_SECOND
    assert p.flash_steps == flashes * 28


@pytest.mark.parametrize(
    ("level", "e1", "elroy_speeds"),
    [(1, 20, (80, 85)), (2, 30, (90, 95)), (5, 40, (100, 105)), (19, 120, (100, 105))],
)
def test_cruise_elroy(level: int, e1: int, elroy_speeds: tuple[int, int]) -> None:
    p = level_params(level)
    assert (p.elroy1_dots, p.elroy2_dots) == (e1, e1 // 2)
    assert (pct(p.elroy1_speed), pct(p.elroy2_speed)) == pytest.approx(elroy_speeds)


@pytest.mark.parametrize(
    ("level", "limits", "idle_s"),
    [(1, (0, 30, 60), 4), (2, (0, 0, 50), 4), (3, (0, 0, 0), 4), (5, (0, 0, 0), 3)],
)
def test_house_release_limits(level: int, limits: tuple[int, int, int], idle_s: int) -> None:
    p = level_params(level)
    assert p.release_limits == limits
    assert p.idle_release_steps == idle_s * STEPS_PER_SECOND


@pytest.mark.parametrize(
    ("level", "name", "points"),
    [(1, "cherry", 100), (2, "strawberry", 300), (4, "peach", 500), (6, "apple", 700), (13, "key", 5000)],
)
def test_fruit_per_level(level: int, name: str, points: int) -> None:
    assert (level_params(level).fruit.name, level_params(level).fruit.points) == (name, points)


def test_mode_schedules_in_seconds() -> None:
    def seconds(level: int) -> list[float | None]:
        return [None if s is None else s / STEPS_PER_SECOND for s in level_params(level).schedule]

    assert seconds(1) == [7, 20, 7, 20, 5, 20, 5, None]
    assert seconds(3) == [7, 20, 7, 20, 5, 1033, 1 / 60, None]
    assert seconds(5) == [5, 20, 5, 20, 5, 1037, 1 / 60, None]


def test_level_zero_is_rejected() -> None:
    with pytest.raises(ValueError, match="level"):
        level_params(0)
