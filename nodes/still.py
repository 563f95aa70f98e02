"""Still: an image held on screen for a duration, at the project rate."""

from __future__ import annotations

from previz.api import (
    Clip,
    ExecuteContext,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamKind,
    PortType,
)
from previz_nodes.common import duration_param

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



def execute(ctx: ExecuteContext) -> Clip:
    """The image, fitted to the project frame, held for the duration at the project rate."""
    frame = ctx.media.fit(ctx.media.image(ctx.params["image"]), ctx.width, ctx.height)
    count = max(round(ctx.params["duration"] * ctx.rate), 1)
    with ctx.new_clip(ctx.width, ctx.height, ctx.rate) as clip:
        for index in range(count):
            clip.write(frame)
            ctx.progress(index + 1, count)
        return clip.finish(prompt="")


STILL = NodeType(SPEC, execute)
