"""Draws the gesture side panel from a ``HudReading``: the webcam thumbnail with the recognised
gesture, a confidence bar per class with the steering threshold marked, camera fps and latency,
and the direction Pac-Man is holding.

It only draws: what to show (and whether the game is paused) is decided by ``GestureHud`` in
``game.scenes.gesture.hud``, which hands over one read-only ``HudReading`` a frame. The surfaces
it keeps (the converted thumbnail, fonts) are drawing caches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from game.core.types import Direction
from game.input.gesture import SmoothedGesture
from game.render import palette, widgets
from game.render.hand_overlay import draw_hand, scaled
from game.render.text import blit_with_font, fit_text, wrap_text
from game.vision.predictor import LivePrediction, PredictorStats
from game.vision.preprocess import PreprocessConfig, frame_square
from game.vision.types import PredictorState

# Layout in logical (arcade) pixels inside the 160-pixel panel; multiplied by the scale.
_PAD = 6
_THUMB = 112
_LINE = 11
_BAR_ROW = 11


@dataclass(frozen=True)
class HudReading:
    """Everything the panel shows, as of the last update."""

    stats: PredictorStats | None
    latest: LivePrediction | None
    #: The confidence bars' classes, in order.
    order: tuple[str, ...]
    #: The smoother's verdict and the direction Pac-Man holds.
    current: SmoothedGesture
    held: Direction | None
    threshold: float
    smoothing: int
    #: The camera has delivered frames at least once (a loss is then "lost", not "no camera").
    camera_seen: bool
    #: C is offered.
    can_recalibrate: bool
    #: Seconds since the panel was created, for the loading animation.
    elapsed: float
    #: The line about learning while playing ("learned 12 corrections") and its colour, if any.
    learning: tuple[str, palette.Color] | None = None
    #: Q ends the program (no title screen under the game) rather than going back to the title.
    quits: bool = False

    @property
    def camera_running(self) -> bool:
        return self.stats is not None and self.stats.state is PredictorState.RUNNING


class GestureHudView:
    """Fonts and the thumbnail cache for drawing ``HudReading`` s."""

    def __init__(self) -> None:
        self._thumb: pygame.Surface | None = None
        self._thumb_px = 0
        self._thumb_source: LivePrediction | None = None
        self._fonts: dict[int, pygame.font.Font] = {}

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, r: HudReading) -> None:
        scale = max(1, rect.width // 160)
        pygame.draw.rect(surface, palette.BACKGROUND, rect)
        small, normal = self._font(8 * scale), self._font(10 * scale)
        x, y = rect.x + _PAD * scale, rect.y + _PAD * scale
        width = rect.width - 2 * _PAD * scale
        y = self._draw_title(surface, normal, x, y, width)
        y = self._draw_thumbnail(surface, r, small, normal, x, y, width, scale)
        y = self._draw_bars(surface, r, small, x, y + 4 * scale, width, scale)
        y = self._draw_readings(surface, r, small, x, y + 4 * scale, scale)
        self._draw_held(surface, r, normal, x, y + 4 * scale, scale)
        self._draw_hint(surface, r, small, rect, scale)

    def _font(self, px: int) -> pygame.font.Font:
        if px not in self._fonts:
            self._fonts[px] = pygame.font.Font(None, px + px // 2)
        return self._fonts[px]

    def _draw_title(self, surface: pygame.Surface, font: pygame.font.Font, x: int, y: int, width: int) -> int:
        rect = blit_with_font(surface, font, "GESTURES", palette.ACCENT, (x, y))
        return rect.bottom + 3

    def _thumbnail(self, latest: LivePrediction, px: int) -> pygame.Surface:
        # Converting a frame costs a resize; do it once per prediction, not once per drawn frame.
        if self._thumb is None or self._thumb_source is not latest or self._thumb_px != px:
            square = frame_square(latest.frame, PreprocessConfig(size=px))
            self._thumb = pygame.image.frombuffer(np.ascontiguousarray(square).tobytes(), (px, px), "RGB")
            self._thumb_source, self._thumb_px = latest, px
        return self._thumb

    def _draw_thumbnail(
        self,
        surface: pygame.Surface,
        r: HudReading,
        small: pygame.font.Font,
        normal: pygame.font.Font,
        x: int,
        y: int,
        width: int,
        scale: int,
    ) -> int:
        px = min(width, _THUMB * scale)
        box = pygame.Rect(x + (width - px) // 2, y, px, px)
        latest, stats = r.latest, r.stats
        if latest is not None and stats is not None and stats.state is PredictorState.RUNNING:
            surface.blit(self._thumbnail(latest, px), box)
            hand = getattr(latest.result, "hand", None)  # hand profiles: box and skeleton
            if hand is not None:
                h, w = latest.frame.pixels.shape[:2]
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
            shade.fill((*palette.BLACK, 160))
            surface.blit(shade, strip)
            blit_with_font(surface, normal, label, palette.TEXT, strip.center, "center")
        else:
            pygame.draw.rect(surface, palette.PANEL, box)
            message = _no_picture_message(stats, r.camera_seen)
            waiting = stats is None or stats.state in (PredictorState.LOADING, PredictorState.STARTING)
            inner = box.inflate(-8 * scale, -8 * scale)
            self._draw_wrapped(surface, small, message, inner, palette.TEXT if waiting else palette.BAD)
            if waiting:
                # Loading TensorFlow takes seconds: show that something is happening.
                bar = pygame.Rect(inner.x, inner.bottom - 6 * scale, inner.width, 6 * scale)
                widgets.draw_progress_bar(surface, bar, None, phase=r.elapsed)
        pygame.draw.rect(surface, palette.PANEL_EDGE, box, width=1)
        return box.bottom

    def _draw_wrapped(
        self,
        surface: pygame.Surface,
        font: pygame.font.Font,
        text: str,
        rect: pygame.Rect,
        color: palette.Color,
    ) -> None:
        lines = wrap_text(font, text, rect.width)
        room = max(1, rect.height // font.get_linesize())
        if len(lines) > room:
            # More than the box holds: its last line says so ("…"), rather than stopping mid-sentence.
            last = lines[room - 1]
            while last and font.size(last + " …")[0] > rect.width:
                last = last[:-1]
            lines = [*lines[: room - 1], last.rstrip() + " …"]
        y = rect.y
        for line in lines:
            blit_with_font(surface, font, fit_text(font, line, rect.width), color, (rect.x, y))
            y += font.get_linesize()

    def _draw_bars(
        self,
        surface: pygame.Surface,
        r: HudReading,
        font: pygame.font.Font,
        x: int,
        y: int,
        width: int,
        scale: int,
    ) -> int:
        smoothed = r.current
        # Without a running camera the last probabilities are stale: draw the bars empty.
        live = r.camera_running
        probs = r.latest.probs if r.latest is not None and live else {}
        order = r.order
        height = _BAR_ROW * scale * len(order)
        widgets.draw_confidence_bars(
            surface,
            pygame.Rect(x, y, width, height),
            probs,
            smoothed.label if smoothed.direction is not None and live else None,
            font,
            order=order,
            threshold=r.threshold,
        )
        return y + height

    def _draw_readings(
        self, surface: pygame.Surface, r: HudReading, font: pygame.font.Font, x: int, y: int, scale: int
    ) -> int:
        stats = r.stats
        fps = f"{stats.camera_fps:.0f} fps" if stats is not None and stats.camera_fps > 0 else "— fps"
        latency = _ms(stats.latency_ms if stats else None)
        inference = _ms(stats.inference_ms if stats else None)
        smoothing = "no smoothing" if r.smoothing == 1 else f"mean of {r.smoothing} frames"
        settings = f"steers at {round(r.threshold * 100)}%, {smoothing}"
        for text in (f"camera {fps}", f"latency {latency}  (model {inference})", settings):
            blit_with_font(surface, font, text, palette.TEXT_DIM, (x, y))
            y += _LINE * scale
        if r.learning is not None:
            blit_with_font(surface, font, r.learning[0], r.learning[1], (x, y))
            y += _LINE * scale
        return y

    def _draw_held(
        self, surface: pygame.Surface, r: HudReading, font: pygame.font.Font, x: int, y: int, scale: int
    ) -> None:
        held = r.held
        steering = r.camera_running and r.current.direction is not None
        rect = blit_with_font(surface, font, "Pac-Man:", palette.TEXT, (x, y))
        if held is None:
            blit_with_font(surface, font, "waiting", palette.TEXT_DIM, (rect.right + 6 * scale, y))
            return
        color = palette.ACCENT if steering else palette.TEXT_DIM
        size = rect.height
        arrow = pygame.Rect(rect.right + 6 * scale, y, size, size)
        draw_arrow(surface, arrow, held, color)
        blit_with_font(surface, font, held.name, color, (arrow.right + 4 * scale, y))

    def _draw_hint(
        self, surface: pygame.Surface, r: HudReading, font: pygame.font.Font, rect: pygame.Rect, scale: int
    ) -> None:
        # This panel replaces the keyboard help, so it repeats the keys that still matter.
        lines = [f"Arrows override   P pause   Q {'quit' if r.quits else 'title'}"]
        keys = ["C  recalibrate"] if r.can_recalibrate else []
        if r.learning is not None:
            keys.append("L  learning on/off")
        if keys:
            lines.append("   ".join(keys))
        x, y = rect.x + _PAD * scale, rect.bottom - _PAD * scale
        for line in reversed(lines):
            y = blit_with_font(surface, font, line, palette.TEXT_DIM, (x, y), "bottomleft").top - scale


def _no_picture_message(stats: PredictorStats | None, camera_seen: bool) -> str:
    if stats is None or stats.state is PredictorState.LOADING:
        return "Loading the gesture model…"
    if stats.state is PredictorState.STARTING:
        return "Starting the camera…"
    if stats.state is PredictorState.FAILED:
        return f"{stats.message} Keyboard play still works."
    if stats.state is PredictorState.LOST:
        what = "Camera lost" if camera_seen else "No camera"
        return f"{what} — retrying every second. {stats.message}"
    return stats.message or stats.state.value


def _ms(value: float | None) -> str:
    return "— ms" if value is None else f"{value:.0f} ms"


def draw_arrow(
    surface: pygame.Surface, rect: pygame.Rect, direction: Direction, color: palette.Color
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
