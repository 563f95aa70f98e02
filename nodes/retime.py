"""Retime: a clip at another frame rate or speed."""

from __future__ import annotations

from fractions import Fraction

from previz.api import (
    Clip,
    ExecuteContext,
    Input,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamKind,
    PortType,
    parse_fraction,
)
from previz_nodes.common import EDITORIAL_RATES

METHODS = ("optical_flow", "blend", "nearest")

SPEC = NodeSpec(
    id="previz.retime",
    version=1,
    display_name="Retime",
    category="Clip",
    description="Convert a clip to an editorial rate, or speed it up or slow it down.",
    inputs=(Input("clip", PortType.CLIP, label="Clip"),),
    params=(
        Param("mode", ParamKind.CHOICE, "rate", "Mode",
              "rate: the same motion at another frame rate; multiplier: faster or slower.",
              choices=("rate", "multiplier")),
        Param("target_fps", ParamKind.FRACTION, "24", "Target rate",
              "The frame rate to convert to.", choices=EDITORIAL_RATES),
        Param("multiplier", ParamKind.FLOAT, 1.0, "Multiplier",
              "Speed factor in multiplier mode: 2 plays twice as fast, 0.5 in slow motion.",
              minimum=0.05, maximum=20.0, step=0.05),
        Param("method", ParamKind.CHOICE, "optical_flow", "Method",
              "How new frames are made: optical flow, blending neighbours, or the nearest frame.",
              choices=METHODS),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
)



def execute(ctx: ExecuteContext, clip: Clip) -> Clip:
    """The clip converted to the target rate, or sped up or slowed down at its own rate."""
    params = ctx.params
    by_rate = params["mode"] == "rate"
    target = parse_fraction(params["target_fps"]) if by_rate else None
    speed = None if by_rate else Fraction(str(params["multiplier"]))
    total = ctx.media.retimed_count(clip, rate=target, speed=speed)
    frames = ctx.media.retime(clip, params["method"], rate=target, speed=speed)
    with ctx.new_clip(clip.width, clip.height, target or clip.fps) as retimed:
        for frame in frames:
            retimed.write(frame)
            ctx.progress(retimed.frames_written, total)
        return retimed.finish(prompt=clip.prompt, camera=clip.camera)


RETIME = NodeType(SPEC, execute)
