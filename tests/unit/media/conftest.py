"""Frames for the media tests: seeded noise, and frames whose picture encodes their index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.media import open_writer

BITS = 8
BRIGHT, DARK = 220, 35

FrameMaker = Callable[[int, int, int], np.ndarray]
ClipMaker = Callable[..., Path]
NoiseMaker = Callable[..., Iterator[np.ndarray]]
IndexReader = Callable[[np.ndarray], int]


def _index_frame(index: int, width: int, height: int) -> np.ndarray:
    """A frame of BITS vertical bars, bright for each set bit of `index`, over a gradient.

    The bars are wide and far apart in level, so the index survives lossy H.264.
    """
    columns = np.arange(width) * BITS // width
    bits = (index >> (BITS - 1 - columns)) & 1
    levels = np.where(bits == 1, BRIGHT, DARK).astype(np.int16)
    ramp = (np.arange(height) * 12 // max(height - 1, 1))[:, None]
    gray = np.clip(levels[None, :] + ramp - 6, 0, 255).astype(np.uint8)
    frame = np.repeat(gray[:, :, None], 3, axis=2)
    frame[..., 2] = 255 - frame[..., 2]
    return frame


def _decode_index(frame: np.ndarray) -> int:
    """Read back the index that `index_frame` drew."""
    height, width, _ = frame.shape
    centers = (np.arange(BITS) * width + width // 2) // BITS
    levels = frame[height // 2, centers, 0].astype(int)
    return int(sum(1 << (BITS - 1 - i) for i, level in enumerate(levels) if level > 128))


def _noise_frames(count: int, width: int, height: int, seed: int = 7) -> Iterator[np.ndarray]:
    """Seeded random RGB frames: any rounding in a codec shows up in them."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


@pytest.fixture
def make_clip(tmp_path: Path) -> ClipMaker:
    """Write `count` index frames to tmp_path/name and return its path."""

    def make(
        name: str,
        count: int,
        *,
        width: int = 64,
        height: int = 48,
        fps: Fraction | int = Fraction(24000, 1001),
        codec: str = "lossless",
        **options: object,
    ) -> Path:
        path = tmp_path / name
        with open_writer(path, width, height, fps, codec, **options) as writer:  # type: ignore[arg-type]
            for index in range(count):
                writer.write(_index_frame(index, width, height))
        return path

    return make


@pytest.fixture
def index_frame() -> FrameMaker:
    """`index_frame(index, width, height)`: a frame whose bars spell its index."""
    return _index_frame


@pytest.fixture
def decode_index() -> IndexReader:
    """`decode_index(frame)`: the index an index frame spells."""
    return _decode_index


@pytest.fixture
def noise_frames() -> NoiseMaker:
    """`noise_frames(count, width, height, seed=7)`: seeded random frames."""
    return _noise_frames
