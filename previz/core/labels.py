"""The names a user knows nodes by, in messages, badges and exports."""

from __future__ import annotations

from previz.core.project import Node
from previz.core.spec import NodeSpec

SHOWN_NAME = 60  # characters of a user's name shown in a label before it is cut with "…"


def shown(text: str, limit: int = SHOWN_NAME) -> str:
    """User text safe to show in one line: control characters escaped (``\\x1b``, ``\\n``)
    and cut to ``limit`` characters with an ellipsis."""
    safe = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return safe if len(safe) <= limit else safe[:limit - 1] + "…"


def node_label(node: Node, spec: NodeSpec | None) -> str:
    """``Shot 010_0010 'Lighthouse'``, ``Prompt 3f2a9c1e``: readable and unambiguous."""
    kind = spec.display_name if spec else node.type
    name = node.params.get("name", node.params.get("heading"))
    scene, shot = node.params.get("scene"), node.params.get("shot")
    slate = f"{scene}_{shot}" if isinstance(scene, str) and isinstance(shot, str) else ""
    if not slate and isinstance(node.params.get("number"), str):
        slate = node.params["number"]  # a Scene node
    slate = shown(slate, 24) if slate else ""
    if isinstance(name, str) and name.strip():
        name = shown(name.strip())
        return f"{kind} {slate} '{name}'" if slate else f"{kind} '{name}'"
    return f"{kind} {slate}" if slate else f"{kind} {node.id[:8]}"
