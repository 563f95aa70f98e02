"""Extend: continue a clip for a while longer, from where it ends."""

from __future__ import annotations

from nodes.common import duration_param, seed_param, takes_param
from previz.api import Input, NodeSpec, NodeType, Output, Param, ParamKind, PortType

SPEC = NodeSpec(
    id="previz.extend",
    version=1,
    display_name="Extend",
    category="Clip",
    description="The clip, then its continuation: same subjects, the camera carrying on from its"
                " last pose.",
    inputs=(
        Input("clip", PortType.CLIP, label="Clip"),
        Input("prompt", PortType.PROMPT, optional=True, label="Prompt (else the clip's)"),
        Input("camera", PortType.CAMERA_MOVE, optional=True, label="Camera move"),
    ),
    params=(
        duration_param("added_duration", "Added duration", 2.0,
                       "How much longer the clip runs, in seconds."),
        Param("context_frames", ParamKind.INT, 8, "Context frames",
              "How many of the clip's last frames the continuation sees.",
              minimum=1, maximum=81, step=1),
        seed_param(),
        takes_param(),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
    renders=True,
)

EXTEND = NodeType(SPEC)
