"""Keyboard intents: taps are latched until polled, held keys keep steering, the newest key wins."""

from __future__ import annotations

import pygame

from game.core.types import Direction, Intent
from game.core.world import new_world
from game.input.keyboard import KeyboardInput

WORLD = new_world(0)


def key(event_type: int, key_code: int) -> pygame.event.Event:
    return pygame.event.Event(event_type, key=key_code, mod=0, unicode="", scancode=0)


def test_no_key_means_keep_going() -> None:
    assert KeyboardInput().poll(WORLD) == Intent(None, "keyboard")


def test_a_tap_shorter_than_a_step_still_counts_once() -> None:
    keys = KeyboardInput()
    keys.handle_event(key(pygame.KEYDOWN, pygame.K_LEFT))
    keys.handle_event(key(pygame.KEYUP, pygame.K_LEFT))
    assert keys.poll(WORLD).direction is Direction.LEFT
    assert keys.poll(WORLD).direction is None


def test_a_held_key_keeps_asking_and_the_newest_key_wins() -> None:
    keys = KeyboardInput()
    keys.handle_event(key(pygame.KEYDOWN, pygame.K_UP))
    assert [keys.poll(WORLD).direction for _ in range(3)] == [Direction.UP] * 3
    keys.handle_event(key(pygame.KEYDOWN, pygame.K_d))
    assert keys.poll(WORLD).direction is Direction.RIGHT
    keys.handle_event(key(pygame.KEYUP, pygame.K_d))
    assert keys.poll(WORLD).direction is Direction.UP, "back to the key still held"
    keys.handle_event(key(pygame.KEYUP, pygame.K_UP))
    assert keys.poll(WORLD).direction is None


def test_wasd_and_arrows_map_to_the_four_directions() -> None:
    pairs = {
        pygame.K_w: Direction.UP, pygame.K_a: Direction.LEFT,
        pygame.K_s: Direction.DOWN, pygame.K_d: Direction.RIGHT,
        pygame.K_UP: Direction.UP, pygame.K_LEFT: Direction.LEFT,
        pygame.K_DOWN: Direction.DOWN, pygame.K_RIGHT: Direction.RIGHT,
    }  # fmt: skip
    for code, direction in pairs.items():
        keys = KeyboardInput()
        assert keys.handle_event(key(pygame.KEYDOWN, code))
        assert keys.poll(WORLD).direction is direction


def test_other_keys_are_not_taken_and_focus_loss_forgets_held_keys() -> None:
    keys = KeyboardInput()
    assert not keys.handle_event(key(pygame.KEYDOWN, pygame.K_p))
    keys.handle_event(key(pygame.KEYDOWN, pygame.K_UP))
    keys.release_all()
    assert keys.poll(WORLD).direction is None and not keys.active
