"""``previz import``, ``previz cover`` and ``previz conform``: script in, coverage, cut back.

``previz.cli`` adds these subcommands with ``add_parsers`` and hands them to ``run`` before it
loads any project, since ``import`` makes one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from previz.conform import ConformError, conform_edit, read_cut
from previz.core.commands import History
from previz.core.errors import EditRefused, ProjectError
from previz.core.project import Project
from previz.core.project_settings import START, extra_value
from previz.core.propose import coverage_edit
from previz.core.registry import NodeRegistry
from previz.engine.session import EngineSession
from previz.export.cut import DEFAULT_HANDLES
from previz.io import load_project, save_project
from previz.io.screenplay import ScriptError, read_script
from previz.io.screenplay.build import WORDS_PER_MINUTE, build_project

COMMANDS = ("import", "cover", "conform")


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``import``, ``cover`` and ``conform`` to the ``previz`` subcommands."""
    script = commands.add_parser(
        "import", help="a project from a screenplay (.fountain or .fdx)",
        description="Scenes, locations, cast and timed dialogue from a screenplay; coverage"
                    " proposed for every scene and cut onto the timeline in script order.")
    script.add_argument("script", type=Path)
    script.add_argument("--out", dest="project_out", type=Path, required=True,
                        metavar="PROJECT", help="the .previz file to write (a new one)")
    script.add_argument("--no-coverage", action="store_true",
                        help="scenes only: propose no shots and leave the timeline empty")
    script.add_argument("--words-per-minute", type=_rate, default=WORDS_PER_MINUTE,
                        metavar="N", help=f"the speaking rate dialogue is timed at"
                                          f" (default {WORDS_PER_MINUTE:g})")
    cover = commands.add_parser("cover", help="propose coverage for one scene")
    cover.add_argument("project", type=Path)
    cover.add_argument("--scene", required=True, metavar="N", help="the scene's number")
    cover.add_argument("--cut", action="store_true",
                       help="also put the proposed shots on the timeline, in scene order")
    conform = commands.add_parser(
        "conform", help="make the timeline match an editor's cut (.otio, .xml, .edl)")
    conform.add_argument("project", type=Path)
    conform.add_argument("edited", type=Path, metavar="EDITED")
    conform.add_argument("--handles", type=int, default=DEFAULT_HANDLES, metavar="N",
                         help="the handles the export wrote, for the XML and the EDL"
                              f" (default {DEFAULT_HANDLES})")


def _rate(text: str) -> float:
    value = float(text)
    if not 20 <= value <= 400:
        raise argparse.ArgumentTypeError("a speaking rate is 20 to 400 words a minute")
    return value


def run(args: argparse.Namespace, session: EngineSession, out: TextIO | None = None) -> int:
    """Run ``import``, ``cover`` or ``conform`` (printing to ``out``, default stdout); 1 on a
    bad script, an unusable project, or an edit that matched nothing."""
    out = out or sys.stdout
    try:
        if args.command == "import":
            return import_script(args, session.registry, out)
        project = load_project(args.project, registry=session.registry)
        if args.command == "cover":
            return cover(project, args, session.registry, out)
        return conform(project, args, session.registry, out)
    except (ScriptError, ProjectError, ConformError, EditRefused) as error:
        print(f"previz: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"previz: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1


def import_script(args: argparse.Namespace, registry: NodeRegistry, out: TextIO) -> int:
    """Read the script, build its project and write it to ``--out`` (never over a file)."""
    if args.project_out.exists():
        print(f"previz: {args.project_out} exists; import writes a new project",
              file=sys.stderr)
        return 1
    script = read_script(args.script)
    imported = build_project(script, registry, coverage=not args.no_coverage,
                             words_per_minute=args.words_per_minute)
    project = imported.project
    save_project(project, args.project_out)
    shots = sum(node.type == "previz.shot" for node in project.nodes.values())
    print(f"{len(script.scenes)} scenes, {len(project.locations)} locations,"
          f" {len(project.cast)} characters, {shots} shots proposed,"
          f" {len(project.timeline)} cuts on the timeline -> {args.project_out}", file=out)
    for problem in imported.uncovered:
        print(f"not covered: {problem}", file=out)
    return 0


def cover(project: Project, args: argparse.Namespace, registry: NodeRegistry,
          out: TextIO) -> int:
    """Propose the coverage of scene ``--scene`` and save the project."""
    scenes = [node for node in project.nodes.values()
              if node.type == "previz.scene" and str(node.params.get("number")) == args.scene]
    if len(scenes) != 1:
        found = "no" if not scenes else f"{len(scenes)}"
        raise EditRefused(f"{args.project} has {found} scene numbered {args.scene!r}")
    edit, coverage = coverage_edit(project, scenes[0].id, registry, on_cut=args.cut)
    History(project).push(edit)
    save_project(project, args.project)
    for node in coverage.nodes:
        params = node.params
        print(f"{params['shot']}: {params['name']} ({params['shot_size'].replace('_', ' ')},"
              f" {params['lens']:g} mm, scene time {params['scene_in']:g} s for"
              f" {params['duration']:g} s)", file=out)
    return 0


def conform(project: Project, args: argparse.Namespace, registry: NodeRegistry,
            out: TextIO) -> int:
    """Make the project's timeline the edited cut's, save it, and report what was not
    matched; 1 if nothing was."""
    cut = read_cut(args.edited, project.settings.rate, handles=args.handles,
                   start=extra_value(project.settings, START))
    edit, report = conform_edit(project, cut, registry)
    for line in report.lines():
        print(line, file=out)
    if not report.matched:
        return 1
    History(project).push(edit)
    save_project(project, args.project)
    return 0
