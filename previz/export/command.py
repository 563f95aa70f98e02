"""``previz export``: render what is stale, then write every format asked for (DESIGN §12).

``previz.cli`` adds the subcommand with ``add_parser`` and, once it has loaded the project
(the layers keep ``previz.io`` out of reach here), calls ``run``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from fractions import Fraction
from pathlib import Path
from typing import TextIO

import opentimelineio as otio

from previz.core.project import Project
from previz.engine.events import RenderEvent
from previz.engine.executor import RunResult
from previz.engine.plan import ExecutionPlan
from previz.engine.progress import ProgressBar
from previz.engine.session import EngineSession
from previz.engine.store import StoreError, lane_of
from previz.export.cut import DEFAULT_HANDLES, ExportError
from previz.export.delivery import FORMATS, ExportOptions, export_project, parse_formats
from previz.export.editors import EditorExportError
from previz.export.timecode import TIMECODE_MODES, parse_rate
from previz.media import MediaError, RetimeError

MAX_HANDLES = 1000
# What can go wrong writing files, as opposed to a bug: each ends the export with its message.
EXPORT_ERRORS = (ExportError, EditorExportError, MediaError, StoreError, RetimeError, OSError,
                 otio.exceptions.OTIOError)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``export`` to the ``previz`` subcommands."""
    parser = subparsers.add_parser(
        "export", help="render what is stale, then export the cut",
        description="Render what is stale, then export the cut for editors, the shoot and"
                    " producers.")
    parser.add_argument("project", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument("--format", type=_formats, default=frozenset(FORMATS), metavar="F,F…",
                        help=f"any of {', '.join(FORMATS)}, or all (the default)")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4",
                        help="the storyboard's paper (default a4)")
    parser.add_argument("--rate", type=_rate, help="editorial rate, such as 24000/1001"
                        " (default: the project's); clips at other rates are retimed")
    parser.add_argument("--burn-in", action="store_true",
                        help="burn shot name, timecode and frame number into the movies,"
                             " on a band below the picture")
    parser.add_argument("--timecode", choices=TIMECODE_MODES, default="df",
                        help="drop-frame or non-drop timecode at 29.97 (default df)")
    parser.add_argument("--handles", type=_handles, default=DEFAULT_HANDLES, metavar="N",
                        help=f"frames either side of each shot movie's cut"
                             f" (default {DEFAULT_HANDLES})")
    parser.add_argument("--audio", choices=("none", "silent"), default="none",
                        help="silent: a silent 48 kHz stereo track in every movie")
    parser.add_argument("--relative-paths", action="store_true",
                        help="timelines name the movies by paths relative to --out")


def run(args: argparse.Namespace, session: EngineSession, project: Project) -> int:
    """Render the timeline where it is stale (cached renders are reused), then export it;
    1 if a render or the export failed, or the project has problems (all listed)."""
    if not project.timeline:
        print("previz: the timeline is empty: nothing to export", file=sys.stderr)
        return 1
    session.store.lane = lane_of(args.project)
    plan = session.compile(project)
    if not plan.ok:
        for problem in plan.problems:
            print(problem, file=sys.stderr)
        print("previz: nothing exported: fix these first", file=sys.stderr)
        return 1
    if not render_stale(plan, project, session, sys.stderr):
        return 1
    options = ExportOptions(args.format, args.paper, args.rate, args.burn_in,
                            title=_title(args.project), timecode=args.timecode,
                            handles=args.handles, silent_audio=args.audio == "silent",
                            relative_paths=args.relative_paths)
    try:
        report = export_project(project, plan, session.store, args.out, options)
    except EXPORT_ERRORS as error:
        print(f"previz: export failed: {error}", file=sys.stderr)
        return 1
    for path in report.files:
        print(f"{path}/" if path.is_dir() else path)
    for note in report.notes:
        print(f"note: {note}")
    return 0


def render_stale(plan: ExecutionPlan, project: Project, session: EngineSession,
                 log: TextIO) -> bool:
    """Render whatever of ``plan`` is not in the session's store, with a progress bar on
    ``log``; whether everything rendered."""
    bar = ProgressBar(plan, log)

    def listen(event: RenderEvent) -> None:
        bar.update(event)

    try:
        result: RunResult = asyncio.run(session.run(plan, project, [listen]))
    except KeyboardInterrupt:
        print("previz: cancelled; nothing half-rendered was kept", file=log)
        return False
    finally:
        bar.close()
    for node_id, message in result.failed.items():
        print(f"{plan.nodes[node_id].label}: failed: {message}", file=log)
    return result.ok


def _formats(text: str) -> frozenset[str]:
    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _handles(text: str) -> int:
    try:
        frames = int(text)
    except ValueError:
        frames = -1
    if not 0 <= frames <= MAX_HANDLES:
        raise argparse.ArgumentTypeError(f"--handles {text!r}: a number of frames from 0 to"
                                         f" {MAX_HANDLES}")
    return frames


def _rate(text: str) -> Fraction:
    if len(text) > 32 or "e" in text.lower():  # Fraction("1e999999999") never returns
        text = text[:32]
        raise argparse.ArgumentTypeError(f"{text!r} is not an editorial rate such as 24000/1001")
    try:
        return parse_rate(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _title(path: Path) -> str:
    """The project file's name without ``.previz``, safe in file names."""
    name = "".join(char if char.isalnum() or char in "-_." else "_" for char in path.stem)
    return name.strip("._") or "previz"

