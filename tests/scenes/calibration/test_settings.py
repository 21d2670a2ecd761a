"""The advanced panel's settings: each steps up and down through its presets and stops at the ends."""

from __future__ import annotations

import pytest

from game.scenes.calibration.settings import SETTINGS, Setting, adjust
from game.vision.training import DEFAULT, HeadConfig


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_each_setting_steps_up_and_down_and_stops_at_the_ends(setting: object) -> None:
    assert isinstance(setting, Setting)
    start = setting.value(DEFAULT)
    up = adjust(DEFAULT, setting.name, +1)
    assert setting.value(up) > start
    assert setting.value(adjust(up, setting.name, -1)) == start
    config: HeadConfig = DEFAULT
    for _ in range(len(setting.steps) + 2):
        config = adjust(config, setting.name, +1)
    assert setting.value(config) == max(setting.steps)
    assert type(getattr(config, setting.name)) is type(getattr(DEFAULT, setting.name))
    # Everything else is untouched.
    others = {k: v for k, v in config.to_dict().items() if k != setting.name}
    assert others == {k: v for k, v in DEFAULT.to_dict().items() if k != setting.name}
