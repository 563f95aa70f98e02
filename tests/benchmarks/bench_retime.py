"""Retime throughput at 1280x720, 16 fps to 24000/1001, for each method, against real time."""

from __future__ import annotations

import time
from fractions import Fraction

import cv2
import numpy as np
import pytest

from previz.media.flow import DEFAULT_FLOW, FlowPair
from previz.media.retime import RetimeMethod, retime_to_rate, retimed_frame_count

WIDTH, HEIGHT = 1280, 720
SOURCE_RATE, TARGET_RATE = Fraction(16), Fraction(24000, 1001)
SOURCE_FRAMES = 32  # 2 s at 16 fps
REAL_TIME = 24


def _texture(height: int, width: int, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).integers(0, 256, (height, width, 3)).astype(np.float32)
    fine = cv2.GaussianBlur(noise, (0, 0), 3)
    coarse = cv2.GaussianBlur(noise, (0, 0), 18)
    return cv2.normalize(fine + 3 * coarse, None, 20, 235, cv2.NORM_MINMAX).astype(np.uint8)


def _moving_clip() -> list[np.ndarray]:
    """A panning, slowly zooming background with a turning object crossing it."""
    background, thing = _texture(HEIGHT, WIDTH, 1), _texture(200, 240, 2)
    mask = np.ones((200, 240), np.float32)
    frames = []
    for index in range(SOURCE_FRAMES):
        pan = cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT / 2), 0.2 * index, 1 + 0.004 * index)
        pan[0, 2] += 9 * index
        frame = cv2.warpAffine(background, pan, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REFLECT)
        move = cv2.getRotationMatrix2D((120, 100), 1.5 * index, 1.0)
        move[:, 2] += (200 + 24 * index, 260 + 4 * index)
        cover = cv2.warpAffine(mask, move, (WIDTH, HEIGHT))[..., None]
        over = cv2.warpAffine(thing, move, (WIDTH, HEIGHT))
        frames.append((frame * (1 - cover) + over * cover + 0.5).astype(np.uint8))
    return frames


def _throughput(frames: list[np.ndarray], method: RetimeMethod) -> float:
    start = time.perf_counter()
    count = sum(1 for _ in retime_to_rate(frames, len(frames), SOURCE_RATE, TARGET_RATE,
                                          method=method))
    return count / (time.perf_counter() - start)


@pytest.mark.benchmark
def test_retime_throughput() -> None:
    frames = _moving_clip()
    outputs = retimed_frame_count(SOURCE_FRAMES, SOURCE_RATE, TARGET_RATE)
    print(f"\nretime {SOURCE_FRAMES} frames {WIDTH}x{HEIGHT} at {SOURCE_RATE} fps -> "
          f"{outputs} at {TARGET_RATE} fps; flow: DIS {DEFAULT_FLOW.preset} at "
          f"{DEFAULT_FLOW.max_width} px wide; {cv2.getNumThreads()} OpenCV threads")
    start = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        FlowPair.between(frames[10], frames[11])
    pair_ms = (time.perf_counter() - start) / repeats * 1000
    print(f"  flow both ways for one pair: {pair_ms:.1f} ms")
    for method in RetimeMethod:
        _throughput(frames[:4], method)  # warm-up
        fps = _throughput(frames, method)
        print(f"  {method:<13} {fps:8.1f} output frames/s = {fps / REAL_TIME:6.2f}x real time "
              f"at {REAL_TIME} fps")
