"""Which frames of its clip a timeline entry plays."""

from __future__ import annotations

from previz.core.project import TimelineEntry
from previz.core.values import Clip


def entry_frames(entry: TimelineEntry, clip: Clip) -> range:
    """The frames of ``clip`` that ``entry`` plays, in the clip's own numbering.

    With no out point the entry runs to the length the shot asked for: frames a model added
    to meet its frame-count rule are trimmed here. A clip that got shorter clamps the out
    point; an in point past the end leaves the clip's last frame.
    """
    requested = clip.provenance.get("requested_frames")
    natural = requested if isinstance(requested, int) and requested > 0 else clip.frame_count
    out = natural if entry.out_frame is None else entry.out_frame
    out = min(out, clip.frame_count)
    start = min(entry.in_frame, out - 1)
    return range(max(start, 0), out)
