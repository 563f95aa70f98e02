"""Retiming a stream of frames to another rate or speed: by nearest frame, blend or optical flow."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np

from previz.media.flow import DEFAULT_FLOW, FlowPair, FlowSettings

Rate = Fraction | int


class RetimeError(ValueError):
    """A retime that cannot be done: a bad rate, speed or frame count, or a short source."""


class RetimeMethod(StrEnum):
    """How an output frame that falls between two source frames is made."""

    OPTICAL_FLOW = "optical_flow"
    BLEND = "blend"
    NEAREST = "nearest"


@dataclass(frozen=True)
class RetimeTiming:
    """Which source position each output frame shows, exactly.

    Output frame i shows source position i·step, in source frames; `step` is r/r2 for a rate
    change and the speed multiplier for a speed change.
    """

    source_count: int
    step: Fraction
    output_count: int

    @classmethod
    def for_rates(cls, source_count: int, source_rate: Rate, target_rate: Rate) -> RetimeTiming:
        """N frames at `source_rate` shown at `target_rate`: the same motion, more or fewer frames.

        Output frame i shows source time i/r2, that is source position i·r/r2.
        """
        step = _positive(source_rate, "source rate") / _positive(target_rate, "target rate")
        return cls(_count(source_count), step, _output_count(source_count, step))

    @classmethod
    def for_speed(cls, source_count: int, multiplier: Rate | float | str) -> RetimeTiming:
        """N frames played `multiplier` times as fast at the same rate (2: twice as fast).

        A float is read as the decimal it prints as (0.1 is 1/10), so the timing stays exact.
        """
        step = _positive(_exact(multiplier, "speed multiplier"), "speed multiplier")
        return cls(_count(source_count), step, _output_count(source_count, step))

    def position(self, index: int) -> Fraction:
        """The source position output frame `index` shows, in source frames."""
        return index * self.step


def retimed_frame_count(source_count: int, source_rate: Rate, target_rate: Rate) -> int:
    """round(N·r2/r), halves up, and at least 1: the frame count of N frames retimed r → r2."""
    return RetimeTiming.for_rates(source_count, source_rate, target_rate).output_count


def speed_frame_count(source_count: int, multiplier: Rate | float | str) -> int:
    """round(N/m), halves up, and at least 1: the frame count of N frames sped up m times."""
    return RetimeTiming.for_speed(source_count, multiplier).output_count


def round_half_up(value: Fraction) -> int:
    """The integer nearest `value`, halves rounding up (2.5 → 3, −2.5 → −2)."""
    return math.floor(value + Fraction(1, 2))


def retime_to_rate(
    frames: Iterable[np.ndarray],
    source_count: int,
    source_rate: Rate,
    target_rate: Rate,
    *,
    method: RetimeMethod | str = RetimeMethod.OPTICAL_FLOW,
    flow: FlowSettings = DEFAULT_FLOW,
) -> Iterator[np.ndarray]:
    """Stream `frames` (N of them, at `source_rate`) as frames at `target_rate`.

    Arguments are checked at once; frames are pulled only as output frames are taken.
    """
    timing = RetimeTiming.for_rates(source_count, source_rate, target_rate)
    return retime(frames, timing, method=method, flow=flow)


def retime_by_speed(
    frames: Iterable[np.ndarray],
    source_count: int,
    multiplier: Rate | float | str,
    *,
    method: RetimeMethod | str = RetimeMethod.OPTICAL_FLOW,
    flow: FlowSettings = DEFAULT_FLOW,
) -> Iterator[np.ndarray]:
    """Stream `frames` (N of them) played `multiplier` times as fast, at the same rate."""
    timing = RetimeTiming.for_speed(source_count, multiplier)
    return retime(frames, timing, method=method, flow=flow)


def retime(
    frames: Iterable[np.ndarray],
    timing: RetimeTiming,
    *,
    method: RetimeMethod | str = RetimeMethod.OPTICAL_FLOW,
    flow: FlowSettings = DEFAULT_FLOW,
) -> Iterator[np.ndarray]:
    """Yield the `timing.output_count` output frames, one at a time, from a stream of frames.

    At most two source frames are held. Positions past the last source frame hold it. An
    output on an exact source position is that source frame itself, not a copy (so is every
    `nearest` output), and may be yielded more than once: copy before modifying one in place.
    Source frames past `timing.source_count` are never read; fewer raise `RetimeError`.
    """
    try:
        chosen = RetimeMethod(method)
    except ValueError:
        known = ", ".join(RetimeMethod)
        raise RetimeError(f"unknown retime method {method!r}; use one of {known}") from None
    return _retimed(_SourceWindow(frames, timing.source_count), timing, chosen, flow)


def blend_frames(a: np.ndarray, b: np.ndarray, fraction: Fraction) -> np.ndarray:
    """a·(1−f) + b·f per channel, rounded half up, computed exactly in integers."""
    weight = Fraction(fraction).limit_denominator(1 << 24)  # keeps 255·den within uint32
    num, den = weight.numerator, weight.denominator
    mix = a.astype(np.uint32)
    mix *= den - num
    mix += b.astype(np.uint32) * np.uint32(num)
    mix += den // 2
    mix //= den
    return mix.astype(np.uint8)


def _retimed(window: _SourceWindow, timing: RetimeTiming, method: RetimeMethod,
             flow: FlowSettings) -> Iterator[np.ndarray]:
    for index in range(timing.output_count):
        yield _output_frame(window, timing.position(index), method, flow)


def _output_frame(window: _SourceWindow, position: Fraction, method: RetimeMethod,
                  flow: FlowSettings) -> np.ndarray:
    # A function of its own so that no source frame outlives the window in a generator local.
    last = window.count - 1
    if method is RetimeMethod.NEAREST:
        return window.frame(min(round_half_up(position), last))
    below = min(math.floor(position), last)
    fraction = position - below if below < last else Fraction(0)
    if fraction == 0:
        return window.frame(below)
    if method is RetimeMethod.BLEND:
        return blend_frames(window.frame(below), window.frame(below + 1), fraction)
    return window.flow_pair(below, flow).frame_at(float(fraction))


class _SourceWindow:
    """Source frames pulled from the stream on demand, keeping only the latest two.

    It also keeps the flow between those two, so that several in-betweens share it and it
    goes when its frames go.
    """

    def __init__(self, frames: Iterable[np.ndarray], count: int) -> None:
        self.count = count
        self._frames = iter(frames)
        self._pulled = 0
        self._held: dict[int, np.ndarray] = {}
        self._pair: FlowPair | None = None
        self._pair_below = -1

    def frame(self, index: int) -> np.ndarray:
        """Source frame `index`; indices asked for never decrease by more than one."""
        while self._pulled <= index:
            frame = next(self._frames, None)
            if frame is None:
                raise RetimeError(f"the source ended after {self._pulled} frames; "
                                  f"{self.count} were expected")
            self._held[self._pulled] = frame
            self._pulled += 1
            self._held.pop(self._pulled - 3, None)
            if self._pair_below < self._pulled - 2:
                self._pair = None
        return self._held[index]

    def flow_pair(self, below: int, settings: FlowSettings) -> FlowPair:
        """The flow pair of source frames `below` and `below + 1`, computed once."""
        b = self.frame(below + 1)
        if self._pair is None or self._pair_below != below:
            self._pair = FlowPair.between(self.frame(below), b, settings)
            self._pair_below = below
        return self._pair


def _output_count(source_count: int, step: Fraction) -> int:
    # An empty clip is no clip: a speed-up of a very short one keeps one frame.
    return max(1, round_half_up(source_count / step))


def _count(source_count: int) -> int:
    if (isinstance(source_count, bool) or not isinstance(source_count, numbers.Integral)
            or source_count < 1):
        raise RetimeError(f"a retime needs at least 1 source frame, got {source_count!r}")
    return int(source_count)


def _exact(value: Rate | float | str, name: str) -> Rate:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RetimeError(f"{name} must be a finite number, got {value!r}")
        return Fraction(str(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except ValueError:
            raise RetimeError(f"{name} must be a number, got {value!r}") from None
    return value


def _positive(value: Rate, name: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, numbers.Rational):
        raise RetimeError(f"{name} must be an exact Fraction or int, got {value!r}")
    if value <= 0:
        raise RetimeError(f"{name} must be positive, got {value}")
    return Fraction(value)
