"""The cut as it plays: each entry's place at the editorial rate and the source frame for any
moment, rendered or not.

Entries keep in and out points at their clip's own rate; playback runs at the project's rate
and a clip at another rate shows its nearest frame. An entry whose circled take is not in the
store (never rendered, or stale after an edit) keeps the length its node asks for and plays
as a slate card.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from previz.app.takes import node_takes
from previz.core.labels import node_label
from previz.core.project import Project, TimelineEntry
from previz.core.spec import parse_fraction
from previz.core.timeline import entry_frames
from previz.core.timing import frames_in
from previz.core.values import Clip
from previz.engine.session import EngineSession

DEFAULT_SECONDS = Fraction(3)
_DURATION_PARAMS = ("duration", "added_duration", "bridge_duration")


@dataclass(frozen=True)
class CutShot:
    """One entry as it plays: its source frames, rate, and editorial start and length."""

    entry: TimelineEntry
    label: str
    clip: Clip | None
    source: range
    fps: Fraction
    start: int
    length: int

    @property
    def end(self) -> int:
        """The editorial frame after its last."""
        return self.start + self.length

    @property
    def rendered(self) -> bool:
        """Whether its circled take is in the store."""
        return self.clip is not None

    def source_frame(self, frame: int, rate: Fraction) -> int:
        """The nearest source frame to editorial ``frame`` (clamped to the entry)."""
        offset = Fraction(frame - self.start) / rate * self.fps
        index = self.source.start + int(offset + Fraction(1, 2))
        return min(max(index, self.source.start), self.source.stop - 1)


@dataclass(frozen=True)
class Cut:
    """The shots in order at the editorial ``rate``; ``length`` in editorial frames."""

    shots: tuple[CutShot, ...]
    rate: Fraction

    @property
    def length(self) -> int:
        """Editorial frames in the whole cut."""
        return self.shots[-1].end if self.shots else 0

    def at(self, frame: int) -> CutShot | None:
        """The shot playing at editorial ``frame``."""
        starts = [shot.start for shot in self.shots]
        index = bisect.bisect_right(starts, frame) - 1
        if index < 0 or frame >= self.length:
            return None
        return self.shots[index]

    def index_at(self, frame: int) -> int:
        """The index of the shot at ``frame``; ``len(shots)`` past the end."""
        shot = self.at(frame)
        return len(self.shots) if shot is None else self.shots.index(shot)


def build_cut(project: Project, session: EngineSession) -> Cut:
    """The project's cut, each entry resolved to its circled take in the session's store."""
    rate = project.settings.rate
    takes = node_takes(project, session, [entry.node for entry in project.timeline])
    shots, start = [], 0
    for entry in project.timeline:
        found = takes.get(entry.node)
        clip = found.circled_clip if found else None
        label = found.label if found else _label(project, session, entry.node)
        if clip is not None:
            source, fps = entry_frames(entry, clip), clip.fps
        else:
            fps = _expected_fps(project.nodes[entry.node].params, rate)
            source = _expected_frames(entry, expected_seconds(project, entry.node), fps)
        length = max(1, round(Fraction(len(source)) / fps * rate))
        shots.append(CutShot(entry, label, clip, source, fps, start, length))
        start += length
    return Cut(tuple(shots), rate)


def _expected_fps(params: dict[str, Any], rate: Fraction) -> Fraction:
    try:
        return parse_fraction(params["fps"]) if params.get("fps") else rate
    except (TypeError, ValueError, ZeroDivisionError):
        return rate


def expected_seconds(project: Project, node_id: str, depth: int = 0) -> Fraction:
    """How long a node's clip will run, known before it renders: its own duration; an Extend
    its clip's length plus what it adds; a retime its clip's, faster or slower."""
    params = project.nodes[node_id].params
    source = next((link.source.node for link in project.links.values()
                   if link.target.node == node_id and link.target.port == "clip"), None)
    feeding = (expected_seconds(project, source, depth + 1)
               if source is not None and source in project.nodes and depth < 100 else None)
    added = params.get("added_duration")
    if isinstance(added, int | float) and feeding is not None:
        return feeding + Fraction(str(added))  # the clip, then its continuation
    own = next((Fraction(str(params[name])) for name in _DURATION_PARAMS
                if isinstance(params.get(name), int | float)), None)
    if own is not None:
        return own
    if feeding is not None:
        speed = params.get("multiplier") if params.get("mode") == "multiplier" else 1
        return feeding / Fraction(str(speed)) if isinstance(speed, int | float) and speed else \
            feeding
    return DEFAULT_SECONDS


def _expected_frames(entry: TimelineEntry, seconds: Fraction, fps: Fraction) -> range:
    natural = frames_in(seconds, fps)
    out = natural if entry.out_frame is None else entry.out_frame
    return range(min(entry.in_frame, out - 1), out)


def _label(project: Project, session: EngineSession, node_id: str) -> str:
    node = project.nodes[node_id]
    node_type = session.registry.get(node.type)
    return node_label(node, node_type.spec if node_type else None, project)
