"""The cut's arithmetic: editorial places, nearest source frames at other rates, timecode."""

from __future__ import annotations

from fractions import Fraction

from previz.app.clock import PlayClock, timecode
from previz.app.cut import Cut, CutShot
from previz.core.project import TimelineEntry


def shot(start: int, length: int, fps: Fraction, source: range) -> CutShot:
    """A rendered-looking shot without a clip (only its numbers matter here)."""
    return CutShot(TimelineEntry("e", "n"), "Shot", None, source, fps, start, length)


def test_a_clip_at_another_rate_plays_by_nearest_frame() -> None:
    gulls = shot(48, 72, Fraction(16), range(48))  # 3 s at 16 fps on a 24 fps cut
    rate = Fraction(24)
    assert [gulls.source_frame(48 + i, rate) for i in range(7)] == [0, 1, 1, 2, 3, 3, 4]
    assert gulls.source_frame(48 + 71, rate) == 47


def test_trimmed_entries_start_at_their_in_point() -> None:
    trimmed = shot(0, 24, Fraction(24), range(10, 34))
    assert trimmed.source_frame(0, Fraction(24)) == 10
    assert trimmed.source_frame(500, Fraction(24)) == 33


def test_the_cut_finds_the_shot_at_a_frame() -> None:
    first, second = shot(0, 48, Fraction(24), range(48)), shot(48, 72, Fraction(24), range(72))
    cut = Cut((first, second), Fraction(24))
    assert cut.length == 120
    assert cut.at(0) is first and cut.at(47) is first and cut.at(48) is second
    assert cut.at(120) is None and cut.index_at(120) == 2


def test_timecode_and_the_clock() -> None:
    assert timecode(0, Fraction(24)) == "00:00:00:00"
    assert timecode(24 * 3661 + 5, Fraction(24)) == "01:01:01:05"
    assert timecode(30, Fraction(30000, 1001)) == "00:00:01:00"
    now = [0.0]
    clock = PlayClock(Fraction(24), 48, now=lambda: now[0])
    clock.start(10)
    now[0] = 1.0
    assert clock.due() == 34
    now[0] = 2.0
    assert clock.due() is None
    clock.loop = True
    assert clock.due() == (10 + 48) % 48
