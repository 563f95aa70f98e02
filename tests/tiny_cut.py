"""A tiny cut for the app's export, drop and sharing tests: three short draft entries at
128x72 (a shot with a pan, a second shot, a still of an image asset), saved as a .previz."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image

from previz.core.ids import new_id
from previz.core.project import Asset, Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import NodeRegistry, default_registry
from previz.io import save_project

WIDTH, HEIGHT = 128, 72


def _node(project: Project, registry: NodeRegistry, type_id: str, at: tuple[float, float],
          **params: Any) -> Node:
    node_type = registry.get(type_id)
    assert node_type is not None
    node = Node(new_id(), type_id, {**node_type.spec.defaults(), **params}, at,
                version=node_type.spec.version)
    project.add_node(node)
    return node


def _link(project: Project, source: Node, port: str, target: Node, target_port: str) -> None:
    project.add_link(Link(new_id(), PortRef(source.id, port), PortRef(target.id, target_port)))


def card_png() -> bytes:
    """A small picture for the Still."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def tiny_project(registry: NodeRegistry | None = None, **shot_params: Any) -> Project:
    """Prompt and pan into "Quay", a second prompt into "Rope", and a Still: all on the cut.
    ``shot_params`` override Rope's params (its backend and model, say)."""
    registry = registry or default_registry()
    project = Project(Settings(Fraction(24), WIDTH, HEIGHT))
    card = Asset.from_bytes(card_png(), "card.png", "png")
    project.add_asset(card)
    fog = _node(project, registry, "previz.prompt", (0, 0), text="A quay in fog at dawn")
    pan = _node(project, registry, "previz.camera_move", (0, 160), move="pan", amount=15.0,
                unit="deg")
    quay = _node(project, registry, "previz.shot", (300, 40), scene="010", shot="0010",
                 name="Quay", duration=0.5, notes="Foghorn.")
    rope = _node(project, registry, "previz.prompt", (0, 320), text="A wet rope on a bollard")
    tie = _node(project, registry, "previz.shot", (300, 320), scene="010", shot="0020",
                name="Rope", duration=0.5, shot_size="close_up", **shot_params)
    still = _node(project, registry, "previz.still", (300, 520), image=card.sha256,
                  duration=0.25)
    _link(project, fog, "prompt", quay, "prompt")
    _link(project, pan, "moves", quay, "camera")
    _link(project, rope, "prompt", tie, "prompt")
    for node in (quay, tie, still):
        project.insert_entry(len(project.timeline), TimelineEntry(new_id(), node.id, 0, None))
    return project


def save_tiny(path: Path, **shot_params: Any) -> Path:
    """Save the tiny project at ``path``."""
    save_project(tiny_project(**shot_params), path)
    return path
