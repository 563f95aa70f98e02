"""Camera Move: one move of the camera within a shot, chainable into a list of moves."""

from __future__ import annotations

from typing import Any

from previz.api import (
    ExecuteContext,
    Input,
    MoveValue,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamIssue,
    ParamKind,
    PortType,
)

# Each move's natural unit (DESIGN §6); distances may also be given in feet.
MOVE_UNITS = {
    "static": (),
    "pan": ("deg",),
    "tilt": ("deg",),
    "roll": ("deg",),
    "dolly": ("m", "ft"),
    "truck": ("m", "ft"),
    "pedestal": ("m", "ft"),
    "crane": ("m", "ft"),
    "zoom": ("mm",),
    "orbit": ("deg",),
    "dolly_zoom": ("m", "ft"),
}
EASINGS = ("linear", "ease-in", "ease-out", "ease-in-out")
FOOT = 0.3048



def validate(params: dict[str, Any]) -> list[ParamIssue]:
    """The unit must suit the move, and the move must end after it starts."""
    issues = []
    units = MOVE_UNITS.get(params["move"], ())
    if units and params["unit"] not in units:
        issues.append(ParamIssue("unit", f"a {params['move']} is measured in"
                                         f" {' or '.join(units)}, not {params['unit']}"))
    if params["end"] <= params["start"] and params["move"] != "static":
        issues.append(ParamIssue("end", "the move must end after it starts"))
    return issues


SPEC = NodeSpec(
    id="previz.camera_move",
    version=1,
    display_name="Camera Move",
    category="Camera",
    description="A pan, tilt, dolly, crane, zoom, orbit or dolly-zoom, relative to the shot's"
                " base framing; chain several for compound moves.",
    inputs=(Input("previous", PortType.CAMERA_MOVE, optional=True, label="Previous moves"),),
    params=(
        Param("name", ParamKind.STRING, "", "Name",
              "What the node is called on the canvas, the timeline and in messages.",
              affects_render=False),
        Param("move", ParamKind.CHOICE, "dolly", "Move",
              "Pan, tilt and roll turn the camera; dolly, truck and pedestal move it along its"
              " own axes; crane raises it keeping the subject; zoom changes the lens; orbit"
              " circles the subject; dolly-zoom dollies while zooming to hold the subject's size.",
              choices=tuple(MOVE_UNITS)),
        Param("amount", ParamKind.FLOAT, 1.0, "Amount",
              "How far: degrees for pan, tilt, roll and orbit; metres or feet for dolly, truck,"
              " pedestal, crane and dolly-zoom (positive is forward, right, up); millimetres of"
              " focal length for zoom.", minimum=-3600.0, maximum=3600.0, step=0.1),
        Param("unit", ParamKind.CHOICE, "m", "Unit", "The unit of the amount.",
              choices=("deg", "m", "ft", "mm")),
        Param("start", ParamKind.FLOAT, 0.0, "Start",
              "When the move starts, as a fraction of the shot (0 = first frame).",
              minimum=0.0, maximum=1.0, step=0.05),
        Param("end", ParamKind.FLOAT, 1.0, "End",
              "When the move ends, as a fraction of the shot (1 = last frame).",
              minimum=0.0, maximum=1.0, step=0.05),
        Param("easing", ParamKind.CHOICE, "ease-in-out", "Easing",
              "How the move accelerates and settles.", choices=EASINGS),
    ),
    outputs=(Output("moves", PortType.CAMERA_MOVE, "Moves"),),
    validate=validate,
)



def execute(ctx: ExecuteContext, previous: tuple[MoveValue, ...] = ()) -> tuple[MoveValue, ...]:
    """The earlier moves of the chain, then this one, its amount in the move's own unit."""
    params = ctx.params
    amount = params["amount"] * (FOOT if params["unit"] == "ft" else 1.0)
    move = MoveValue(params["move"], amount, params["start"], params["end"], params["easing"])
    return (*previous, move)


CAMERA_MOVE = NodeType(SPEC, execute)
