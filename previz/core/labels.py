"""The names a user knows nodes by, in messages, badges and exports."""

from __future__ import annotations

from previz.core.project import Node
from previz.core.spec import NodeSpec


def node_label(node: Node, spec: NodeSpec | None) -> str:
    """``Shot 010_0010 'Lighthouse'``, ``Prompt 3f2a9c1e``: readable and unambiguous."""
    kind = spec.display_name if spec else node.type
    name = node.params.get("name", node.params.get("heading"))
    scene, shot = node.params.get("scene"), node.params.get("shot")
    slate = f"{scene}_{shot}" if isinstance(scene, str) and isinstance(shot, str) else ""
    if not slate and isinstance(node.params.get("number"), str):
        slate = node.params["number"]  # a Scene node
    if isinstance(name, str) and name.strip():
        return f"{kind} {slate} '{name.strip()}'" if slate else f"{kind} '{name.strip()}'"
    return f"{kind} {slate}" if slate else f"{kind} {node.id[:8]}"
