"""The names a user knows nodes by, in messages, badges and exports (never an id)."""

from __future__ import annotations

from previz.core.project import Node, Project
from previz.core.spec import NodeSpec

SHOWN_NAME = 60  # characters of a user's name shown in a label before it is cut with "…"
_WORDS = 28  # characters of a prompt's text a title quotes


def shown(text: str, limit: int = SHOWN_NAME) -> str:
    """User text safe to show in one line: control characters escaped (``\\x1b``, ``\\n``)
    and cut to ``limit`` characters with an ellipsis."""
    safe = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return safe if len(safe) <= limit else safe[:limit - 1] + "…"


def node_label(node: Node, spec: NodeSpec | None, project: Project | None = None) -> str:
    """``Shot 010_0010 'Lighthouse'``, ``Prompt 'A lighthouse at dusk…'``, ``Extend 2``.

    A node with no name or slate is told by what it holds (a prompt's words, a camera move),
    else by its place among the nodes of its kind in ``project`` (``Extend 2``), never by id.
    """
    kind = spec.display_name if spec else node.type.rsplit(".", 1)[-1].replace("_", " ").title()
    name = node.params.get("name") or node.params.get("heading")
    scene, shot = node.params.get("scene"), node.params.get("shot")
    slate = f"{scene}_{shot}" if isinstance(scene, str) and isinstance(shot, str) else ""
    if not slate and isinstance(node.params.get("number"), str):
        slate = node.params["number"]  # a Scene node
    slate = shown(slate, 24) if slate else ""
    if isinstance(name, str) and name.strip():
        name = shown(name.strip())
        return f"{kind} {slate} '{name}'" if slate else f"{kind} '{name}'"
    if slate:
        return f"{kind} {slate}"
    held = _held(node, project)
    if held:
        return f"{kind} {held}"
    return f"{kind} {_ordinal(node, project)}" if project is not None else kind


def _held(node: Node, project: Project | None) -> str:
    image = node.params.get("image")
    if project is not None and isinstance(image, str) and image in project.assets:
        return f"'{project.assets[image].name}'"
    text = node.params.get("text")
    if isinstance(text, str) and text.strip():
        words = shown(" ".join(text.split()), len(text) + 1)
        return f"'{words[:_WORDS].rstrip()}…'" if len(words) > _WORDS else f"'{words}'"
    move, amount = node.params.get("move"), node.params.get("amount")
    if isinstance(move, str) and isinstance(amount, int | float):
        unit = node.params.get("unit", "")
        return f"{move.replace('_', ' ')} {amount:g}{' ' + unit if unit else ''}"
    return ""


def _ordinal(node: Node, project: Project) -> int:
    """1 for the first node of its kind added to the project, 2 for the next …"""
    same = [other.id for other in project.nodes.values() if other.type == node.type]
    return same.index(node.id) + 1 if node.id in same else len(same) + 1
