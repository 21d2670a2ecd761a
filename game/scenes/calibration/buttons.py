"""Every clickable thing on the calibration screen, placed on the layout's rectangles.

The scene enables and labels them each frame from its state; the view draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.render.widgets import Button
from game.scenes.calibration.layout import Layout
from game.scenes.calibration.settings import SETTINGS
from game.vision.types import ALL_CLASSES


@dataclass
class Buttons:
    train: Button
    save: Button
    play: Button
    undo: Button
    idle: Button
    advanced: Button
    #: One hold-to-record button per class panel, and its small clear ("x") button.
    classes: dict[str, Button] = field(default_factory=dict)
    clear: dict[str, Button] = field(default_factory=dict)
    #: The advanced panel's -/+ per setting, keyed by the HeadConfig field.
    minus: dict[str, Button] = field(default_factory=dict)
    plus: dict[str, Button] = field(default_factory=dict)

    @classmethod
    def for_layout(cls, layout: Layout) -> Buttons:
        buttons = cls(
            train=Button(layout.train, "Train  [T]"),
            save=Button(layout.save, "Save  [S]"),
            play=Button(layout.play, "Play  [P]"),
            undo=Button(layout.undo, "Undo  [U]"),
            idle=Button(layout.idle, "Idle  [O]"),
            advanced=Button(layout.advanced, "Tune  [A]"),
        )
        for name in ALL_CLASSES:
            buttons.classes[name] = Button(layout.class_panels[name], name)
            buttons.clear[name] = Button(layout.clear_buttons[name], "x")
        for setting in SETTINGS:
            buttons.minus[setting.name] = Button(layout.setting_minus[setting.name], "-")
            buttons.plus[setting.name] = Button(layout.setting_plus[setting.name], "+")
        return buttons
