"""Set pieces of DESIGN §6a's library as the shapes they are, in the piece's own frame.

Each piece is built at its width (x), height (y) and depth (z) in metres, its front toward −z
(as a subject facing 0°), standing on the ground at the origin: a lamp post is a base, a pole,
an arm and a lamp that lights itself; a bench a seat, a back and two ends; a car a body, a
cabin with glass and four wheels; a tower a white shaft with a red band, a gallery and a lit
lantern. A prop or a vehicle that names no piece is the plain box it always was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Colour = tuple[int, int, int]
IDENTITY = np.eye(3)
LAMP: Colour = (255, 228, 168)
GLASS: Colour = (120, 150, 170)
DARK: Colour = (44, 44, 48)
TYRE: Colour = (30, 30, 32)


@dataclass(frozen=True)
class Part:
    """A box: centre, axes (rows: its own x, y, z), size (x, y, z), colour, ``glow`` (a lamp,
    lit by itself), ``lead`` (metres it sorts nearer than it is: a face's eyes and nose, drawn
    over their head whenever they are on its side toward the camera)."""

    centre: tuple[float, float, float] | np.ndarray
    axes: np.ndarray
    size: tuple[float, float, float]
    colour: Colour
    glow: bool = False
    lead: float = 0.0


BallSpec = tuple[tuple[float, float, float], float, Colour]


def box(x: float, y: float, z: float, w: float, h: float, d: float,  # noqa: PLR0917
        colour: Colour, glow: bool = False) -> Part:
    """An upright box centred at (x, y, z), ``w`` x ``h`` x ``d``."""
    return Part((x, y, z), IDENTITY, (w, h, d), colour, glow)


def shade(colour: Colour, factor: float) -> Colour:
    """``colour`` lighter (factor > 1) or darker."""
    red, green, blue = (int(min(max(c * factor, 0), 255)) for c in colour)
    return red, green, blue


def parts_of(subject, fallback: Colour) -> tuple[list[Part], list[BallSpec]]:
    """The parts and balls of a prop or vehicle ``subject`` (a ``Subject``)."""
    colour = colour_of(subject.colour, fallback)
    build = _KINDS.get(subject.piece)
    height = subject.height
    if build is None:
        return _plain(subject.kind, height, colour), []
    width = subject.width or height
    depth = subject.depth or width
    return build(width, height, depth, colour)


def colour_of(text: str, fallback: Colour) -> Colour:
    """``#rrggbb`` as a colour (``fallback`` when empty or malformed)."""
    if len(text) == 7 and text.startswith("#"):
        try:
            return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
        except ValueError:
            return fallback
    return fallback


def _plain(kind: str, height: float, colour: Colour) -> list[Part]:
    if kind == "vehicle":
        return [box(0, height / 2, 0, 1.8, height, 4.5, colour)]
    side = min(height, max(0.3 * height, 1.2))  # a crate is cubic, a tower 0.3 as wide
    return [box(0, height / 2, 0, side, height, side, colour)]


Pieces = tuple[list[Part], list[BallSpec]]


def _lamp_post(w: float, h: float, d: float, c: Colour) -> Pieces:
    pole = max(0.35 * w, 0.08)
    head = 0.3 * h / 4.0 + 0.15
    return [
        box(0, 0.2, 0, w, 0.4, w, shade(c, 0.85)),
        box(0, h / 2, 0, pole, h, pole, c),
        box(0.22, h - 0.12, 0, 0.5, 0.06, 0.06, c),
        box(0.42, h - 0.32, 0, head, 0.24, head, LAMP, glow=True),
        box(0.42, h - 0.17, 0, head * 1.2, 0.06, head * 1.2, DARK),
    ], []


def _bench(w: float, h: float, d: float, c: Colour) -> Pieces:
    seat = 0.45 * h / 0.85
    return [
        box(0, seat, -0.05 * d, w, 0.05, 0.8 * d, c),
        box(0, (seat + h) / 2 + 0.05, 0.4 * d, w, h - seat - 0.05, 0.06, c),
        box(-w / 2 + 0.08, seat / 2, 0, 0.07, seat, 0.8 * d, DARK),
        box(w / 2 - 0.08, seat / 2, 0, 0.07, seat, 0.8 * d, DARK),
    ], []


def _legs(w: float, d: float, top: float, c: Colour, inset: float = 0.06) -> list[Part]:
    return [box(sx * (w / 2 - inset), top / 2, sz * (d / 2 - inset), 0.05, top, 0.05, c)
            for sx in (-1, 1) for sz in (-1, 1)]


def _table(w: float, h: float, d: float, c: Colour) -> Pieces:
    return [box(0, h - 0.02, 0, w, 0.04, d, c), *_legs(w, d, h - 0.04, shade(c, 0.8))], []


def _chair(w: float, h: float, d: float, c: Colour) -> Pieces:
    seat = 0.45 * h / 0.9
    return [box(0, seat, 0, w, 0.05, d, c),
            box(0, (seat + h) / 2, d / 2 - 0.02, w, h - seat, 0.04, c),
            *_legs(w, d, seat - 0.025, shade(c, 0.8), 0.04)], []


def _wall(w: float, h: float, d: float, c: Colour) -> Pieces:
    return [box(0, h / 2, 0, w, h, d, c)], []


def _door(w: float, h: float, d: float, c: Colour) -> Pieces:
    frame = shade(c, 1.35)
    return [
        box(0, h / 2, 0, w - 0.12, h - 0.06, d * 0.6, c),
        box(-w / 2 + 0.04, h / 2, 0, 0.08, h, d, frame),
        box(w / 2 - 0.04, h / 2, 0, 0.08, h, d, frame),
        box(0, h - 0.03, 0, w, 0.06, d, frame),
        box(w / 2 - 0.15, 1.0, -d * 0.4, 0.05, 0.05, 0.05, (200, 180, 90)),
    ], []


def _window(w: float, h: float, d: float, c: Colour) -> Pieces:
    sill = 0.9
    frame = (228, 226, 220)
    return [
        box(0, sill + h / 2, 0, w - 0.08, h - 0.08, d * 0.4, c, glow=False),
        box(0, sill + 0.02, 0, w + 0.08, 0.05, d * 1.6, frame),
        box(0, sill + h - 0.02, 0, w, 0.05, d, frame),
        box(-w / 2 + 0.02, sill + h / 2, 0, 0.05, h, d, frame),
        box(w / 2 - 0.02, sill + h / 2, 0, 0.05, h, d, frame),
        box(0, sill + h / 2, 0, 0.04, h, d, frame),
    ], []


def _counter(w: float, h: float, d: float, c: Colour) -> Pieces:
    return [box(0, (h - 0.04) / 2, 0.02, w, h - 0.04, d - 0.04, c),
            box(0, h - 0.02, 0, w + 0.04, 0.04, d, shade(c, 1.3))], []


def _bed(w: float, h: float, d: float, c: Colour) -> Pieces:
    return [
        box(0, 0.15, 0, w, 0.3, d, shade(c, 0.6)),
        box(0, 0.3 + (h - 0.3) / 2, 0, w - 0.06, h - 0.3, d - 0.06, c),
        box(0, h + 0.06, d / 2 - 0.3, w * 0.7, 0.12, 0.35, (236, 234, 228)),
        box(0, 0.5, d / 2, w, 1.0, 0.06, shade(c, 0.6)),
    ], []


def _stairs(w: float, h: float, d: float, c: Colour) -> Pieces:
    count = max(round(h / 0.18), 2)
    rise, run = h / count, d / count
    return [box(0, (i + 1) * rise / 2, -d / 2 + (i + 0.5) * run, w, (i + 1) * rise, run,
                shade(c, 1.0 + 0.04 * (i % 2))) for i in range(count)], []


def _car(w: float, h: float, d: float, c: Colour) -> Pieces:
    wheel = min(0.62, 0.42 * h)
    body = 0.5 * h
    parts = [
        box(0, wheel * 0.45 + body / 2, 0, w, body, d, c),
        box(0, wheel * 0.45 + body + (h - wheel * 0.45 - body) / 2, 0.08 * d, w * 0.86,
            h - wheel * 0.45 - body, d * 0.48, GLASS),
        box(0, h - 0.03, 0.08 * d, w * 0.84, 0.06, d * 0.42, c),
    ]
    parts += [box(sx * (w / 2 - 0.12), wheel / 2, sz * (d / 2 - 0.75), 0.24, wheel, wheel,
                  TYRE) for sx in (-1, 1) for sz in (-1, 1)]
    parts += [box(sx * (w / 2 - 0.25), wheel * 0.45 + body * 0.7, -d / 2 - 0.01, 0.3, 0.12,
                  0.02, (236, 232, 210)) for sx in (-1, 1)]
    return parts, []


def _bus_shelter(w: float, h: float, d: float, c: Colour) -> Pieces:
    return [
        box(0, h - 0.05, 0, w + 0.2, 0.1, d + 0.2, shade(c, 0.7)),
        box(0, h / 2 + 0.1, d / 2 - 0.03, w, h - 0.4, 0.04, GLASS),
        box(-w / 2, h / 2, 0, 0.08, h, d, c),
        box(w / 2, h / 2, 0, 0.08, h, d, c),
        box(w / 2 - 0.02, h / 2 + 0.1, 0, 0.03, h - 0.6, d * 0.8, GLASS),
        box(0, 0.45, d / 2 - 0.3, w * 0.7, 0.05, 0.35, DARK),
    ], []


def _tree(w: float, h: float, d: float, c: Colour) -> Pieces:
    trunk = (96, 72, 52)
    crown = w / 2
    return [box(0, (h - crown) / 2, 0, 0.35, h - crown, 0.35, trunk)], [
        ((0, h - crown, 0), crown, c),
        ((0.3 * crown, h - 1.5 * crown, -0.2 * crown), 0.7 * crown, shade(c, 0.85)),
    ]


def _box(w: float, h: float, d: float, c: Colour) -> Pieces:
    return [box(0, h / 2, 0, w, h, d, c)], []


def _tower(w: float, h: float, d: float, c: Colour) -> Pieces:
    shaft = 0.78 * h
    red = (168, 52, 44)
    return [
        box(0, 0.3, 0, w, 0.6, d, shade(c, 0.75)),
        box(0, shaft / 2, 0, 0.72 * w, shaft, 0.72 * d, c),
        box(0, 0.5 * shaft, 0, 0.74 * w, 0.1 * h, 0.74 * d, red),
        box(0, 1.0, -0.361 * d, 0.9, 2.0, 0.02, DARK),
        box(0, shaft + 0.1, 0, w, 0.2, d, DARK),
        box(0, shaft + 0.2 + 0.07 * h, 0, 0.46 * w, 0.14 * h, 0.46 * d, LAMP, glow=True),
        box(0, h - 0.04 * h, 0, 0.56 * w, 0.08 * h, 0.56 * d, red),
    ], []


_KINDS: dict[str, Callable[[float, float, float, Colour], Pieces]] = {
    "lamp_post": _lamp_post, "bench": _bench, "table": _table, "chair": _chair,
    "wall": _wall, "door": _door, "window": _window, "counter": _counter, "bed": _bed,
    "stairs": _stairs, "car": _car, "bus_shelter": _bus_shelter, "tree": _tree, "box": _box,
    "tower": _tower,
}
