"""The play scene steered by live gestures, and the way back to it from recalibration.

``GesturePlayScene`` is the ordinary play scene with a ``LiveGesture`` as its extra input and
side panel; it only adds ownership: the camera is released when the scene is left. Pressing C
pushes the calibration screen over the running game; leaving calibration (Esc) or choosing Play
there lands on ``BackToGame``, which removes itself so the same game continues with the
reloaded profile.
"""

from __future__ import annotations

from collections.abc import Callable

from game.highscore import HighScore
from game.scenes.base import Scene
from game.scenes.gesture.live import LiveGesture
from game.scenes.play import PlayScene


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
        if calibration is not None:
            live.attach_calibration(lambda: self.manager.push(calibration()))

    def exit(self) -> None:
        super().exit()
        self.live.close()


class BackToGame(Scene):
    """Stands in for "a new play scene" in the calibration screen: it pops itself on entry,
    uncovering the game that was running under calibration."""

    def enter(self) -> None:
        self.manager.pop()
