"""Where everything on the calibration screen goes, in window pixels at an integer scale.

The screen uses the game's 384x288 logical canvas: the live preview and the mode panel (loading,
instructions, training chart, results) on the left, the class panels and buttons on the right.
The scene hit-tests its buttons against the same rectangles the view draws them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from game.render.layout import LOGICAL_H, LOGICAL_W, ScreenLayout
from game.scenes.calibration.settings import SETTINGS
from game.vision.types import ALL_CLASSES

_PAD = 4
_HEADER_H = 14
_PREVIEW_W, _PREVIEW_H = 224, 168
_RIGHT_X = _PAD + _PREVIEW_W + _PAD
_RIGHT_W = LOGICAL_W - _RIGHT_X - _PAD
_CLASS_H, _CLASS_GAP = 31, 2
_BUTTON_H, _BUTTON_GAP = 30, 3


@dataclass(frozen=True)
class Layout:
    """Rectangles in window pixels; ``scale`` is the integer scale they were computed for."""

    scale: int
    screen: pygame.Rect
    header: pygame.Rect
    preview: pygame.Rect
    mode_panel: pygame.Rect
    train: pygame.Rect
    save: pygame.Rect
    play: pygame.Rect
    undo: pygame.Rect
    idle: pygame.Rect
    advanced: pygame.Rect
    class_panels: dict[str, pygame.Rect] = field(default_factory=dict)
    clear_buttons: dict[str, pygame.Rect] = field(default_factory=dict)
    setting_rows: dict[str, pygame.Rect] = field(default_factory=dict)
    setting_minus: dict[str, pygame.Rect] = field(default_factory=dict)
    setting_plus: dict[str, pygame.Rect] = field(default_factory=dict)

    @classmethod
    def for_surface(cls, surface: pygame.Surface, scale: int) -> Layout:
        ox, oy = ScreenLayout.for_surface(surface, scale).origin
        s = scale

        def rect(x: float, y: float, w: float, h: float) -> pygame.Rect:
            return pygame.Rect(ox + round(x * s), oy + round(y * s), round(w * s), round(h * s))

        preview_y = _HEADER_H + _PAD // 2
        mode_y = preview_y + _PREVIEW_H + _PAD
        classes = {
            name: rect(_RIGHT_X, preview_y + i * (_CLASS_H + _CLASS_GAP), _RIGHT_W, _CLASS_H)
            for i, name in enumerate(ALL_CLASSES)
        }
        clear = {
            name: rect(_RIGHT_X + _RIGHT_W - 11, preview_y + i * (_CLASS_H + _CLASS_GAP) + 2, 9, 9)
            for i, name in enumerate(ALL_CLASSES)
        }
        buttons_y = preview_y + len(ALL_CLASSES) * (_CLASS_H + _CLASS_GAP) + 1
        half = (_RIGHT_W - _BUTTON_GAP) / 2
        third = (_RIGHT_W - 2 * _BUTTON_GAP) / 3
        row2 = buttons_y + _BUTTON_H + _BUTTON_GAP
        row3 = row2 + _BUTTON_H + _BUTTON_GAP
        mode_h = LOGICAL_H - mode_y - _PAD
        row_h = min(16.0, (mode_h - 16) / len(SETTINGS))
        rows, minus, plus = {}, {}, {}
        for i, setting in enumerate(SETTINGS):
            y = mode_y + 14 + i * row_h
            rows[setting.name] = rect(_PAD + 4, y, _PREVIEW_W - 8, row_h - 2)
            minus[setting.name] = rect(_PAD + _PREVIEW_W - 50, y, 20, row_h - 2)
            plus[setting.name] = rect(_PAD + _PREVIEW_W - 26, y, 20, row_h - 2)
        return cls(
            scale=scale,
            screen=rect(0, 0, LOGICAL_W, LOGICAL_H),
            header=rect(0, 0, LOGICAL_W, _HEADER_H),
            preview=rect(_PAD, preview_y, _PREVIEW_W, _PREVIEW_H),
            mode_panel=rect(_PAD, mode_y, _PREVIEW_W, mode_h),
            train=rect(_RIGHT_X, buttons_y, _RIGHT_W, _BUTTON_H),
            save=rect(_RIGHT_X, row2, half, _BUTTON_H),
            play=rect(_RIGHT_X + half + _BUTTON_GAP, row2, half, _BUTTON_H),
            undo=rect(_RIGHT_X, row3, third, _BUTTON_H),
            idle=rect(_RIGHT_X + third + _BUTTON_GAP, row3, third, _BUTTON_H),
            advanced=rect(_RIGHT_X + 2 * (third + _BUTTON_GAP), row3, third, _BUTTON_H),
            class_panels=classes,
            clear_buttons=clear,
            setting_rows=rows,
            setting_minus=minus,
            setting_plus=plus,
        )
