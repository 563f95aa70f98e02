"""Still: an image held on screen for a duration, at the project rate."""

from __future__ import annotations

from nodes.common import duration_param
from previz.api import NodeSpec, NodeType, Output, Param, ParamKind, PortType

SPEC = NodeSpec(
    id="previz.still",
    version=1,
    display_name="Still",
    category="Clip",
    description="A hold: the image for as long as you say, at the project's rate and size.",
    params=(
        Param("image", ParamKind.ASSET, None, "Image", "The picture, stored in the project."),
        duration_param("duration", "Duration", 2.0, "How long the still holds, in seconds."),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
)

STILL = NodeType(SPEC)
