"""The ``previz`` subcommands: validate, render, export, models and doctor."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from previz import __version__, cli_screenplay
from previz.core.errors import ProjectError
from previz.core.project import Project, TimelineEntry
from previz.core.registry import NodeRegistry
from previz.core.timeline import entry_frames
from previz.core.values import Clip
from previz.engine.continuity import plan_framing_problems, plan_warnings
from previz.engine.events import RenderEvent
from previz.engine.executor import RunResult
from previz.engine.plan import ExecutionPlan
from previz.engine.progress import ProgressBar
from previz.engine.session import EngineSession
from previz.engine.store import ClipStore, StoreError, lane_of
from previz.export import command as export_command
from previz.farm.command import add_ray_options, run_on_farm
from previz.io import import_renders, list_renders, load_project, save_project
from previz.media import MediaError, open_writer
from previz.settings import SettingsError

SUBCOMMANDS = ("validate", "render", "export", "models", "doctor", *cli_screenplay.COMMANDS)


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {_shown(message, 300)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = OneLineParser(
        prog="previz",
        description="Previz: shots in a node graph, rendered to video, cut on a timeline.",
        epilog="`previz` alone, or `previz PROJECT`, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"previz {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser("validate", help="print every problem in a project")
    validate.add_argument("project", type=Path)
    render = commands.add_parser("render", help="render the timeline or the named nodes")
    render.add_argument("project", type=Path)
    render.add_argument("--out", type=Path, help="write each timeline clip here as an MP4")
    render.add_argument("--backend", help="render every shot with this backend")
    render.add_argument("--node", action="append", default=[], metavar="ID",
                        help="render this node (repeatable) instead of the timeline")
    export_command.add_parser(commands)
    cli_screenplay.add_parsers(commands)
    add_ray_options(commands)
    _add_model_commands(commands)
    return parser


def _add_model_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    models = commands.add_parser("models", help="the model library: list, scan, pull")
    actions = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every model: family, capabilities, size, whether it loads")
    scan = actions.add_parser("scan", help="add a folder of models to the library")
    scan.add_argument("path", type=Path)
    pull = actions.add_parser("pull", help="fetch a diffusers model from the Hugging Face hub")
    pull.add_argument("repo_id", metavar="ID", help="e.g. Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    pull.add_argument("--name", default="", help="folder name in the library (default: ID's)")
    commands.add_parser("doctor", help="what can render here: Python, torch, ffmpeg, models")


def main(argv: Sequence[str] | None = None, session: EngineSession | None = None) -> int:
    """Run one subcommand with ``session`` (default: one on every installed plug-in and the
    user's settings, closed at the end); the exit status says whether it succeeded. Misuse is
    one line on stderr and a non-zero status, never a traceback."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return 2
    out = getattr(args, "out", None)
    problem = out_folder_problem(out) if out is not None else None
    if problem:
        print(f"previz: --out {_shown(out)}: {problem}", file=sys.stderr)
        return 2
    if session is not None:
        return _run(args, session)
    try:
        session = EngineSession.open()
    except SettingsError as error:
        print(f"previz: {error}", file=sys.stderr)
        return 1
    with session:
        return _run(args, session)


def _run(args: argparse.Namespace, session: EngineSession) -> int:
    for problem in session.problems:  # a broken plug-in is named, and the rest work
        print(f"previz: {_shown(problem, 2000)}", file=sys.stderr)
    if args.command in ("models", "doctor"):
        return model_command(args, session)
    if args.command in cli_screenplay.COMMANDS:
        return cli_screenplay.run(args, session)
    try:
        damaged: list[ProjectError] = []
        project = load_project(args.project, registry=session.registry, damaged=damaged)
        for problem in damaged:
            print(f"previz: warning: a damaged node is kept aside: {problem}", file=sys.stderr)
        if args.command == "validate":  # reads the store, never writes to it
            bundled = {entry.key for entry in list_renders(args.project)}
            return validate(project, session, sys.stdout, bundled)
        import_renders(args.project, session.store)  # a shared bundle's renders, in its lane
    except ProjectError as error:
        print(f"previz: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # the clip store cannot be written: read-only, full
        print(f"previz: the clip store at {_shown(session.settings.cache_dir)} cannot take"
              f" the project's renders: {error.strerror or error}", file=sys.stderr)
        return 1
    if args.command == "export":
        return run_on_farm(args, session, lambda: export_command.run(args, session, project))
    return run_on_farm(args, session, lambda: render(project, session, args))


def out_folder_problem(out: Path) -> str | None:
    """Why ``--out`` cannot be written into, before anything renders; None if it can."""
    if out.exists() and not out.is_dir():
        return "is a file, not a folder"
    existing = next((folder for folder in (out, *out.parents) if folder.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return f"cannot write in {_shown(existing)}"
    return None


def _shown(value: object, limit: int = 200) -> str:
    """Text from a user or a file, safe on a terminal: control characters escaped, cut to
    ``limit`` characters."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(value))
    return text if len(text) <= limit else text[:limit] + "…"


def validate(project: Project, session: EngineSession, out: TextIO,
             bundled: Collection[str] = ()) -> int:
    """Print every problem of every node, then the cut's continuity warnings; 1 if there is
    any problem (warnings alone exit 0). Renders in the store or ``bundled`` with the project
    count as rendered (their model need not be here)."""
    plan = session.compile(project, list(project.nodes), cached_also=bundled)
    framing = plan_framing_problems(project, plan)
    for problem in [*map(str, plan.problems), *framing]:
        print(_shown(problem, 2000), file=out)
    warnings = plan_warnings(project, plan)
    for warning in warnings:
        print(_shown(f"warning: {warning}", 2000), file=out)
    count = len(plan.problems) + len(framing)
    print(f"{count} problem{'s' if count != 1 else ''}" if count else "no problems", file=out)
    if warnings:
        print(f"{len(warnings)} continuity warning{'s' if len(warnings) != 1 else ''}", file=out)
    return 1 if count else 0


def render(project: Project, session: EngineSession, args: argparse.Namespace) -> int:
    """Render the timeline (or ``--node``s); with ``--out``, write each timeline clip."""
    unknown = [node_id for node_id in args.node if node_id not in project.nodes]
    if unknown:
        print(f"previz: no node {unknown[0]} in {args.project}", file=sys.stderr)
        return 1
    if args.backend:
        use_backend(project, session.registry, args.backend)
    session.store.lane = lane_of(args.project)
    plan = session.compile(project, args.node or None, default_backend=args.backend or "")
    if not plan.ok:
        for problem in plan.problems:
            print(_shown(problem, 2000), file=sys.stderr)
        return 1
    for planned in plan.nodes.values():
        if planned.takes_note:
            print(f"{planned.label}: {planned.takes_note}", file=sys.stderr)
    try:
        result = run_plan(plan, project, session)
    except KeyboardInterrupt:
        print("previz: cancelled; nothing half-rendered was kept", file=sys.stderr)
        return 130
    for node_id, message in result.failed.items():
        print(_shown(f"{plan.nodes[node_id].label}: failed: {message}", 2000), file=sys.stderr)
    record_models(project, result, args.project, session.registry)
    written = True
    if args.out and not args.node:
        written = write_timeline(project, plan, result, session.store, args.out)
    return 0 if result.ok and written else 1


def record_models(project: Project, result: RunResult, path: Path,
                  registry: NodeRegistry) -> None:
    """Write the fingerprint of every model this render used into the project file (DESIGN
    §8), only if that changes it; the file is read afresh, so nothing else of this run (a
    ``--backend`` override) is saved."""
    changed = {model: fingerprint for model, fingerprint in result.models.items()
               if project.models.get(model) != fingerprint}
    if not changed:
        return
    try:
        saved = load_project(path, registry=registry)
        saved.models.update(changed)
        save_project(saved, path)
    except (OSError, ProjectError) as error:
        print(f"previz: could not record the models used in {path}: {error}", file=sys.stderr)


def model_command(args: argparse.Namespace, session: EngineSession) -> int:
    """``previz models …`` and ``previz doctor``; neither imports torch in this process."""
    from previz.backends.diffusers import commands, doctor

    settings = session.settings
    if args.command == "doctor":
        code = doctor.doctor(settings, sys.stdout)
        plugin_report(session, sys.stdout)  # reported; a broken plug-in is skipped, not fatal
        return code
    if args.action == "list":
        return commands.models_list(settings, sys.stdout)
    if args.action == "pull":
        return commands.models_pull(settings, args.repo_id, sys.stdout, args.name)
    updated = commands.models_scan(settings, args.path, sys.stdout)
    if updated is None:
        return 1
    updated.save(session.settings_file)
    return 0


def plugin_report(session: EngineSession, out: TextIO) -> bool:
    """Print the node packs and backends that loaded and each one skipped; whether none was."""
    packs = sorted({session.registry.pack_of(node.spec.id) for node in session.registry})
    print(f"node packs: {', '.join(packs) or 'none'}", file=out)
    print(f"backends: {', '.join(session.backends.ids()) or 'none'}", file=out)
    for problem in session.problems:
        print(f"BROKEN {problem}", file=out)
    return not session.problems


def use_backend(project: Project, registry: NodeRegistry, backend: str) -> None:
    """Make every node with a ``backend`` param render with ``backend``; a node switched from
    another backend gets that backend's default model, since models belong to a backend."""
    for node in project.nodes.values():
        node_type = registry.get(node.type)
        spec = node_type.spec if node_type else None
        if spec is None or spec.param("backend") is None:
            continue
        if node.params.get("backend") != backend and spec.param("model") is not None:
            node.params["model"] = ""
        node.params["backend"] = backend


def run_plan(plan: ExecutionPlan, project: Project, session: EngineSession) -> RunResult:
    """Render a plan with a progress bar on stderr."""
    bar = ProgressBar(plan, sys.stderr)

    def listen(event: RenderEvent) -> None:
        bar.update(event)

    try:
        return asyncio.run(session.run(plan, project, [listen]))
    finally:
        bar.close()


def write_timeline(project: Project, plan: ExecutionPlan, result: RunResult, store: ClipStore,
                   out: Path) -> bool:
    """Write each timeline entry's clip, trimmed, as an H.264 MP4 in ``out``; whether every
    rendered clip was written."""
    out.mkdir(parents=True, exist_ok=True)
    written = True
    for index, entry in enumerate(project.timeline, start=1):
        clip = result.outputs.get(entry.node)
        if not isinstance(clip, Clip):
            continue
        path = out / f"{index:02d}_{_file_name(plan.nodes[entry.node].label)}.mp4"
        try:
            _write_entry(store, clip, entry, path)
        except (MediaError, StoreError) as error:
            print(f"previz: {path.name}: {error}", file=sys.stderr)
            written = False
            continue
        print(path, file=sys.stdout)
    return written


def _write_entry(store: ClipStore, clip: Clip, entry: TimelineEntry, path: Path) -> None:
    frames = entry_frames(entry, clip)
    width, height = clip.width - clip.width % 2, clip.height - clip.height % 2
    with open_writer(path, width, height, clip.fps, "h264") as writer:
        for index, frame in enumerate(store.frames(clip)):
            if index >= frames.stop:
                break
            if index >= frames.start:
                writer.write(frame[:height, :width])


def _file_name(label: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("_")
    return slug[:60] or "clip"
