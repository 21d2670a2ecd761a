"""Scene lifecycle and the scene stack that runs the window's main loop.

A scene has enter / handle_event / update(dt) / draw(surface) / exit, and a say in whether the
window's close button closes the window at once (``close_requested``). Drawing never changes
game state. The manager owns the window surface; scenes draw onto it at its real pixel size
and read ``manager.scale`` for the integer scale the player chose.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pygame


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

    def update(self, dt: float) -> None:
        """Advance by ``dt`` seconds of wall time."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene; must not change any state the game depends on."""


class SceneManager:
    """A stack of scenes; the top one receives events, updates and draws."""

    def __init__(self, surface: pygame.Surface, scale: int = 1, fps: int = 60) -> None:
        self.surface = surface
        self.scale = scale
        self.fps = fps
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
            if scene is not None:
                scene.handle_event(event)
        scene = self.current
        if scene is None:
            self.running = False
            return
        scene.update(dt)
        if self.current is scene:
            scene.draw(self.surface)
            pygame.display.flip()
        self.frame_times.append(time.perf_counter() - start)
        del self.frame_times[:-600]

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
