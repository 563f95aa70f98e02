"""Scene: a location at a time of day, its cast and their blocking, shared by every shot of it."""

from __future__ import annotations

from typing import Any

from previz.api import (
    TIMES_OF_DAY,
    ExecuteContext,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamIssue,
    ParamKind,
    PortType,
    SceneValue,
    scene_from_params,
)


def _validate(params: dict[str, Any]) -> list[ParamIssue]:
    """Marks must name characters of this scene's cast, piece moves pieces of its location."""
    cast = {record["id"] for record in params["cast"]}
    location = params["location"] if isinstance(params["location"], dict) else {}
    pieces = {piece.get("id") for piece in location.get("set_pieces", [])}
    issues = []
    for index, item in enumerate(params["blocking"]):
        where = f"mark {index + 1}"
        if "piece" in item and item["piece"] not in pieces:
            issues.append(ParamIssue("blocking", f"{where} moves a set piece the location"
                                                 " does not have"))
        elif "character" in item and item["character"] not in cast:
            issues.append(ParamIssue("blocking", f"{where} is for a character not in the cast"))
        elif item.get("look_at") and item["look_at"] not in cast:
            issues.append(ParamIssue("blocking", f"{where} looks at a character not in the cast"))
    return issues


SPEC = NodeSpec(
    id="previz.scene",
    # 2: people turn toward a new facing (blocking.TURN_RATE) and change pose (SETTLE,
    # POSE_CHANGE) over time, no longer in an instant, so every shot on a scene, draft or
    # model, is keyed anew and re-renders.
    version=2,
    display_name="Scene",
    category="Scene",
    description="A location at a time of day, its cast, and their blocking in scene time;"
                " every shot of the scene looks into it.",
    params=(
        Param("number", ParamKind.STRING, "010", "Scene", "Scene number, as on the slate."),
        Param("heading", ParamKind.STRING, "", "Heading", "A short name for the scene."),
        Param("location", ParamKind.LOCATION, "", "Location",
              "Where the scene is set, from the project's locations."),
        Param("time_of_day", ParamKind.CHOICE, "day", "Time of day",
              "Sets the sun or moon, and the sky the draft draws.", choices=TIMES_OF_DAY),
        Param("cast", ParamKind.CAST, [], "Cast", "Who is in the scene, from the project's cast."),
        Param("blocking", ParamKind.BLOCKING, [], "Blocking",
              "Marks in scene time (position, facing or look-at, pose; paths between marks at"
              " a speed or in a time) and set pieces moved for this scene."),
        Param("action", ParamKind.TEXT, "", "Action",
              "What happens, in screenplay words; shots on the scene put it in their prompt."),
        Param("script", ParamKind.TEXT, "", "Script",
              "The scene's action, dialogue and notes in scene time, one a line"
              " ([5.7-8.1] TOM (quietly): Hello.); proposed coverage follows its lines.",
              affects_render=False),
    ),
    outputs=(Output("scene", PortType.SCENE, "Scene"),),
    validate=_validate,
)


def execute(ctx: ExecuteContext) -> SceneValue:
    """The scene as it flows to its shots."""
    return scene_from_params(ctx.params)


SCENE = NodeType(SPEC, execute)
