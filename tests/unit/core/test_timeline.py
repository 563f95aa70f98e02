"""Which frames a timeline entry plays: trims, snapped extras, clips that got shorter."""

from __future__ import annotations

from fractions import Fraction

from previz.core.project import TimelineEntry
from previz.core.timeline import entry_frames
from previz.core.values import Clip


def clip(frames: int, requested: int | None = None) -> Clip:
    provenance = {} if requested is None else {"requested_frames": requested}
    return Clip("k" * 64, Fraction(24), 64, 48, frames, provenance=provenance)


def test_no_out_point_plays_what_the_shot_asked_for() -> None:
    entry = TimelineEntry("e", "n")
    assert entry_frames(entry, clip(81, requested=80)) == range(80)
    assert entry_frames(entry, clip(48)) == range(48)


def test_trims_are_honoured_and_clamped_to_the_clip() -> None:
    assert entry_frames(TimelineEntry("e", "n", 4, 20), clip(48)) == range(4, 20)
    assert entry_frames(TimelineEntry("e", "n", 4, 100), clip(48)) == range(4, 48)
    assert entry_frames(TimelineEntry("e", "n", 60, 100), clip(48)) == range(47, 48)
