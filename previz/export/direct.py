"""The cut movie encoded by one ffmpeg straight from the store's files, where it can be.

A cut whose every entry plays its clip's frames as they are (at the editorial rate, at the
cut's size, without burn-ins) needs no frame in Python: ``DirectCutMovie`` takes no frames
from the pass over the cut, and when the pass is done has one ffmpeg decode the entries' frames
files (an Extend's its head's too) and encode the movie. That is what makes an export from the
store as fast as piping frames already in memory (``tests/benchmarks/bench_export.py``).
The store checked each entry's files against their digests when the cut was built.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np

from previz.engine.segments import Segment
from previz.engine.store import ClipStore
from previz.export.credentials import Making, sign_file
from previz.export.cut import Cut, CutEntry
from previz.export.movies import MovieSettings
from previz.export.provenance import RECIPE_KEY
from previz.media.transcode import MAX_RUNS, FrameRun, encode_runs


def direct_runs(cut: Cut, store: ClipStore, settings: MovieSettings) -> list[FrameRun] | None:
    """The frames files and frame numbers the cut plays, in order; ``None`` where a frame
    needs work in Python (a burn-in, a retime, a clip of another size) or the runs are more
    than one ffmpeg takes."""
    if settings.burn_in:
        return None
    runs: list[FrameRun] = []
    for entry in cut.entries:
        clip = entry.clip
        if entry.retimed or (clip.width, clip.height) != (cut.width, cut.height):
            return None
        runs += runs_of(store.segments(clip), entry.source, clip.fps)
    return runs if len(runs) <= MAX_RUNS else None


def runs_of(segments: list[Segment], frames: range, fps: Fraction) -> list[FrameRun]:
    """Frames ``frames`` of the run of ``segments``, as runs of frames within each file."""
    runs, offset = [], 0
    for segment in segments:
        start, stop = max(frames.start - offset, 0), min(frames.stop - offset, segment.count)
        if start < stop:
            runs.append(FrameRun(segment.path, start, stop, fps))
        offset += segment.count
    return runs


class DirectCutMovie:
    """Writes the whole cut as one movie from the store's files (see the module); takes no
    frames from the pass over the cut."""

    wants_handles = False

    def __init__(self, cut: Cut, path: Path, runs: list[FrameRun], *, recipe: str,
                 settings: MovieSettings, poll: Callable[[], None] | None = None) -> None:
        self.cut, self.path, self.runs, self.recipe = cut, path, runs, recipe
        self.settings, self.poll = settings, poll

    def skips(self, entry: CutEntry) -> bool:
        """Always: ffmpeg reads the entries' frames itself."""
        return True

    def begin(self, entry: CutEntry) -> None:
        """Nothing to do."""

    def write(self, entry: CutEntry, index: int, frame: np.ndarray) -> None:
        """Never called: it skips every entry."""

    def end(self, entry: CutEntry) -> None:
        """Nothing to do."""

    def close(self) -> list[Path]:
        """Encode the movie and sign it."""
        cut, settings = self.cut, self.settings
        encode_runs(self.path, self.runs, cut.width, cut.height, cut.rate,
                    metadata={RECIPE_KEY: self.recipe, "title": cut.heading},
                    crf=settings.crf, preset=settings.preset,
                    timecode=cut.record_timecode(0), silent_audio=settings.silent_audio,
                    poll=self.poll)
        if settings.credentials:
            sign_file(self.path, [Making.from_provenance(entry.clip.provenance)
                                  for entry in cut.entries], settings.identity)
        return [self.path]

    def abort(self) -> None:
        """Nothing half-written to throw away: the movie is written in ``close``."""
