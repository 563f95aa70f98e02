"""Burn-ins for review movies: shot name, timecode and frame number on a band below the picture.

The band is added under the frame rather than drawn over it, so nothing of the picture is
hidden (the movie is taller by the band). Text is drawn with the shipped font family, so any
script a shot name is written in shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from previz.media.text import TextPainter

WHITE = (255, 255, 255)
BAND = (16, 16, 16)
MIN_SIZE = 6


@dataclass(frozen=True)
class BurnIn:
    """The text burnt into one frame."""

    name: str
    timecode: str
    frame: int


def band_height(width: int, height: int) -> int:
    """The band's height for a ``width`` x ``height`` picture: even, about a sixteenth of it."""
    band = max(height // 16, 2 * MIN_SIZE)
    return band + band % 2


def burnt_size(width: int, height: int) -> tuple[int, int]:
    """The size of a burnt-in frame: the picture and the band under it."""
    return width, height + band_height(width, height)


def burn_in(frame: np.ndarray, text: BurnIn) -> np.ndarray:
    """``frame`` with a dark band under it: name left, timecode in the middle, frame number
    right."""
    height, width = frame.shape[:2]
    band = band_height(width, height)
    number = f"{text.frame:04d}"
    painter = _fitting_painter(width, band, (text.name, text.timecode, number))
    strip = Image.new("RGB", (width, band), BAND)
    draw = ImageDraw.Draw(strip)
    top = max((band - painter.line_height) // 2, 0)
    pad = max(painter.size // 2, 2)
    third = width / 3
    draw_name = painter.fit(text.name, third - pad)
    painter.draw(draw, (pad, top), draw_name, WHITE)
    painter.draw(draw, (width / 2, top), text.timecode, WHITE, align="center")
    painter.draw(draw, (width - pad, top), number, WHITE, align="right")
    return np.concatenate([frame, np.asarray(strip)], axis=0)


def _fitting_painter(width: int, band: int, texts: tuple[str, str, str]) -> TextPainter:
    """The largest print that fits the band, with the timecode and frame number side by side
    in their thirds (small frames get small print, down to ``MIN_SIZE``)."""
    size = max(band * 2 // 3, MIN_SIZE)
    while size > MIN_SIZE:
        painter = TextPainter(size)
        middle, right = painter.width(texts[1]), painter.width(texts[2])
        if painter.line_height <= band and max(middle / 2, right) + size <= width / 3:
            return painter
        size -= 1
    return TextPainter(MIN_SIZE)
