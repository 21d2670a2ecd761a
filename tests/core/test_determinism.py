"""Same seed and same intents give the same game, step for step; different seeds give different games."""

from __future__ import annotations

import random

from game.core.snapshot import state_hash
from game.core.state import Phase
from game.core.types import Direction, Intent
from game.core.world import new_world, step
from game.input.autopilot import Autopilot

STEPS = 6000


def scripted_intents(seed: int, count: int) -> list[Intent]:
    """A fixed, jittery joystick: a new random request every few steps."""
    rng = random.Random(seed)
    intents = []
    current: Direction | None = None
    for _ in range(count):
        if rng.random() < 0.1:
            current = rng.choice(list(Direction))
        intents.append(Intent(current))
    return intents


def play_script(seed: int, intents: list[Intent]) -> str:
    world = new_world(seed)
    for intent in intents:
        step(world, intent)
    return state_hash(world)


def play_autopilot(seed: int) -> tuple[str, int]:
    world = new_world(seed)
    pilot = Autopilot(seed)
    for _ in range(STEPS):
        step(world, pilot.poll(world))
        if world.phase is Phase.GAME_OVER:
            break
    return state_hash(world), world.tick


def test_same_seed_and_intents_give_the_same_hash() -> None:
    intents = scripted_intents(11, STEPS)
    assert play_script(3, intents) == play_script(3, intents)


def test_different_seeds_differ() -> None:
    intents = scripted_intents(11, STEPS)
    assert play_script(3, intents) != play_script(4, intents)


def test_different_intents_differ() -> None:
    assert play_script(3, scripted_intents(11, STEPS)) != play_script(3, scripted_intents(12, STEPS))


def test_autopilot_games_are_reproducible() -> None:
    first, ticks = play_autopilot(5)
    assert ticks > 3000, "the run should be long enough to mean something"
    assert play_autopilot(5) == (first, ticks)
    assert play_autopilot(6)[0] != first


def test_hash_sees_small_changes() -> None:
    world = new_world(1)
    before = state_hash(world)
    world.pacman.x += 1e-9
    assert state_hash(world) != before
