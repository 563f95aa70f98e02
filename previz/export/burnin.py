"""Burn-ins for review movies: shot name, record timecode and frame number along the top.

The top, because the draft renderer's slate caption runs along the bottom of its frames.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WHITE = (255, 255, 255)
MIN_SIZE = 6


@dataclass(frozen=True)
class BurnIn:
    """The text burnt into one frame."""

    name: str
    timecode: str
    frame: int


def burn_in(frame: np.ndarray, text: BurnIn) -> np.ndarray:
    """A copy of ``frame`` with a dark band along the top: name left, timecode in the middle,
    frame number right, in Pillow's built-in scalable font."""
    height, width = frame.shape[:2]
    number = f"{text.frame:04d}"
    size = _fitting_size(width, max(height // 24, MIN_SIZE), (text.name, text.timecode, number))
    pad = max(size // 4, 2)
    band = min(size + 2 * pad, height)
    out = np.array(frame)
    out[:band] //= 4
    strip = Image.fromarray(out[:band])
    draw = ImageDraw.Draw(strip)
    font = _font(size)
    draw.text((pad, pad), text.name, font=font, fill=WHITE)
    draw.text((width // 2, pad), text.timecode, font=font, fill=WHITE, anchor="ma")
    draw.text((width - pad, pad), number, font=font, fill=WHITE, anchor="ra")
    out[:band] = np.asarray(strip)
    return out


def _fitting_size(width: int, size: int, texts: tuple[str, ...]) -> int:
    """The largest size up to ``size`` at which the three texts fit side by side, the middle
    one centred (small frames get small print, down to ``MIN_SIZE``)."""
    while size > MIN_SIZE:
        name, middle, right = (_font(size).getlength(text) for text in texts)
        gap = size
        if max(name, right) * 2 + middle + 2 * gap <= width:
            break
        size -= 1
    return size


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)
