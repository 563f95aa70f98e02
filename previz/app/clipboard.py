"""Nodes on the clipboard: a schema'd JSON form of a selection, and pasting it with new ids."""

from __future__ import annotations

import copy
import json
from typing import Any

from previz.core.commands import AddNodes
from previz.core.errors import ProjectError
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project
from previz.core.project_json import project_from_dict, project_to_dict

MIME_TYPE = "application/x-previz-nodes+json"
SCHEMA = "PrevizNodes.1"
PASTE_OFFSET = 40.0
SHOT_TYPE = "previz.shot"
SHOT_STEP = 10


def copy_nodes(project: Project, node_ids: list[str]) -> dict[str, Any]:
    """The nodes ``node_ids`` and the links among them, in the project file's own forms."""
    chosen = [node_id for node_id in node_ids if node_id in project.nodes]
    part = Project(copy.deepcopy(project.settings))
    part.nodes = {node_id: copy.deepcopy(project.nodes[node_id]) for node_id in chosen}
    part.links = {
        link.id: copy.deepcopy(link) for link in project.links.values()
        if link.source.node in part.nodes and link.target.node in part.nodes
    }
    return {"schema": SCHEMA, "project": project_to_dict(part)}


def to_json(data: dict[str, Any]) -> str:
    """The clipboard text: sorted, indented JSON."""
    return json.dumps(data, sort_keys=True, indent=2)


def from_json(text: str) -> dict[str, Any]:
    """Clipboard data from its text; ``ProjectError`` if it holds no Previz nodes."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ProjectError("the clipboard holds no Previz nodes") from error
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ProjectError("the clipboard holds no Previz nodes")
    return data


def paste_command(data: dict[str, Any], project: Project,
                  keep_inputs_from: Project | None = None) -> AddNodes:
    """An ``AddNodes`` that adds the copied nodes with new ids, offset from where they were.

    The offset grows until no pasted node lands exactly on a node already in ``project``.
    With ``keep_inputs_from`` (duplicate), links from nodes outside the copy into it are
    kept too, so a duplicated shot still takes its prompt.
    """
    part = project_from_dict(data.get("project"))
    ids = {old: new_id() for old in part.nodes}
    offset = _free_offset(part, project)
    nodes = []
    for old, node in part.nodes.items():
        node.id = ids[old]
        node.position = (node.position[0] + offset, node.position[1] + offset)
        nodes.append(node)
    links = [_renamed(link, ids) for link in part.links.values()]
    if keep_inputs_from is not None:
        links += [
            _renamed(link, ids) for link in keep_inputs_from.links.values()
            if link.target.node in ids and link.source.node not in ids
        ]
    return AddNodes(nodes, links)


def next_shot_numbers(nodes: list[Node], project: Project) -> None:
    """Give each Shot among ``nodes`` the next shot number free in its scene (in steps of
    10, as slates count: 0010, 0020 …), so a duplicate never shares its original's slate."""
    taken = {(node.params.get("scene"), node.params.get("shot"))
             for node in project.nodes.values() if node.type == SHOT_TYPE}
    for node in nodes:
        shot = node.params.get("shot")
        if node.type != SHOT_TYPE or not isinstance(shot, str) or not shot.isdigit():
            continue
        scene, number = node.params.get("scene"), int(shot)
        candidate = shot
        while (scene, candidate) in taken:
            number += SHOT_STEP - number % SHOT_STEP
            candidate = str(number).zfill(len(shot))
        node.params["shot"] = candidate
        taken.add((scene, candidate))


def _renamed(link: Link, ids: dict[str, str]) -> Link:
    source = PortRef(ids.get(link.source.node, link.source.node), link.source.port)
    target = PortRef(ids.get(link.target.node, link.target.node), link.target.port)
    return Link(new_id(), source, target, copy.deepcopy(link.extra))


def _free_offset(part: Project, project: Project) -> float:
    taken = {node.position for node in project.nodes.values()}
    offset = PASTE_OFFSET
    while any((x + offset, y + offset) in taken for x, y in
              (node.position for node in part.nodes.values())):
        offset += PASTE_OFFSET
    return offset
