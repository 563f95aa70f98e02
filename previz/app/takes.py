"""Which takes a node renders, which one is circled, and whether each is in the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from previz.core.ports import PortType
from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.core.values import Clip
from previz.engine.session import EngineSession


@dataclass(frozen=True)
class NodeTakes:
    """A clip node's takes: their keys and seeds, the circled one, and the stored clips."""

    node_id: str
    label: str
    keys: tuple[str, ...]
    seeds: tuple[int, ...]
    circled: int
    clips: tuple[Clip | None, ...]

    @property
    def circled_clip(self) -> Clip | None:
        """The circled take's clip, if it is rendered."""
        return self.clips[self.circled] if self.clips else None


def is_clip_node(project: Project, registry: NodeRegistry, node_id: str) -> bool:
    """Whether the node outputs a Clip (so it plays and can go on the timeline)."""
    node = project.nodes.get(node_id)
    node_type = registry.get(node.type) if node is not None else None
    return node_type is not None and any(
        port.type is PortType.CLIP for port in node_type.spec.outputs)


def node_takes(project: Project, session: EngineSession,
               node_ids: Iterable[str]) -> dict[str, NodeTakes]:
    """The takes of each clip node in ``node_ids`` that compiles (others are left out), keyed
    as the render queue keys them (the same session) and looked up in its store."""
    wanted = [node_id for node_id in dict.fromkeys(node_ids)
              if is_clip_node(project, session.registry, node_id)]
    if not wanted:
        return {}
    store = session.store
    plan = session.compile(project, wanted)
    found = {}
    for node_id in wanted:
        planned = plan.nodes.get(node_id)
        if planned is None or not planned.keys:
            continue
        seed = planned.params.get("seed", 0)
        seed = seed if isinstance(seed, int) else 0
        found[node_id] = NodeTakes(
            node_id, planned.label, planned.keys,
            tuple(seed + take for take in range(len(planned.keys))), planned.circled_take,
            tuple(store.clip(key) for key in planned.keys))
    return found
