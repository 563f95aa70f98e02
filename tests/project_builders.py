"""Small builders of projects and nodes for the core tests."""

from __future__ import annotations

from typing import Any

from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, TimelineEntry
from previz.core.registry import NodeRegistry


def make_node(registry: NodeRegistry, type_id: str, **params: Any) -> Node:
    """A node of ``type_id`` with its default params, some overridden."""
    node_type = registry.get(type_id)
    assert node_type is not None
    return Node(new_id(), type_id, {**node_type.spec.defaults(), **params}, (0.0, 0.0))


def link(source: Node, source_port: str, target: Node, target_port: str) -> Link:
    """A link from ``source.source_port`` to ``target.target_port``."""
    return Link(new_id(), PortRef(source.id, source_port), PortRef(target.id, target_port))


def entry(node: Node, in_frame: int = 0, out_frame: int | None = None) -> TimelineEntry:
    """A timeline entry for ``node``."""
    return TimelineEntry(new_id(), node.id, in_frame, out_frame)


def two_shot_project(registry: NodeRegistry) -> Project:
    """Prompt → Shot → Extend, a second Shot, both shots on the cut."""
    project = Project()
    prompt = make_node(registry, "previz.prompt", text="A lighthouse at dusk")
    shot = make_node(registry, "previz.shot", name="Lighthouse")
    extend = make_node(registry, "previz.extend")
    other = make_node(registry, "previz.shot", name="Keeper", shot="0020")
    for node in (prompt, shot, extend, other):
        project.add_node(node)
    project.add_link(link(prompt, "prompt", shot, "prompt"))
    project.add_link(link(shot, "clip", extend, "clip"))
    project.add_link(link(prompt, "prompt", other, "prompt"))
    project.insert_entry(0, entry(shot))
    project.insert_entry(1, entry(other, 0, 48))
    return project
