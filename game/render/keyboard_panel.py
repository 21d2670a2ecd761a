"""The side panel for keyboard play: the controls, the level and lives, and how to set up gestures."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pygame

from game.core.state import World
from game.render.layout import TILE, TOP_ROWS
from game.render.maze_art import edge_openings
from game.render.palette import PACMAN_YELLOW, PANEL_BG, PANEL_DIM, PANEL_TEXT, TEXT_CYAN, WALL_BLUE
from game.render.text import blit_text, wrap_words

CONTROLS = (
    ("Arrows / WASD", "steer"),
    ("P / Esc", "pause"),
    ("M", "sound on/off"),
    ("Q", "back to title"),  # "quit" when there is no title screen (``set_quits``)
    ("Enter", "new game (after game over)"),
)

QUIT_KEY = "Q"

#: The hint is wrapped at this many characters a line.
HINT_CHARS = 24


class KeyboardHelpPanel:
    """``SidePanel`` shown when no gesture panel is given; it never pauses the game."""

    def __init__(
        self,
        world: Callable[[], World],
        hint: str | None = None,
        *,
        title: str = "KEYBOARD PLAY",
        controls: Sequence[tuple[str, str]] = CONTROLS,
    ) -> None:
        self._world = world
        self._hint = hint
        self._title = title
        self._controls = tuple(controls)
        self._muted = False
        self._quits = False

    def set_muted(self, muted: bool) -> None:
        self._muted = muted

    def set_quits(self, quits: bool) -> None:
        """Q ends the program (the game was started without the title screen): say "quit"."""
        self._quits = quits

    def update(self, dt: float) -> None:
        pass

    def handle_event(self, event: pygame.event.Event) -> bool:
        return False

    def pause_reason(self) -> str | None:
        return None

    def waiting(self) -> bool:
        return False

    def banner(self) -> str | None:
        return None

    def _draw_frame(self, surface: pygame.Surface, rect: pygame.Rect, world: World, scale: int) -> None:
        """The blue line along the maze's edge, open in front of the tunnel so it is not closed off."""
        playfield_top = rect.y + TOP_ROWS * TILE * scale
        y = rect.top
        for top, bottom in edge_openings(world.maze):
            gap_top, gap_bottom = playfield_top + top * scale, playfield_top + bottom * scale
            if gap_top > y:
                pygame.draw.line(surface, WALL_BLUE, (rect.x, y), (rect.x, gap_top - 1), max(1, scale))
            y = max(y, gap_bottom)
        if y < rect.bottom:
            pygame.draw.line(surface, WALL_BLUE, (rect.x, y), (rect.x, rect.bottom - 1), max(1, scale))

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        scale = max(1, rect.width // 160)
        surface.fill(PANEL_BG, rect)
        world = self._world()
        self._draw_frame(surface, rect, world, scale)
        x = rect.x + 8 * scale
        y = rect.y + 10 * scale
        blit_text(surface, self._title, 7 * scale, PACMAN_YELLOW, (x, y))
        y += 16 * scale
        for label, value in (
            ("Level", str(world.level)),
            ("Lives", str(max(0, world.lives))),
            ("Score", str(world.score)),
        ):
            blit_text(surface, label, 5 * scale, PANEL_DIM, (x, y))
            blit_text(surface, value, 5 * scale, PANEL_TEXT, (rect.right - 8 * scale, y), "topright")
            y += 10 * scale
        y += 8 * scale
        if self._controls:
            blit_text(surface, "CONTROLS", 6 * scale, TEXT_CYAN, (x, y))
            y += 12 * scale
        for keys, action in self._controls:
            if keys == QUIT_KEY and self._quits:
                action = "quit"
            blit_text(surface, keys, 5 * scale, PANEL_TEXT, (x, y))
            y += 8 * scale
            blit_text(surface, action, 5 * scale, PANEL_DIM, (x + 6 * scale, y))
            y += 11 * scale
        if self._muted:
            blit_text(surface, "Sound off (M)", 5 * scale, PANEL_DIM, (x, y))
            y += 11 * scale
        if self._hint:
            y += 6 * scale
            for line in wrap_words(self._hint, lambda line: len(line) <= HINT_CHARS):
                blit_text(surface, line, 5 * scale, TEXT_CYAN, (x, y))
                y += 9 * scale
