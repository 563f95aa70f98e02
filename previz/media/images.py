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


def fit_frame(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to fit inside width x height, centred on black (letterbox or pillarbox)."""
    scale = min(width / image.shape[1], height / image.shape[0])
    size = (max(round(image.shape[1] * scale), 1), max(round(image.shape[0] * scale), 1))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(image, size, interpolation=interpolation)
    frame = np.zeros((height, width, 3), np.uint8)
    left, top = (width - size[0]) // 2, (height - size[1]) // 2
    frame[top:top + size[1], left:left + size[0]] = scaled
    return frame
