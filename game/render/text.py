"""The one text helper: placing text by an anchor, fitting it to a width, and word wrap (to at most
a number of lines, shortening the middle of a long path when it would take more).

``blit_text`` draws with cached fonts and pre-rendered strings sized in arcade pixels (the height
of a capital, multiplied by the scale), so a frame only blits; ``blit_with_font`` draws with a
font the caller holds (the panels' and calibration's sizes). pygame's default font is used,
which is always available (no font files to ship or find).

Smoothed text smaller than ``MIN_PIXEL_HEIGHT`` is a grey smudge, so smaller sizes (the side
panels' 5 and 6 pixel lines at scale 1) are drawn at that size; at scale 2 and above every size
the game asks for is larger already and is drawn as asked. ``legible_font`` does the same for a
font a caller holds (calibration's, sized by pygame's nominal size).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pygame

from game.render.palette import Color

#: pygame's default font draws capitals about 0.7 of its nominal size tall.
_CAP_HEIGHT_RATIO = 0.7
#: The smallest ``pixel_height`` text is drawn at: smaller, its letters cannot be told apart.
MIN_PIXEL_HEIGHT = 8


_forget_registered = False


def _forget_fonts() -> None:
    # A font (and a surface it rendered) must not outlive ``pygame.quit``: using it after pygame is
    # initialised again crashes the interpreter.
    global _forget_registered
    _forget_registered = False
    font.cache_clear()
    render.cache_clear()


def _forget_fonts_at_quit() -> None:
    # pygame calls a registered quit function once and then drops it, so register again for every
    # pygame session that caches a font (a second quit would otherwise keep fonts of a dead session).
    global _forget_registered
    if not _forget_registered:
        pygame.register_quit(_forget_fonts)
        _forget_registered = True


def _nominal_size(pixel_height: int) -> int:
    """pygame's nominal size of the default font whose capitals are about ``pixel_height`` tall."""
    return max(8, round(pixel_height / _CAP_HEIGHT_RATIO))


#: The nominal size of the smallest legible text: capitals ``MIN_PIXEL_HEIGHT`` tall.
MIN_FONT_SIZE = _nominal_size(MIN_PIXEL_HEIGHT)


@lru_cache(maxsize=32)
def font(pixel_height: int) -> pygame.font.Font:
    """The default font sized so capitals are about ``pixel_height`` real pixels tall."""
    if not pygame.font.get_init():
        pygame.font.init()
    _forget_fonts_at_quit()
    return pygame.font.Font(None, _nominal_size(pixel_height))


def legible_font(size: int) -> pygame.font.Font:
    """The default font at nominal ``size`` (``pygame.font.Font``'s), or at ``MIN_FONT_SIZE`` when
    ``size`` is smaller: the same floor ``render`` puts under the panels' text. Not cached: the
    caller holds it (and must not keep it past ``pygame.quit``)."""
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(None, max(size, MIN_FONT_SIZE))


@lru_cache(maxsize=1024)
def render(text: str, pixel_height: int, color: Color) -> pygame.Surface:
    """``text`` rendered once and reused (score digits, labels, menu items).

    Drawn at twice the size and smoothly halved: at small sizes the default font's glyph advances
    are rounded to whole pixels, which spaced letters unevenly ("f ront", "key board"). Sizes below
    ``MIN_PIXEL_HEIGHT`` are drawn at that size.
    """
    pixel_height = max(pixel_height, MIN_PIXEL_HEIGHT)
    big = font(2 * pixel_height).render(text, True, color)
    if big.get_width() < 2 or big.get_height() < 2:  # "" renders 0 pixels wide: nothing to scale
        return font(pixel_height).render(text, True, color)
    return pygame.transform.smoothscale(big, (big.get_width() // 2, big.get_height() // 2))


def text_size(text: str, pixel_height: int) -> tuple[int, int]:
    """The size ``render`` gives ``text``, measured without rendering (or caching) it."""
    width, height = font(2 * max(pixel_height, MIN_PIXEL_HEIGHT)).size(text)
    return width // 2, height // 2


def place(
    surface: pygame.Surface, image: pygame.Surface, pos: tuple[int, int], anchor: str = "topleft"
) -> pygame.Rect:
    """Blit ``image`` with its rect's ``anchor`` (``topleft``, ``center``, ``topright``, ...) at ``pos``."""
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect


def blit_text(
    surface: pygame.Surface,
    text: str,
    pixel_height: int,
    color: Color,
    pos: tuple[int, int],
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw ``text`` (capitals ``pixel_height`` tall) with its rect's ``anchor`` at ``pos``."""
    return place(surface, render(text, pixel_height, color), pos, anchor)


def blit_with_font(
    surface: pygame.Surface,
    font: pygame.font.Font,
    text: str,
    color: Color,
    pos: tuple[int, int],
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw ``text`` in ``font`` with its rect's ``anchor`` at ``pos``."""
    return place(surface, font.render(text, True, color), pos, anchor)


def fit_text(font: pygame.font.Font, text: str, width: int) -> str:
    """``text`` shortened with an ellipsis so that it renders no wider than ``width`` pixels."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text + "…"


def wrap_words(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy word wrap: each line takes words while ``fits(line)``; a word too long for a line (a
    path, a URL) is broken into pieces that fit, after a "/" where one fits, so nothing runs out
    of its box."""
    lines: list[str] = []
    line = ""
    for word in (piece for whole in text.split() for piece in _pieces(whole, fits)):
        candidate = f"{line} {word}".strip()
        if fits(candidate) or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _pieces(word: str, fits: Callable[[str], bool]) -> list[str]:
    pieces: list[str] = []
    while not fits(word) and len(word) > 1:
        cut = 1
        while cut < len(word) and fits(word[: cut + 1]):
            cut += 1
        slash = word.rfind("/", 0, cut)
        cut = slash + 1 if slash > 0 else cut
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces


def wrap_text(font: pygame.font.Font, text: str, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels in ``font``."""
    return wrap_words(text, lambda line: font.size(line)[0] <= width)


def middle_ellipsis(word: str, keep: int) -> str:
    """``word`` with its middle replaced by "…", keeping ``keep`` of its characters: a third from its
    start, the rest from its end (the end of a path names the file)."""
    if len(word) <= keep + 1:
        return word
    head = keep // 3
    return word[:head] + "…" + word[len(word) - (keep - head) :]


@lru_cache(maxsize=32)
def wrap_lines(text: str, pixel_height: int, width: int, max_lines: int) -> tuple[str, ...]:
    """``text`` wrapped to ``width`` pixels at ``pixel_height`` in at most ``max_lines`` lines.

    When it needs more, the middle of its longest word (a path, typically) is shortened until it
    fits; if even that is not enough, the last line ends with "…". Cached: a message is wrapped
    once, not every frame.
    """

    def fits(line: str) -> bool:
        return text_size(line, pixel_height)[0] <= width

    lines = wrap_words(text, fits)
    if len(lines) <= max_lines:
        return tuple(lines)
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    for keep in range(len(word) - 2, 8, -1):
        words[longest] = middle_ellipsis(word, keep)
        lines = wrap_words(" ".join(words), fits)
        if len(lines) <= max_lines:
            return tuple(lines)
    lines = lines[:max_lines]
    last = lines[-1]
    while last and not fits(last + "…"):
        last = last[:-1]
    lines[-1] = last + "…"
    return tuple(lines)
