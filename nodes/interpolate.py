"""Interpolate: a bridge from one clip's last frame to another's first."""

from __future__ import annotations

from nodes.common import duration_param, seed_param, takes_param
from previz.api import Input, NodeSpec, NodeType, Output, PortType

SPEC = NodeSpec(
    id="previz.interpolate",
    version=1,
    display_name="Interpolate",
    category="Clip",
    description="Generated frames from A's last frame to B's first; A = B makes a loop.",
    inputs=(
        Input("clip_a", PortType.CLIP, label="Clip A"),
        Input("clip_b", PortType.CLIP, label="Clip B"),
    ),
    params=(
        duration_param("bridge_duration", "Bridge duration", 1.0,
                       "How long the bridge runs, in seconds."),
        seed_param(),
        takes_param(),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
    renders=True,
)

INTERPOLATE = NodeType(SPEC)
