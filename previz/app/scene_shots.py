"""Which clips a drop on the timeline means: clip nodes as they are, a Scene as its shots."""

from __future__ import annotations

from collections.abc import Iterable

from previz.app.takes import is_clip_node
from previz.core.ports import PortType
from previz.core.project import Project
from previz.core.registry import NodeRegistry


def clips_for_cut(project: Project, registry: NodeRegistry, node_ids: Iterable[str]) -> list[str]:
    """The clip nodes among ``node_ids``, with each Scene node replaced by the clip nodes its
    scene output feeds, in slate order (scene, then shot number); each node once."""
    clips: list[str] = []
    for node_id in node_ids:
        if is_clip_node(project, registry, node_id):
            found = [node_id]
        else:
            found = sorted(_shots_of(project, registry, node_id),
                           key=lambda shot: _slate(project, shot))
        clips.extend(shot for shot in found if shot not in clips)
    return clips


def _shots_of(project: Project, registry: NodeRegistry, node_id: str) -> list[str]:
    """The clip nodes fed by a scene output of ``node_id`` (none if it has none)."""
    node = project.nodes.get(node_id)
    node_type = registry.get(node.type) if node is not None else None
    if node_type is None:
        return []
    scene_ports = {port.name for port in node_type.spec.outputs if port.type is PortType.SCENE}
    return [link.target.node for link in project.links.values()
            if link.source.node == node_id and link.source.port in scene_ports
            and is_clip_node(project, registry, link.target.node)]


def _slate(project: Project, node_id: str) -> tuple[str, str]:
    params = project.nodes[node_id].params
    return str(params.get("scene", "")), str(params.get("shot", ""))
