"""What the farm tests render and look at: head sessions, the example made small, the frames
of a store entry as ffmpeg's framemd5 sees them, and what is half-written in a store."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import imageio_ffmpeg

from previz.core.project import Project
from previz.core.project import Settings as ProjectSettings
from previz.core.registry import default_registry
from previz.engine.backend import BackendSet, CancelToken
from previz.engine.events import RenderEvent
from previz.engine.executor import RunResult
from previz.engine.plan import ExecutionPlan
from previz.engine.runner import Runner
from previz.engine.session import EngineSession
from previz.engine.sidecar import StoreError, check_seal, read_json, seal_from_sidecar
from previz.engine.store import INCOMING, SIDECAR, ClipStore
from previz.farm.job import makes_clips
from previz.io import load_project
from previz.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
SMALL = (256, 144)


def head_session(cache: Path, runner: Runner | None = None) -> EngineSession:
    """A session like the app's: the built-in pack, the draft and the paced backend (models
    m1 and m2), a store of its own."""
    from paced_backend import PacedBackend  # on sys.path once the ``plugins`` fixture ran

    from previz.backends.draft.backend import DraftBackend

    backends = BackendSet([DraftBackend(), PacedBackend(["m1", "m2"])])
    return EngineSession(default_registry(), backends, Settings(cache_dir=cache), runner=runner)


def small_example(session: EngineSession) -> Project:
    """The example project at a small frame size (quick, and still every kind of node)."""
    project = load_project(EXAMPLE, registry=session.registry)
    project.set_settings(ProjectSettings(project.settings.rate, *SMALL))
    return project


def shot_named(project: Project, name: str) -> str:
    """The id of the shot called ``name``."""
    return next(node.id for node in project.nodes.values()
                if node.type == "previz.shot" and node.params.get("name") == name)


def pace(project: Project, name: str, seconds: float = 1.0, model: str = "") -> str:
    """Render the shot ``name`` with the paced backend (``model``), ``seconds`` long."""
    node_id = shot_named(project, name)
    params = project.nodes[node_id].params
    params.update(backend="paced", model=model, duration=seconds)
    return node_id


def render(session: EngineSession, project: Project,
           listeners: Iterable[Callable[[RenderEvent], None]] = (),
           cancel: CancelToken | None = None) -> RunResult:
    """Render the project's timeline with ``session``."""
    plan = session.compile(project)
    assert plan.ok, plan.problems
    return asyncio.run(session.run(plan, project, listeners, cancel))


def take_keys(plan: ExecutionPlan) -> dict[tuple[str, int], str]:
    """Every take key of every clip-making node, by node and take."""
    return {(planned.node_id, take): key for planned in plan.nodes.values()
            if makes_clips(planned) for take, key in enumerate(planned.keys)}


def framemd5(path: Path) -> list[str]:
    """ffmpeg's checksum of each decoded frame of a video."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path),
                          "-map", "0:v", "-f", "framemd5", "-"],
                         check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line and not line.startswith("#")]


def stored_keys(root: Path) -> set[str]:
    """The keys of the complete entries in the store at ``root``."""
    store = ClipStore(root, 1 << 40)
    return {sidecar.parent.name for sidecar in root.glob(f"??/*/{SIDECAR}")
            if store.has(sidecar.parent.name)}


def half_written(root: Path) -> list[Path]:
    """Whatever in the store at ``root`` is not a complete entry whose frames match their
    digest (looked at without opening a store, which would sweep leftovers away)."""
    found = sorted((root / INCOMING).glob("*")) if (root / INCOMING).is_dir() else []
    for folder in sorted(root.glob("??/*")):
        try:
            check_seal(folder.name, folder,
                       seal_from_sidecar(folder.name, read_json(folder / SIDECAR)))
        except StoreError:
            found.append(folder)
    return found
