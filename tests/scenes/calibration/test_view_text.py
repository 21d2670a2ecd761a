"""The calibration view's text stays whole and inside its boxes, and its busy bar never looks like
progress going backwards (issue 10). The view only reads the scene, so a stand-in with the fields
it reads is enough: no camera, no MobileNet."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from game.render import palette, widgets
from game.render.layout import window_size
from game.render.text import blit_with_font
from game.render.text import wrap_text as wrap
from game.scenes.calibration import view as view_module
from game.scenes.calibration.layout import Layout
from game.scenes.calibration.view import CalibrationView
from game.vision.backbone_loader import LoadState

OFFLINE = (
    "The MobileNet weights are not available and could not be downloaded (URL fetch failure: [Errno -3] "
    "Temporary failure in name resolution; is there a network?). Put mobilenet_2_5_224_tf_no_top.h5 into "
    "/home/a-player-with-a-long-name/.config/gesture-pacman/keras-cache/models/ (or ~/.keras/models/, or "
    "set $KERAS_HOME so that $KERAS_HOME/models/ holds it), or pass --weights "
    "/path/to/mobilenet_2_5_224_tf_no_top.h5. A source checkout ships it as "
    "models/mobilenet_2_5_224_tf_no_top.h5."
)
STAGE = "Converting MobileNet for the per-frame runtime (first run only)"


@pytest.fixture(autouse=True)
def _pygame() -> object:
    pygame.init()
    yield
    pygame.quit()


def stand_in(state: LoadState, stage: str = "", message: str = "", pending: int = 0) -> SimpleNamespace:
    backbone = SimpleNamespace(
        state=state,
        stage=stage,
        message=message,
        ready=state is LoadState.READY,
        step=3,
        steps=4,
        progress=0.5,
        step_started=time.monotonic() - 12.3,
        recognizer="frame",
    )
    camera = SimpleNamespace(pending=pending)
    return SimpleNamespace(show_advanced=False, backbone=backbone, camera=camera, elapsed=0.7)


def drawn_outside(surface: pygame.Surface, inside: pygame.Rect) -> int:
    """Pixels that are not the background, outside ``inside``."""
    pixels = pygame.surfarray.array3d(surface)
    mask = np.any(pixels != np.array(palette.BACKGROUND), axis=-1)
    mask[inside.left : inside.right, inside.top : inside.bottom] = False
    return int(mask.sum())


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_the_offline_message_stays_inside_its_box(scale: int) -> None:
    surface = pygame.Surface(window_size(scale))
    surface.fill(palette.BACKGROUND)
    layout = Layout.for_surface(surface, scale)
    view = CalibrationView(scale)
    view._draw_mode_panel(surface, stand_in(LoadState.FAILED, message=OFFLINE), layout, None)  # type: ignore[arg-type]
    assert drawn_outside(surface, layout.mode_panel) == 0
    inner = layout.mode_panel.inflate(-6 * scale, -6 * scale)
    assert all(view.small.size(line)[0] <= inner.width for line in wrap(view.small, OFFLINE, inner.width))


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_the_loading_line_is_wrapped_whole_never_cut(scale: int, monkeypatch: pytest.MonkeyPatch) -> None:
    surface = pygame.Surface(window_size(scale))
    surface.fill(palette.BACKGROUND)
    layout = Layout.for_surface(surface, scale)
    view = CalibrationView(scale)
    drawn: list[str] = []
    real = blit_with_font

    def spy(
        target: pygame.Surface, font: pygame.font.Font, text: str, *args: object, **kw: object
    ) -> pygame.Rect:
        drawn.append(text)
        return real(target, font, text, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(view_module, "blit_with_font", spy)
    view._draw_mode_panel(surface, stand_in(LoadState.LOADING, stage=STAGE), layout, None)  # type: ignore[arg-type]
    assert drawn_outside(surface, layout.mode_panel) == 0
    assert not any(text.endswith(("…", "...")) for text in drawn), drawn
    assert " ".join(drawn).startswith(STAGE)


def test_a_long_word_is_broken_to_fit() -> None:
    font = pygame.font.Font(None, 18)
    lines = wrap(font, "put it into /home/someone/.keras/models/mobilenet_2_5_224_tf_no_top.h5 now", 90)
    assert all(font.size(line)[0] <= 90 for line in lines)
    assert (
        "".join(lines).replace(" ", "")
        == "putitinto/home/someone/.keras/models/mobilenet_2_5_224_tf_no_top.h5now"
    )


def bar_columns(phase: float) -> np.ndarray:
    surface = pygame.Surface((200, 20))
    rect = pygame.Rect(0, 0, 200, 20)
    widgets.draw_progress_bar(surface, rect, None, phase=phase)
    row = pygame.surfarray.array3d(surface)[1:-1, rect.centery]
    return np.all(row == np.array(palette.BAR_FG), axis=-1)


def test_the_busy_bar_covers_the_track_and_only_drifts_forward() -> None:
    previous = bar_columns(0.0)
    for step in range(1, 40):
        columns = bar_columns(step / 30)
        # Stripes over the whole track, never a block that could read as "this much done".
        quarters = np.array_split(columns, 4)
        assert all(q.any() and not q.all() for q in quarters)
        # Each frame is the last one moved right by a few pixels (never left).
        shifts = [s for s in range(-15, 16) if (np.roll(previous, s)[20:-20] == columns[20:-20]).all()]
        assert shifts and min(abs(s) for s in shifts) == min(shifts, key=abs) >= 0, shifts
        previous = columns


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_the_loading_bar_says_how_far_and_what_was_recorded(
    scale: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 14: a determinate bar (the share of the loading steps done) with the step and its
    # time, and the frames the player has recorded meanwhile.
    surface = pygame.Surface(window_size(scale))
    surface.fill(palette.BACKGROUND)
    layout = Layout.for_surface(surface, scale)
    view = CalibrationView(scale)
    bars: list[tuple[float | None, str]] = []
    real = widgets.draw_progress_bar

    def spy(target: pygame.Surface, rect: pygame.Rect, fraction: float | None, **kw: object) -> None:
        bars.append((fraction, str(kw.get("label", ""))))
        real(target, rect, fraction, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(widgets, "draw_progress_bar", spy)
    drawn: list[str] = []
    real_text = blit_with_font

    def text_spy(
        target: pygame.Surface, font: pygame.font.Font, text: str, *a: object, **kw: object
    ) -> pygame.Rect:
        drawn.append(text)
        return real_text(target, font, text, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(view_module, "blit_with_font", text_spy)
    scene = stand_in(LoadState.LOADING, stage=STAGE, pending=42)
    # The view's clock stands still 12.3 s into the step, however long drawing takes.
    now = scene.backbone.step_started + 12.3
    monkeypatch.setattr(view_module, "time", SimpleNamespace(monotonic=lambda: now))
    view._draw_mode_panel(surface, scene, layout, None)  # type: ignore[arg-type]
    assert bars == [(0.5, "Step 3 of 4 (12 s)")]
    assert "42 frames" in " ".join(drawn)
    assert drawn_outside(surface, layout.mode_panel) == 0
