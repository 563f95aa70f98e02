"""The ``previz`` subcommands: validate, render, export, models and doctor."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from previz import __version__
from previz.core.errors import ProjectError
from previz.core.project import Project, TimelineEntry
from previz.core.registry import NodeRegistry, default_registry
from previz.core.timeline import entry_frames
from previz.core.values import Clip
from previz.engine.backend import Backend, BackendSet
from previz.engine.continuity import plan_framing_problems, plan_warnings
from previz.engine.events import RenderEvent
from previz.engine.executor import Executor, RunResult
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.progress import ProgressBar
from previz.engine.store import ClipStore, StoreError
from previz.export import command as export_command
from previz.io import import_renders, load_project, save_project
from previz.media import MediaError, open_writer
from previz.settings import Settings, SettingsError

SUBCOMMANDS = ("validate", "render", "export", "models", "doctor")


@dataclass
class Services:
    """What the subcommands run with: node packs, backends and settings."""

    registry: NodeRegistry
    backends: BackendSet
    settings: Settings
    settings_file: Path | None = None


def available_backends(settings: Settings | None = None) -> list[Backend]:
    """Every backend that can run on this machine: the draft renderer runs everywhere; the
    model backend lists the model library (it imports torch only when a model renders)."""
    from previz.backends.diffusers.backend import DiffusersBackend
    from previz.backends.draft.backend import DraftBackend

    return [DraftBackend(), DiffusersBackend(settings or Settings.load())]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
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


def main(argv: Sequence[str] | None = None, services: Services | None = None) -> int:
    """Run one subcommand; the exit status says whether it succeeded."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return 2
    if args.command in ("models", "doctor"):
        return model_command(args, services)
    try:
        settings = services.settings if services else Settings.load()
        services = services or Services(default_registry(),
                                        BackendSet(available_backends(settings)), settings)
        project = load_project(args.project, registry=services.registry)
        import_renders(args.project, open_store(services.settings))  # a shared bundle's renders
    except (ProjectError, SettingsError) as error:
        print(f"previz: {error}", file=sys.stderr)
        return 1
    if args.command == "validate":
        return validate(project, services, sys.stdout)
    if args.command == "export":
        return export_command.run(args, services, project)
    return render(project, services, args)


def validate(project: Project, services: Services, out: TextIO) -> int:
    """Print every problem of every node, then the cut's continuity warnings; 1 if there is
    any problem (warnings alone exit 0)."""
    store = open_store(services.settings)
    plan = compile_plan(project, list(project.nodes), registry=services.registry,
                        catalog=services.backends.catalog(), is_cached=store.has,
                        default_backend=services.settings.default_backend)
    framing = plan_framing_problems(project, plan)
    for problem in [*map(str, plan.problems), *framing]:
        print(problem, file=out)
    warnings = plan_warnings(project, plan)
    for warning in warnings:
        print(f"warning: {warning}", file=out)
    count = len(plan.problems) + len(framing)
    print(f"{count} problem{'s' if count != 1 else ''}" if count else "no problems", file=out)
    if warnings:
        print(f"{len(warnings)} continuity warning{'s' if len(warnings) != 1 else ''}", file=out)
    return 1 if count else 0


def render(project: Project, services: Services, args: argparse.Namespace) -> int:
    """Render the timeline (or ``--node``s); with ``--out``, write each timeline clip."""
    unknown = [node_id for node_id in args.node if node_id not in project.nodes]
    if unknown:
        print(f"previz: no node {unknown[0]} in {args.project}", file=sys.stderr)
        return 1
    if args.backend:
        use_backend(project, services.registry, args.backend)
    store = open_store(services.settings)
    plan = compile_plan(project, args.node or None, registry=services.registry,
                        catalog=services.backends.catalog(), is_cached=store.has,
                        default_backend=args.backend or services.settings.default_backend)
    if not plan.ok:
        for problem in plan.problems:
            print(problem, file=sys.stderr)
        return 1
    try:
        result = run_plan(plan, project, store, services.backends)
    except KeyboardInterrupt:
        print("previz: cancelled; nothing half-rendered was kept", file=sys.stderr)
        return 130
    for node_id, message in result.failed.items():
        print(f"{plan.nodes[node_id].label}: failed: {message}", file=sys.stderr)
    record_models(project, result, args.project, services.registry)
    written = True
    if args.out and not args.node:
        written = write_timeline(project, plan, result, store, args.out)
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


def model_command(args: argparse.Namespace, services: Services | None) -> int:
    """``previz models …`` and ``previz doctor``; neither imports torch in this process."""
    from previz.backends.diffusers import commands, doctor

    try:
        settings = services.settings if services else Settings.load()
    except SettingsError as error:
        print(f"previz: {error}", file=sys.stderr)
        return 1
    if args.command == "doctor":
        return doctor.doctor(settings, sys.stdout)
    if args.action == "list":
        return commands.models_list(settings, sys.stdout)
    if args.action == "pull":
        return commands.models_pull(settings, args.repo_id, sys.stdout, args.name)
    updated = commands.models_scan(settings, args.path, sys.stdout)
    if updated is None:
        return 1
    updated.save(services.settings_file if services else None)
    return 0


def open_store(settings: Settings) -> ClipStore:
    """The clip store the settings name, bounded as they say."""
    return ClipStore(settings.cache_dir, settings.cache_bytes, settings.memory_cache_bytes)


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


def run_plan(plan: ExecutionPlan, project: Project, store: ClipStore,
             backends: BackendSet) -> RunResult:
    """Render a plan with a progress bar on stderr."""
    executor = Executor(store, backends)
    bar = ProgressBar(plan, sys.stderr)

    def listen(event: RenderEvent) -> None:
        bar.update(event)

    try:
        return asyncio.run(executor.run(plan, project, [listen]))
    finally:
        bar.close()
        executor.close()


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
