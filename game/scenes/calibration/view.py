"""Draws the calibration scene: live preview, class panels, buttons, and the mode panel (loading,
instructions, training chart, results with confusion matrix and live confidence bars, settings).

It only reads the scene, through the read-only ``CalibrationScreen`` protocol defined here (so the
view never imports the scene); the surfaces it caches (the converted preview frame, thumbnails, fonts)
are drawing caches, not state the scene depends on.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pygame

from game.render import palette, widgets
from game.render.hand_overlay import draw_hand, scaled
from game.render.text import blit_with_font, legible_font, wrap_text
from game.scenes.calibration.layout import Layout
from game.scenes.calibration.modes import Flash, FlashKind, Mode
from game.scenes.calibration.options import CalibrationOptions
from game.scenes.calibration.settings import SETTINGS
from game.vision.backbone_loader import BackboneLoader, LoadState
from game.vision.preprocess import center_square
from game.vision.recorder import CameraWorker
from game.vision.samples import SampleBook
from game.vision.sources import SourceChooser
from game.vision.training import DEFAULT, HeadConfig, TrainResult
from game.vision.training_job import TrainingJob
from game.vision.types import DIRECTION_CLASSES, IDLE_CLASS
from game.vision.variety import VARIETY_PROMPT, Variety

if TYPE_CHECKING:
    from game.scenes.calibration.buttons import Buttons

ACC_COLOR: palette.Color = palette.GOOD

HINTS: dict[str, str] = {
    "up": "e.g. point up",
    "down": "e.g. point down",
    "left": "e.g. point to your left",
    "right": "e.g. point to your right",
    IDLE_CLASS: "relaxed hand, or no hand",
}
KEY_NAMES: dict[str, str] = {"up": "Up", "down": "Down", "left": "Left", "right": "Right", IDLE_CLASS: "I"}

INSTRUCTIONS: tuple[str, ...] = (
    "HOLD an arrow key (I for idle) while you show its gesture,",
    "or press and hold a class panel: frames become samples.",
    "Move while recording: only frames that differ are kept.",
    "Backspace undoes the last hold;  Shift+arrow clears a class.",
    "T trains,  S saves,  P plays,  C next camera,  A settings,  Esc leaves.",
)


class CalibrationScreen(Protocol):
    """What the view reads from the calibration scene (``CalibrationScene`` is one); never written."""

    @property
    def options(self) -> CalibrationOptions: ...
    @property
    def sources(self) -> SourceChooser: ...
    @property
    def camera(self) -> CameraWorker: ...
    @property
    def backbone(self) -> BackboneLoader: ...
    @property
    def book(self) -> SampleBook: ...
    @property
    def config(self) -> HeadConfig: ...
    @property
    def mode(self) -> Mode: ...
    @property
    def job(self) -> TrainingJob | None: ...
    @property
    def result(self) -> TrainResult | None: ...
    @property
    def flash(self) -> Flash | None: ...
    @property
    def recording(self) -> str | None: ...
    @property
    def saved_path(self) -> Path | None: ...
    @property
    def show_advanced(self) -> bool: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def no_camera(self) -> bool: ...
    @property
    def camera_lost(self) -> bool: ...
    @property
    def can_play_keyboard(self) -> bool: ...
    @property
    def stale_result(self) -> bool: ...
    @property
    def train_reason(self) -> str: ...
    def variety_of(self, label: str) -> Variety: ...


class CalibrationView:
    """Fonts and drawing caches for one window scale.

    At scale 1 the small font would be 9 (capitals 6 pixels tall, a grey smudge): like the side
    panels' text it is drawn at the smallest legible size instead (``legible_font``); from scale 2
    on every font is larger already and is as it was.
    """

    def __init__(self, scale: int) -> None:
        self.scale = scale
        self.small = legible_font(6 * scale * 3 // 2)
        self.normal = legible_font(8 * scale * 3 // 2)
        self.big = legible_font(12 * scale * 3 // 2)
        self._preview: pygame.Surface | None = None
        self._preview_key: tuple[int, int, int] | None = None
        self._thumbs: dict[int, pygame.Surface] = {}

    # -- entry point -----------------------------------------------------------------------

    def draw(
        self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout, buttons: Buttons
    ) -> None:
        surface.fill(palette.BACKGROUND)
        if scene.no_camera:
            self._draw_no_camera(surface, scene, layout)
            return
        self._draw_header(surface, scene, layout)
        self._draw_preview(surface, scene, layout)
        self._draw_mode_panel(surface, scene, layout, buttons)
        for name in (*DIRECTION_CLASSES, IDLE_CLASS):
            self._draw_class_panel(surface, scene, layout, buttons, name)
        for button in (
            buttons.train,
            buttons.save,
            buttons.play,
            buttons.undo,
            buttons.idle,
            buttons.advanced,
        ):
            button.draw(surface, self.normal, self.small)
        self._draw_flash(surface, scene, layout)

    # -- pieces ----------------------------------------------------------------------------

    def _draw_header(self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout) -> None:
        s = self.scale
        rect = layout.header
        blit_with_font(
            surface,
            self.normal,
            "CALIBRATE YOUR GESTURES",
            palette.ACCENT,
            (rect.x + 4 * s, rect.centery),
            "midleft",
        )
        status = scene.sources.describe()
        if scene.backbone.ready and scene.backbone.seconds is not None:
            took = scene.backbone.seconds
            what = "Hand finder" if scene.backbone.recognizer_loaded == "hand" else "MobileNet"
            status += f"   ·   {what} ready ({took:.1f} s)" if took >= 0.5 else f"   ·   {what} ready"
        if scene.saved_path is not None and not scene.book.dirty:
            status += "   ·   saved"
        elif scene.book.dirty:
            status += "   ·   unsaved changes"
        blit_with_font(
            surface, self.small, status, palette.TEXT_DIM, (rect.right - 4 * s, rect.centery), "midright"
        )

    def _frame_surface(self, image: np.ndarray, index: int) -> pygame.Surface:
        key = (index, image.shape[0], image.shape[1])
        if self._preview is None or self._preview_key != key:
            h, w = image.shape[:2]
            self._preview = pygame.image.frombuffer(np.ascontiguousarray(image).tobytes(), (w, h), "RGB")
            self._preview_key = key
        return self._preview

    def _draw_preview(self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout) -> None:
        s, rect = self.scale, layout.preview
        pygame.draw.rect(surface, palette.BLACK, rect)
        frame = scene.camera.latest_frame()
        if frame is not None:
            picture = self._frame_surface(frame.image, frame.index)
            h, w = frame.image.shape[:2]
            fit = min(rect.width / w, rect.height / h)
            size = (max(1, round(w * fit)), max(1, round(h * fit)))
            target = pygame.Rect((0, 0), size)
            target.center = rect.center
            surface.blit(pygame.transform.scale(picture, size), target)
            if scene.backbone.recognizer_loaded == "hand":
                # The hand stage looks at the whole frame: show what it found there.
                factor = target.width / w
                hand = scene.backbone.last_hand
                draw_hand(surface, hand, scaled(target.topleft, factor), target, self.small, s)
            else:
                # The square the backbone sees (preprocessing crops the centre): poses outside it
                # do not count.
                side = round(min(w, h) * fit)
                crop = pygame.Rect(0, 0, side, side)
                crop.center = target.center
                if crop.width < target.width or crop.height < target.height:
                    self._draw_model_view(surface, target, crop)
        else:
            blit_with_font(
                surface,
                self.normal,
                f"Opening {scene.sources.describe()}…",
                palette.TEXT_DIM,
                rect.center,
                "center",
            )
        if scene.recording is not None:
            pygame.draw.rect(surface, palette.REC_RED, rect, width=2 * s)
            if int(scene.elapsed * 2) % 2 == 0:  # a blinking dot reads as "recording" everywhere
                pygame.draw.circle(surface, palette.REC_RED, (rect.x + 10 * s, rect.y + 10 * s), 4 * s)
            label = f"REC  {scene.recording}  {scene.book.count(scene.recording)}"
            kept = scene.camera.pending  # recorded while MobileNet loads: samples once it is ready
            if kept:
                label += f"  +{kept} kept"
            blit_with_font(
                surface, self.normal, label, palette.TEXT, (rect.x + 17 * s, rect.y + 10 * s), "midleft"
            )
            self._draw_recording_prompt(surface, scene, rect)
        if scene.camera_lost:
            width = rect.width - 8 * s
            lines = wrap_text(
                self.small, "Camera lost: retrying. Recording stopped; your samples are kept.", width
            )
            lines += wrap_text(self.small, scene.camera.message, width)[:2]
            height = max(36 * s, len(lines) * (self.small.get_linesize() + s) + 6 * s)
            band = pygame.Rect(rect.x, rect.centery - height // 2, rect.width, height)
            pygame.draw.rect(surface, palette.CAMERA_LOST_BAND, band)
            y = band.y + 3 * s
            for line in lines:
                y = blit_with_font(surface, self.small, line, palette.TEXT, (band.x + 4 * s, y)).bottom + s
        pygame.draw.rect(surface, palette.PANEL_EDGE, rect, width=1)

    def _draw_model_view(self, surface: pygame.Surface, target: pygame.Rect, crop: pygame.Rect) -> None:
        """Dim what the model does not see, outline the square it does, and say so."""
        s = self.scale
        shade = pygame.Surface(target.size, pygame.SRCALPHA)
        shade.fill((*palette.BLACK, 170))
        shade.fill((*palette.BLACK, 0), crop.move(-target.x, -target.y))
        surface.blit(shade, target)
        pygame.draw.rect(surface, palette.TEXT, crop, width=max(1, s // 2))
        label = self.small.render("what the model sees", True, palette.TEXT)
        box = label.get_rect(topright=(crop.right - 2 * s, crop.y + 2 * s)).inflate(4 * s, 2 * s)
        pygame.draw.rect(surface, palette.BLACK, box)
        surface.blit(label, label.get_rect(center=box.center))

    def _draw_recording_prompt(
        self, surface: pygame.Surface, scene: CalibrationScreen, rect: pygame.Rect
    ) -> None:
        """While a key is held: how many frames became samples, and whether the class is varied yet."""
        s, name = self.scale, scene.recording
        if name is None:
            return
        gate = scene.camera.gate
        variety = scene.variety_of(name)
        kept, seen = gate.kept.get(name, 0), gate.offered.get(name, 0)
        lines = [
            (f"kept {kept} of {seen} frames (only frames that differ)", palette.TEXT_DIM),
            (
                ("Varied enough - keep going or let go", palette.GOOD)
                if variety.good
                else (VARIETY_PROMPT, palette.ACCENT)
            ),
        ]
        line_h = self.small.get_linesize()
        band = pygame.Rect(
            rect.x, rect.bottom - len(lines) * line_h - 6 * s, rect.width, len(lines) * line_h + 6 * s
        )
        shade = pygame.Surface(band.size, pygame.SRCALPHA)
        shade.fill((*palette.BLACK, 190))
        surface.blit(shade, band)
        y = band.y + 3 * s
        for text, color in lines:
            y = blit_with_font(surface, self.small, text, color, (rect.centerx, y), "midtop").bottom

    def _draw_mode_panel(
        self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout, buttons: Buttons
    ) -> None:
        rect = layout.mode_panel
        pygame.draw.rect(surface, palette.PANEL, rect)
        pygame.draw.rect(surface, palette.PANEL_EDGE, rect, width=1)
        inner = rect.inflate(-6 * self.scale, -6 * self.scale)
        if scene.show_advanced:
            self._draw_settings(surface, scene, layout, buttons)
        elif scene.backbone.state is LoadState.FAILED:
            failed = [f"Cannot load the {scene.backbone.recognizer} recognizer:", scene.backbone.message]
            self._draw_lines(surface, inner, failed, palette.BAD)
        elif not scene.backbone.ready:
            self._draw_loading(surface, scene, inner)
        elif scene.mode is Mode.TRAINING:
            self._draw_training(surface, scene, inner)
        elif scene.mode is Mode.RESULTS and scene.result is not None:
            self._draw_results(surface, scene, inner)
        else:
            self._draw_record_help(surface, scene, inner)

    def _draw_record_help(self, surface: pygame.Surface, scene: CalibrationScreen, rect: pygame.Rect) -> None:
        s = self.scale
        y = (
            blit_with_font(surface, self.normal, "RECORD YOUR GESTURES", palette.ACCENT, rect.topleft).bottom
            + 2 * s
        )
        # The instructions stop above the status line at the bottom, never under it.
        body = pygame.Rect(rect.x, y, rect.width, rect.bottom - self.small.get_linesize() - y)
        y = self._draw_lines(surface, body, list(INSTRUCTIONS), palette.TEXT)
        reason = scene.train_reason
        status = f"To train: {reason}." if reason else "Every class is ready: press T to train."
        color = palette.TEXT_DIM if reason else palette.GOOD
        blit_with_font(surface, self.small, status, color, (rect.x, rect.bottom), "bottomleft")

    def _draw_lines(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        paragraphs: list[str],
        color: palette.Color,
        font: pygame.font.Font | None = None,
    ) -> int:
        font = font or self.small
        y = rect.y
        for paragraph in paragraphs:
            for line in wrap_text(font, paragraph, rect.width):
                if y + font.get_linesize() > rect.bottom:
                    return y
                blit_with_font(surface, font, line, color, (rect.x, y))
                y += font.get_linesize()
        return y

    def _draw_loading(self, surface: pygame.Surface, scene: CalibrationScreen, rect: pygame.Rect) -> None:
        s = self.scale
        # Wrapped, never cut short: "Converting MobileNet for the per-frame runtime (first run
        # only)" is the one that tells a first-time player why this takes a while.
        stage = pygame.Rect(rect.x, rect.y, rect.width, 2 * self.normal.get_linesize())
        y = self._draw_lines(surface, stage, [scene.backbone.stage], palette.ACCENT, self.normal)
        y += 2 * s
        loader = scene.backbone
        bar = pygame.Rect(rect.x, y, rect.width, 9 * s)
        # Determinate: filled to the share of the loading steps done, the step's time so far shown.
        seconds = max(0, int(time.monotonic() - loader.step_started))
        label = f"Step {max(1, loader.step)} of {loader.steps} ({seconds} s)"
        widgets.draw_progress_bar(surface, bar, loader.progress, font=self.small, label=label)
        text_rect = pygame.Rect(rect.x, bar.bottom + 4 * s, rect.width, rect.bottom - bar.bottom - 4 * s)
        kept = scene.camera.pending
        waiting = (
            f"{kept} frames recorded so far: they become samples when the recognizer is ready."
            if kept
            else "You can record already: the frames become samples when the recognizer is ready."
        )
        self._draw_lines(surface, text_rect, [waiting, *INSTRUCTIONS], palette.TEXT_DIM)

    def _draw_training(self, surface: pygame.Surface, scene: CalibrationScreen, rect: pygame.Rect) -> None:
        s = self.scale
        job = scene.job
        if job is None:
            return
        epochs = job.epochs
        total = job.config.epochs
        bar = pygame.Rect(rect.x, rect.y, rect.width, 9 * s)
        label = f"Training: epoch {len(epochs)} of {total}"
        widgets.draw_progress_bar(surface, bar, len(epochs) / total, font=self.small, label=label)
        chart = pygame.Rect(rect.x, bar.bottom + 3 * s, rect.width, rect.bottom - bar.bottom - 3 * s)
        series = [widgets.Series("loss", [e.loss for e in epochs], palette.LOSS_RED)]
        if any(e.val_accuracy is not None for e in epochs):
            accs = [math.nan if e.val_accuracy is None else e.val_accuracy for e in epochs]
            series.append(widgets.Series("val. accuracy", accs, ACC_COLOR, 0.0, 1.0))
        else:
            series.append(widgets.Series("accuracy", [e.accuracy for e in epochs], ACC_COLOR, 0.0, 1.0))
        widgets.draw_line_chart(surface, chart, series, self.small, x_count=total)

    def _draw_results(self, surface: pygame.Surface, scene: CalibrationScreen, rect: pygame.Rect) -> None:
        s = self.scale
        result = scene.result
        assert result is not None
        left = pygame.Rect(rect.x, rect.y, rect.width * 11 // 20, rect.height)
        right = pygame.Rect(left.right + 4 * s, rect.y, rect.right - left.right - 4 * s, rect.height)
        # The check figure is measured on each class's last samples (recorded after the ones the
        # head learned from); with too few to hold any out there is no check, only the fit.
        if result.val_accuracy is not None:
            title = f"Check on last samples: {result.val_accuracy:.0%}"
        else:
            title = "No check (too few samples)"
        y = blit_with_font(surface, self.small, title, palette.ACCENT, left.topleft).bottom + s
        acc_w = self.small.size("100%")[0] + 2 * s
        grid = pygame.Rect(left.x, y, left.width - acc_w, left.bottom - y)
        classes = list(result.classes)
        widgets.draw_confusion_matrix(surface, grid, result.confusion, classes, self.small)
        # Per-class accuracy beside each matrix row (same geometry as draw_confusion_matrix's cells).
        head_h = self.small.get_height() * 2 + 4
        label_w = max(self.small.size(n)[0] for n in classes) + self.small.get_height() // 2
        cell = max(4, min((grid.width - label_w) // len(classes), (grid.height - head_h) // len(classes)))
        for i, name in enumerate(classes):
            acc = result.per_class_accuracy.get(name, math.nan)
            text = "–" if math.isnan(acc) else f"{acc:.0%}"
            color = palette.GOOD if not math.isnan(acc) and acc >= 0.9 else palette.BAD
            cy = grid.y + head_h + cell * i + cell // 2
            blit_with_font(
                surface,
                self.small,
                text,
                color,
                (grid.x + label_w + cell * len(classes) + 2 * s, cy),
                "midleft",
            )
        y = blit_with_font(surface, self.small, "LIVE TEST", palette.ACCENT, right.topleft).bottom + s
        live = scene.camera.latest_result()
        bars = pygame.Rect(
            right.x,
            y,
            right.width,
            right.bottom - y - (self.small.get_linesize() if scene.stale_result else 0),
        )
        if live is None:
            blit_with_font(surface, self.small, "waiting for a frame…", palette.TEXT_DIM, (right.x, y))
        else:
            widgets.draw_confidence_bars(surface, bars, live.probs, live.top, self.small, order=classes)
        if scene.stale_result:
            blit_with_font(
                surface, self.small, "new samples: T retrains", palette.BAD, right.bottomleft, "bottomleft"
            )

    def _draw_settings(
        self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout, buttons: Buttons
    ) -> None:
        rect = layout.mode_panel
        s = self.scale
        hint = "(default)   keys 1-8   Esc closes"
        hint_rect = blit_with_font(
            surface, self.small, hint, palette.TEXT_DIM, (rect.right - 4 * s, rect.y + 3 * s), "topright"
        )
        title = "TRAINING SETTINGS for the next training"
        if self.small.size(title)[0] > hint_rect.x - 3 * s - (rect.x + 4 * s):
            title = "TRAINING SETTINGS"  # scale 1's legible font leaves no room for the rest
        blit_with_font(surface, self.small, title, palette.ACCENT, (rect.x + 4 * s, rect.y + 3 * s))
        for i, setting in enumerate(SETTINGS):
            row = layout.setting_rows[setting.name]
            value = setting.show(setting.value(scene.config))
            default = setting.show(setting.value(DEFAULT))
            changed = value != default
            blit_with_font(
                surface,
                self.small,
                f"{setting.label}  [{2 * i + 1}/{2 * i + 2}]",
                palette.TEXT,
                (row.x, row.centery),
                "midleft",
            )
            value_x = row.x + row.width * 47 // 100
            shown = blit_with_font(
                surface,
                self.normal,
                value,
                palette.ACCENT if changed else palette.TEXT,
                (value_x, row.centery),
                "midleft",
            )
            blit_with_font(
                surface,
                self.small,
                f"({default})",
                palette.TEXT_DIM,
                (shown.right + 3 * s, row.centery),
                "midleft",
            )
            buttons.minus[setting.name].draw(surface, self.small)
            buttons.plus[setting.name].draw(surface, self.small)

    def _thumb(self, image: np.ndarray, px: int) -> pygame.Surface:
        key = id(image)
        cached = self._thumbs.get(key)
        if cached is None or cached.get_width() != px:
            square = np.ascontiguousarray(center_square(image))
            raw = pygame.image.frombuffer(square.tobytes(), (square.shape[1], square.shape[0]), "RGB")
            cached = pygame.transform.scale(raw, (px, px))
            if len(self._thumbs) > 64:
                self._thumbs.clear()
            self._thumbs[key] = cached
        return cached

    def _draw_variety(self, surface: pygame.Surface, variety: Variety, at: pygame.Rect) -> None:
        """A small meter of the class's variety: yellow and growing, green once varied enough; no
        wider than ``at`` (the bar gives up width to the words)."""
        s = self.scale
        color = palette.GOOD if variety.good else palette.ACCENT
        word = "ok" if variety.good else "move!"
        label = blit_with_font(surface, self.small, "variety", palette.TEXT_DIM, at.midleft, "midleft")
        room = at.right - label.right - 6 * s - self.small.size("move!")[0]
        bar = pygame.Rect(label.right + 3 * s, at.y + s, max(4 * s, min(36 * s, room)), at.height - 2 * s)
        pygame.draw.rect(surface, palette.BAR_BG, bar)
        pygame.draw.rect(surface, color, (bar.x, bar.y, round(bar.width * variety.level), bar.height))
        blit_with_font(surface, self.small, word, color, (bar.right + 3 * s, at.centery), "midleft")

    def _draw_class_panel(
        self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout, buttons: Buttons, name: str
    ) -> None:
        s = self.scale
        rect = layout.class_panels[name]
        button = buttons.classes[name]
        enabled = button.enabled
        recording = scene.recording == name
        fill = (
            palette.REC_FILL
            if recording
            else (palette.CLASS_HOVER_FILL if button.hovered and enabled else palette.PANEL)
        )
        pygame.draw.rect(surface, fill, rect, border_radius=3 * s)
        edge = palette.REC_RED if recording else palette.PANEL_EDGE
        pygame.draw.rect(surface, edge, rect, width=2 * s if recording else 1, border_radius=3 * s)
        thumb_rect = pygame.Rect(rect.x + 2 * s, rect.y + 2 * s, rect.height - 4 * s, rect.height - 4 * s)
        first = scene.book.first_thumbnail(name)
        if first is not None:
            surface.blit(self._thumb(first, thumb_rect.width), thumb_rect)
        else:
            pygame.draw.rect(surface, palette.BAR_BG, thumb_rect)
            blit_with_font(surface, self.small, "?", palette.TEXT_DIM, thumb_rect.center, "center")
        x = thumb_rect.right + 4 * s
        ink = palette.TEXT if enabled else palette.TEXT_DIM
        title = blit_with_font(
            surface, self.normal, name.upper(), palette.REC_RED if recording else ink, (x, rect.y + 2 * s)
        )
        blit_with_font(
            surface,
            self.small,
            f"hold [{KEY_NAMES[name]}]",
            palette.TEXT_DIM,
            (title.right + 4 * s, title.centery),
            "midleft",
        )
        count = scene.book.count(name)
        need = scene.book.min_per_class
        count_color = palette.GOOD if count >= need else (palette.ACCENT if count else palette.TEXT_DIM)
        if not enabled:
            count_color = palette.TEXT_DIM
        shown = blit_with_font(
            surface,
            self.big,
            str(count),
            count_color,
            (rect.right - 14 * s, rect.bottom - 1 * s),
            "bottomright",
        )
        room = shown.x - 3 * s - x  # the hint or variety meter stays left of the count
        if enabled and count >= 2:
            self._draw_variety(
                surface, scene.variety_of(name), pygame.Rect(x, rect.bottom - 8 * s, room, 6 * s)
            )
        else:
            hint = HINTS[name] if enabled else "off: press O (or hold I) to use it"
            # Wrapped into the room left of the count (two lines under the title at most).
            lines = wrap_text(self.small, hint, room)[-2:]
            y = rect.bottom - 2 * s - len(lines) * self.small.get_linesize()
            for line in lines:
                y = blit_with_font(surface, self.small, line, palette.TEXT_DIM, (x, y)).y
                y += self.small.get_linesize()
        if count < need and enabled:
            blit_with_font(
                surface,
                self.small,
                f"/{need}",
                palette.TEXT_DIM,
                (rect.right - 3 * s, rect.bottom - 3 * s),
                "bottomright",
            )
        if recording and int(scene.elapsed * 2) % 2 == 0:
            pygame.draw.circle(surface, palette.REC_RED, (rect.right - 24 * s, rect.y + 7 * s), 3 * s)
        clear = buttons.clear[name]
        if clear.enabled:
            clear.draw(surface, self.small)

    def _draw_flash(self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout) -> None:
        flash = scene.flash
        if flash is None:
            return
        s = self.scale
        color = palette.BAD if flash.kind is FlashKind.ERROR else palette.ACCENT
        lines = wrap_text(self.small, flash.text, layout.preview.width - 10 * s)[:3]
        h = len(lines) * self.small.get_linesize() + 6 * s
        band = pygame.Rect(layout.preview.x, layout.preview.bottom - h, layout.preview.width, h)
        shade = pygame.Surface(band.size, pygame.SRCALPHA)
        shade.fill((*palette.BLACK, 200))
        surface.blit(shade, band)
        pygame.draw.line(surface, color, band.topleft, band.topright, width=s)
        y = band.y + 3 * s
        for line in lines:
            y = blit_with_font(surface, self.small, line, color, (band.x + 5 * s, y)).bottom

    def _draw_no_camera(self, surface: pygame.Surface, scene: CalibrationScreen, layout: Layout) -> None:
        s = self.scale
        rect = layout.screen.inflate(-40 * s, -30 * s)
        y = blit_with_font(
            surface, self.big, "NO CAMERA", palette.ACCENT, (rect.centerx, rect.y + 8 * s), "midtop"
        ).bottom
        tried = scene.sources.tried
        if len(tried) == 1:
            which = f"Tried camera {tried[0]}: it did not open."
        elif tried:
            which = "Tried cameras " + ", ".join(str(i) for i in tried) + ": none of them opened."
        else:
            which = f"{scene.sources.describe()} did not deliver a picture."
        y = self._draw_lines(
            surface, pygame.Rect(rect.x, y + 8 * s, rect.width, 30 * s), [which], palette.TEXT, self.normal
        )
        advice = [
            "The camera may be unplugged, in use by another program (a video call?), or blocked by "
            "your system's camera permission for this program.",
            "Start again with --camera N to pick another webcam, or with --video FILE to calibrate "
            "from a recorded video.  `gesture-pacman doctor` lists the cameras that open.",
        ]
        body = pygame.Rect(rect.x, y + 6 * s, rect.width, rect.bottom - y - 60 * s)
        y = self._draw_lines(surface, body, advice[:1], palette.TEXT) + 4 * s
        body.y, body.height = y, rect.bottom - y - 60 * s
        y = self._draw_lines(surface, body, advice[1:], palette.TEXT) + 6 * s
        body.y, body.height = y, rect.bottom - y - 50 * s
        self._draw_lines(surface, body, [f"Details: {scene.camera.message}"], palette.TEXT_DIM)
        keys = [f"C   try camera {scene.sources.next_index}" if scene.sources.can_cycle else ""]
        if scene.can_play_keyboard:
            keys.append("Enter   play with the keyboard")
        keys.append("Esc   quit" if scene.options.started_directly else "Esc   back to the title")
        y = rect.bottom - 40 * s
        for line in filter(None, keys):
            y = blit_with_font(surface, self.normal, line, palette.ACCENT, (rect.x, y)).bottom + 2 * s
