"""The title screen: the logo, the four ghosts, a menu (Play, Calibrate, Quit) and what the player has set up.

Arrow keys (or W/S) and Enter, or a mouse click, pick an item. Calibrate builds its scene through
a factory that imports the vision stack only when chosen; if that fails the reason is shown here
and keyboard play still works. Building the next scene can take seconds (OpenCV, the camera), so
the title first shows "LOADING..." in place of its menu hint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pygame

from game.core.state import GhostName
from game.core.types import Direction
from game.highscore import load_high_score
from game.render import sprites
from game.render.arcade_font import blit_arcade
from game.render.layout import ARCADE_W, ScreenLayout
from game.render.palette import (
    BLACK,
    GHOST_COLORS,
    PACMAN_YELLOW,
    PANEL_BG,
    PANEL_DIM,
    PANEL_TEXT,
    READY_GREEN,
    TEXT_CYAN,
    TEXT_RED,
    WALL_BLUE,
    WHITE,
    Color,
)
from game.render.text import blit_text, text_size, wrap_lines
from game.scenes.base import Scene
from game.vision.profile_store import find_profile

#: The arcade's "CHARACTER / NICKNAME" roll.
_CAST = (
    (GhostName.BLINKY, "SHADOW", "BLINKY"),
    (GhostName.PINKY, "SPEEDY", "PINKY"),
    (GhostName.INKY, "BASHFUL", "INKY"),
    (GhostName.CLYDE, "POKEY", "CLYDE"),
)
#: Arcade pixels from the top of the screen to the first menu item, and between items.
_MENU_TOP = 196
_MENU_STEP = 24
_PARADE_Y = 172
#: Arcade pixels per second of the little chase running across the screen.
_PARADE_SPEED = 60.0
#: A problem shown under the menu: its text size, the arcade rows between the menu and its hint it
#: fits in, the margin it keeps from the screen's sides, and the most lines it takes.
_MESSAGE_PX = 5
_MESSAGE_ROWS = (253, 271)
_MESSAGE_MARGIN = 8
_MESSAGE_MAX_LINES = 3


_KEYS = (("Arrows / WASD", "steer"), ("P / Esc", "pause"), ("M", "sound"), ("Q", "title"))
#: The side panel's text: arcade pixels of capital height, and of line height, for body and headings.
_BODY, _BODY_LINE = 6, 12
_HEAD, _HEAD_LINE = 8, 16
#: Arcade pixels: the most space between sections (the rest centres the text in the panel).
_MAX_GAP = 22


class MenuItem(Enum):
    PLAY = "PLAY"
    CALIBRATE = "CALIBRATE"
    QUIT = "QUIT"


@dataclass(frozen=True)
class TitleInfo:
    """What the title shows about the player's setup."""

    profile_dir: Path | None = None
    high_score_file: Path | None = None


class TitleScene(Scene):
    def __init__(
        self,
        play: Callable[[], Scene],
        calibrate: Callable[[], Scene] | None = None,
        info: TitleInfo | None = None,
    ) -> None:
        self._play = play
        self._calibrate = calibrate
        self.info = info or TitleInfo()
        self.items = list(MenuItem)
        self.selected = 0
        #: A problem to show under the menu (e.g. calibration could not start).
        self.message: str | None = None
        #: Shown instead of the menu hint while the chosen scene is being built.
        self.busy: str | None = None
        self.profile_trained = False
        self.high_score = 0
        self._time = 0.0

    def enter(self) -> None:
        # Re-read on every return: calibration may have just written a profile, play a high score.
        profile = self.info.profile_dir
        # find_profile applies the one recovery rule: a save interrupted between its two renames
        # still counts as a profile here, as it does when play loads it.
        self.profile_trained = profile is not None and find_profile(profile) is not None
        self.high_score = load_high_score(self.info.high_score_file) if self.info.high_score_file else 0

    # -- input -------------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_UP, pygame.K_w):
                self.selected = (self.selected - 1) % len(self.items)
            elif event.key in (pygame.K_DOWN, pygame.K_s):
                self.selected = (self.selected + 1) % len(self.items)
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
                self.choose(self.items[self.selected])
            elif event.key in (pygame.K_q, pygame.K_ESCAPE):
                self.choose(MenuItem.QUIT)
            elif event.key == pygame.K_c:
                self.choose(MenuItem.CALIBRATE)
        elif event.type == pygame.MOUSEMOTION:
            hit = self._item_at(event.pos)
            if hit is not None:
                self.selected = hit
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self._item_at(event.pos)
            if hit is not None:
                self.selected = hit
                self.choose(self.items[hit])

    def choose(self, item: MenuItem) -> None:
        self.message = None
        if item is MenuItem.PLAY:
            self._show_busy("LOADING THE GAME...")
            try:
                self.manager.push(self._play())
            finally:
                self.busy = None
        elif item is MenuItem.QUIT:
            self.manager.quit()
        elif self._calibrate is None:
            self.message = "Calibration is not available in this build"
        else:
            self._show_busy("OPENING CALIBRATION...")
            try:
                scene = self._calibrate()
            except ImportError as exc:
                self.message = f"Calibration is not available: {exc}"
                return
            except (OSError, RuntimeError, ValueError) as exc:
                self.message = f"Calibration could not start: {exc}"
                return
            finally:
                self.busy = None
            self.manager.push(scene)

    def _show_busy(self, text: str) -> None:
        """Put ``text`` on screen now: the frame loop is blocked until the next scene is built."""
        self.busy = text
        self.draw(self.manager.surface)
        self.manager.present()
        pygame.event.pump()

    def item_rects(self, layout: ScreenLayout) -> list[pygame.Rect]:
        """Clickable rectangles of the menu items, in window pixels."""
        scale = layout.scale
        arcade = layout.arcade_rect
        width, height = 160 * scale, 18 * scale
        return [
            pygame.Rect(arcade.centerx - width // 2, arcade.y + top * scale, width, height)
            for top in (_MENU_TOP + i * _MENU_STEP - 8 for i in range(len(self.items)))
        ]

    def _item_at(self, pos: tuple[int, int]) -> int | None:
        layout = ScreenLayout.for_surface(self.manager.surface, self.manager.scale)
        for i, rect in enumerate(self.item_rects(layout)):
            if rect.collidepoint(pos):
                return i
        return None

    def update(self, dt: float) -> None:
        self._time += dt

    # -- drawing -----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        layout = ScreenLayout.for_surface(surface, self.manager.scale)
        surface.fill(BLACK)
        self._draw_header(surface, layout)
        self._draw_logo(surface, layout)
        self._draw_cast(surface, layout)
        self._draw_parade(surface, layout)
        self._draw_menu(surface, layout)
        self._draw_panel(surface, layout)

    def _draw_header(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        size = layout.scale
        blit_arcade(surface, "HIGH SCORE", size, WHITE, layout.screen_row_px(9, 0))
        if self.high_score:
            score = f"{self.high_score:02d}"
            blit_arcade(surface, score, size, WHITE, layout.screen_row_px(17, 1), "topright")

    def _draw_logo(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        scale = layout.scale
        arcade = layout.arcade_rect
        cx = arcade.centerx
        box = pygame.Rect(0, 0, 200 * scale, 52 * scale)
        box.center = (cx, arcade.y + 56 * scale)
        # The maze's double blue line as a frame.
        pygame.draw.rect(surface, WALL_BLUE, box, max(1, scale), border_radius=4 * scale)
        inner = box.inflate(-6 * scale, -6 * scale)
        pygame.draw.rect(surface, WALL_BLUE, inner, max(1, scale), border_radius=2 * scale)
        blit_arcade(surface, "GESTURE", scale, TEXT_CYAN, (cx, box.y + 12 * scale), "center")
        blit_arcade(surface, "PAC-MAN", 3 * scale, PACMAN_YELLOW, (cx, box.y + 32 * scale), "center")

    def _draw_cast(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        scale = layout.scale
        arcade = layout.arcade_rect
        x0 = arcade.x + 16 * scale
        heading = (arcade.x + 32 * scale, arcade.y + 88 * scale)
        blit_arcade(surface, "CHARACTER / NICKNAME", scale, WHITE, heading)
        for i, (name, character, nickname) in enumerate(_CAST):
            y = arcade.y + (100 + i * 16) * scale
            color = GHOST_COLORS[name]
            surface.blit(sprites.ghost_sprite(scale, color, Direction.RIGHT, 0), (x0, y - 4 * scale))
            blit_arcade(surface, f"-{character}", scale, color, (x0 + 24 * scale, y))
            blit_arcade(surface, f'"{nickname}"', scale, color, (x0 + 112 * scale, y))

    def _draw_parade(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        """Pac-Man chased by the four ghosts across the screen, looping."""
        scale = layout.scale
        arcade = layout.arcade_rect
        span = ARCADE_W + 100
        lead = (self._time * _PARADE_SPEED) % span - 16
        y = arcade.y + (_PARADE_Y - 8) * scale
        frame = int(self._time * 12) % len(sprites.MOUTH_FRAMES)
        clip = surface.get_clip()
        surface.set_clip(arcade)
        pacman = sprites.pacman_sprite(scale, Direction.RIGHT, frame)
        surface.blit(pacman, (arcade.x + round(lead * scale), y))
        skirt = int(self._time * 8) % 2
        for i, (name, _, _) in enumerate(_CAST):
            x = lead - 24 - 18 * i
            image = sprites.ghost_sprite(scale, GHOST_COLORS[name], Direction.RIGHT, skirt)
            surface.blit(image, (arcade.x + round(x * scale), y))
        surface.set_clip(clip)

    def _draw_menu(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        scale = layout.scale
        for i, (item, rect) in enumerate(zip(self.items, self.item_rects(layout), strict=True)):
            selected = i == self.selected
            color = PACMAN_YELLOW if selected else WHITE
            blit_arcade(surface, item.value, 2 * scale, color, rect.center, "center")
            if selected:
                frame = int(self._time * 8) % len(sprites.MOUTH_FRAMES)
                icon = sprites.pacman_sprite(scale, Direction.RIGHT, frame)
                surface.blit(icon, (rect.x - 18 * scale, rect.centery - 8 * scale))
        arcade = layout.arcade_rect
        if self.message:
            self._draw_message(surface, layout, self.message)
        hint, color = (self.busy, PACMAN_YELLOW) if self.busy else ("ARROWS + ENTER, OR CLICK", PANEL_DIM)
        blit_arcade(surface, hint, scale, color, (arcade.centerx, arcade.y + 276 * scale), "center")

    def _draw_message(self, surface: pygame.Surface, layout: ScreenLayout, message: str) -> None:
        """``message`` in red between the menu and its hint, wrapped to the arcade screen's width in
        as many lines as fit there (a long path loses its middle rather than run off the screen)."""
        scale = layout.scale
        arcade = layout.arcade_rect
        pixel_height = _MESSAGE_PX * scale
        line_h = text_size("Ag", pixel_height)[1] + scale
        top, bottom = (arcade.y + row * scale for row in _MESSAGE_ROWS)
        max_lines = max(1, min(_MESSAGE_MAX_LINES, (bottom - top) // line_h))
        width = (ARCADE_W - 2 * _MESSAGE_MARGIN) * scale
        lines = wrap_lines(message, pixel_height, width, max_lines)
        y = (top + bottom) // 2 - line_h * len(lines) // 2
        for line in lines:
            blit_text(surface, line, pixel_height, TEXT_RED, (arcade.centerx, y), "midtop")
            y += line_h

    def _draw_panel(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        """Three sections (how to play, keys, gestures) spread evenly down the full panel."""
        scale = layout.scale
        rect = layout.panel_rect
        surface.fill(PANEL_BG, rect)
        pygame.draw.line(surface, WALL_BLUE, rect.topleft, rect.bottomleft, max(1, scale))
        sections = [self._section_how(), self._section_keys(), self._section_gestures()]
        heights = [sum(line_h for _, _, _, line_h in section) for section in sections]
        spare = rect.height // scale - sum(heights)
        gap = max(6, min(_MAX_GAP, spare // (len(sections) + 1)))
        top = max(6, (spare - gap * (len(sections) - 1)) // 2)
        x, y = rect.x + 10 * scale, rect.y + top * scale
        key_col = x + 84 * scale
        for section in sections:
            for text, size, color, line_h in section:
                keys, _, action = text.partition("\t")
                blit_text(surface, keys, size * scale, color, (x, y))
                if action:
                    blit_text(surface, action, size * scale, PANEL_DIM, (key_col, y))
                y += line_h * scale
            y += gap * scale

    def _section_how(self) -> list[tuple[str, int, Color, int]]:
        lines = ("Steer Pac-Man with hand", "signs in front of your", "webcam, or with the keys.")
        return [("HOW TO PLAY", _HEAD, PACMAN_YELLOW, _HEAD_LINE)] + [
            (line, _BODY, PANEL_TEXT, _BODY_LINE) for line in lines
        ]

    def _section_keys(self) -> list[tuple[str, int, Color, int]]:
        rows = [(f"{keys}\t{action}", _BODY, PANEL_TEXT, _BODY_LINE) for keys, action in _KEYS]
        return [("KEYS", _HEAD, PACMAN_YELLOW, _HEAD_LINE), *rows]

    def _section_gestures(self) -> list[tuple[str, int, Color, int]]:
        lines: list[tuple[str, int, Color, int]] = [("GESTURES", _HEAD, TEXT_CYAN, _HEAD_LINE)]
        if self.profile_trained:
            status = ("Profile trained: your", "gestures steer in PLAY.", "CALIBRATE tops it up.")
            lines += [(line, _BODY, READY_GREEN, _BODY_LINE) for line in status]
        else:
            lines.append(("No profile yet.", _BODY, PANEL_TEXT, _BODY_LINE))
            status = ("Choose CALIBRATE to teach", "the game your hand signs;", "PLAY works with the keys.")
            lines += [(line, _BODY, TEXT_CYAN, _BODY_LINE) for line in status]
        if self.info.profile_dir is not None:
            lines.append(("", _BODY, PANEL_DIM, 4))
            lines += [(line, 5, PANEL_DIM, 9) for line in _tail_lines(str(self.info.profile_dir), 26)]
        return lines


def _tail_lines(path: str, width: int, max_lines: int = 3) -> list[str]:
    """A long path broken at its slashes into lines, keeping its end (the part that tells profiles apart)."""
    lines: list[str] = []
    for part in path.replace("/", "\0/").split("\0"):
        if lines and len(lines[-1]) + len(part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    if len(lines) > max_lines:
        lines = ["...", *lines[-(max_lines - 1) :]]
    return lines
