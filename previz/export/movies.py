"""H.264 movies of the cut: one per entry and one of the whole cut, with optional burn-ins.

Both are yuv420p with Rec.709 tags at the exact editorial rate (MP4 keeps 24000/1001 as a time
base of 1/24000 and durations of 1001), carry the recipe of what they show as the container
tag ``previz_recipe``, a timecode track, and are written under a temporary name, so a failed
export leaves no half movie behind. A shot movie holds its handles either side of what the cut
plays, names its reel (the EDL's) in the ``reel_name`` tag, and its timecode starts at the
sequence start (the project's start timecode, 01:00:00:00 unless set); so does the cut movie's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from previz.export.burnin import BurnIn, burn_in, burnt_size
from previz.export.credentials import Making, sign_file
from previz.export.cut import Cut, CutEntry
from previz.export.provenance import RECIPE_KEY
from previz.media import FrameWriter, fit_frame, open_writer

REEL_KEY = "reel_name"


@dataclass(frozen=True)
class MovieSettings:
    """How the movies are encoded: x264 quality and speed, whether to burn in text, and
    whether to add a silent stereo track."""

    crf: int = 18
    preset: str = "medium"
    burn_in: bool = False
    silent_audio: bool = False
    credentials: bool = True
    identity: Path | None = None


class ShotMovies:
    """Writes each entry of the cut, with its handles, as ``<folder>/<stem>.mp4`` at the
    clip's own size (cut to even numbers, as yuv420p needs)."""

    wants_handles = True

    def __init__(self, cut: Cut, folder: Path, recipes: Mapping[str, str],
                 settings: MovieSettings) -> None:
        self.cut, self.folder, self.recipes, self.settings = cut, folder, recipes, settings
        self.files: dict[str, Path] = {}
        self.fresh: set[str] = set()  # entries whose movie is already there, as it would be
        self._writer: FrameWriter | None = None

    def skips(self, entry: CutEntry) -> bool:
        """Whether the movie of ``entry`` is fresh."""
        return entry.entry_id in self.fresh

    def path(self, entry: CutEntry) -> Path:
        """Where the movie of ``entry`` goes."""
        return self.folder / f"{entry.stem}.mp4"

    def begin(self, entry: CutEntry) -> None:
        """Start the movie of ``entry``."""
        if self.skips(entry):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        width, height = _even(entry.clip.width), _even(entry.clip.height)
        self._writer = _writer(self.path(entry), (width, height), self.cut,
                               tags={RECIPE_KEY: self.recipes[entry.entry_id],
                                     "title": entry.name, REEL_KEY: entry.reel},
                               settings=self.settings)

    def write(self, entry: CutEntry, index: int, frame: np.ndarray) -> None:
        """Add frame ``index`` of ``entry`` (negative in the head handles)."""
        assert self._writer is not None
        picture = frame[:_even(frame.shape[0]), :_even(frame.shape[1])]
        if self.settings.burn_in:
            clock = self.cut.clock
            movie_frame = index + entry.handles.head
            picture = burn_in(picture, BurnIn(entry.name, clock.label(clock.start + movie_frame),
                                              entry.first_frame + index))
        self._writer.write(picture)

    def end(self, entry: CutEntry) -> None:
        """Finish the movie of ``entry``."""
        if self.skips(entry):
            self.files[entry.entry_id] = self.path(entry)
            return
        assert self._writer is not None
        self._writer.close()
        if self.settings.credentials:
            sign_file(self._writer.path, [Making.from_provenance(entry.clip.provenance)],
                      self.settings.identity)
        self.files[entry.entry_id] = self._writer.path
        self._writer = None

    def close(self) -> list[Path]:
        """Every movie written, in cut order."""
        return list(self.files.values())

    def abort(self) -> None:
        """Throw away the movie being written."""
        if self._writer is not None:
            self._writer.abort()
            self._writer = None


class CutMovie:
    """Writes the whole cut as one movie at the project's frame size; a clip of another size
    is fitted into it, letterboxed or pillarboxed."""

    wants_handles = False

    def skips(self, entry: CutEntry) -> bool:
        """Never: the cut is written whole or not at all."""
        return False

    def __init__(self, cut: Cut, path: Path, recipe: str, settings: MovieSettings) -> None:
        self.cut, self.path, self.settings = cut, path, settings
        self._writer = _writer(path, (cut.width, cut.height), cut,
                               tags={RECIPE_KEY: recipe, "title": cut.heading}, settings=settings)

    def begin(self, entry: CutEntry) -> None:
        """Nothing to do: the cut runs on."""

    def write(self, entry: CutEntry, index: int, frame: np.ndarray) -> None:
        """Add frame ``index`` of ``entry``."""
        if frame.shape[:2] != (self.cut.height, self.cut.width):
            frame = fit_frame(frame, self.cut.width, self.cut.height)
        if self.settings.burn_in:
            record = entry.record_in + index
            frame = burn_in(frame, BurnIn(entry.name, self.cut.record_timecode(record),
                                          entry.first_frame + index))
        self._writer.write(frame)

    def end(self, entry: CutEntry) -> None:
        """Nothing to do: the cut runs on."""

    def close(self) -> list[Path]:
        """Finish the movie."""
        self._writer.close()
        if self.settings.credentials:
            sign_file(self.path, [Making.from_provenance(entry.clip.provenance)
                                  for entry in self.cut.entries], self.settings.identity)
        return [self.path]

    def abort(self) -> None:
        """Throw the movie away."""
        self._writer.abort()


def _writer(path: Path, size: tuple[int, int], cut: Cut, *, tags: Mapping[str, str],
            settings: MovieSettings) -> FrameWriter:
    width, height = burnt_size(*size) if settings.burn_in else size
    return open_writer(path, width, height, cut.rate, "h264", metadata=tags, crf=settings.crf,
                       preset=settings.preset, timecode=cut.record_timecode(0),
                       silent_audio=settings.silent_audio)


def _even(size: int) -> int:
    return size - size % 2
