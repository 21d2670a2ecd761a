"""Arrow keys and WASD as an input source.

A key press is latched until the next ``poll`` (so a tap shorter than a game step still counts),
and a held key keeps asking for its direction; the most recently pressed key wins. When no
direction key is down, the keyboard says "keep going" (``Intent(None)``): the rules keep the last
request buffered, so a tap is enough to steer, and other sources (gestures) take over while the
keyboard is idle.
"""

from __future__ import annotations

import pygame

from game.core.state import World
from game.core.types import Direction, Intent

KEY_DIRECTIONS: dict[int, Direction] = {
    pygame.K_UP: Direction.UP,
    pygame.K_DOWN: Direction.DOWN,
    pygame.K_LEFT: Direction.LEFT,
    pygame.K_RIGHT: Direction.RIGHT,
    pygame.K_w: Direction.UP,
    pygame.K_s: Direction.DOWN,
    pygame.K_a: Direction.LEFT,
    pygame.K_d: Direction.RIGHT,
}


class KeyboardInput:
    """An ``InputSource`` fed with pygame key events by the scene."""

    SOURCE = "keyboard"

    def __init__(self) -> None:
        #: Direction keys held down, oldest first.
        self._held: list[int] = []
        #: A press not yet seen by ``poll``.
        self._latched: Direction | None = None

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Track direction keys; return True when the event was one of them."""
        if event.type not in (pygame.KEYDOWN, pygame.KEYUP):
            return False
        direction = KEY_DIRECTIONS.get(event.key)
        if direction is None:
            return False
        if event.key in self._held:
            self._held.remove(event.key)
        if event.type == pygame.KEYDOWN:
            self._held.append(event.key)
            self._latched = direction
        return True

    def release_all(self) -> None:
        """Forget held keys (the window lost focus, or the scene was left)."""
        self._held.clear()
        self._latched = None

    @property
    def active(self) -> bool:
        """A direction key is held or a press is waiting to be polled."""
        return bool(self._held) or self._latched is not None

    def poll(self, world: World) -> Intent:
        if self._latched is not None:
            direction, self._latched = self._latched, None
            return Intent(direction, self.SOURCE)
        if self._held:
            return Intent(KEY_DIRECTIONS[self._held[-1]], self.SOURCE)
        return Intent(None, self.SOURCE)
