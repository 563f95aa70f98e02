"""Native rate and frame cap: how many frames a model renders at its own rate, in how many calls.

A model renders motion at the rate it was trained on (Wan 16 fps, Wan 2.2 TI2V-5B and
LTX-Video 24) and at most ``max_frames`` frames a call. A shot at another rate is rendered
at the model's rate and retimed to the shot's (DESIGN §6: output frame i shows source time
i/r2); a shot longer than the cap renders as a chain of continuations, each carrying the last
frames of the one before as context. Nothing here imports torch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice

import numpy as np

from previz.backends.diffusers.families import Family
from previz.media import RetimeMethod, retime_to_rate

#: Frames each later call of a chain re-renders from the one before (8k+1, as LTX-Video keeps
#: them): LTX-Video and VACE keep them all as context, an image-to-video model starts on the
#: first of them. The overlap is cross-faded, so a model that drifts from its context does
#: not jump at the seam.
CHAIN_OVERLAP = 33


@dataclass(frozen=True)
class Timing:
    """How a request of ``delivered`` frames at ``fps`` is rendered: ``frames`` at the model's
    ``native_fps``, in calls rendering ``chunks`` new frames each."""

    fps: Fraction
    native_fps: Fraction
    delivered: int
    frames: int
    chunks: tuple[int, ...]

    @property
    def retimed(self) -> bool:
        """Whether the frames are retimed from the model's rate to the shot's."""
        return self.native_fps != self.fps

    def record(self) -> dict[str, object]:
        """What the clip's provenance says of it."""
        record: dict[str, object] = {"native_fps": str(self.native_fps),
                                     "native_frames": self.frames, "calls": len(self.chunks)}
        if self.retimed:
            record["retimed"] = (f"{self.frames} frames at {self.native_fps} fps retimed to"
                                 f" {self.delivered} at {self.fps} fps")
        if len(self.chunks) > 1:
            record["chain"] = (f"{len(self.chunks)} calls of at most"
                               f" {max(self.chunks)} new frames, each continuing the last")
        return record


def native_timing(family: Family, fps: Fraction, frames: int, kept: int = 0) -> Timing:
    """The timing of ``frames`` at ``fps`` on ``family``; ``kept``: frames the first call
    keeps from a clip it continues (they count against the cap)."""
    native = family.constraints.native_fps or fps
    if native == fps:
        count = frames
    else:  # enough frames that retiming covers the shot: round(N·fps/native) ≥ frames
        count = max(math.ceil((frames - 1) * native / fps) + 1,
                    math.ceil((frames - Fraction(1, 2)) * native / fps))
    return Timing(fps, native, frames, count, _chunks(family, count, kept))


def _chunks(family: Family, count: int, kept: int) -> tuple[int, ...]:
    chunks, remaining, first = [], count, True
    while remaining > 0:
        context = kept if first else CHAIN_OVERLAP
        room = max(family.max_frames - context, 1)
        chunks.append(min(room, remaining))
        remaining -= chunks[-1]
        first = False
    return tuple(chunks)


def at_native_rate(frames: Sequence[np.ndarray], fps: Fraction,
                   native: Fraction) -> list[np.ndarray]:
    """Frames at ``fps`` resampled (nearest) to ``native``, keeping the last frame last: the
    context or control a model sees at its own rate."""
    if not frames or fps == native:
        return list(frames)
    count = max(round(Fraction(len(frames) - 1) * native / fps) + 1, 1)
    last = len(frames) - 1
    return [frames[max(last - round(Fraction(count - 1 - index) * fps / native), 0)]
            for index in range(count)]


def deliver(frames: Sequence[np.ndarray], timing: Timing) -> Iterator[np.ndarray]:
    """The rendered frames at the request's rate: retimed with optical flow where the model's
    rate differs, exactly ``timing.delivered`` of them."""
    if not timing.retimed:
        return iter(frames[:timing.delivered])
    retimed = retime_to_rate(iter(frames), len(frames), timing.native_fps, timing.fps,
                             method=RetimeMethod.OPTICAL_FLOW)
    return islice(retimed, timing.delivered)


def match_colour(chunk: np.ndarray, rendered_context: np.ndarray,
                 context: np.ndarray) -> np.ndarray:
    """``chunk`` with each channel's mean and spread moved so that its re-rendered overlap
    matches the frames it overlaps: chained continuations drift in colour otherwise (DESIGN's
    anchors: correct each chunk's statistics against what came before)."""
    source = rendered_context.reshape(-1, 3).astype(np.float64)
    target = context.reshape(-1, 3).astype(np.float64)
    scale = (target.std(axis=0) + 1.0) / (source.std(axis=0) + 1.0)
    shifted = (chunk.astype(np.float64) - source.mean(axis=0)) * scale + target.mean(axis=0)
    return np.clip(np.rint(shifted), 0, 255).astype(np.uint8)


def cross_fade(before: Sequence[np.ndarray], after: np.ndarray) -> list[np.ndarray]:
    """The overlap of two chunks: from all ``before`` to all ``after``, frame by frame."""
    count = len(before)
    return [np.clip(np.rint(before[index] * (1 - (index + 1) / (count + 1))
                            + after[index] * ((index + 1) / (count + 1))), 0, 255)
            .astype(np.uint8) for index in range(count)]
