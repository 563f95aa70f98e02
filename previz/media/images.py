"""Still images in and out: decoding asset bytes to RGB frames, encoding frames to PNG."""

from __future__ import annotations

import cv2
import numpy as np


class ImageError(ValueError):
    """Bytes that are not a readable image."""


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """An encoded image (PNG, JPEG, WebP, TIFF, BMP) as an HxWx3 uint8 RGB array."""
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if decoded is None:
        raise ImageError(f"{name}: not a readable image")
    return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)


def encode_png(frame: np.ndarray) -> bytes:
    """An RGB frame as PNG bytes."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ImageError("the frame could not be encoded as PNG")
    return encoded.tobytes()
