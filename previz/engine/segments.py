"""A stored clip's frames as a run of frames files: its head's entries', then its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from previz.media import FrameReader, open_reader, read_frame


@dataclass(frozen=True)
class Segment:
    """The first ``count`` frames of the frames file at ``path``."""

    path: Path
    count: int


def first_frames(segments: Sequence[Segment], count: int) -> list[Segment]:
    """The segments that make the first ``count`` frames of ``segments``."""
    kept: list[Segment] = []
    for segment in segments:
        if count <= 0:
            break
        kept.append(Segment(segment.path, min(segment.count, count)))
        count -= segment.count
    return kept


@dataclass(frozen=True)
class Place:
    """Where a frame of a run is: which segment (its position in the run), which frame of it."""

    position: int
    frame: int


def locate(segments: Sequence[Segment], index: int) -> Place:
    """Where frame ``index`` of the run is."""
    if index >= 0:
        for position, segment in enumerate(segments):
            if index < segment.count:
                return Place(position, index)
            index -= segment.count
    raise IndexError("a frame outside the clip's frames")


def read_one(segments: Sequence[Segment], index: int) -> np.ndarray:
    """Frame ``index`` of the run, decoded alone."""
    place = locate(segments, index)
    return read_frame(segments[place.position].path, place.frame)


class SegmentReader:
    """The frames of a run from frame ``start`` on, one ffmpeg reader at a time; iterate, then
    close (or use ``with``). ``opened`` is told each reader's process id as it starts."""

    def __init__(self, segments: Sequence[Segment], start: int = 0,
                 opened: Callable[[int], None] = lambda pid: None) -> None:
        place = locate(segments, start)
        self._runs = [(segment, place.frame if position == place.position else 0)
                      for position, segment in enumerate(segments)
                      if position >= place.position]
        self._opened = opened
        self._reader: FrameReader | None = None
        self._frames = self._read()

    def __iter__(self) -> Iterator[np.ndarray]:
        return self._frames

    def _read(self) -> Iterator[np.ndarray]:
        for segment, start in self._runs:
            with open_reader(segment.path, start=start) as reader:
                self._reader = reader
                self._opened(reader.pid)
                wanted = segment.count - start
                for _, frame in zip(range(wanted), reader, strict=False):
                    yield frame
                    wanted -= 1
                if wanted:
                    raise IndexError(f"{segment.path}: {wanted} frames short of its clip")

    def close(self) -> None:
        """Stop decoding: the ffmpeg reader running now ends and is reaped."""
        if self._reader is not None:
            self._reader.close()
        self._frames.close()

    def __enter__(self) -> SegmentReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
