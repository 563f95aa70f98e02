"""Text on frames: the slate caption and subject labels, drawn once and blended onto every
frame. The text is drawn by ``previz.media.text`` with the shipped font family, so a caption
or a name in any script shows (no missing-glyph boxes, Arabic joined)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from previz.media.text import TextPainter


@dataclass(frozen=True)
class Sprite:
    """A piece of text or a picture ready to blend: its colour premultiplied by its alpha, and
    how much of what is under it shows through (255 - alpha), both HxWx3 uint8."""

    rgb: np.ndarray
    through: np.ndarray

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.rgb.shape[1]

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.rgb.shape[0]


@lru_cache(maxsize=16)
def painter(size: int) -> TextPainter:
    """The shipped family at ``size`` pixels, bold: strokes that read over any picture."""
    return TextPainter(size, bold=True)


def fit_text(text: str, size: int, width: int) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` pixels at ``size``."""
    return painter(size).fit(text, width)


def caption_sprite(lines: tuple[str, ...], width: int, size: int) -> Sprite:
    """A slate band as wide as the frame: white lines on translucent black."""
    pad = max(size // 3, 2)
    height = pad * 2 + len(lines) * (size + pad)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 150))
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        text = fit_text(line, size, width - 2 * pad)
        painter(size).draw(draw, (pad * 2, pad + row * (size + pad)), text, (255, 255, 255, 255))
    return _sprite(image)


@lru_cache(maxsize=256)
def label_sprite(text: str, size: int) -> Sprite:
    """A subject's name on a dark tab; shaped once per text and size (read-only, shared)."""
    face = painter(size)
    pad = max(size // 4, 2)
    width = int(face.width(text)) + 2 * pad
    image = Image.new("RGBA", (width, size + 2 * pad), (20, 20, 24, 190))
    face.draw(ImageDraw.Draw(image), (pad, pad // 2), text, (255, 255, 255, 255))
    return _sprite(image, shared=True)


def image_sprite(image: np.ndarray) -> Sprite:
    """An opaque sprite of an RGB image (a reference thumbnail)."""
    return Sprite(np.ascontiguousarray(image, np.uint8), np.zeros(image.shape, np.uint8))


def blend(frame: np.ndarray, sprite: Sprite, left: int, top: int) -> None:
    """Draw ``sprite`` onto ``frame`` with its top-left at (left, top), clipped to the frame:
    what is under it times its transparency, plus its premultiplied colour."""
    height, width = frame.shape[:2]
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + sprite.width, width), min(top + sprite.height, height)
    if x0 >= x1 or y0 >= y1:
        return
    region = frame[y0:y1, x0:x1]
    src = (slice(y0 - top, y1 - top), slice(x0 - left, x1 - left))
    under = cv2.multiply(region, sprite.through[src], scale=1 / 255)
    cv2.add(under, sprite.rgb[src], dst=region)


def _sprite(image: Image.Image, shared: bool = False) -> Sprite:
    rgba = np.asarray(image, dtype=np.uint16)
    alpha = rgba[:, :, 3:4]
    rgb = ((rgba[:, :, :3] * alpha + 127) // 255).astype(np.uint8)
    through = np.repeat(255 - alpha, 3, axis=2).astype(np.uint8)
    if shared:  # a cached sprite is blended onto many frames: nobody may paint on it
        rgb.flags.writeable = through.flags.writeable = False
    return Sprite(rgb, through)
