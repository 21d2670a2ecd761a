"""The play scene steered by live gestures, and the way back to it from recalibration.

``GesturePlayScene`` is the ordinary play scene with a ``LiveGesture`` as its extra input and
side panel; it adds ownership (the camera is released when the scene is left) and learning
while playing: when the keyboard steers, the newest camera frame becomes a sample of that
direction (``game.vision.play_learning``), a refitted head is swapped in between frames, and L
turns learning off and on. Leaving (Q) or closing the window with learned samples first asks
whether to keep them (saved into the profile) or drop them; Esc cancels and the game goes on.
Closing the window a second time while asked drops them and quits, as the question says: a
player who closes twice wants out, and nothing goes without having been asked. A game that ends
without asking (Ctrl-C in the terminal, the end of ``play --seconds``) keeps the unsaved samples
aside in the profile's pending file and says so on the terminal; the next game restores them,
shows "Restored N corrections from the last game", and asks about them on leaving. Pressing C
pushes the calibration screen over the running game; leaving calibration (Esc) or choosing Play
there lands on ``BackToGame``, which removes itself so the same game continues with the
reloaded profile.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pygame

from game.core.types import Intent
from game.highscore import HighScore
from game.input.keyboard import KeyboardInput
from game.render.banner import ROW, draw_banner
from game.render.layout import ScreenLayout
from game.render.palette import PACMAN_YELLOW, TEXT_CYAN, TEXT_RED, Color
from game.scenes.base import Scene
from game.scenes.gesture.hud import RECALIBRATE_KEY
from game.scenes.gesture.live import LiveGesture
from game.scenes.play import AWAY_EVENTS, PlayScene
from game.vision.profile import ProfileError

LEARN_KEY = pygame.K_l
KEEP_KEYS = (pygame.K_y, pygame.K_k)
DROP_KEYS = (pygame.K_n, pygame.K_d)
#: Seconds a notice about restored (or unusable) earlier corrections stays on screen.
RESTORED_NOTICE_S = 6.0


def keep_question(count: int, restored: int) -> str:
    """The keep-or-drop question for ``count`` learned corrections, ``restored`` of them from the
    last game; in the side panel's words ("learned 12 corrections")."""
    noun = "correction" if count == 1 else "corrections"
    if not restored:
        return f"Keep the {count} learned {noun}?"
    earlier = "all from the last game" if restored == count else f"{restored} from the last game"
    return f"Keep the {count} learned {noun} ({earlier})?"


class GesturePlayScene(PlayScene):
    def __init__(
        self,
        live: LiveGesture,
        seed: int | None = None,
        *,
        calibration: Callable[[], Scene] | None = None,
        high_score: HighScore | None = None,
    ) -> None:
        super().__init__(seed, [live.input], live.hud, high_score=high_score)
        self.live = live
        self._can_recalibrate = calibration is not None
        if calibration is not None:
            live.attach_calibration(lambda: self._cover_with(calibration()))

        #: Asking whether to keep the learned samples before leaving (Q), recalibrating (C) or
        #: closing the window (``closing``).
        self.asking = False
        self.closing = False
        self._after_answer: Callable[[], None] = lambda: self.manager.pop()
        #: What the last keep/drop or toggle did, shown as a banner for a moment.
        self.notice = ""
        self._notice_left = 0.0
        self._notice_color: Color = TEXT_CYAN

    def enter(self) -> None:
        super().enter()
        self.live.hud.quits = self.quits

    def _cover_with(self, calibration: Scene) -> None:
        """Show calibration over the game, which stands still under it: no sound of the game
        plays on over calibration; they are held, and play on when the game runs again (the start
        tune with READY!, ``follow`` restarts the fright sound)."""
        if self.audio is not None:
            self.audio.pause()
            self.audio.stop_loops()
        self.manager.push(calibration)

    def exit(self) -> None:
        learning = self.live.learning
        if learning is not None:
            # Leaving without an answer (Ctrl-C, the end of a timed game): keep the samples aside.
            line = learning.set_aside()
            if line is not None:
                print(line, file=sys.stderr)
        super().exit()
        self.live.close()

    def close_requested(self) -> bool:
        learning = self.live.learning
        if learning is None or not self._unsaved():
            return True
        if self.asking and self.closing:
            # Closed again while the question is on screen (it says so): drop them and quit.
            learning.drop()
            return True
        self._ask(self.manager.quit, closing=True)
        return False

    def _unsaved(self) -> bool:
        learning = self.live.learning
        return learning is not None and learning.count > 0 and not learning.settled

    def _ask(self, after_answer: Callable[[], None], *, closing: bool = False) -> None:
        self._after_answer = after_answer
        self.asking, self.closing = True, closing
        self.keyboard.release_all()

    # -- learning while playing ------------------------------------------------------------

    def intent(self) -> Intent:
        intent = super().intent()
        learning = self.live.learning
        if learning is not None and intent.direction is not None and intent.source == KeyboardInput.SOURCE:
            # The player overrode the gesture: the frame on screen is a sample of this direction.
            learning.override(intent.direction.name.lower(), self.live.latest())
        return intent

    def update(self, dt: float) -> None:
        learning = self.live.learning
        if learning is not None:
            learning.update()
            notice = learning.take_notice()
            if notice is not None:
                print(notice.terminal, file=sys.stderr)
                self._say(notice.screen, RESTORED_NOTICE_S)
        self._notice_left = max(0.0, self._notice_left - dt)
        if self.asking:
            self.panel.update(dt)
            self.hold()
            return
        super().update(dt)

    def handle_event(self, event: pygame.event.Event) -> None:
        learning = self.live.learning
        if self.asking:
            if event.type == pygame.KEYDOWN:
                self._answer(event.key)
            elif event.type in AWAY_EVENTS:
                super().handle_event(event)  # paused when the question is answered with Esc
            return
        if event.type == pygame.KEYDOWN and learning is not None:
            if event.key == LEARN_KEY:
                learning.enabled = not learning.enabled
                self._say("Learning from the arrow keys " + ("on" if learning.enabled else "off"))
                return
            if event.key in (pygame.K_q, RECALIBRATE_KEY) and self._unsaved():
                # Calibration reloads the profile: unsaved samples would be lost without a word.
                recalibrate = event.key == RECALIBRATE_KEY and self._can_recalibrate
                if event.key == pygame.K_q or recalibrate:
                    self._ask(self.live.recalibrate if recalibrate else self.manager.pop)
                    return
        super().handle_event(event)

    def _answer(self, key: int) -> None:
        learning = self.live.learning
        if learning is None:
            self.asking = False
            return
        if key in KEEP_KEYS:
            try:
                learning.keep()
            except (ProfileError, OSError) as exc:
                self._say(f"Not saved: {exc}", color=TEXT_RED)
                self.asking = self.closing = False
                return
        elif key in DROP_KEYS:
            learning.drop()
        elif key == pygame.K_ESCAPE:
            self.asking = self.closing = False
            return
        else:
            return
        self.asking = self.closing = False
        self._after_answer()

    def _say(self, text: str, seconds: float = 3.0, color: Color = TEXT_CYAN) -> None:
        self.notice, self._notice_left, self._notice_color = text, seconds, color

    def _draw_banners(self, surface: pygame.Surface, layout: ScreenLayout) -> None:
        learning = self.live.learning
        if self.asking and learning is not None:
            # The question alone: the game's own banners (paused, "gestures unsure") sit in the
            # same rows and would show through it.
            # Stacked above the maze's READY! / GAME OVER line, which stays readable under them.
            question = keep_question(learning.count, learning.restored)
            draw_banner(surface, layout, question, PACMAN_YELLOW, row_offset=-2 * ROW)
            draw_banner(surface, layout, "Y keep (saves)  N drop  Esc stay", TEXT_CYAN, row_offset=-ROW)
            if self.closing:
                draw_banner(surface, layout, "Close again: drop and quit", TEXT_CYAN)
            return
        super()._draw_banners(surface, layout)
        if self._notice_left > 0:
            draw_banner(surface, layout, self.notice, self._notice_color, row_offset=-ROW)


class BackToGame(Scene):
    """Stands in for "a new play scene" in the calibration screen: it pops itself on entry,
    uncovering the game that was running under calibration."""

    def enter(self) -> None:
        self.manager.pop()
