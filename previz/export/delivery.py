"""Exporting a rendered project: every format asked for, the frames read from the store once.

Movies and PNG sequences are fed by one pass over the cut: each frame is read (and retimed
where its clip runs at another rate) once and goes to every writer that wants it. The OTIO
timeline, FCP 7 XML and EDL point at the shot movies, so asking for any of them writes those
too. Documents (storyboard, contact sheet, shot list) read just the key frames they show.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from previz.core.project import Project
from previz.engine.backend import CancelToken
from previz.engine.plan import ExecutionPlan
from previz.engine.store import ClipStore
from previz.export.aaf import write_aaf
from previz.export.contact import write_contact_sheet
from previz.export.credentials import Making, sign_file
from previz.export.cut import (
    DEFAULT_HANDLES,
    Cut,
    CutEntry,
    ExportError,
    build_cut,
    editorial_frames,
    movie_frames,
)
from previz.export.direct import DirectCutMovie, direct_runs
from previz.export.editors import write_fcp7
from previz.export.edl import write_edl
from previz.export.incremental import ExportManifest, cut_inputs, digest, entry_inputs
from previz.export.movies import CutMovie, MovieSettings, ShotMovies
from previz.export.otio import build_timeline, write_otio, write_otioz
from previz.export.overhead import Overhead, overheads
from previz.export.pictures import KeyFrames
from previz.export.png import PngSequences
from previz.export.prefetch import prefetched
from previz.export.provenance import Recipe, recipe_for
from previz.export.shotlist import write_shot_list, write_shot_list_xlsx
from previz.export.shotlist_pdf import write_shot_list_pdf
from previz.export.storyboard import PAPERS, write_storyboard
from previz.export.timecode import TIMECODE_MODES
from previz.export.writing import remove_leftovers

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

    def skips(self, entry: CutEntry) -> bool:
        """Whether the sink's file for ``entry`` is fresh and needs no frames."""
        ...

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
    incremental: bool = True
    credentials: bool = True
    identity: Path | None = None

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
    remove_leftovers(out)  # a killed export's temporary files
    recipes = {entry.entry_id: recipe_for(project, {entry.node_id: entry.clip})
               for entry in cut.entries}
    cut_recipe = recipe_for(project, {entry.node_id: entry.clip for entry in cut.entries})
    formats = options.formats
    notes = list(cut.notes)
    if formats & EDITORIAL and "shots" not in formats:
        notes.append("shot movies written too: the OTIO, XML and EDL timelines point at them")
    manifest = Outputs(out, options, cut)
    shots = ShotMovies(cut, out / "shots", {key: recipe.to_text() for key, recipe in
                                            recipes.items()}, _movie(options))
    shots.fresh = {entry.entry_id for entry in cut.entries
                   if manifest.fresh(shots.path(entry), "shot", entry_inputs(entry))}
    sinks = _sinks(cut, out, options, shots, manifest, recipes=recipes, cut_recipe=cut_recipe,
                   store=store, cancel=cancel)
    files = deliver(cut, store, sinks, progress, cancel) if sinks else []
    if shots in sinks and cut.held_note:
        notes.append(cut.held_note)
    # Only what this export wrote or kept: a file left from an export of other formats
    # was not made from these inputs.
    for entry in cut.entries:
        if shots in sinks:
            manifest.record(shots.path(entry), "shot", entry_inputs(entry))
        if "png" in formats:
            manifest.record(out / "png" / entry.stem, "png", entry_inputs(entry))
    if "cut" in formats:
        manifest.record(out / f"{cut.title}_cut.mp4", "cut", cut_inputs(cut))
    files += _editorial(cut, out, options, shots.files, manifest)
    files += _documents(cut, store, out, options, recipe=cut_recipe, outputs=manifest,
                        overheads=overheads(project, plan, cut) if "pdf" in formats else {})
    if options.incremental:
        manifest.save()
    return ExportReport(tuple(files), tuple(notes))


class Outputs(ExportManifest):
    """The export folder's manifest, asked with what each kind of file is made from."""

    def __init__(self, folder: Path, options: ExportOptions, cut: Cut) -> None:
        super().__init__(folder)
        self.options = {key: value for key, value in dataclasses.asdict(options).items()
                        if key != "formats"}
        self.options["start"] = cut.clock.start_label  # every timecode counts from it
        self.incremental = options.incremental
        self._pending: dict[Path, str] = {}

    def fresh(self, path: Path, kind: str, inputs: Any) -> bool:  # type: ignore[override]
        """Whether ``path`` (a ``kind`` of file) was made from ``inputs`` with these
        options and is untouched since."""
        key = digest(kind, inputs, self.options)
        self._pending[path] = key
        return self.incremental and super().fresh(path, key)

    def record(self, path: Path, kind: str, inputs: Any) -> None:  # type: ignore[override]
        """Note ``path`` as made now, if it exists."""
        if path.exists():
            super().record(path, digest(kind, inputs, self.options))

    def produce(self, path: Path, kind: str, inputs: Any, write: Callable[[], Any]) -> Path:
        """Write ``path`` with ``write`` unless it is fresh; note it; name it."""
        if not self.fresh(path, kind, inputs):
            write()
        self.record(path, kind, inputs)
        return path


def deliver(cut: Cut, store: ClipStore, sinks: Sequence[FrameSink],
            progress: Progress | None = None, cancel: CancelToken | None = None) -> list[Path]:
    """Feed every frame of the cut to ``sinks``; on any failure every sink aborts. An entry
    whose every file is fresh is not read at all."""
    handles = any(sink.wants_handles for sink in sinks)
    counter = _Counter(sum(entry.movie_frame_count if handles else entry.frame_count
                           for entry in cut.entries), progress, cancel)
    try:
        for entry in cut.entries:
            for sink in sinks:
                sink.begin(entry)
            _feed(entry, store, [sink for sink in sinks if not sink.skips(entry)], handles,
                  counter)
            for sink in sinks:
                sink.end(entry)
        return [path for sink in sinks for path in sink.close()]
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise


@dataclass
class _Counter:
    """Frames done of the total, told to ``progress``; ``cancel`` checked on each."""

    total: int
    progress: Progress | None
    cancel: CancelToken | None
    done: int = 0

    def tick(self, frames: int = 1) -> None:
        if self.cancel is not None:
            self.cancel.check()
        self.done += frames
        if self.progress is not None:
            self.progress(self.done, self.total)


def _feed(entry: CutEntry, store: ClipStore, sinks: Sequence[FrameSink], handles: bool,
          counter: _Counter) -> None:
    expected = entry.movie_frame_count if handles else entry.frame_count
    if not sinks:
        counter.tick(expected)
        return
    first = -entry.handles.head if handles else 0
    frames = movie_frames(entry, store) if handles else editorial_frames(entry, store)
    index = first - 1
    for index, frame in enumerate(prefetched(frames), start=first):
        counter.tick()
        played = 0 <= index < entry.frame_count
        for sink in sinks:
            if played or sink.wants_handles:
                sink.write(entry, index, frame)
    if index + 1 - first != expected:
        raise ExportError(f"{entry.name}: the store gave {index + 1 - first} frames, not"
                          f" {expected}; render it again")


def _movie(options: ExportOptions) -> MovieSettings:
    return MovieSettings(options.movie.crf, options.movie.preset, options.burn_in,
                         options.silent_audio, options.credentials, options.identity)


class Kept:
    """A file that is fresh: it takes no frames and names itself when the pass is done."""

    wants_handles = False

    def __init__(self, path: Path) -> None:
        self.path = path

    def skips(self, entry: CutEntry) -> bool:
        """Always: the file is already there."""
        return True

    def begin(self, entry: CutEntry) -> None:
        """Nothing to do."""

    def write(self, entry: CutEntry, index: int, frame: np.ndarray) -> None:
        """Never called: it skips every entry."""

    def end(self, entry: CutEntry) -> None:
        """Nothing to do."""

    def close(self) -> list[Path]:
        """The kept file."""
        return [self.path]

    def abort(self) -> None:
        """Nothing to throw away."""


def _sinks(cut: Cut, out: Path, options: ExportOptions, shots: ShotMovies, outputs: Outputs,
           *, recipes: dict[str, Recipe], cut_recipe: Recipe, store: ClipStore,
           cancel: CancelToken | None) -> list[FrameSink]:
    formats = options.formats
    sinks: list[FrameSink] = []
    if "shots" in formats or formats & EDITORIAL:
        sinks.append(shots)
    if "cut" in formats:
        path = out / f"{cut.title}_cut.mp4"
        runs = direct_runs(cut, store, _movie(options))
        if outputs.fresh(path, "cut", cut_inputs(cut)):
            sinks.append(Kept(path))
        elif runs is not None:  # no frame needs Python: one ffmpeg reads the store's files
            sinks.append(DirectCutMovie(cut, path, runs, recipe=cut_recipe.to_text(),
                                        settings=_movie(options),
                                        poll=cancel.check if cancel is not None else None))
        else:
            sinks.append(CutMovie(cut, path, cut_recipe.to_text(), _movie(options)))
    if "png" in formats:
        pngs = PngSequences(out / "png", recipes, credentials=options.credentials,
                            identity=options.identity)
        pngs.fresh = {entry.entry_id for entry in cut.entries
                      if outputs.fresh(out / "png" / entry.stem, "png", entry_inputs(entry))}
        sinks.append(pngs)
    return sinks


def _editorial(cut: Cut, out: Path, options: ExportOptions, movies: dict[str, Path],
               outputs: Outputs) -> list[Path]:
    if not options.formats & EDITORIAL:
        return []
    absolute = build_timeline(cut, movies)
    timeline = build_timeline(cut, movies, out) if options.relative_paths else absolute
    # The bundle copies the movies in, so it must find them wherever it runs.
    writers = (("otio", ".otio", write_otio, timeline),
               ("otioz", ".otioz", write_otioz, absolute),
               ("fcp7", ".xml", write_fcp7, timeline),
               ("aaf", ".aaf", write_aaf, timeline))
    inputs = {"cut": cut_inputs(cut), "movies": {key: str(path) for key, path in
                                                 movies.items()}}
    written = []
    for name, suffix, write, which in writers:
        if name in options.formats:
            path = out / f"{cut.title}{suffix}"
            written.append(outputs.produce(path, name, inputs,
                                           functools.partial(write, which, path)))
    if "edl" in options.formats:
        path = out / f"{cut.title}.edl"
        written.append(outputs.produce(path, "edl", inputs,
                                       functools.partial(write_edl, cut, movies, path)))
    return written


def _contact(cut: Cut, frames: KeyFrames, path: Path, recipe: Recipe,
             options: ExportOptions) -> None:
    write_contact_sheet(cut, frames, path, recipe)
    if options.credentials:
        sign_file(path, [Making.from_provenance(entry.clip.provenance)
                         for entry in cut.entries], options.identity)


def _documents(cut: Cut, store: ClipStore, out: Path, options: ExportOptions, *,
               recipe: Recipe, outputs: Outputs, overheads: Mapping[str, Overhead]) -> list[Path]:
    frames = KeyFrames(store)
    title, paper, inputs = cut.title, options.paper, cut_inputs(cut)
    wanted = {
        "pdf": [(f"{title}_storyboard.pdf",
                 lambda path: write_storyboard(cut, frames, path, paper, overheads))],
        "contact": [(f"{title}_contact.png",
                     lambda path: _contact(cut, frames, path, recipe, options))],
        "csv": [(f"{title}_shotlist.csv", lambda path: write_shot_list(cut, path)),
                (f"{title}_shotlist.xlsx", lambda path: write_shot_list_xlsx(cut, path)),
                (f"{title}_shotlist.pdf", lambda path: write_shot_list_pdf(cut, path, paper))],
    }
    return [outputs.produce(out / name, name, inputs, functools.partial(write, out / name))
            for kind, files in wanted.items() if kind in options.formats
            for name, write in files]
