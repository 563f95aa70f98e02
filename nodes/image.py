"""Image: a still that conditions a shot as first frame, last frame, keyframe or reference."""

from __future__ import annotations

from previz.api import (
    ConditioningImage,
    ExecuteContext,
    Input,
    NodeError,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamKind,
    PortType,
)

ROLES = ("first_frame", "last_frame", "keyframe", "reference")

SPEC = NodeSpec(
    id="previz.image",
    version=1,
    display_name="Image",
    category="Conditioning",
    description="An image the shot starts on, ends on, passes through, or keeps the identity of"
                " (a character, prop or location held across shots).",
    inputs=(Input("previous", PortType.CONDITIONING, optional=True, label="Earlier images"),),
    params=(
        Param("name", ParamKind.STRING, "", "Name",
              "What the node is called on the canvas, the timeline and in messages.",
              affects_render=False),
        Param("image", ParamKind.ASSET, None, "Image", "The picture, stored in the project."),
        Param("role", ParamKind.CHOICE, "first_frame", "Role",
              "first_frame and last_frame pin the ends of the shot; keyframe pins the time below;"
              " reference holds a subject's look.", choices=ROLES),
        Param("time", ParamKind.FLOAT, 0.0, "Time",
              "For a keyframe: when in the shot it must appear, in seconds.",
              minimum=0.0, maximum=600.0, step=0.1, unit="s"),
        Param("strength", ParamKind.FLOAT, 1.0, "Strength",
              "How strongly the image holds (1 = exactly).", minimum=0.0, maximum=1.0,
              step=0.05),
        Param("subject", ParamKind.STRING, "", "Subject",
              "For a reference: the name of the subject it shows (empty: the main subject)."),
    ),
    outputs=(Output("conditioning", PortType.CONDITIONING, "Conditioning"),),
)



def execute(ctx: ExecuteContext,
            previous: tuple[ConditioningImage, ...] = ()) -> tuple[ConditioningImage, ...]:
    """The earlier images of the stack, then this one; the image must be in the project."""
    params = ctx.params
    ctx.media.image(params["image"])  # fails here, naming the image, if it is missing
    if params["role"] == "first_frame" and any(c.role == "first_frame" for c in previous):
        raise NodeError("two images both want to be the first frame")
    image = ConditioningImage(params["image"], params["role"], params["time"],
                              params["strength"], params["subject"])
    return (*previous, image)


IMAGE = NodeType(SPEC, execute)
