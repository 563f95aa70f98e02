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
    frames_in,
    parse_fraction,
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
        # Rate and size are params inherited from the project, so they are in the key: two
        # projects of different rates or sizes are never served each other's Still.
        Param("fps", ParamKind.FRACTION, None, "Frame rate",
              "Frames per second, such as 24000/1001; empty uses the project's rate.",
              minimum=1, maximum=120, inherit="rate"),
        Param("width", ParamKind.INT, None, "Width", "Frame width in pixels; empty: the project's.",
              minimum=2, maximum=16384, step=2, inherit="width"),
        Param("height", ParamKind.INT, None, "Height",
              "Frame height in pixels; empty: the project's.", minimum=2, maximum=16384, step=2,
              inherit="height"),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
)


def execute(ctx: ExecuteContext) -> Clip:
    """The image, fitted to the project frame, held for the duration at the project rate."""
    width, height = ctx.params["width"], ctx.params["height"]
    rate = parse_fraction(ctx.params["fps"])
    frame = ctx.media.fit(ctx.media.image(ctx.params["image"]), width, height)
    count = frames_in(ctx.params["duration"], rate)
    with ctx.new_clip(width, height, rate) as clip:
        for index in range(count):
            clip.write(frame)
            ctx.progress(index + 1, count)
        return clip.finish(prompt="")


STILL = NodeType(SPEC, execute)
