"""The cut as exports see it: each entry's clip, trimmed frames and timing at the editorial rate.

Editors work at 24000/1001, 24, 25, 30000/1001 or 30 frames a second, one rate per timeline.
An entry whose clip runs at another rate (a model's 16 fps, say) is retimed to the editorial
rate by optical flow on the way out, and the cut says so in ``notes``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from previz.core.project import Project
from previz.core.project_settings import START, TITLE, extra_value
from previz.core.timeline import entry_frames
from previz.core.values import Clip
from previz.engine.plan import ExecutionPlan
from previz.engine.store import ClipStore
from previz.export.handles import (
    Handles,
    plan_handles,
    rendered_handles,
    source_frames_for,
)
from previz.export.shots import ShotInfo, describe_entry
from previz.export.timecode import TimecodeClock, rate_label
from previz.media import RetimeMethod, retime_to_rate, retimed_frame_count, round_half_up

RETIME_METHOD = RetimeMethod.OPTICAL_FLOW
DEFAULT_HANDLES = 12
REEL_CHARS = 8
DERIVED_SUFFIXES = {"previz.extend": "EXT", "previz.interpolate": "BRIDGE", "previz.retime": "RT"}


class ExportError(Exception):
    """An export that cannot be made; the message says what to do about it."""


@dataclass(frozen=True)
class CutEntry:
    """One entry of the cut: its clip, the frames it plays and where it sits in the cut.

    ``source`` numbers frames of the clip at the clip's own rate; ``frame_count`` and
    ``record_in`` count frames at the cut's editorial ``rate``.
    """

    index: int
    entry_id: str
    node_id: str
    name: str
    stem: str
    clip: Clip
    source: range
    rate: Fraction
    frame_count: int
    record_in: int
    info: ShotInfo
    handles: Handles = field(default_factory=Handles)
    reel: str = ""

    @property
    def source_in(self) -> int:
        """The in point as a frame of the shot movie, whose head handles come first."""
        return self.handles.head

    @property
    def movie_frame_count(self) -> int:
        """Frames in the shot movie: the handles and what the cut plays."""
        return self.handles.head + self.frame_count + self.handles.tail

    @property
    def retimed(self) -> bool:
        """Whether the clip's rate differs from the editorial rate."""
        return self.clip.fps != self.rate

    @property
    def first_frame(self) -> int:
        """The in point as a frame number at the editorial rate."""
        return round_half_up(self.source.start * self.rate / self.clip.fps)

    @property
    def duration(self) -> Fraction:
        """How long the entry plays, in seconds."""
        return self.frame_count / self.rate

    @property
    def retime_note(self) -> str:
        """What the export did to this entry's timing, or empty."""
        if not self.retimed:
            return ""
        return (f"{self.name}: retimed from {rate_label(self.clip.fps)} to"
                f" {rate_label(self.rate)} by {RETIME_METHOD.value.replace('_', ' ')}"
                f" ({len(self.source)} frames became {self.frame_count})")


@dataclass(frozen=True)
class Cut:
    """The whole cut at one editorial rate and frame size."""

    title: str
    rate: Fraction
    width: int
    height: int
    entries: tuple[CutEntry, ...]
    clock: TimecodeClock = None  # type: ignore[assignment]
    project_title: str = ""

    @property
    def heading(self) -> str:
        """What the cut is called inside what is exported (an EDL's TITLE, the OTIO and XML
        sequence, a storyboard's heading): the project's title, else the file title."""
        return self.project_title.strip() or self.title

    def __post_init__(self) -> None:
        if self.clock is None:
            object.__setattr__(self, "clock", TimecodeClock(self.rate))

    def record_timecode(self, frame: int) -> str:
        """Frame ``frame`` of the cut (from 0) as record timecode from the sequence start."""
        return self.clock.label(self.clock.start + frame)

    @property
    def frame_count(self) -> int:
        """Frames in the whole cut at the editorial rate."""
        return sum(entry.frame_count for entry in self.entries)

    @property
    def notes(self) -> tuple[str, ...]:
        """Every retime the export makes, in words."""
        return tuple(entry.retime_note for entry in self.entries if entry.retimed)

    @property
    def held_note(self) -> str:
        """Which shot movies' handle frames repeat a frame, in words, or empty."""
        held = [f"{entry.name} ({entry.handles.held} of"
                f" {entry.handles.head + entry.handles.tail})"
                for entry in self.entries if entry.handles.held]
        if not held:
            return ""
        return (f"handle frames that repeat the first or last frame, the render having none"
                f" there: {', '.join(held)}; a shot renders the handles its Handles setting"
                f" asks for, an extension, a bridge or a still none")


def build_cut(project: Project, plan: ExecutionPlan, store: ClipStore, *,
              rate: Fraction | None = None, title: str = "previz", timecode: str = "df",
              handles: int = DEFAULT_HANDLES) -> Cut:
    """The cut of ``project`` at ``rate`` (default: the project's), from rendered clips, its
    timecode drop-frame or not (``timecode``: ``df`` or ``ndf``, where the rate has both) from
    the project's start timecode, each shot movie with ``handles`` frames either side; files
    are named by ``title``, the cut inside them by the project's title where it has one.

    ``plan`` is the compiled timeline; an entry whose clip is not in ``store`` is an
    ``ExportError`` naming every such entry.
    """
    if handles < 0:
        raise ExportError(f"handles must be 0 frames or more, not {handles}")
    rate = Fraction(rate or project.settings.rate)
    clips = _timeline_clips(project, plan, store)
    entries: list[CutEntry] = []
    used: set[str] = set()
    reels: set[str] = set()
    record = 0
    for index, (entry, clip) in enumerate(zip(project.timeline, clips, strict=True), start=1):
        info = describe_entry(project, plan, entry.node, clip)
        name = unique_name(_entry_name(plan, entry.node, info, index), used)
        source = entry_frames(entry, clip)
        count = (len(source) if clip.fps == rate
                 else retimed_frame_count(len(source), clip.fps, rate))
        stem = f"{index:02d}_{name_slug(name)}"
        planned = plan_handles(clip, source, rate, handles, rendered_handles(clip, store))
        entries.append(CutEntry(index, entry.id, entry.node, name, stem, clip, source, rate,
                                count, record, info, planned, reel_name(name, index, reels)))
        record += count
    width, height = project.settings.width, project.settings.height
    try:
        clock = TimecodeClock.for_mode(rate, timecode, extra_value(project.settings, START))
    except ValueError as error:
        raise ExportError(f"project settings: {error}") from None
    return Cut(title, rate, width - width % 2, height - height % 2, tuple(entries), clock,
               extra_value(project.settings, TITLE))


def editorial_frames(entry: CutEntry, store: ClipStore) -> Iterator[np.ndarray]:
    """The frames ``entry`` plays, at the editorial rate, read-only, streamed from the store."""
    frames = itertools.islice(store.frames(entry.clip), entry.source.start, entry.source.stop)
    if not entry.retimed:
        return frames
    return retime_to_rate(frames, len(entry.source), entry.clip.fps, entry.rate,
                          method=RETIME_METHOD)


def movie_frames(entry: CutEntry, store: ClipStore) -> Iterator[np.ndarray]:
    """The frames of ``entry``'s shot movie: its handles either side of what the cut plays,
    rendered frames where the clip or its rendered handles have them (retimed with it), the
    first or last frame held for the rest."""
    handles, clip, source = entry.handles, entry.clip, entry.source
    early = min(handles.real_head, source.start)
    late = min(handles.real_tail, clip.frame_count - source.stop)
    if entry.retimed:  # as many source frames as retime to the handles, at most
        wanted = (source_frames_for(handles.real_head, clip.fps, entry.rate),
                  source_frames_for(handles.real_tail, clip.fps, entry.rate))
    else:
        wanted = (handles.real_head - early, handles.real_tail - late)
    before, after = rendered_handles(clip, store).frames(*wanted)
    if entry.retimed:
        head = _retimed(before, range(source.start), entry=entry, store=store,
                        count=handles.real_head, last=True)
        body = editorial_frames(entry, store)
        tail = _retimed(after, range(source.stop, clip.frame_count), entry=entry, store=store,
                        count=handles.real_tail, last=False)
    else:  # one pass over the clip: its frames before the cut, the cut, its frames after
        frames = itertools.islice(store.frames(clip), source.start - early, source.stop + late)
        head = [*before[len(before) - (handles.real_head - early):],
                *itertools.islice(frames, early)]
        body = itertools.islice(frames, len(source))
        tail = itertools.chain(frames, after[:handles.real_tail - late])
    yield from _held(head, body, tail, handles)


def _held(head: list[np.ndarray], body: Iterator[np.ndarray], tail: Iterable[np.ndarray],
          handles: Handles) -> Iterator[np.ndarray]:
    """Head, body and tail, the first frame repeated before them for head handles not
    rendered and the last after them for tail handles not rendered."""
    first = head[0] if head else next(body, None)
    if first is None:
        return
    yield from itertools.repeat(first, handles.head - len(head))
    yield from head or [first]
    last = first
    for last in body:
        yield last
    shown = 0
    for last in tail:
        yield last
        shown += 1
    yield from itertools.repeat(last, handles.tail - shown)


def _retimed(rendered: list[np.ndarray], frames: range, *, entry: CutEntry, store: ClipStore,
             count: int, last: bool) -> list[np.ndarray]:
    """``count`` handle frames at the editorial rate from the clip's ``frames`` beside the
    rendered handles: the last of those before the cut (``last``) or the first after it."""
    if not count:
        return []
    clip = entry.clip
    wanted = source_frames_for(count, clip.fps, entry.rate)
    if last:
        take = range(max(frames.stop - wanted, frames.start), frames.stop)
        source = [*rendered, *_read(store, clip, take)]
        source = source[-wanted:]
    else:
        take = range(frames.start, min(frames.start + wanted, frames.stop))
        source = [*_read(store, clip, take), *rendered]
        source = source[:wanted]
    retimed = list(retime_to_rate(iter(source), len(source), clip.fps, entry.rate,
                                  method=RETIME_METHOD))
    return retimed[-count:] if last else retimed[:count]


def _read(store: ClipStore, clip: Clip, frames: range) -> list[np.ndarray]:
    return list(itertools.islice(store.frames(clip), frames.start, frames.stop)) if frames else []


def _timeline_clips(project: Project, plan: ExecutionPlan, store: ClipStore) -> list[Clip]:
    clips, missing = [], []
    for entry in project.timeline:
        planned = plan.nodes.get(entry.node)
        clip = store.clip(planned.key) if planned is not None and planned.key else None
        if clip is None:
            missing.append(planned.label if planned is not None else entry.node)
        else:
            clips.append(clip)
    if missing:
        raise ExportError(f"not rendered yet: {', '.join(dict.fromkeys(missing))}; render the"
                          " timeline first")
    return clips


def _entry_name(plan: ExecutionPlan, node_id: str, info: ShotInfo, index: int) -> str:
    """``010_0010`` for a shot; ``010_0020_EXT`` for what is made from one; ``STILL_01``."""
    spec = plan.nodes[node_id].spec
    if info.slate and not info.derived:
        return info.slate
    suffix = DERIVED_SUFFIXES.get(spec.id) or name_slug(spec.display_name).upper()
    return f"{info.slate}_{suffix}" if info.slate else f"{suffix}_{index:02d}"


def reel_name(name: str, index: int, used: set[str]) -> str:
    """A distinct tape name of at most eight letters and digits, as EDLs allow."""
    reel = re.sub(r"[^A-Za-z0-9]", "", name)[:REEL_CHARS] or f"R{index:03d}"
    if reel in used:
        reel = f"{index:03d}{reel}"[:REEL_CHARS]
    used.add(reel)
    return reel


def unique_name(name: str, used: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... if it is taken; the one returned is taken now."""
    candidate, count = name, 1
    while candidate in used:
        count += 1
        candidate = f"{name}_{count}"
    used.add(candidate)
    return candidate


def name_slug(text: str) -> str:
    """A name as a file name's part: letters, digits, ``_.-``, at most 40 characters."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:40] or "clip"
