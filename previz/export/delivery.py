"""Exporting a rendered project: every format asked for, the frames read from the store once.

Movies and PNG sequences are fed by one pass over the cut: each frame is read (and retimed
where its clip runs at another rate) once and goes to every writer that wants it. The OTIO
timeline, FCP 7 XML and EDL point at the shot movies, so asking for any of them writes those
too. Documents (storyboard, contact sheet, shot list) read just the key frames they show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import numpy as np

from previz.core.project import Project
from previz.engine.backend import CancelToken
from previz.engine.plan import ExecutionPlan
from previz.engine.store import ClipStore
from previz.export.aaf import write_aaf
from previz.export.contact import write_contact_sheet
from previz.export.cut import (
    DEFAULT_HANDLES,
    Cut,
    CutEntry,
    ExportError,
    build_cut,
    editorial_frames,
    movie_frames,
)
from previz.export.editors import write_fcp7
from previz.export.edl import write_edl
from previz.export.movies import CutMovie, MovieSettings, ShotMovies
from previz.export.otio import build_timeline, write_otio, write_otioz
from previz.export.pictures import KeyFrames
from previz.export.png import PngSequences
from previz.export.provenance import Recipe, recipe_for
from previz.export.shotlist import write_shot_list, write_shot_list_xlsx
from previz.export.shotlist_pdf import write_shot_list_pdf
from previz.export.storyboard import PAPERS, write_storyboard
from previz.export.timecode import TIMECODE_MODES

FORMATS = ("shots", "cut", "png", "otio", "otioz", "fcp7", "edl", "aaf", "pdf", "contact",
           "csv")
EDITORIAL = frozenset({"otio", "otioz", "fcp7", "edl", "aaf"})
Progress = Callable[[int, int], None]


class FrameSink(Protocol):
    """Something the pass over the cut feeds frames to: a movie writer, a PNG sequence.

    A sink that ``wants_handles`` is also given each entry's handles, numbered from
    ``-handles.head``; the others get what the cut plays, from 0.
    """

    wants_handles: bool

    def begin(self, entry: CutEntry) -> None:
        """An entry starts."""

    def write(self, entry: CutEntry, index: int, frame: np.ndarray) -> None:
        """Frame ``index`` of ``entry``, at the editorial rate, read-only."""

    def end(self, entry: CutEntry) -> None:
        """The entry is done."""

    def close(self) -> list[Path]:
        """Every frame is in: finish and name the files written."""
        ...

    def abort(self) -> None:
        """The export failed or was cancelled: throw away what is unfinished."""


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how: formats, paper, editorial rate, burn-ins, file title,
    drop-frame or non-drop timecode (at 29.97), handles and a silent audio track."""

    formats: frozenset[str] = frozenset(FORMATS)
    paper: str = "a4"
    rate: Fraction | None = None
    burn_in: bool = False
    title: str = "previz"
    movie: MovieSettings = field(default_factory=MovieSettings)
    timecode: str = "df"
    handles: int = DEFAULT_HANDLES
    silent_audio: bool = False
    relative_paths: bool = False

    def __post_init__(self) -> None:
        unknown = sorted(set(self.formats) - set(FORMATS))
        if unknown:
            raise ValueError(f"unknown export format {unknown[0]!r}: one of"
                             f" {', '.join(FORMATS)} or all")
        if self.paper not in PAPERS:
            raise ValueError(f"paper {self.paper!r} is not one of {', '.join(PAPERS)}")
        if self.timecode not in TIMECODE_MODES:
            raise ValueError(f"timecode {self.timecode!r} is not one of"
                             f" {', '.join(TIMECODE_MODES)}")
        if self.handles < 0:
            raise ValueError(f"handles must be 0 frames or more, not {self.handles}")


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote (files, and a folder per PNG sequence) and what it changed on the
    way (retimes), in words."""

    files: tuple[Path, ...]
    notes: tuple[str, ...] = ()


def parse_formats(text: str) -> frozenset[str]:
    """``shots,cut,pdf`` as a set of formats; ``all`` is every one."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names or "all" in names:
        return frozenset(FORMATS)
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format {unknown[0]!r}: one of"
                         f" {', '.join(FORMATS)} or all")
    return frozenset(names)


def export_project(project: Project, plan: ExecutionPlan, store: ClipStore, out: Path,
                   options: ExportOptions, *, progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> ExportReport:
    """Export the rendered timeline of ``project`` into the folder ``out``.

    ``plan`` is the compiled timeline whose clips are in ``store`` (render it first); a
    clip that is not is an ``ExportError``. ``progress(done, total)`` is called per frame
    written; ``cancel`` is checked as often, and a cancelled export leaves no half file.
    """
    cut = build_cut(project, plan, store, rate=options.rate, title=options.title,
                    timecode=options.timecode, handles=options.handles)
    if not cut.entries:
        raise ExportError("the timeline is empty: nothing to export")
    out.mkdir(parents=True, exist_ok=True)
    recipes = {entry.entry_id: recipe_for(project, {entry.node_id: entry.clip})
               for entry in cut.entries}
    cut_recipe = recipe_for(project, {entry.node_id: entry.clip for entry in cut.entries})
    formats = options.formats
    notes = list(cut.notes)
    if formats & EDITORIAL and "shots" not in formats:
        notes.append("shot movies written too: the OTIO, XML and EDL timelines point at them")
    shots = ShotMovies(cut, out / "shots", {key: recipe.to_text() for key, recipe in
                                            recipes.items()}, _movie(options))
    sinks = _sinks(cut, out, options, shots, recipes=recipes, cut_recipe=cut_recipe)
    files = deliver(cut, store, sinks, progress, cancel) if sinks else []
    files += _editorial(cut, out, options, shots.files)
    files += _documents(cut, store, out, options, cut_recipe)
    return ExportReport(tuple(files), tuple(notes))


def deliver(cut: Cut, store: ClipStore, sinks: Sequence[FrameSink],
            progress: Progress | None = None, cancel: CancelToken | None = None) -> list[Path]:
    """Feed every frame of the cut to ``sinks``; on any failure every sink aborts."""
    handles = any(sink.wants_handles for sink in sinks)
    total = sum(entry.movie_frame_count if handles else entry.frame_count
                for entry in cut.entries)
    done = 0
    try:
        for entry in cut.entries:
            for sink in sinks:
                sink.begin(entry)
            first = -entry.handles.head if handles else 0
            frames = movie_frames(entry, store) if handles else editorial_frames(entry, store)
            index = first - 1
            for index, frame in enumerate(frames, start=first):
                if cancel is not None:
                    cancel.check()
                played = 0 <= index < entry.frame_count
                for sink in sinks:
                    if played or sink.wants_handles:
                        sink.write(entry, index, frame)
                done += 1
                if progress is not None:
                    progress(done, total)
            count = index + 1 - first
            expected = entry.movie_frame_count if handles else entry.frame_count
            if count != expected:
                raise ExportError(f"{entry.name}: the store gave {count} frames, not"
                                  f" {expected}; render it again")
            for sink in sinks:
                sink.end(entry)
        return [path for sink in sinks for path in sink.close()]
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise


def _movie(options: ExportOptions) -> MovieSettings:
    return MovieSettings(options.movie.crf, options.movie.preset, options.burn_in,
                         options.silent_audio)


def _sinks(cut: Cut, out: Path, options: ExportOptions, shots: ShotMovies, *,
           recipes: dict[str, Recipe], cut_recipe: Recipe) -> list[FrameSink]:
    formats = options.formats
    sinks: list[FrameSink] = []
    if "shots" in formats or formats & EDITORIAL:
        sinks.append(shots)
    if "cut" in formats:
        sinks.append(CutMovie(cut, out / f"{cut.title}_cut.mp4", cut_recipe.to_text(),
                              _movie(options)))
    if "png" in formats:
        sinks.append(PngSequences(out / "png", recipes))
    return sinks


def _editorial(cut: Cut, out: Path, options: ExportOptions,
               movies: dict[str, Path]) -> list[Path]:
    if not options.formats & EDITORIAL:
        return []
    absolute = build_timeline(cut, movies)
    timeline = build_timeline(cut, movies, out) if options.relative_paths else absolute
    # The bundle copies the movies in, so it must find them wherever it runs.
    writers = (("otio", ".otio", write_otio, timeline),
               ("otioz", ".otioz", write_otioz, absolute),
               ("fcp7", ".xml", write_fcp7, timeline),
               ("aaf", ".aaf", write_aaf, timeline))
    written = []
    for name, suffix, write, which in writers:
        if name in options.formats:
            path = out / f"{cut.title}{suffix}"
            write(which, path)
            written.append(path)
    if "edl" in options.formats:
        written.append(out / f"{cut.title}.edl")
        write_edl(cut, movies, written[-1])
    return written


def _documents(cut: Cut, store: ClipStore, out: Path, options: ExportOptions,
               recipe: Recipe) -> list[Path]:
    written = []
    frames = KeyFrames(store)
    if "pdf" in options.formats:
        written.append(out / f"{cut.title}_storyboard.pdf")
        write_storyboard(cut, frames, written[-1], options.paper)
    if "contact" in options.formats:
        written.append(out / f"{cut.title}_contact.png")
        write_contact_sheet(cut, frames, written[-1], recipe)
    if "csv" in options.formats:
        written.append(out / f"{cut.title}_shotlist.csv")
        write_shot_list(cut, written[-1])
        written.append(out / f"{cut.title}_shotlist.xlsx")
        write_shot_list_xlsx(cut, written[-1])
        written.append(out / f"{cut.title}_shotlist.pdf")
        write_shot_list_pdf(cut, written[-1], options.paper)
    return written
