"""The one interface every controller implements: given the world, say where Pac-Man should go."""

from __future__ import annotations

from typing import Protocol

from game.core.state import World
from game.core.types import Intent


class InputSource(Protocol):
    """Anything that steers Pac-Man: keyboard, gesture predictions, the autopilot, a replay."""

    def poll(self, world: World) -> Intent:
        """The intent for the next step; ``Intent(None)`` means "keep going"."""
        ...
