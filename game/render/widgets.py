"""Small drawing widgets shared by the scenes: confidence bars, progress bar, line chart,
confusion-matrix grid and a button with hover / pressed / disabled states.

Widgets only draw (the button also tracks the mouse); they never own game state. Every function
takes the target rectangle in real window pixels, so callers lay them out at ``manager.scale``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import pygame

from game.render.palette import (
    ACCENT,
    BAD,
    BAR_BG,
    BAR_FG,
    BUTTON_DISABLED_EDGE,
    BUTTON_DISABLED_FILL,
    BUTTON_DISABLED_TEXT,
    BUTTON_FILL,
    BUTTON_HOVER_FILL,
    DARK_INK,
    GOOD,
    HEAT_LOW,
    HEAT_MID,
    PANEL,
    PANEL_EDGE,
    TEXT,
    TEXT_DIM,
    Color,
)
from game.render.text import blit_with_font, fit_text, wrap_text


def draw_confidence_bars(
    surface: pygame.Surface,
    rect: pygame.Rect,
    probs: Mapping[str, float],
    top: str | None,
    font: pygame.font.Font,
    *,
    order: Sequence[str] | None = None,
    threshold: float | None = None,
    bar_color: Color = BAR_FG,
    top_color: Color = ACCENT,
) -> None:
    """One horizontal bar per class: name on the left, bar, percentage on the right.

    ``top`` is highlighted (the class currently steering, or the argmax); ``threshold``, when
    given, is drawn as a thin vertical mark so the player sees how far a class is from counting.
    ``order`` fixes the row order (so bars do not jump around between frames); classes missing
    from ``probs`` are drawn empty.
    """
    names = list(order) if order is not None else list(probs)
    if not names:
        return
    row_h = rect.height / len(names)
    label_w = max(font.size(name)[0] for name in names) + font.get_height() // 2
    pct_w = font.size("100%")[0] + font.get_height() // 2
    bar_x = rect.x + label_w
    bar_w = max(1, rect.width - label_w - pct_w)
    bar_h = max(2, int(min(row_h * 0.7, font.get_height())))
    for i, name in enumerate(names):
        p = min(1.0, max(0.0, float(probs.get(name, 0.0))))
        cy = int(rect.y + row_h * i + row_h / 2)
        is_top = name == top
        color = top_color if is_top else bar_color
        blit_with_font(surface, font, name, top_color if is_top else TEXT, (rect.x, cy), "midleft")
        track = pygame.Rect(bar_x, cy - bar_h // 2, bar_w, bar_h)
        pygame.draw.rect(surface, BAR_BG, track)
        if p > 0:
            pygame.draw.rect(surface, color, (track.x, track.y, max(1, round(bar_w * p)), bar_h))
        if is_top:
            pygame.draw.rect(surface, top_color, track, width=max(1, bar_h // 8))
        if threshold is not None:
            tx = track.x + round(bar_w * threshold)
            pygame.draw.line(surface, TEXT_DIM, (tx, track.y - 2), (tx, track.bottom + 1))
        pct_color = TEXT if is_top else TEXT_DIM
        blit_with_font(surface, font, f"{round(p * 100)}%", pct_color, (rect.right, cy), "midright")


def draw_progress_bar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fraction: float | None,
    *,
    font: pygame.font.Font | None = None,
    label: str = "",
    color: Color = BAR_FG,
    phase: float = 0.0,
) -> None:
    """A bar filled to ``fraction`` (0-1) with an optional centred label.

    ``fraction=None`` means "busy, amount unknown" (loading a model): slanted stripes over the
    whole track drift to the right, moved by ``phase`` in seconds so that the caller's clock
    drives the animation. (A block sweeping back and forth read as progress going backwards.)
    """
    pygame.draw.rect(surface, BAR_BG, rect)
    if fraction is None:
        _draw_busy_stripes(surface, rect, color, phase)
    else:
        f = min(1.0, max(0.0, fraction))
        if f > 0:
            pygame.draw.rect(surface, color, (rect.x, rect.y, max(1, round(rect.width * f)), rect.height))
    pygame.draw.rect(surface, PANEL_EDGE, rect, width=1)
    if font is not None and label:
        blit_with_font(surface, font, fit_text(font, label, rect.width - 4), TEXT, rect.center, "center")


#: The busy stripes: their period as a multiple of the bar's height, and their drift in periods a second.
_STRIPE_PERIOD = 2
_STRIPE_SPEED = 1.5


def _draw_busy_stripes(surface: pygame.Surface, rect: pygame.Rect, color: Color, phase: float) -> None:
    height = max(1, rect.height)
    period = max(4, _STRIPE_PERIOD * height)
    offset = round((phase * _STRIPE_SPEED % 1.0) * period)
    clip = surface.get_clip()
    surface.set_clip(rect.clip(clip))
    x = rect.x - period - height + offset
    while x < rect.right:
        # A parallelogram half a period wide, leaning right: bottom edge behind the top edge.
        top_left, top_right = (x + height, rect.y), (x + height + period // 2, rect.y)
        bottom_right, bottom_left = (x + period // 2, rect.bottom - 1), (x, rect.bottom - 1)
        pygame.draw.polygon(surface, color, [top_left, top_right, bottom_right, bottom_left])
        x += period
    surface.set_clip(clip)


@dataclass(frozen=True)
class Series:
    """One line of a chart: its legend label, a value per x step, its colour and y range."""

    label: str
    values: Sequence[float]
    color: Color
    y_min: float = 0.0
    y_max: float | None = None  # None: scale to the largest value seen


def draw_line_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    series: Sequence[Series],
    font: pygame.font.Font,
    *,
    x_count: int | None = None,
    title: str = "",
) -> None:
    """Lines over a shared x axis (e.g. loss and validation accuracy per epoch), each on its own
    y scale so that a loss near 1.5 and an accuracy near 0.9 both fill the plot.

    ``x_count`` fixes the x extent (the planned number of epochs) so lines grow left to right
    instead of being stretched while training runs.
    """
    pygame.draw.rect(surface, PANEL, rect)
    pygame.draw.rect(surface, PANEL_EDGE, rect, width=1)
    pad = max(4, font.get_height() // 3)
    legend_y = rect.y + pad
    x = rect.x + pad
    if title:
        x = blit_with_font(surface, font, title, TEXT, (x, legend_y)).right + pad * 2
    for s in series:
        last = f" {s.values[-1]:.2f}" if s.values else ""
        swatch_h = font.get_height() // 3
        pygame.draw.rect(surface, s.color, (x, legend_y + swatch_h, pad * 2, swatch_h))
        x = blit_with_font(surface, font, s.label + last, s.color, (x + pad * 3, legend_y)).right + pad * 2
    plot = pygame.Rect(rect.x + pad, legend_y + font.get_height() + pad, rect.width - 2 * pad, 0)
    plot.height = rect.bottom - pad - plot.y
    if plot.height < 4 or plot.width < 4:
        return
    for k in range(1, 4):  # quarter grid lines help read accuracy at a glance
        gy = plot.bottom - plot.height * k // 4
        pygame.draw.line(surface, BAR_BG, (plot.x, gy), (plot.right, gy))
    pygame.draw.line(surface, TEXT_DIM, plot.bottomleft, plot.bottomright)
    n = max([x_count or 0, *(len(s.values) for s in series)])
    if n < 1:
        return
    for s in series:
        values = [v for v in s.values if math.isfinite(v)]
        if not values:
            continue
        top = s.y_max if s.y_max is not None else max(max(values), s.y_min + 1e-6)
        span = max(top - s.y_min, 1e-9)
        points = []
        for i, v in enumerate(s.values):
            if not math.isfinite(v):
                continue
            px = plot.x + (plot.width * i / (n - 1) if n > 1 else plot.width / 2)
            frac = min(1.0, max(0.0, (v - s.y_min) / span))
            points.append((round(px), round(plot.bottom - frac * plot.height)))
        if len(points) > 1:
            pygame.draw.lines(surface, s.color, False, points, width=max(1, pad // 2))
        for p in points[-1:]:
            pygame.draw.circle(surface, s.color, p, max(2, pad // 2 + 1))


def _heat(value: float) -> Color:
    """Dark blue (0) through teal to Pac-Man yellow (1); two segments so that middling shares
    stay saturated instead of passing through grey."""
    v = min(1.0, max(0.0, value))
    lo, mid, hi = HEAT_LOW, HEAT_MID, ACCENT
    a, b, t = (lo, mid, v * 2) if v < 0.5 else (mid, hi, v * 2 - 1)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def column_headers(font: pygame.font.Font, labels: Sequence[str], width: int) -> list[str]:
    """The matrix's column headers in cells ``width`` pixels wide: the class names when they all
    fit, else all of them as capital initials (U D L R I: the rows beside still spell them out),
    and shortened names only where initials would be ambiguous or still too wide."""
    if all(font.size(name)[0] <= width for name in labels):
        return list(labels)
    initials = [name[:1].upper() for name in labels]
    if len(set(initials)) == len(initials) and all(font.size(i)[0] <= width for i in initials):
        return initials
    return [fit_text(font, name, width) for name in labels]


def draw_confusion_matrix(
    surface: pygame.Surface,
    rect: pygame.Rect,
    matrix: Sequence[Sequence[int]],
    labels: Sequence[str],
    font: pygame.font.Font,
) -> None:
    """Rows are the true class, columns the predicted one; each cell shows its count and is
    coloured by its share of the row, so a class with few validation samples still reads right.
    """
    n = len(labels)
    if n == 0:
        return
    label_w = max(font.size(name)[0] for name in labels) + font.get_height() // 2
    head_h = font.get_height() * 2 + 4
    cell = max(4, min((rect.width - label_w) // n, (rect.height - head_h) // n))
    grid_x, grid_y = rect.x + label_w, rect.y + head_h
    blit_with_font(surface, font, "predicted", TEXT_DIM, (grid_x, rect.y))
    for j, name in enumerate(column_headers(font, labels, cell)):
        cx = grid_x + cell * j + cell // 2
        blit_with_font(surface, font, name, TEXT_DIM, (cx, grid_y - 2), "midbottom")
    for i, row in enumerate(matrix):
        total = sum(row)
        cy = grid_y + cell * i + cell // 2
        blit_with_font(surface, font, labels[i], TEXT, (rect.x, cy), "midleft")
        for j, count in enumerate(row):
            share = count / total if total else 0.0
            cell_rect = pygame.Rect(grid_x + cell * j, grid_y + cell * i, cell - 1, cell - 1)
            pygame.draw.rect(surface, _heat(share), cell_rect)
            if i == j:
                pygame.draw.rect(surface, GOOD, cell_rect, width=2)
            ink = DARK_INK if share > 0.55 else TEXT
            blit_with_font(surface, font, str(count), ink, cell_rect.center, "center")


def button_label(font: pygame.font.Font, label: str, width: int) -> str:
    """``label`` as it fits ``width`` pixels: whole; else without its key hint (``"Idle: off [O]"``
    -> ``"Idle: off"``: the state says more than the key); else shortened with "…". A one-character
    label (the clear buttons' "x") is drawn whole: "…" would say less."""
    if len(label) < 2 or font.size(label)[0] <= width:
        return label
    plain = re.sub(r"\s*\[[^\]]*\]$", "", label)
    if plain and font.size(plain)[0] <= width:
        return plain
    return fit_text(font, plain or label, width)


class ButtonState(Enum):
    NORMAL = "normal"
    HOVER = "hover"
    PRESSED = "pressed"
    DISABLED = "disabled"


_BUTTON_COLORS: dict[ButtonState, tuple[Color, Color, Color]] = {
    # fill, edge, text
    ButtonState.NORMAL: (BUTTON_FILL, PANEL_EDGE, TEXT),
    ButtonState.HOVER: (BUTTON_HOVER_FILL, ACCENT, TEXT),
    ButtonState.PRESSED: (ACCENT, ACCENT, DARK_INK),
    ButtonState.DISABLED: (BUTTON_DISABLED_FILL, BUTTON_DISABLED_EDGE, BUTTON_DISABLED_TEXT),
}


@dataclass
class Button:
    """A clickable, optionally hold-able button.

    ``handle_event`` returns True on a completed click (press and release inside). ``held`` is
    True while the mouse button is down over it, for hold-to-record. When disabled, ``reason``
    is drawn under the label so the player learns what is missing instead of clicking blindly, in
    ``reason_color``: the error colour unless the reason is only a wait (something still loading).
    """

    rect: pygame.Rect
    label: str
    enabled: bool = True
    reason: str = ""
    reason_color: Color = BAD
    active: bool = False  # drawn as pressed, e.g. while its keyboard shortcut is held
    hovered: bool = field(default=False, init=False)
    held: bool = field(default=False, init=False)

    @property
    def state(self) -> ButtonState:
        if not self.enabled:
            return ButtonState.DISABLED
        if self.held or self.active:
            return ButtonState.PRESSED
        if self.hovered:
            return ButtonState.HOVER
        return ButtonState.NORMAL

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEMOTION:
            self.hovered = self.rect.collidepoint(event.pos)
            if not self.hovered:
                self.held = False
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.held = self.enabled and self.rect.collidepoint(event.pos)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            clicked = self.held and self.enabled and self.rect.collidepoint(event.pos)
            self.held = False
            return clicked
        return False

    def draw(
        self, surface: pygame.Surface, font: pygame.font.Font, small_font: pygame.font.Font | None = None
    ) -> None:
        fill, edge, ink = _BUTTON_COLORS[self.state]
        label = button_label(font, self.label, self.rect.width - 6)
        radius = max(2, self.rect.height // 6)
        pygame.draw.rect(surface, fill, self.rect, border_radius=radius)
        pygame.draw.rect(surface, edge, self.rect, width=2, border_radius=radius)
        show_reason = not self.enabled and self.reason and small_font is not None
        if show_reason and small_font is not None:
            lines = wrap_text(small_font, self.reason, self.rect.width - 6)
            room = (self.rect.height - 4 - font.get_height()) // small_font.get_linesize()
            if 1 < len(lines) <= room:
                # Too long for one line (scale 1's legible font): two lines under the label.
                top = self.rect.centery - (font.get_height() + len(lines) * small_font.get_linesize()) // 2
                y = blit_with_font(surface, font, label, ink, (self.rect.centerx, top), "midtop").bottom
                for line in lines:
                    blit_with_font(
                        surface, small_font, line, self.reason_color, (self.rect.centerx, y), "midtop"
                    )
                    y += small_font.get_linesize()
                return
            gap = self.rect.height // 4
            label_pos = (self.rect.centerx, self.rect.centery - gap // 2)
            blit_with_font(surface, font, label, ink, label_pos, "midbottom")
            reason = fit_text(small_font, self.reason, self.rect.width - 6)
            reason_pos = (self.rect.centerx, label_pos[1])
            blit_with_font(surface, small_font, reason, self.reason_color, reason_pos, "midtop")
        else:
            blit_with_font(surface, font, label, ink, self.rect.center, "center")
