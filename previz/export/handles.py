"""A shot movie's handles: frames beyond what the cut plays, rendered where they can be.

A shot renders its handles with it (the Shot node's ``handles`` param, 12 frames by default):
the frames before its first and after its last go to the store entry's handles file, and the
clip's provenance says how many (``handles``: ``before``, ``after``, ``file``). A trimmed
entry also has the clip's own frames beyond its cut. Only where neither reaches (a shot
rendered with fewer handles than the export asks for, a render shared without its handles
file, an Extend, a bridge, a still) does the movie hold its first or last frame, and the
export says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from previz.core.values import Clip
from previz.engine.store import ClipStore
from previz.media import open_reader, retimed_frame_count


@dataclass(frozen=True)
class Handles:
    """Frames a shot movie holds beyond what the cut plays, at the editorial rate: ``head``
    before the in point and ``tail`` after the out point. The render gives ``real_head`` and
    ``real_tail`` of them (the clip's frames beyond a trimmed cut, then its rendered
    handles); the rest hold the first or last frame."""

    head: int = 0
    tail: int = 0
    real_head: int = 0
    real_tail: int = 0

    @property
    def held(self) -> int:
        """How many handle frames are held rather than rendered."""
        return self.head - self.real_head + self.tail - self.real_tail


@dataclass(frozen=True)
class RenderedHandles:
    """The frames a clip's render made before its first and after its last (clip rate)."""

    before: int = 0
    after: int = 0
    path: Path | None = None

    def frames(self, before: int, after: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The last ``before`` frames before the clip and the first ``after`` after it (as
        many as there are), read-only; only those are decoded."""
        before, after = min(before, self.before), min(after, self.after)
        if self.path is None or not before + after:
            return [], []
        start = self.before - before
        with open_reader(self.path, start=start) as reader:
            frames = list(itertools.islice(reader, before + after))
        for frame in frames:
            frame.flags.writeable = False
        if len(frames) != before + after:
            return [], []
        return frames[:before], frames[before:]


def rendered_handles(clip: Clip, store: ClipStore) -> RenderedHandles:
    """What ``clip``'s handles file holds, as its provenance records it; none when the file
    is not beside the clip (a render shared without it)."""
    record = clip.provenance.get("handles")
    if not isinstance(record, Mapping):
        return RenderedHandles()
    before, after, name = record.get("before"), record.get("after"), record.get("file")
    if not (isinstance(before, int) and isinstance(after, int) and isinstance(name, str)
            and before >= 0 and after >= 0 and name and Path(name).name == name):
        return RenderedHandles()
    try:
        path = store.frames_file(clip.key).parent / name
    except OSError:
        return RenderedHandles()
    return RenderedHandles(before, after, path) if path.is_file() else RenderedHandles()


def plan_handles(clip: Clip, source: range, rate: Fraction, frames: int,
                 rendered: RenderedHandles) -> Handles:
    """``frames`` of handles either side of ``source`` (frames of ``clip``) at the editorial
    ``rate``, and how many of them the clip and its rendered handles give."""
    before = source.start + rendered.before
    after = max(clip.frame_count - source.stop, 0) + rendered.after
    if clip.fps != rate:
        before, after = (retimed_frame_count(count, clip.fps, rate) if count else 0
                         for count in (before, after))
    return Handles(frames, frames, min(frames, before), min(frames, after))


def source_frames_for(count: int, clip_fps: Fraction, rate: Fraction) -> int:
    """Frames at the clip's rate that retime to at least ``count`` at ``rate``."""
    return math.ceil(count * clip_fps / rate) + 1 if count else 0
