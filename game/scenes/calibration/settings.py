"""The advanced panel's training settings: which fields of ``HeadConfig`` it exposes, the steps
each +/- moves through, and how a value is shown.

Steps are presets rather than increments because learning rate and hidden units matter on a log
scale: one press should make a difference a player can see in the next training run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from game.vision.training import HeadConfig


@dataclass(frozen=True)
class Setting:
    """One row of the advanced panel."""

    name: str  # the HeadConfig field
    label: str
    steps: tuple[float, ...]
    show: Callable[[float], str]

    def value(self, config: HeadConfig) -> float:
        return float(getattr(config, self.name))


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "learning_rate", "learning rate", (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2), lambda v: f"{v:g}"
    ),
    Setting("epochs", "epochs", (5, 10, 15, 20, 30, 40, 60, 80, 100), lambda v: str(int(v))),
    Setting(
        "hidden_units", "hidden units", (0, 10, 25, 50, 100, 200, 400), lambda v: str(int(v)) if v else "none"
    ),
    Setting("batch_fraction", "batch fraction", (0.05, 0.1, 0.25, 0.4, 0.6, 0.8, 1.0), lambda v: f"{v:.0%}"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def adjust(config: HeadConfig, name: str, direction: int) -> HeadConfig:
    """``config`` with setting ``name`` moved to the next preset up (+1) or down (-1).

    A value between presets (a profile trained with custom settings) moves to the nearest preset
    in that direction; at either end it stays.
    """
    setting = _BY_NAME[name]
    current = setting.value(config)
    if direction > 0:
        bigger = [v for v in setting.steps if v > current * (1 + 1e-9)]
        new = bigger[0] if bigger else current
    else:
        smaller = [v for v in setting.steps if v < current * (1 - 1e-9)]
        new = smaller[-1] if smaller else current
    value: float | int = int(new) if isinstance(getattr(config, name), int) else new
    return config.replace(**{name: value})
