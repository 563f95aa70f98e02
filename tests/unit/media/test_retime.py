"""Retiming: exact counts and source times, the three methods, streaming, and refusals."""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Iterator
from fractions import Fraction

import numpy as np
import pytest

from previz.media.flow import inbetween
from previz.media.retime import (
    RetimeError,
    RetimeMethod,
    RetimeTiming,
    blend_frames,
    retime,
    retime_by_speed,
    retime_to_rate,
    retimed_frame_count,
    round_half_up,
    speed_frame_count,
)

NTSC_FILM = Fraction(24000, 1001)
NTSC_VIDEO = Fraction(30000, 1001)


def _half_up(value: Fraction) -> int:
    """The oracle for rounding, kept apart from the module's own."""
    return math.floor(value + Fraction(1, 2))


def _labelled(count: int) -> list[np.ndarray]:
    """Small frames whose every pixel holds its frame index."""
    return [np.full((4, 6, 3), index, np.uint8) for index in range(count)]


def _patterned(count: int) -> list[np.ndarray]:
    """Small frames of distinct per-pixel values, so a mix shows its weights everywhere."""
    pixels = np.arange(4 * 6 * 3).reshape(4, 6, 3)
    return [((index * 37 + pixels * 11) % 256).astype(np.uint8) for index in range(count)]


def _labels(frames: Iterator[np.ndarray]) -> list[int]:
    return [int(frame[0, 0, 0]) for frame in frames]


@pytest.mark.parametrize(("count", "expected"),
                         [(1, 1), (2, 3), (33, 49), (80, 120), (81, 121), (161, 241)])
def test_16_fps_to_ntsc_film_gives_n_times_1500_over_1001_frames(count: int,
                                                                 expected: int) -> None:
    assert expected == _half_up(Fraction(count * 1500, 1001))
    assert retimed_frame_count(count, 16, NTSC_FILM) == expected
    frames = retime_to_rate(_labelled(count), count, 16, NTSC_FILM, method="nearest")
    assert len(list(frames)) == expected


@pytest.mark.parametrize("count", [1, 2, 33, 80, 81, 161])
def test_output_frame_i_shows_source_time_i_over_the_target_rate(count: int) -> None:
    frames = retime_to_rate(_labelled(count), count, 16, NTSC_FILM, method="nearest")
    for index, label in enumerate(_labels(frames)):
        source_time = index * Fraction(1001, 24000)
        assert label == min(_half_up(source_time * 16), count - 1)


def test_blend_mixes_the_two_neighbours_by_the_exact_fraction() -> None:
    count = 33
    source = _patterned(count)
    frames = list(retime_to_rate(source, count, 16, NTSC_FILM, method="blend"))
    for index, frame in enumerate(frames):
        position = index * Fraction(1001, 24000) * 16
        below = min(math.floor(position), count - 1)
        weight = position - below if below < count - 1 else Fraction(0)
        after = source[min(below + 1, count - 1)]
        expected = [_half_up(int(x) * (1 - weight) + int(y) * weight)
                    for x, y in zip(source[below].flat, after.flat, strict=True)]
        assert frame.ravel().tolist() == expected


def test_blend_frames_rounds_halves_up() -> None:
    a, b = np.array([[[10, 11, 0]]], np.uint8), np.array([[[11, 12, 255]]], np.uint8)
    assert blend_frames(a, b, Fraction(1, 2)).ravel().tolist() == [11, 12, 128]
    assert blend_frames(a, b, Fraction(1, 3)).ravel().tolist() == [10, 11, 85]


@pytest.mark.parametrize(("count", "rate", "target", "expected"), [
    (100, 24, 25, 104), (48, 24, 25, 50), (100, 25, 24, 96), (50, 25, 24, 48),
    (100, NTSC_VIDEO, NTSC_FILM, 80), (31, NTSC_VIDEO, NTSC_FILM, 25),
    (100, NTSC_FILM, 24, 100), (7, 24, 24, 7),
])
def test_counts_between_editorial_rates(count: int, rate: Fraction | int,
                                        target: Fraction | int, expected: int) -> None:
    assert retimed_frame_count(count, rate, target) == expected


def test_halves_round_up() -> None:
    # 12 · 25/24 = 12.5 and 5 · 1/2 = 2.5: Python's round() would give 12 and 2.
    assert retimed_frame_count(12, 24, 25) == 13
    assert retimed_frame_count(5, 2, 1) == 3
    assert speed_frame_count(10, 4) == 3
    # Half speed shows positions 0, 1/2, 1, 3/2 ...: nearest takes the later frame on a half.
    assert _labels(retime_by_speed(_labelled(3), 3, Fraction(1, 2), method="nearest")) == [
        0, 1, 1, 2, 2, 2]


def test_round_half_up() -> None:
    values = [Fraction(5, 2), Fraction(-5, 2), Fraction(7, 3), Fraction(8, 3), Fraction(4)]
    assert [round_half_up(value) for value in values] == [3, -2, 2, 3, 4]


def test_same_rate_passes_every_frame_through_untouched() -> None:
    source = _patterned(9)
    for method in RetimeMethod:
        frames = list(retime_to_rate(source, 9, NTSC_FILM, NTSC_FILM, method=method))
        assert all(out is src for out, src in zip(frames, source, strict=True))


def test_nearest_takes_the_closest_frame_and_holds_the_last() -> None:
    frames = retime_to_rate(_labelled(4), 4, 2, 5, method="nearest")
    # Positions i·2/5: 0, 0.4, 0.8, 1.2, 1.6, 2, 2.4, 2.8, 3.2, 3.6 → the last held at 3.
    assert _labels(frames) == [0, 0, 1, 1, 2, 2, 2, 3, 3, 3]


def test_optical_flow_passes_exact_frames_and_makes_the_flow_inbetween() -> None:
    rng = np.random.default_rng(5)
    source = [rng.integers(0, 256, (48, 64, 3), dtype=np.uint8) for _ in range(3)]
    frames = list(retime_by_speed(source, 3, Fraction(1, 2), method="optical_flow"))
    assert len(frames) == 6
    assert frames[0] is source[0] and frames[2] is source[1] and frames[4] is source[2]
    assert np.array_equal(frames[1], inbetween(source[0], source[1], 0.5))
    assert np.array_equal(frames[3], inbetween(source[1], source[2], 0.5))
    assert frames[5] is source[2]


@pytest.mark.parametrize(("count", "multiplier", "expected"), [
    (10, 2, 5), (10, 3, 3), (10, 4, 3), (10, Fraction(1, 2), 20), (10, 1.5, 7),
    (10, "1/3", 30), (3, 20, 1), (81, 0.05, 1620),
])
def test_speed_counts(count: int, multiplier: Fraction | float | str, expected: int) -> None:
    assert speed_frame_count(count, multiplier) == expected


def test_speed_keeps_positions_exact() -> None:
    assert _labels(retime_by_speed(_labelled(10), 10, 2, method="nearest")) == [0, 2, 4, 6, 8]
    # 0.3 is 3/10, not the binary float just below it: position 5 · 0.3 = 1.5 rounds up to 2.
    labels = _labels(retime_by_speed(_labelled(4), 4, 0.3, method="nearest"))
    assert labels[5] == 2
    assert RetimeTiming.for_speed(4, 0.3).step == Fraction(3, 10)


class _RecordingSource:
    """A frame generator that counts how many frames were taken and which are still alive."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pulled = 0
        self._refs: list[weakref.ref[np.ndarray]] = []

    def __iter__(self) -> Iterator[np.ndarray]:
        rng = np.random.default_rng(11)
        for _ in range(self.count):
            frame = rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)
            self._refs.append(weakref.ref(frame))
            self.pulled += 1
            yield frame

    def alive(self) -> int:
        return sum(ref() is not None for ref in self._refs)


@pytest.mark.parametrize("method", list(RetimeMethod))
@pytest.mark.parametrize("step", [Fraction(2, 3), Fraction(1, 3), Fraction(5, 2)])
def test_streaming_pulls_only_what_it_needs_and_holds_two_frames(method: RetimeMethod,
                                                                 step: Fraction) -> None:
    source = _RecordingSource(12)
    timing = RetimeTiming.for_speed(12, step)
    for index, _frame in enumerate(retime(source, timing, method=method)):
        position = timing.position(index)
        assert source.pulled <= min(math.floor(position) + 2, 12)
        assert source.alive() <= 2
    assert source.pulled <= 12


def test_frames_past_the_count_are_not_read() -> None:
    source = _RecordingSource(20)
    assert len(list(retime_to_rate(source, 8, 24, 24, method="blend"))) == 8
    assert source.pulled == 8


@pytest.mark.parametrize(("call", "message"), [
    (lambda: retimed_frame_count(10, 0, 24), "source rate must be positive, got 0"),
    (lambda: retimed_frame_count(10, 24, Fraction(-24)), "target rate must be positive, got -24"),
    (lambda: retimed_frame_count(0, 16, 24), "at least 1 source frame, got 0"),
    (lambda: retimed_frame_count(10, 23.976, 24), "exact Fraction or int, got 23.976"),
    (lambda: speed_frame_count(10, 0), "speed multiplier must be positive, got 0"),
    (lambda: speed_frame_count(10, -1.5), "speed multiplier must be positive, got -3/2"),
    (lambda: speed_frame_count(10, float("nan")), "finite number, got nan"),
    (lambda: speed_frame_count(10, "fast"), "must be a number, got 'fast'"),
    (lambda: retime_to_rate([], 3, 24, 25, method="smooth"), "unknown retime method 'smooth'"),
])
def test_bad_arguments_are_refused_at_once_naming_the_value(call: object,
                                                             message: str) -> None:
    with pytest.raises(RetimeError, match=re.escape(message)):
        call()  # type: ignore[operator]


def test_a_short_source_is_an_error_naming_both_counts() -> None:
    frames = retime_to_rate(_labelled(3), 5, 24, 24, method="nearest")
    with pytest.raises(RetimeError, match="ended after 3 frames; 5 were expected"):
        list(frames)
