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
from previz.export.contact import write_contact_sheet
from previz.export.cut import Cut, CutEntry, ExportError, build_cut, editorial_frames
from previz.export.editors import write_edl, write_fcp7
from previz.export.movies import CutMovie, MovieSettings, ShotMovies
from previz.export.otio import build_timeline, write_otio, write_otioz
from previz.export.pictures import KeyFrames
from previz.export.png import PngSequences
from previz.export.provenance import Recipe, recipe_for
from previz.export.shotlist import write_shot_list
from previz.export.storyboard import PAPERS, write_storyboard
from previz.export.writing import remove_leftovers

FORMATS = ("shots", "cut", "png", "otio", "otioz", "fcp7", "edl", "pdf", "contact", "csv")
EDITORIAL = frozenset({"otio", "otioz", "fcp7", "edl"})
Progress = Callable[[int, int], None]


class FrameSink(Protocol):
    """Something the pass over the cut feeds frames to: a movie writer, a PNG sequence."""

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
    """What to export and how: formats, paper, editorial rate, burn-ins, file title."""

    formats: frozenset[str] = frozenset(FORMATS)
    paper: str = "a4"
    rate: Fraction | None = None
    burn_in: bool = False
    title: str = "previz"
    movie: MovieSettings = field(default_factory=MovieSettings)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.formats) - set(FORMATS))
        if unknown:
            raise ValueError(f"unknown export format {unknown[0]!r}: one of"
                             f" {', '.join(FORMATS)} or all")
        if self.paper not in PAPERS:
            raise ValueError(f"paper {self.paper!r} is not one of {', '.join(PAPERS)}")


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
    cut = build_cut(project, plan, store, rate=options.rate, title=options.title)
    if not cut.entries:
        raise ExportError("the timeline is empty: nothing to export")
    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)  # a killed export's temporary files
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
    total, done = cut.frame_count, 0
    try:
        for entry in cut.entries:
            for sink in sinks:
                sink.begin(entry)
            count = 0
            for count, frame in enumerate(editorial_frames(entry, store), start=1):
                if cancel is not None:
                    cancel.check()
                for sink in sinks:
                    sink.write(entry, count - 1, frame)
                done += 1
                if progress is not None:
                    progress(done, total)
            if count != entry.frame_count:
                raise ExportError(f"{entry.name}: the store gave {count} frames, not"
                                  f" {entry.frame_count}; render it again")
            for sink in sinks:
                sink.end(entry)
        return [path for sink in sinks for path in sink.close()]
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise


def _movie(options: ExportOptions) -> MovieSettings:
    return MovieSettings(options.movie.crf, options.movie.preset, options.burn_in)


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
    timeline = build_timeline(cut, movies)
    writers = (("otio", ".otio", write_otio), ("otioz", ".otioz", write_otioz),
               ("fcp7", ".xml", write_fcp7), ("edl", ".edl", write_edl))
    written = []
    for name, suffix, write in writers:
        if name in options.formats:
            path = out / f"{cut.title}{suffix}"
            write(timeline, path)
            written.append(path)
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
    return written
