"""The gesture side panel: what the camera sees, what the network thinks, and what Pac-Man was told.

Players of webcam controllers mostly fail silently: the light changed, the hand left the
frame, the camera froze. This panel makes each of those visible: the webcam thumbnail (the
square the network actually sees) with the recognised gesture, a confidence bar per class with
the steering threshold marked, camera fps and latency, and the direction Pac-Man is holding.
A lost camera pauses the game; confidence that stays low for several seconds suggests
recalibrating, one key away.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import pygame

from game.core.types import Direction
from game.input.gesture import GestureInput
from game.render import widgets
from game.render.hand_overlay import draw_hand, scaled
from game.vision.predictor import LivePrediction, PredictorState, PredictorStats
from game.vision.preprocess import PreprocessConfig, resize_square

#: The recalibration banner looks back this many seconds of running camera...
LOW_CONFIDENCE_S = 5.0
#: ...and shows when at least this share of that time was unsure. A share rather than an
#: unbroken run: a struggling model still has the odd confident frame, which must not hide it.
LOW_CONFIDENCE_SHARE = 0.8
RECALIBRATE_KEY = pygame.K_c
#: While the camera is lost, play on with the keyboard instead of waiting for it.
KEYBOARD_KEY = pygame.K_k

# Layout in logical (arcade) pixels inside the 160-pixel panel; multiplied by the scale.
_PAD = 6
_THUMB = 112
_LINE = 11
_BAR_ROW = 11


class PredictionFeed(Protocol):
    """The predictor as the HUD sees it (``game.vision.predictor.Predictor``)."""

    def latest(self) -> LivePrediction | None: ...

    def stats(self) -> PredictorStats: ...


class GestureHud:
    """``SidePanel`` for gesture play.

    ``feed`` is read (``feed()`` returns the current predictor) rather than held, so that a
    predictor replaced after recalibration is picked up without rebuilding the panel.
    ``on_recalibrate`` is called when the player presses C; without it the key is not offered.
    ``classes`` fixes the order of the confidence bars; by default the model's order is used.
    """

    def __init__(
        self,
        feed: Callable[[], PredictionFeed],
        gesture: GestureInput,
        classes: Sequence[str] | None = None,
        *,
        on_recalibrate: Callable[[], None] | None = None,
    ) -> None:
        self._feed = feed
        self.gesture = gesture
        self.classes = tuple(classes) if classes is not None else None
        #: The model's classes in its order, as last seen in a prediction.
        self._model_classes: tuple[str, ...] = ()
        #: Called first thing in every ``update`` (the owner learns that the game is on screen).
        self.on_update: Callable[[], None] | None = None
        self._on_recalibrate = on_recalibrate
        self._stats: PredictorStats | None = None
        self._latest: LivePrediction | None = None
        self._thumb: pygame.Surface | None = None
        self._thumb_px = 0
        self._thumb_source: LivePrediction | None = None
        self._fonts: dict[int, pygame.font.Font] = {}
        #: (panel time, unsure) for each update over the last ``LOW_CONFIDENCE_S`` of running camera.
        self._confidence_history: deque[tuple[float, bool]] = deque()
        #: Seconds the camera has been running without interruption (or since the last C).
        self._running_for = 0.0
        #: Seconds since the panel was created, for the loading animation.
        self._elapsed = 0.0
        #: The camera has delivered frames at least once: losing it now is a surprise worth a pause.
        self._camera_seen = False
        #: The player chose to play on with the keyboard while the camera is lost.
        self._keyboard_while_lost = False

    # -- SidePanel -------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self._elapsed += dt
        if self.on_update is not None:
            self.on_update()
        predictor = self._feed()
        self._stats = predictor.stats()
        self._latest = predictor.latest()
        if self._latest is not None:
            self._model_classes = tuple(self._latest.probs)
        running = self._stats.state is PredictorState.RUNNING
        if running:
            self._camera_seen, self._keyboard_while_lost = True, False
        unsure = self.gesture.current.confidence < self.gesture.smoother.threshold
        self._track_confidence(running, unsure, dt)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        scale = max(1, rect.width // 160)
        pygame.draw.rect(surface, widgets.BACKGROUND, rect)
        small, normal = self._font(8 * scale), self._font(10 * scale)
        x, y = rect.x + _PAD * scale, rect.y + _PAD * scale
        width = rect.width - 2 * _PAD * scale
        y = self._draw_title(surface, normal, x, y, width)
        y = self._draw_thumbnail(surface, small, normal, x, y, width, scale)
        y = self._draw_bars(surface, small, x, y + 4 * scale, width, scale)
        y = self._draw_readings(surface, small, x, y + 4 * scale, scale)
        self._draw_held(surface, normal, x, y + 4 * scale, scale)
        self._draw_hint(surface, small, rect, scale)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == RECALIBRATE_KEY and self._on_recalibrate is not None:
            self._confidence_history.clear()
            self._running_for = 0.0
            self._on_recalibrate()
            return True
        if event.type == pygame.KEYDOWN and event.key == KEYBOARD_KEY and self._camera_lost:
            self._keyboard_while_lost = True
            return True
        return False

    def _track_confidence(self, running: bool, unsure: bool, dt: float) -> None:
        history = self._confidence_history
        if not running:  # loading, lost or failed: other messages explain those
            history.clear()
            self._running_for = 0.0
            return
        self._running_for += dt
        history.append((self._elapsed, unsure))
        while self._elapsed - history[0][0] > LOW_CONFIDENCE_S:
            history.popleft()

    @property
    def confidence_low(self) -> bool:
        """Most of the last ``LOW_CONFIDENCE_S`` seconds of camera were below the steering threshold."""
        history = self._confidence_history
        if not history or self._running_for < LOW_CONFIDENCE_S:
            return False
        return sum(unsure for _, unsure in history) >= LOW_CONFIDENCE_SHARE * len(history)

    @property
    def _camera_running(self) -> bool:
        return self._stats is not None and self._stats.state is PredictorState.RUNNING

    @property
    def _camera_lost(self) -> bool:
        return self._stats is not None and self._stats.state is PredictorState.LOST

    def waiting(self) -> bool:
        # The game waits for the model and the camera, so that gestures steer from the first
        # step; the panel's picture box says what it is waiting for, the maze shows READY!.
        stats = self._stats
        return stats is None or stats.state in (PredictorState.LOADING, PredictorState.STARTING)

    def pause_reason(self) -> str | None:
        # A failed model, an ended video or a camera that never opened does not freeze the game:
        # the keyboard still steers and the panel says what happened. A camera lost mid-game
        # does, so that Pac-Man is not left running blind; K plays on with the keyboard.
        if self._camera_lost and self._camera_seen and not self._keyboard_while_lost:
            return "Camera lost — retrying (K: keyboard)"
        return None

    def banner(self) -> str | None:
        if self._camera_lost and not self._camera_seen:
            return "No camera: steer with the arrow keys"
        if not self.confidence_low:
            return None
        if self._on_recalibrate is None:
            return "Gestures unsure: try more light or recalibrate"
        return "Gestures unsure: press C to recalibrate"

    # -- drawing helpers ---------------------------------------------------------------------

    def _font(self, px: int) -> pygame.font.Font:
        if px not in self._fonts:
            self._fonts[px] = pygame.font.Font(None, px + px // 2)
        return self._fonts[px]

    def _draw_title(self, surface: pygame.Surface, font: pygame.font.Font, x: int, y: int, width: int) -> int:
        rect = widgets.blit_text(surface, font, "GESTURES", widgets.ACCENT, (x, y))
        return rect.bottom + 3

    def _thumbnail(self, latest: LivePrediction, px: int) -> pygame.Surface:
        # Converting a frame costs a resize; do it once per prediction, not once per drawn frame.
        if self._thumb is None or self._thumb_source is not latest or self._thumb_px != px:
            square = resize_square(latest.image, PreprocessConfig(size=px))
            self._thumb = pygame.image.frombuffer(np.ascontiguousarray(square).tobytes(), (px, px), "RGB")
            self._thumb_source, self._thumb_px = latest, px
        return self._thumb

    def _draw_thumbnail(
        self,
        surface: pygame.Surface,
        small: pygame.font.Font,
        normal: pygame.font.Font,
        x: int,
        y: int,
        width: int,
        scale: int,
    ) -> int:
        px = min(width, _THUMB * scale)
        box = pygame.Rect(x + (width - px) // 2, y, px, px)
        latest, stats = self._latest, self._stats
        if latest is not None and stats is not None and stats.state is PredictorState.RUNNING:
            surface.blit(self._thumbnail(latest, px), box)
            hand = getattr(latest.result, "hand", None)  # hand profiles: box and skeleton
            if hand is not None:
                h, w = latest.image.shape[:2]
                side = min(h, w)  # the thumbnail is the frame's centre square, as resize_square cuts it
                factor = px / side
                origin = (box.x - (w - side) // 2 * factor, box.y - (h - side) // 2 * factor)
                draw_hand(surface, hand, scaled(origin, factor), box, small, scale, label_no_hand=False)
            no_hand = hand is not None and not hand.found
            label = "NO HAND" if no_hand else f"{latest.top.upper()} {round(latest.confidence * 100)}%"
            strip = pygame.Rect(
                box.x, box.bottom - normal.get_height() - 2, box.width, normal.get_height() + 2
            )
            shade = pygame.Surface(strip.size, pygame.SRCALPHA)
            shade.fill((0, 0, 0, 160))
            surface.blit(shade, strip)
            widgets.blit_text(surface, normal, label, widgets.TEXT, strip.center, "center")
        else:
            pygame.draw.rect(surface, widgets.PANEL, box)
            message = self._no_picture_message(stats)
            waiting = stats is None or stats.state in (PredictorState.LOADING, PredictorState.STARTING)
            inner = box.inflate(-8 * scale, -8 * scale)
            self._draw_wrapped(surface, small, message, inner, widgets.TEXT if waiting else widgets.BAD)
            if waiting:
                # Loading TensorFlow takes seconds: show that something is happening.
                bar = pygame.Rect(inner.x, inner.bottom - 6 * scale, inner.width, 6 * scale)
                widgets.draw_progress_bar(surface, bar, None, phase=self._elapsed)
        pygame.draw.rect(surface, widgets.PANEL_EDGE, box, width=1)
        return box.bottom

    def _no_picture_message(self, stats: PredictorStats | None) -> str:
        if stats is None or stats.state is PredictorState.LOADING:
            return "Loading the gesture model…"
        if stats.state is PredictorState.STARTING:
            return "Starting the camera…"
        if stats.state is PredictorState.FAILED:
            return f"{stats.message} Keyboard play still works."
        if stats.state is PredictorState.LOST:
            what = "Camera lost" if self._camera_seen else "No camera"
            return f"{what} — retrying every second. {stats.message}"
        return stats.message or stats.state.value

    def _draw_wrapped(
        self,
        surface: pygame.Surface,
        font: pygame.font.Font,
        text: str,
        rect: pygame.Rect,
        color: widgets.Color,
    ) -> None:
        y = rect.y
        line = ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if font.size(trial)[0] > rect.width and line:
                widgets.blit_text(surface, font, line, color, (rect.x, y))
                y += font.get_linesize()
                line = word
            else:
                line = trial
            if y + font.get_linesize() > rect.bottom:
                return
        if line:
            widgets.blit_text(surface, font, widgets.fit_text(font, line, rect.width), color, (rect.x, y))

    def _draw_bars(
        self, surface: pygame.Surface, font: pygame.font.Font, x: int, y: int, width: int, scale: int
    ) -> int:
        smoothed = self.gesture.current
        # Without a running camera the last probabilities are stale: draw the bars empty.
        live = self._camera_running
        probs = self._latest.probs if self._latest is not None and live else {}
        order = self.classes if self.classes is not None else self._model_classes
        height = _BAR_ROW * scale * len(order)
        widgets.draw_confidence_bars(
            surface,
            pygame.Rect(x, y, width, height),
            probs,
            smoothed.label if smoothed.direction is not None and live else None,
            font,
            order=order,
            threshold=self.gesture.smoother.threshold,
        )
        return y + height

    def _draw_readings(
        self, surface: pygame.Surface, font: pygame.font.Font, x: int, y: int, scale: int
    ) -> int:
        stats = self._stats
        fps = f"{stats.camera_fps:.0f} fps" if stats is not None and stats.camera_fps > 0 else "— fps"
        latency = _ms(stats.latency_ms if stats else None)
        inference = _ms(stats.inference_ms if stats else None)
        smoother = self.gesture.smoother
        smoothing = "no smoothing" if smoother.smoothing == 1 else f"mean of {smoother.smoothing} frames"
        settings = f"steers at {round(smoother.threshold * 100)}%, {smoothing}"
        for text in (f"camera {fps}", f"latency {latency}  (model {inference})", settings):
            widgets.blit_text(surface, font, text, widgets.TEXT_DIM, (x, y))
            y += _LINE * scale
        return y

    def _draw_held(self, surface: pygame.Surface, font: pygame.font.Font, x: int, y: int, scale: int) -> None:
        held = self.gesture.held
        steering = self._camera_running and self.gesture.current.direction is not None
        rect = widgets.blit_text(surface, font, "Pac-Man:", widgets.TEXT, (x, y))
        if held is None:
            widgets.blit_text(surface, font, "waiting", widgets.TEXT_DIM, (rect.right + 6 * scale, y))
            return
        color = widgets.ACCENT if steering else widgets.TEXT_DIM
        size = rect.height
        arrow = pygame.Rect(rect.right + 6 * scale, y, size, size)
        draw_arrow(surface, arrow, held, color)
        widgets.blit_text(surface, font, held.name, color, (arrow.right + 4 * scale, y))

    def _draw_hint(
        self, surface: pygame.Surface, font: pygame.font.Font, rect: pygame.Rect, scale: int
    ) -> None:
        # This panel replaces the keyboard help, so it repeats the keys that still matter.
        lines = ["Arrows override   P pause   Q title"]
        if self._on_recalibrate is not None:
            lines.append("C  recalibrate")
        x, y = rect.x + _PAD * scale, rect.bottom - _PAD * scale
        for line in reversed(lines):
            y = widgets.blit_text(surface, font, line, widgets.TEXT_DIM, (x, y), "bottomleft").top - scale


def _ms(value: float | None) -> str:
    return "— ms" if value is None else f"{value:.0f} ms"


def draw_arrow(
    surface: pygame.Surface, rect: pygame.Rect, direction: Direction, color: widgets.Color
) -> None:
    """A filled triangle pointing ``direction`` inside ``rect`` (fonts lack arrow glyphs on some systems)."""
    cx, cy = rect.center
    r = min(rect.width, rect.height) // 2
    dx, dy = direction.dx, direction.dy
    tip = (cx + dx * r, cy + dy * r)
    # The base is perpendicular to the direction, through the far side of the box.
    base = (cx - dx * r, cy - dy * r)
    left = (base[0] - dy * r, base[1] + dx * r)
    right = (base[0] + dy * r, base[1] - dx * r)
    pygame.draw.polygon(surface, color, [tip, left, right])
