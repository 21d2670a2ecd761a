"""Scene lifecycle and the scene stack that runs the window's main loop.

A scene has enter / handle_event / update(dt) / draw(surface) / exit, and a say in whether the
window's close button closes the window at once (``close_requested``). Drawing never changes
game state. The manager owns the window surface; scenes draw onto ``manager.surface`` at its real
pixel size and read ``manager.scale`` for the integer scale in use.

When the window changes size (the player drags its edge, a tiling window manager tiles it) the
manager switches to the largest integer scale whose picture fits and tells every scene
(``layout_changed``), so none keeps rectangles computed for the old size. In a window too small
even for scale 1, scenes draw on a 1x canvas that the manager shrinks into the window (mouse
positions are mapped back onto the canvas), so nothing is ever cut off.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pygame

from game.render.layout import fit_scale, fits, shrunk_rect, window_size
from game.render.palette import BLACK

#: Events that say the window changed size (pygame 2 sends several for one change; the first acts).
RESIZE_EVENTS = (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED, pygame.WINDOWRESIZED)
#: Mouse events whose ``pos`` is mapped onto the canvas while the picture is shrunk.
_MOUSE_EVENTS = (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP)


class Scene:
    """Base class: override what the scene needs; every hook defaults to doing nothing."""

    manager: SceneManager

    def enter(self) -> None:
        """Called when the scene becomes the top of the stack (pushed, or uncovered by a pop)."""

    def exit(self) -> None:
        """Called when the scene is popped or replaced; release cameras, threads and sounds here."""

    def close_requested(self) -> bool:
        """The window's close button was pressed while this scene is on top: True closes the window
        now; a scene that must ask something first (unsaved work) returns False, asks, and later
        calls ``manager.quit`` itself."""
        return True

    def handle_event(self, event: pygame.event.Event) -> None:
        """One pygame event (keys, mouse, window)."""

    def layout_changed(self) -> None:
        """The window's size or ``manager.scale`` changed: forget rectangles, fonts and pictures
        computed for the old one. Scenes that lay out while drawing need nothing here."""

    def update(self, dt: float) -> None:
        """Advance by ``dt`` seconds of wall time."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene; must not change any state the game depends on."""


class SceneManager:
    """A stack of scenes; the top one receives events, updates and draws."""

    def __init__(self, surface: pygame.Surface, scale: int = 1, fps: int = 60) -> None:
        #: The window, and what scenes draw on: the window itself, or the 1x canvas while the window
        #: is too small for the picture at scale 1.
        self.window = surface
        self.surface = surface
        self.scale = scale
        self.fps = fps
        self._canvas: pygame.Surface | None = None
        self._window_size = surface.get_size()
        self._stack: list[Scene] = []
        self.running = True
        #: Seconds each of the last frames took to update and draw (for benchmarks and the HUD).
        self.frame_times: list[float] = []

    @property
    def current(self) -> Scene | None:
        return self._stack[-1] if self._stack else None

    def is_bottom(self, scene: Scene) -> bool:
        """True when ``scene`` has nothing under it, so popping it ends the program."""
        return bool(self._stack) and self._stack[0] is scene

    def push(self, scene: Scene) -> None:
        scene.manager = self
        self._stack.append(scene)
        scene.enter()

    def pop(self) -> None:
        if self._stack:
            self._stack.pop().exit()
        if self._stack:
            self._stack[-1].enter()
        else:
            self.running = False

    def replace(self, scene: Scene) -> None:
        if self._stack:
            self._stack.pop().exit()
        self.push(scene)

    def quit(self) -> None:
        while self._stack:
            self._stack.pop().exit()
        self.running = False

    def run_frame(self, dt: float) -> None:
        """Handle pending events, update and draw the top scene once, and flip the display."""
        start = time.perf_counter()
        for event in pygame.event.get():
            scene = self.current
            if event.type == pygame.QUIT:
                if scene is None or scene.close_requested():
                    self.quit()
                    return
                continue
            if event.type in RESIZE_EVENTS:
                self.window_resized()
            elif self._canvas is not None and event.type in _MOUSE_EVENTS:
                event = self._on_canvas(event)
            if scene is not None:
                scene.handle_event(event)
        scene = self.current
        if scene is None:
            self.running = False
            return
        scene.update(dt)
        if self.current is scene:
            scene.draw(self.surface)
            self.present()
        self.frame_times.append(time.perf_counter() - start)
        del self.frame_times[:-600]

    def window_resized(self) -> None:
        """Fit the picture to the window's new size: the largest integer scale that fits, centred
        (scenes centre it), or the 1x canvas shrunk into a window smaller than that. Nothing
        happens while the size is the one the picture was last fitted to."""
        # Asked again: a window opened without RESIZABLE gets a new surface object when resized,
        # and drawing on the old one fails.
        window = pygame.display.get_surface()
        if window is None:  # the window is closing
            return
        size = window.get_size()
        if window is self.window and size == self._window_size:
            return
        self.window, self._window_size = window, size
        self.scale = fit_scale(*size)
        self._canvas = None if fits(*size, self.scale) else pygame.Surface(window_size(1))
        self.surface = self._canvas if self._canvas is not None else window
        window.fill(BLACK)  # the margins around the new picture: scenes draw only inside it
        for scene in self._stack:
            scene.layout_changed()

    def present(self) -> None:
        """Show what the scene drew: shrink the canvas into the window when there is one, then flip."""
        if self._canvas is not None:
            target = shrunk_rect(*self.window.get_size())
            self.window.blit(pygame.transform.smoothscale(self._canvas, target.size), target)
        pygame.display.flip()

    def _on_canvas(self, event: pygame.event.Event) -> pygame.event.Event:
        """A mouse event with its position moved from the window onto the shrunk canvas."""
        if not hasattr(event, "pos"):
            return event
        target = shrunk_rect(*self.window.get_size())
        x = (event.pos[0] - target.x) * window_size(1)[0] // target.width
        y = (event.pos[1] - target.y) * window_size(1)[1] // target.height
        return pygame.event.Event(event.type, {**event.dict, "pos": (x, y)})

    def run(self, max_frames: int | None = None, on_frame: Callable[[int], None] | None = None) -> None:
        """Run until the stack empties, ``quit`` is called, or ``max_frames`` frames have run."""
        clock = pygame.time.Clock()
        frames = 0
        while self.running and (max_frames is None or frames < max_frames):
            dt = clock.tick(self.fps) / 1000.0
            self.run_frame(min(dt, 0.1))
            frames += 1
            if on_frame is not None:
                on_frame(frames)
