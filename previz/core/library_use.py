"""Which scenes use a character or location, and the one step that deletes it from them all."""

from __future__ import annotations

from typing import Any

from previz.core.commands import Command, Macro, SetParam
from previz.core.project import Node, Project
from previz.core.scene_commands import RemoveCharacter, RemoveLocation

SCENE_TYPE = "previz.scene"


def scenes_using(project: Project, item_id: str) -> list[Node]:
    """The Scene nodes whose cast, blocking or location names ``item_id``, by scene number."""
    found = [node for node in project.nodes.values()
             if node.type == SCENE_TYPE and _names(node.params, item_id)]
    return sorted(found, key=lambda node: (str(node.params.get("number", "")), node.id))


def scene_title(node: Node) -> str:
    """``scene 010 'The bus stop'``: how a person names a scene."""
    number, heading = node.params.get("number", ""), node.params.get("heading", "")
    return f"scene {number} '{heading}'" if heading else f"scene {number}"


def delete_character(project: Project, character_id: str) -> Command:
    """One step: take the character out of every scene's cast and blocking (their marks go,
    a look at them is dropped), then out of the cast."""
    commands: list[Command] = []
    for scene in scenes_using(project, character_id):
        cast = [item for item in scene.params.get("cast", []) if item != character_id]
        commands.append(SetParam(scene.id, "cast", cast))
        blocking = [_without_look(item, character_id) for item in scene.params.get("blocking", [])
                    if not (isinstance(item, dict) and item.get("character") == character_id)]
        commands.append(SetParam(scene.id, "blocking", blocking))
    name = project.cast[character_id].name if character_id in project.cast else "character"
    return Macro([*commands, RemoveCharacter(character_id)], f"Delete {name}")


def delete_location(project: Project, location_id: str) -> Command:
    """One step: leave every scene set there without a location, then delete it."""
    commands: list[Command] = [SetParam(scene.id, "location", "")
                               for scene in scenes_using(project, location_id)]
    name = project.locations[location_id].name if location_id in project.locations \
        else "location"
    return Macro([*commands, RemoveLocation(location_id)], f"Delete {name}")


def _without_look(item: Any, character_id: str) -> Any:
    if isinstance(item, dict) and item.get("look_at") == character_id:
        return {key: value for key, value in item.items() if key != "look_at"}
    return item


def _names(value: Any, item_id: str) -> bool:
    if isinstance(value, str):
        return value == item_id
    if isinstance(value, dict):
        return any(_names(item, item_id) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_names(item, item_id) for item in value)
    return False
