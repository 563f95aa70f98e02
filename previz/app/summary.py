"""A node's key params as a short line of text, read from its spec (no per-node code)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from previz.core.project import Node
from previz.core.spec import NodeSpec, Param, ParamKind

_IN_LABEL = {"scene", "shot", "name"}  # already in the title (node_label)


@dataclass(frozen=True)
class Summary:
    """What a node shows under its ports: key values, and the first words it holds."""

    values: tuple[str, ...]
    text: str


def node_summary(node: Node, spec: NodeSpec | None) -> Summary:
    """The values worth seeing at a glance, and the first non-empty text param."""
    if spec is None:
        return Summary((), "")
    values = tuple(shown for param in spec.params
                   if (shown := _shown(param, node.params.get(param.name, param.default))))
    text = next((str(node.params[param.name]).strip() for param in spec.params
                 if param.kind is ParamKind.TEXT
                 and str(node.params.get(param.name) or "").strip()), "")
    return Summary(values, " ".join(text.split()))


def asset_of(node: Node, spec: NodeSpec | None) -> str:
    """The hash of the first image a node holds, or ``""``."""
    if spec is None:
        return ""
    for param in spec.params:
        value = node.params.get(param.name)
        if param.kind is ParamKind.ASSET and isinstance(value, str):
            return value
    return ""


def format_value(param: Param, value: Any) -> str:
    """A param value as a person reads it: ``35 mm``, ``medium close up``, ``24000/1001``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        value = f"{value:g}"
    text = str(value).replace("_", " ")
    return f"{text} {param.unit}" if param.unit else text


def _shown(param: Param, value: Any) -> str:
    if value is None or value == "" or param.name in _IN_LABEL:
        return ""
    if param.kind is ParamKind.CHOICE:
        return format_value(param, value)
    if param.kind is ParamKind.FRACTION:
        return f"{value} fps"
    if param.kind is ParamKind.SUBJECTS:
        return _subjects(value)
    if param.kind is ParamKind.BOOL:
        return (param.label or param.name) if value is True else ""
    if param.kind in (ParamKind.INT, ParamKind.FLOAT):
        if param.unit:
            return format_value(param, value)
        if value != param.default:
            return f"{(param.label or param.name).lower()} {format_value(param, value)}"
    return ""


def _subjects(value: Any) -> str:
    if not isinstance(value, list) or not value:
        return ""
    names = [str(record.get("name", "?")) for record in value if isinstance(record, dict)]
    if len(names) <= 2:
        return " + ".join(names)
    return f"{names[0]} + {len(names) - 1} more"
