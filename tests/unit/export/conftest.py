"""Export test set-up: a small harbour scene, rendered once per session and exported once.

Seven entries at 128x72 on a 24000/1001 cut: a shot with a dolly and notes, a 16 fps shot
with dialogue (retimed on export), a trimmed shot with a pan then a tilt, a still from an
image asset, a trimmed test-pack source whose frames tell their index apart, and two more
uses of the first shots (one trimmed). Rendered on the draft backend with the built-in pack
plus the engine test pack.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from engine_pack import SOURCE, make_pack
from PIL import Image

from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Asset, Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import NodeRegistry, default_registry
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.store import ClipStore
from previz.export import ExportOptions, ExportReport, export_project

RATE = Fraction(24000, 1001)
WIDTH, HEIGHT = 128, 72
FOG_PROMPT = "EXT. HARBOUR - NIGHT. A tug noses through the fog toward the quay."
DECK_PROMPT = "On deck: the skipper grips the wheel, spray on the glass."


@dataclass
class Scene:
    """The harbour project, what renders it and its rendered store."""

    project: Project
    registry: NodeRegistry
    backends: BackendSet
    store: ClipStore
    plan: ExecutionPlan
    nodes: dict[str, Node]


@dataclass
class Exported:
    """The harbour scene exported in every format with burn-ins."""

    scene: Scene
    out: Path
    report: ExportReport


def export_registry() -> NodeRegistry:
    """The built-in nodes and the engine test pack together."""
    registry = default_registry()
    registry.register_pack(make_pack(), name="engine-tests")
    return registry


def title_png() -> bytes:
    """A small image asset for the Still."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (30, 60, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def node(project: Project, registry: NodeRegistry, type_id: str, position: tuple[float, float],
         **params: Any) -> Node:
    """Add a node of ``type_id`` with its defaults, some overridden."""
    node_type = registry.get(type_id)
    assert node_type is not None
    added = Node(new_id(), type_id, {**node_type.spec.defaults(), **params}, position)
    project.add_node(added)
    return added


def link(project: Project, source: Node, port: str, target: Node, target_port: str) -> None:
    """Link ``source.port`` into ``target.target_port``."""
    project.add_link(Link(new_id(), PortRef(source.id, port), PortRef(target.id, target_port)))


def harbour(registry: NodeRegistry) -> tuple[Project, dict[str, Node]]:
    """The harbour project and its nodes by name."""
    project = Project(Settings(RATE, WIDTH, HEIGHT))
    asset = Asset.from_bytes(title_png(), "title.png", "png")
    project.add_asset(asset)
    n: dict[str, Node] = {}
    n["fog_prompt"] = node(project, registry, "previz.prompt", (0, 0), text=FOG_PROMPT)
    n["deck_prompt"] = node(project, registry, "previz.prompt", (0, 200), text=DECK_PROMPT)
    n["dolly"] = node(project, registry, "previz.camera_move", (0, 400), move="dolly",
                      amount=1.0, unit="m")
    n["pan"] = node(project, registry, "previz.camera_move", (0, 600), move="pan",
                    amount=20.0, unit="deg")
    n["tilt"] = node(project, registry, "previz.camera_move", (200, 600), move="tilt",
                     amount=5.0, unit="deg")
    n["fog"] = node(project, registry, "previz.shot", (400, 0), scene="020", shot="0010",
                    name="Fog", shot_size="wide", lens=24.0, duration=1.0,
                    notes="Fog so thick the quay lamps only glow.\nFoghorn on the cut.")
    n["deck"] = node(project, registry, "previz.shot", (400, 200), scene="020", shot="0020",
                     name="Deck", shot_size="medium", fps="16", duration=1.0,
                     dialogue="SKIPPER: Hold her steady, she knows the way.")
    n["lamp"] = node(project, registry, "previz.shot", (400, 600), scene="020", shot="0030",
                     name="Lamp", shot_size="close_up", lens=85.0, duration=1.0,
                     notes="Lamp flickers.", dialogue="MATE: There! The light!")
    n["title"] = node(project, registry, "previz.still", (400, 800), image=asset.sha256,
                      duration=0.5)
    n["source"] = node(project, registry, SOURCE, (400, 1000), frames=20, width=WIDTH,
                       height=HEIGHT, value=120, seed=2)
    link(project, n["fog_prompt"], "prompt", n["fog"], "prompt")
    link(project, n["dolly"], "moves", n["fog"], "camera")
    link(project, n["deck_prompt"], "prompt", n["deck"], "prompt")
    link(project, n["fog_prompt"], "prompt", n["lamp"], "prompt")
    link(project, n["pan"], "moves", n["tilt"], "previous")
    link(project, n["tilt"], "moves", n["lamp"], "camera")
    cuts = [("fog", 0, None), ("deck", 0, None), ("lamp", 4, 20), ("title", 0, None),
            ("source", 5, 15), ("fog", 0, 6), ("deck", 0, None)]
    for name, in_frame, out_frame in cuts:
        project.insert_entry(len(project.timeline),
                             TimelineEntry(new_id(), n[name].id, in_frame, out_frame))
    return project, n


def render_scene(root: Path) -> Scene:
    """Build and render the harbour scene into a store under ``root``."""
    registry = export_registry()
    backends = BackendSet([DraftBackend()])
    store = ClipStore(root / "store", 1 << 30, 64 << 20)
    project, nodes = harbour(registry)
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, backends)
    try:
        result = asyncio.run(executor.run(plan, project))
    finally:
        executor.close()
    assert result.ok, result.failed
    return Scene(project, registry, backends, store, plan, nodes)


@pytest.fixture(scope="session")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """The harbour scene, rendered once for the session."""
    return render_scene(tmp_path_factory.mktemp("harbour"))


@pytest.fixture(scope="session")
def exported(scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """The harbour scene exported once in every format, with burn-ins."""
    out = tmp_path_factory.mktemp("export")
    report = export_project(scene.project, scene.plan, scene.store, out,
                            ExportOptions(title="harbour", burn_in=True))
    return Exported(scene, out, report)


@pytest.fixture
def fresh_harbour() -> tuple[Project, dict[str, Node], NodeRegistry]:
    """An unrendered harbour project, its nodes by name and its registry (a fresh test pack)."""
    registry = export_registry()
    project, nodes = harbour(registry)
    return project, nodes, registry
