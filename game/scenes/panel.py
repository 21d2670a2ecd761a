"""The side panel contract: what the play scene asks of whatever fills the 160-pixel column on the right.

A scene-level contract (a panel may handle keys and pause the game), so it lives with the scenes;
the panels draw with ``game.render``.

The keyboard help panel and the gesture HUD both implement it. A panel can freeze the game
(``pause_reason``, e.g. the camera is lost), hold it quietly while it gets ready (``waiting``, e.g.
the gesture model is loading: the panel itself shows that, nothing is drawn over the maze) or show a
non-blocking message over the maze (``banner``).
"""

from __future__ import annotations

from typing import Protocol

import pygame


class SidePanel(Protocol):
    def update(self, dt: float) -> None:
        """Advance the panel's own animations and readings by ``dt`` seconds of wall time."""
        ...

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Draw inside ``rect`` (window pixels); must not change game state."""
        ...

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Return True when the panel used the event and the scene should ignore it."""
        ...

    def pause_reason(self) -> str | None:
        """A reason the world must not advance (shown as a banner), or None to play on."""
        ...

    def waiting(self) -> bool:
        """True while the world must wait for the panel, which shows why (no banner over the maze)."""
        ...

    def banner(self) -> str | None:
        """A short message drawn over the maze without pausing, or None."""
        ...
