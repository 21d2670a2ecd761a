"""The game itself: the world stepped at a fixed 60 Hz from the keyboard and any other input sources.

Steering: each step asks the keyboard first, then ``inputs`` in order, and uses the first intent
with a direction. The keyboard only has one while a direction key is held or was just tapped, so
it overrides gestures while used and leaves them in charge otherwise. The rules keep the last
request buffered, so "no direction" means "keep going".

The world does not advance while the game is paused (P / Esc; also when the window loses focus
or is minimised, until the player presses P), while the side panel gives a ``pause_reason``
(e.g. the camera is lost) or while it is ``waiting`` (the gesture model is loading); the
keyboard keeps working meanwhile. The sounds are held where they are meanwhile and play on when the
world runs again (the start tune still ends with the first READY!); the looping fright sound starts
again then.

Q leaves the game: back to the title screen when the game was opened from it, else (``play`` or
``calibrate`` started from the command line, nothing under the game) the program ends; the panels
name the one Q does (``quits``, set on ``enter``). While the player has paused, the panel is not
updated either: it keeps showing the moment of the pause, so its picture, bars and held direction
agree with each other and with the frozen maze.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pygame

from game.audio import Audio, Sound
from game.config import high_score_path, models_dir
from game.core.clock import FixedClock
from game.core.events import Event
from game.core.input import InputSource
from game.core.levels import TICK
from game.core.state import Phase, World
from game.core.types import Intent
from game.core.world import new_world, step
from game.highscore import HighScore
from game.input.keyboard import KeyboardInput
from game.render.banner import BELOW_READY, draw_banner
from game.render.keyboard_panel import KeyboardHelpPanel
from game.render.layout import ScreenLayout
from game.render.palette import BLACK, PACMAN_YELLOW, TEXT_CYAN, TEXT_RED, WHITE
from game.render.world_view import draw_world
from game.scenes.base import Scene
from game.scenes.panel import SidePanel

PAUSE_KEYS = (pygame.K_p, pygame.K_ESCAPE)
RESTART_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER)
#: The player went elsewhere (another window, or minimised this one): the game pauses and waits
#: for P, as arcade-style games on a PC do, so Pac-Man does not die while nobody is looking and
#: does not start running the moment the window comes back, before a hand is on the keys.
AWAY_EVENTS = (pygame.WINDOWFOCUSLOST, pygame.WINDOWMINIMIZED)


class PlayScene(Scene):
    def __init__(
        self,
        seed: int | None = None,
        inputs: Sequence[InputSource] = (),
        panel: SidePanel | None = None,
        *,
        audio: Audio | None = None,
        high_score: HighScore | None = None,
        hint: str | None = None,
    ) -> None:
        self.seed = seed if seed is not None else random.randrange(2**31)
        self.world: World = new_world(self.seed)
        self.keyboard = KeyboardInput()
        self.inputs = list(inputs)
        #: The keyboard help shown when no panel is given (it also shows "sound off").
        self._help: KeyboardHelpPanel | None = None
        if panel is None:
            self._help = KeyboardHelpPanel(lambda: self.world, hint)
            panel = self._help
        self.panel: SidePanel = panel
        self.clock = FixedClock()
        self.paused = False
        self.audio = audio
        self.high_score = high_score
        #: Steps run and the events of the last one (tests and the HUD read them).
        self.steps = 0
        self.last_events: list[Event] = []
        #: Q ends the program (nothing under this scene) rather than going back to the title.
        self.quits = False

    # -- lifecycle ---------------------------------------------------------------------------

    def enter(self) -> None:
        # Entered or uncovered (calibration popped off the game): a direction key held when the
        # scene was covered had its key-up delivered to the scene on top, so it would count as
        # held for ever, steer Pac-Man and hide the other sources. The player presses it again.
        self.keyboard.release_all()
        self.quits = self.manager.is_bottom(self)
        if self._help is not None:
            self._help.set_quits(self.quits)
        if self.audio is None:
            self.audio = Audio()
        if self.high_score is None:
            self.high_score = HighScore(high_score_path(models_dir()))

    def exit(self) -> None:
        self.keyboard.release_all()
        if self.audio is not None:
            self.audio.stop()
        if self.high_score is not None:
            self.high_score.offer(self.world.score)
            self.high_score.save()

    def restart(self) -> None:
        """A new game with the same seed (the same ghosts for the same moves, as in the arcade)."""
        if self.high_score is not None:
            self.high_score.offer(self.world.score)
            self.high_score.save()
        self.world = new_world(self.seed)
        self.clock = FixedClock()
        self.paused = False
        if self.audio is not None:
            self.audio.stop()

    # -- input -------------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.panel.handle_event(event):
            return
        if event.type in AWAY_EVENTS:
            self.keyboard.release_all()
            if self.world.phase is not Phase.GAME_OVER:
                self._pause()
            return
        if self.keyboard.handle_event(event) or event.type != pygame.KEYDOWN:
            return
        if event.key in PAUSE_KEYS:
            if self.paused:
                self.paused = False
            else:
                self._pause()
        elif event.key == pygame.K_q:
            self.manager.pop()
        elif event.key == pygame.K_m and self.audio is not None:
            muted = self.audio.toggle_mute()
            if self._help is not None:
                self._help.set_muted(muted)
        elif event.key in RESTART_KEYS and self.world.phase is Phase.GAME_OVER:
            self.restart()

    def _pause(self) -> None:
        """Pause as P does: the world and the panel stop, sounds are held where they are."""
        self.paused = True
        if self.audio is not None:
            self.audio.pause()

    def intent(self) -> Intent:
        """The first intent with a direction: keyboard, then ``inputs`` in order; else "keep going"."""
        for source in (self.keyboard, *self.inputs):
            intent = source.poll(self.world)
            if intent.direction is not None:
                return intent
        return Intent(None)

    # -- time --------------------------------------------------------------------------------

    @property
    def frozen(self) -> bool:
        """The world is not advancing: paused by the player or by the panel."""
        return self.paused or self.panel.waiting() or self.panel.pause_reason() is not None

    def update(self, dt: float) -> None:
        if not self.paused:
            self.panel.update(dt)
        if self.frozen:
            self.hold()
            return
        if self.audio is not None:
            self.audio.resume()
        for _ in range(self.clock.advance(dt)):
            self.advance_one_step()
        if self.audio is not None:
            self.audio.follow(self.world)

    def hold(self) -> None:
        """The world stands still this frame: no catch-up steps on resuming, the sounds held where
        they are (``update`` plays them on once the world runs: the start tune keeps in step with
        READY!) and no sound looping over a frozen maze (``follow`` starts the fright sound again)."""
        self.clock.accumulator = 0.0
        if self.audio is not None:
            self.audio.pause()
            self.audio.stop_loops()

    def advance_one_step(self) -> list[Event]:
        """Run exactly one fixed step with the current intent."""
        events = step(self.world, self.intent(), TICK)
        self.steps += 1
        self.last_events = events
        if self.audio is not None:
            if self.world.tick == 1:
                # The start tune plays through the game's first READY!, which lasts as long, from
                # its first step: not while the scene waits for the gesture model before it.
                self.audio.play(Sound.START)
            self.audio.on_events(events)
        if self.high_score is not None:
            self.high_score.offer(self.world.score)
            if Event.GAME_OVER in events:
                self.high_score.save()
        return events

    # -- drawing -----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        layout = ScreenLayout.for_surface(surface, self.manager.scale)
        if surface.get_size() != layout.arcade_rect.union(layout.panel_rect).size:
            surface.fill(BLACK)  # full screen: clear the margins around the picture
        high = self.high_score.value if self.high_score is not None else 0
        draw_world(surface, self.world, layout, high)
        self.panel.draw(surface, layout.panel_rect)
        self._draw_banners(surface, layout)

    def _draw_banners(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        reason = self.panel.pause_reason()
        if reason is not None:
            draw_banner(surface, layout, reason, TEXT_RED)
        elif self.paused:
            draw_banner(surface, layout, "PAUSED - press P to play", WHITE)
        elif self.world.phase is Phase.GAME_OVER:
            draw_banner(surface, layout, "Press Enter to play again", PACMAN_YELLOW)
        banner = self.panel.banner()
        if banner is not None:
            draw_banner(surface, layout, banner, TEXT_CYAN, row_offset=BELOW_READY)
