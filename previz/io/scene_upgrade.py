"""Project.1 to Project.2: a project from before scenes gets its shots' subjects as scenes.

Each scene number's Shots are gathered into one Scene node: their people become the cast (one
character per name across the project, at the height the first shot gave them), their props
and vehicles the set pieces of a location for the scene, and each shot gets a window of scene
time of its own, in cut order, with every character on the mark the shot had them on. Ids are
UUID5s of what they stand for, so upgrading the same file twice gives the same project.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from previz.core import cast, locations

NAMESPACE = uuid.UUID("3d0f7a52-5c1e-4f0e-8f52-6a3b1f0c9e21")
_NIGHT = re.compile(r"\b(night|midnight|moonlit|moonlight|after dark|nightfall)\b", re.I)
_DUSK = re.compile(r"\b(dusk|sunset|sundown|twilight|golden hour|magic hour|evening)\b", re.I)
_DAWN = re.compile(r"\b(dawn|sunrise|daybreak|first light)\b", re.I)
_INTERIOR = re.compile(r"\bint\.|\b(interior|inside|indoors?)\b", re.I)
_SLUG = re.compile(r"\b(?:INT|EXT)\.\s*([A-Z0-9' ]+?)\s*(?:[-.,]|$)")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def gather_scenes(project: dict[str, Any]) -> dict[str, Any]:
    """The Project.1 object ``project`` with its shots' subjects gathered into scenes."""
    data = copy.deepcopy(project)
    nodes, links = data.setdefault("nodes", {}), data.setdefault("links", {})
    characters, places = data.setdefault("cast", {}), data.setdefault("locations", {})
    if not all(isinstance(part, dict) for part in (nodes, links, characters, places)):
        return data  # malformed: loading says what and where, better than an upgrade could
    for number, shots in _shots_by_scene(data).items():
        scene_id = _id("scene", number)
        location = _location(number, [nodes[shot]["params"] for shot in shots],
                             _prompt_text(data, shots))
        places[location[0]] = location[1]
        blocking = []
        scene_time = 0.0
        for shot_id in shots:
            params = nodes[shot_id]["params"]
            blocking += _marks(params.get("subjects", []), scene_time, characters)
            params["scene_in"] = scene_time
            params["subject"] = _main_name(params.get("subjects", []))
            params.pop("subjects", None)
            scene_time = round(scene_time + _number(params.get("duration", 3.0), 3.0), 6)
            links[_id("link", scene_id, shot_id)] = {
                "schema": "Link.1", "source": {"node": scene_id, "port": "scene"},
                "target": {"node": shot_id, "port": "scene"}}
        cast_ids = list(dict.fromkeys(mark["character"] for mark in blocking))
        nodes[scene_id] = _scene_node(number, location[0], cast_ids, blocking,
                                      time_of_day=_time_of_day(_prompt_text(data, shots)),
                                      position=_left_of(nodes, shots))
    return data


def _shots_by_scene(data: dict[str, Any]) -> dict[str, list[str]]:
    """Shot ids by scene number, in cut order first, then in the order the file lists them."""
    nodes = data["nodes"]
    order = []
    for entry in data.get("timeline", []):
        if isinstance(entry, dict):
            order += _shots_feeding(data, entry.get("node"), set())
    order += list(nodes)
    grouped: dict[str, list[str]] = {}
    for node_id in dict.fromkeys(order):
        node = nodes.get(node_id) if isinstance(node_id, str) else None
        if not isinstance(node, dict) or node.get("type") != "previz.shot":
            continue
        params = node.setdefault("params", {})
        if not isinstance(params, dict) or not isinstance(params.get("subjects", []), list):
            continue
        if _linked(data, node_id, "scene"):
            continue
        grouped.setdefault(str(params.get("scene", "010")), []).append(node_id)
    return grouped


def _shots_feeding(data: dict[str, Any], node_id: Any, seen: set[str]) -> list[str]:
    """The node and the nodes upstream of it, depth first, inputs in port-name order (so an
    Interpolate's clip A comes before its clip B)."""
    if not isinstance(node_id, str) or node_id in seen:
        return []
    seen.add(node_id)
    feeding = sorted((str(link["target"].get("port")), link["source"].get("node"))
                     for link in data.get("links", {}).values()
                     if isinstance(link, dict) and isinstance(link.get("target"), dict)
                     and isinstance(link.get("source"), dict)
                     and link["target"].get("node") == node_id)
    found = [node_id]
    for _, source in feeding:
        found += _shots_feeding(data, source, seen)
    return found


def _linked(data: dict[str, Any], node_id: str, port: str) -> bool:
    return any(isinstance(link, dict) and link.get("target") == {"node": node_id, "port": port}
               for link in data.get("links", {}).values())


def _marks(subjects: list[Any], time: float, characters: dict[str, Any]) -> list[dict]:
    marks = []
    for record in subjects:
        if not isinstance(record, dict) or record.get("kind", "person") != "person":
            continue
        name = str(record.get("name") or "Actor")
        character_id = _id("character", name)
        characters.setdefault(character_id, {
            "schema": cast.SCHEMA, "name": name,
            "height": _number(record.get("height", 1.75), 1.75)})
        marks.append({"character": character_id, "time": time,
                      "x": _number(record.get("x", 0.0), 0.0),
                      "z": _number(record.get("z", 0.0), 0.0),
                      "facing": _number(record.get("facing", 0.0), 0.0), "travel": 0.0})
    return marks


def _location(number: str, shots: list[dict[str, Any]],
              words: str) -> tuple[str, dict[str, Any]]:
    """A location for the scene whose set pieces are the shots' props and vehicles."""
    pieces: dict[str, dict[str, Any]] = {}
    for params in shots:
        for record in params.get("subjects", []):
            if isinstance(record, dict) and record.get("kind") in ("prop", "vehicle"):
                name = str(record.get("name") or record["kind"])
                pieces.setdefault(name, _piece(number, name, record))
    location_id = _id("location", number)
    slug = _SLUG.search(words)
    return location_id, {
        "schema": locations.SCHEMA,
        "name": slug[1].strip().title() if slug and slug[1].strip() else f"Scene {number}",
        "setting": "INT" if _INTERIOR.search(words) else "EXT", "description": "",
        "ground": "grass", "set_pieces": list(pieces.values()), "lights": []}


def _piece(number: str, name: str, record: dict[str, Any]) -> dict[str, Any]:
    kind = "car" if record["kind"] == "vehicle" else "box"
    base = locations.LIBRARY[kind]
    return {"schema": locations.PIECE_SCHEMA, "id": _id("piece", number, name), "kind": kind,
            "name": name, "x": _number(record.get("x", 0.0), 0.0),
            "z": _number(record.get("z", 0.0), 0.0),
            "rotation": _number(record.get("facing", 0.0), 0.0), "width": base.width,
            "depth": base.depth, "height": _number(record.get("height", base.height),
                                                    base.height), "colour": base.colour}


def _main_name(subjects: list[Any]) -> str:
    records = [r for r in subjects if isinstance(r, dict)]
    main = next((r for r in records if r.get("main")), records[0] if records else None)
    if main is None:
        return ""
    return str(main.get("name") or ("Actor" if main.get("kind", "person") == "person"
                                    else main.get("kind")))


def _scene_node(number: str, location: str, cast_ids: list[str], blocking: list[dict], *,
                time_of_day: str, position: list[float]) -> dict[str, Any]:
    return {"schema": "Node.1", "type": "previz.scene", "version": 1, "position": position,
            "circled_take": 0,
            "params": {"number": number, "heading": "", "location": location,
                       "time_of_day": time_of_day, "cast": cast_ids, "blocking": blocking,
                       "action": ""}}


def _prompt_text(data: dict[str, Any], shots: list[str]) -> str:
    """The words of the prompts feeding these shots (to tell night from day, inside from out)."""
    words = []
    for link in data.get("links", {}).values():
        target = link.get("target") if isinstance(link, dict) else None
        source = link.get("source") if isinstance(link, dict) else None
        if not (isinstance(target, dict) and isinstance(source, dict)):
            continue
        if target.get("node") in shots and target.get("port") == "prompt":
            node = data["nodes"].get(source.get("node")) if isinstance(source.get("node"),
                                                                        str) else None
            params = node.get("params") if isinstance(node, dict) else None
            if isinstance(params, dict):
                words.append(str(params.get("text", "")))
    return " ".join(words)


def _time_of_day(words: str) -> str:
    for name, pattern in (("night", _NIGHT), ("dawn", _DAWN), ("dusk", _DUSK)):
        if pattern.search(words):
            return name
    return "day"


def _left_of(nodes: dict[str, Any], shots: list[str]) -> list[float]:
    places = [nodes[s].get("position", [0.0, 0.0]) for s in shots]
    xs = [p[0] for p in places if isinstance(p, list) and p and isinstance(p[0], int | float)]
    return [float(min(xs, default=0.0)) - 300.0, -240.0]


def _number(value: Any, default: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok and abs(value) < 1e9 else default
