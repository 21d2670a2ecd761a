"""The maze's walls as the arcade drew them: blue outlines with rounded corners, double along the border.

The outline is computed once from the cell grid at 1x (one arcade pixel per pixel): a line runs
through the middle of every wall band that faces a corridor, convex corners are rounded, and the
outer border and the ghost house get a second line. The result is enlarged per scale and cached,
so a frame only blits one surface.
"""

from __future__ import annotations

from collections import deque
from functools import lru_cache

import numpy as np
import pygame

from game.core.maze import Cell, Maze
from game.core.types import Tile
from game.render.layout import TILE
from game.render.palette import DOOR_PINK, WALL_BLUE, WHITE, Color
from game.render.pixelart import enlarge, mask_surface

#: Distance (arcade px) from the corridor to the single line around inner blocks.
_INNER_LINE = 4
#: Distances of the border's two lines from the corridor.
_BORDER_LINES = (2, 5)
#: Radius of the rounded convex corners.
_CORNER_RADIUS = 3
#: Cells that are open space for the outline (the house interior and door get their own outline).
_OPEN = frozenset(
    {Cell.DOT, Cell.ENERGIZER, Cell.EMPTY, Cell.TUNNEL, Cell.PACMAN_START, Cell.HOUSE, Cell.DOOR}
)


def _distance_to(mask: np.ndarray, max_radius: int) -> np.ndarray:
    """Euclidean distance from each pixel to the nearest True pixel of ``mask``, capped at ``max_radius``."""
    height, width = mask.shape
    pad = max_radius
    padded = np.zeros((height + 2 * pad, width + 2 * pad), dtype=bool)
    padded[pad : pad + height, pad : pad + width] = mask
    best = np.full(mask.shape, float(max_radius) + 1.0)
    for dy in range(-max_radius, max_radius + 1):
        for dx in range(-max_radius, max_radius + 1):
            dist = float(np.hypot(dx, dy))
            if dist > max_radius:
                continue
            shifted = padded[pad + dy : pad + dy + height, pad + dx : pad + dx + width]
            np.minimum(best, np.where(shifted, dist, best), out=best)
    return best


def _wall_components(maze: Maze) -> tuple[np.ndarray, set[int]]:
    """Label each wall tile with its 4-connected component; also return the labels touching the edge."""
    labels = np.zeros((maze.height, maze.width), dtype=int)
    border: set[int] = set()
    next_label = 0
    for row in range(maze.height):
        for col in range(maze.width):
            if labels[row, col] or maze.cells[row][col] in _OPEN:
                continue
            next_label += 1
            labels[row, col] = next_label
            queue = deque([(col, row)])
            while queue:
                c, r = queue.popleft()
                if c in (0, maze.width - 1) or r in (0, maze.height - 1):
                    border.add(next_label)
                for nc, nr in ((c + 1, r), (c - 1, r), (c, r + 1), (c, r - 1)):
                    inside = 0 <= nc < maze.width and 0 <= nr < maze.height
                    if inside and not labels[nr, nc] and maze.cells[nr][nc] not in _OPEN:
                        labels[nr, nc] = next_label
                        queue.append((nc, nr))
    return labels, border


def _outline(distance_to_open: np.ndarray, region: np.ndarray, line_distances: tuple[int, ...]) -> np.ndarray:
    """Lines at the given distances from the open space inside ``region``, convex corners rounded."""
    deepest = max(line_distances)
    core = region & (distance_to_open >= deepest + _CORNER_RADIUS)
    if not core.any():
        # A band too thin to round: draw it at its plain distances.
        lines = np.zeros_like(region)
        for d in line_distances:
            lines |= region & (np.abs(distance_to_open - d) < 0.5)
        return lines
    to_core = _distance_to(core, deepest + _CORNER_RADIUS + 1)
    lines = np.zeros_like(region)
    for d in line_distances:
        radius = deepest + _CORNER_RADIUS - d
        lines |= region & ~core & (np.abs(to_core - radius) < 0.5)
    return lines


def wall_mask(maze: Maze) -> np.ndarray:
    """The playfield's wall lines at 1x: a (rows*8) x (cols*8) boolean mask."""
    pad = TILE  # one tile of wall around the grid, open where the tunnel leaves the screen
    height, width = maze.height * TILE, maze.width * TILE
    open_tiles = np.array([[cell in _OPEN for cell in row] for row in maze.cells], dtype=bool)
    open_px = np.kron(open_tiles, np.ones((TILE, TILE), dtype=bool))
    padded_open = np.zeros((height + 2 * pad, width + 2 * pad), dtype=bool)
    padded_open[pad : pad + height, pad : pad + width] = open_px
    for row in range(maze.height):
        if maze.cells[row][0] is Cell.TUNNEL or maze.cells[row][-1] is Cell.TUNNEL:
            padded_open[pad + row * TILE : pad + (row + 1) * TILE, :] = True
    reach = max(*_BORDER_LINES, _INNER_LINE) + _CORNER_RADIUS + 1
    distance = _distance_to(padded_open, reach)

    labels, border_labels = _wall_components(maze)
    house = _house_ring(maze)
    label_px = np.kron(labels, np.ones((TILE, TILE), dtype=int))
    padded_labels = np.full(padded_open.shape, -1, dtype=int)  # the padding belongs to the border
    padded_labels[pad : pad + height, pad : pad + width] = label_px
    padded_labels[padded_open] = 0

    lines = np.zeros(padded_open.shape, dtype=bool)
    border_region = (padded_labels == -1) | np.isin(padded_labels, sorted(border_labels))
    lines |= _outline(distance, border_region, _BORDER_LINES)
    house_labels = {int(labels[t.row, t.col]) for t in house}
    for label in range(1, int(labels.max()) + 1):
        if label in border_labels or label in house_labels:
            continue
        lines |= _outline(distance, padded_labels == label, (_INNER_LINE,))
    mask = lines[pad : pad + height, pad : pad + width]
    _draw_house(mask, maze)
    return mask


def _house_ring(maze: Maze) -> list[Tile]:
    """The wall and door tiles around the ghost house."""
    inside = maze.tiles_of(Cell.HOUSE)
    if not inside:
        return []
    c0, c1 = min(t.col for t in inside) - 1, max(t.col for t in inside) + 1
    r0, r1 = min(t.row for t in inside) - 1, max(t.row for t in inside) + 1
    return [
        Tile(c, r)
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (c in (c0, c1) or r in (r0, r1)) and maze.cell(Tile(c, r)) is not Cell.HOUSE
    ]


def _house_box(maze: Maze) -> tuple[int, int, int, int] | None:
    """The ghost house ring's outer box in 1x pixels: left, top, right, bottom (inclusive)."""
    ring = _house_ring(maze)
    if not ring:
        return None
    left = min(t.col for t in ring) * TILE
    top = min(t.row for t in ring) * TILE
    right = (max(t.col for t in ring) + 1) * TILE - 1
    bottom = (max(t.row for t in ring) + 1) * TILE - 1
    return left, top, right, bottom


def _draw_house(mask: np.ndarray, maze: Maze) -> None:
    """Two nested rectangles around the house, open where the door is."""
    box = _house_box(maze)
    if box is None:
        return
    left, top, right, bottom = box
    for inset in (2, 5):
        lft, tp, rgt, btm = left + inset, top + inset, right - inset, bottom - inset
        mask[tp, lft : rgt + 1] = True
        mask[btm, lft : rgt + 1] = True
        mask[tp : btm + 1, lft] = True
        mask[tp : btm + 1, rgt] = True
    for door in maze.tiles_of(Cell.DOOR):
        x0 = door.col * TILE
        mask[door.row * TILE : (door.row + 1) * TILE, x0 : x0 + TILE] = False
    doors = maze.tiles_of(Cell.DOOR)
    if doors:
        # Close the line ends beside the door, as the arcade does.
        x_left = min(d.col for d in doors) * TILE - 1
        x_right = (max(d.col for d in doors) + 1) * TILE
        mask[top + 2 : top + 6, x_left] = True
        mask[top + 2 : top + 6, x_right] = True


def edge_openings(maze: Maze) -> list[tuple[int, int]]:
    """Where the maze is open at its right-hand edge (the tunnel mouths), as (top, bottom) 1x pixel
    rows from the playfield's top, walls around the opening included. Whatever is drawn beside the
    maze (the side panel's frame) leaves these spans open, so the tunnel runs on off-screen."""
    last = maze.width - 1
    return [
        ((row - 1) * TILE, (row + 2) * TILE)
        for row in range(maze.height)
        if maze.cells[row][last] in _OPEN and maze.cells[row][last] is not Cell.HOUSE
    ]


def door_rects(maze: Maze) -> list[pygame.Rect]:
    """The pink door bars at 1x: a 2-pixel bar across each door tile."""
    return [pygame.Rect(d.col * TILE, d.row * TILE + 3, TILE, 2) for d in maze.tiles_of(Cell.DOOR)]


@lru_cache(maxsize=4)
def _mask_for(maze: Maze) -> np.ndarray:
    return wall_mask(maze)


@lru_cache(maxsize=16)
def maze_surface(maze: Maze, scale: int, color: Color = WALL_BLUE, with_door: bool = True) -> pygame.Surface:
    """The walls (and door) of ``maze`` at ``scale``, transparent elsewhere; built once per combination."""
    small = mask_surface(_mask_for(maze), color)
    if with_door:
        for rect in door_rects(maze):
            small.fill((*DOOR_PINK, 255), rect)
    big = enlarge(small, scale)
    # Converting to the display's format makes the per-frame blit cheaper; offscreen use skips it.
    return big.convert_alpha() if pygame.display.get_surface() is not None else big


def flash_surface(maze: Maze, scale: int) -> pygame.Surface:
    """The white walls shown while the maze flashes at the end of a level (no door, as in the arcade)."""
    return maze_surface(maze, scale, WHITE, with_door=False)
