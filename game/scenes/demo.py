"""Attract mode: the autopilot plays in real time, silently as in the arcade; any key or click leaves.

It is the play scene with the autopilot as its only input source, a panel that says what is going
on, and an optional limit in simulated seconds.
"""

from __future__ import annotations

import pygame

from game.audio import Audio
from game.core.levels import STEPS_PER_SECOND
from game.core.state import Phase
from game.highscore import HighScore
from game.input.autopilot import Autopilot
from game.render.keyboard_panel import KeyboardHelpPanel
from game.scenes.play import PlayScene

DEMO_CONTROLS = (("Any key / click", "leave the demo"),)
#: Seconds the final picture stays up after a game over before the demo leaves.
GAME_OVER_HOLD_S = 3.0


class DemoScene(PlayScene):
    def __init__(self, seed: int, seconds: float | None = None) -> None:
        panel = KeyboardHelpPanel(
            lambda: self.world,
            "The autopilot is playing. Run gesture-pacman play to take over.",
            title="AUTOPILOT DEMO",
            controls=DEMO_CONTROLS,
        )
        # Silent, as the arcade's attract mode, and it does not compete for the player's high score.
        silent = Audio(enabled=False)
        super().__init__(seed, [Autopilot(seed)], panel, audio=silent, high_score=HighScore(None))
        self.limit_steps = None if seconds is None else round(seconds * STEPS_PER_SECOND)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.manager.pop()

    def update(self, dt: float) -> None:
        limit = self.limit_steps
        for _ in range(self.clock.advance(dt)):
            if limit is not None and self.steps >= limit:
                break
            self.advance_one_step()
        game_over_long = self.world.phase is Phase.GAME_OVER and self.world.phase_time >= GAME_OVER_HOLD_S
        if (limit is not None and self.steps >= limit) or game_over_long:
            self.manager.pop()
