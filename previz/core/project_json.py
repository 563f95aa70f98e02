"""The project as JSON-ready data, and back, checking every field of the structure.

Param values are kept as they are (the compiler checks them against the node specs, since a
project must open even when a node type is not installed). Unknown fields are kept on each
object and written back unchanged.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from previz.core.cast import character_from_dict
from previz.core.errors import ProjectError
from previz.core.ids import is_id
from previz.core.locations import location_from_dict
from previz.core.project import (
    EDITORIAL_RATES,
    Asset,
    Link,
    Node,
    PortRef,
    Project,
    Settings,
    TimelineEntry,
)
from previz.core.spec import format_fraction, parse_fraction

SCHEMAS = {
    "Project": 2,
    "Settings": 1,
    "Node": 1,
    "Link": 1,
    "TimelineEntry": 1,
    "Asset": 1,
    "Character": 1,
    "Location": 1,
    "SetPiece": 1,
    "Light": 1,
}
ASSET_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "tif", "tiff", "bmp")
MAX_SIZE = 16384


def project_to_dict(project: Project) -> dict[str, Any]:
    """The project as plain JSON data (asset bytes aside)."""
    return {
        **project.extra,
        "schema": _schema("Project"),
        "settings": _settings_to_dict(project.settings),
        "nodes": {node.id: _node_to_dict(node) for node in project.nodes.values()},
        "links": {link.id: _link_to_dict(link) for link in project.links.values()},
        "timeline": [_entry_to_dict(entry) for entry in project.timeline],
        "assets": {asset.sha256: _asset_to_dict(asset) for asset in project.assets.values()},
        "models": dict(project.models),
        "cast": {key: character.to_dict() for key, character in project.cast.items()},
        "locations": {key: location.to_dict() for key, location in project.locations.items()},
    }


def project_from_dict(data: Any) -> Project:
    """A project from JSON data at the current schema versions; ``ProjectError`` if malformed."""
    top = _object(data, "project.json")
    _expect_schema(top, "Project", "project.json")
    project = Project(_settings_from_dict(top.get("settings", {}), "settings"))
    nodes = _object(top.get("nodes", {}), "nodes")
    project.nodes = {key: _node_from_dict(key, value) for key, value in nodes.items()}
    links = _object(top.get("links", {}), "links")
    project.links = {key: _link_from_dict(key, value, project) for key, value in links.items()}
    _check_one_link_per_input(project)
    project.timeline = _timeline_from_list(top.get("timeline", []), project)
    assets = _object(top.get("assets", {}), "assets")
    project.assets = {key: _asset_from_dict(key, value) for key, value in assets.items()}
    project.models = _models_from_dict(top.get("models", {}))
    cast = _object(top.get("cast", {}), "cast")
    project.cast = {key: character_from_dict(key, value, f"cast.{key}")
                    for key, value in cast.items()}
    _check_references(project)
    locations = _object(top.get("locations", {}), "locations")
    project.locations = {key: location_from_dict(key, value, f"locations.{key}")
                         for key, value in locations.items()}
    project.extra = _extra(top, {"schema", "settings", "nodes", "links", "timeline", "assets",
                                 "models", "cast", "locations"})
    return project


def _schema(type_name: str) -> str:
    return f"{type_name}.{SCHEMAS[type_name]}"


def _settings_to_dict(settings: Settings) -> dict[str, Any]:
    return {**settings.extra, "schema": _schema("Settings"), "rate": format_fraction(settings.rate),
            "width": settings.width, "height": settings.height}


def _node_to_dict(node: Node) -> dict[str, Any]:
    return {**node.extra, "schema": _schema("Node"), "type": node.type, "version": node.version,
            "params": node.params, "position": list(node.position),
            "circled_take": node.circled_take}


def _link_to_dict(link: Link) -> dict[str, Any]:
    return {**link.extra, "schema": _schema("Link"), "source": _ref_to_dict(link.source),
            "target": _ref_to_dict(link.target)}


def _ref_to_dict(ref: PortRef) -> dict[str, Any]:
    return {**ref.extra, "node": ref.node, "port": ref.port}


def _entry_to_dict(entry: TimelineEntry) -> dict[str, Any]:
    return {**entry.extra, "schema": _schema("TimelineEntry"), "id": entry.id, "node": entry.node,
            "in": entry.in_frame, "out": entry.out_frame}


def _asset_to_dict(asset: Asset) -> dict[str, Any]:
    return {**asset.extra, "schema": _schema("Asset"), "name": asset.name, "ext": asset.ext}


def _settings_from_dict(data: Any, where: str) -> Settings:
    data = _object(data, where)
    _expect_schema(data, "Settings", where)
    rate = _rate(data.get("rate", "24"), f"{where}.rate")
    width = _size(data.get("width", 1280), f"{where}.width")
    height = _size(data.get("height", 720), f"{where}.height")
    return Settings(rate, width, height, _extra(data, {"schema", "rate", "width", "height"}))


def _node_from_dict(key: str, data: Any) -> Node:
    where = f"nodes.{key}"
    _check_id(key, where)
    data = _object(data, where)
    _expect_schema(data, "Node", where)
    type_id = _string(data.get("type"), f"{where}.type")
    version = _integer(data.get("version", 1), f"{where}.version", minimum=1)
    params = _object(data.get("params", {}), f"{where}.params")
    position = _position(data.get("position", [0.0, 0.0]), f"{where}.position")
    take = _integer(data.get("circled_take", 0), f"{where}.circled_take", minimum=0)
    extra = _extra(data, {"schema", "type", "version", "params", "position", "circled_take"})
    return Node(key, type_id, params, position, take, version, extra)


def _link_from_dict(key: str, data: Any, project: Project) -> Link:
    where = f"links.{key}"
    _check_id(key, where)
    data = _object(data, where)
    _expect_schema(data, "Link", where)
    source = _ref_from_dict(data.get("source"), f"{where}.source", project)
    target = _ref_from_dict(data.get("target"), f"{where}.target", project)
    if source.node == target.node:
        raise ProjectError("a link from a node into itself", where)
    return Link(key, source, target, _extra(data, {"schema", "source", "target"}))


def _ref_from_dict(data: Any, where: str, project: Project) -> PortRef:
    data = _object(data, where)
    node = _string(data.get("node"), f"{where}.node")
    if node not in project.nodes:
        raise ProjectError(f"dangling link: no node {node}", f"{where}.node")
    port = _string(data.get("port"), f"{where}.port")
    return PortRef(node, port, _extra(data, {"node", "port"}))


def _check_one_link_per_input(project: Project) -> None:
    seen: dict[PortRef, str] = {}
    for link in project.links.values():
        if link.target in seen:
            raise ProjectError(f"input already fed by link {seen[link.target]}",
                               f"links.{link.id}.target")
        seen[link.target] = link.id


def _timeline_from_list(data: Any, project: Project) -> list[TimelineEntry]:
    if not isinstance(data, list):
        raise ProjectError("expected a list of entries", "timeline")
    entries = [_entry_from_dict(item, f"timeline[{index}]", project)
               for index, item in enumerate(data)]
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.id in seen:
            raise ProjectError(f"duplicate entry id {entry.id}", f"timeline[{index}].id")
        seen.add(entry.id)
    return entries


def _entry_from_dict(data: Any, where: str, project: Project) -> TimelineEntry:
    data = _object(data, where)
    _expect_schema(data, "TimelineEntry", where)
    entry_id = _string(data.get("id"), f"{where}.id")
    _check_id(entry_id, f"{where}.id")
    node = _string(data.get("node"), f"{where}.node")
    if node not in project.nodes:
        raise ProjectError(f"no node {node}", f"{where}.node")
    in_frame = _integer(data.get("in", 0), f"{where}.in", minimum=0)
    out_frame = data.get("out")
    if out_frame is not None:
        out_frame = _integer(out_frame, f"{where}.out", minimum=in_frame + 1)
    extra = _extra(data, {"schema", "id", "node", "in", "out"})
    return TimelineEntry(entry_id, node, in_frame, out_frame, extra)


def _asset_from_dict(key: str, data: Any) -> Asset:
    where = f"assets.{key}"
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ProjectError("an asset is named by the SHA-256 of its bytes (64 hex digits)", where)
    data = _object(data, where)
    _expect_schema(data, "Asset", where)
    name = _string(data.get("name", ""), f"{where}.name", allow_empty=True)
    ext = _string(data.get("ext"), f"{where}.ext")
    if ext not in ASSET_EXTENSIONS:
        raise ProjectError(f"unsupported image type {ext!r}", f"{where}.ext")
    return Asset(key, name, ext, b"", _extra(data, {"schema", "name", "ext"}))


def _check_references(project: Project) -> None:
    for key, character in project.cast.items():
        for index, sha256 in enumerate(character.references):
            if sha256 not in project.assets:
                raise ProjectError(f"reference image {sha256[:12]} is not among the assets",
                                   f"cast.{key}.references[{index}]")
    for key, location in project.locations.items():
        for index, sha256 in enumerate(location.references):
            if sha256 not in project.assets:
                raise ProjectError(f"reference image {sha256[:12]} is not among the assets",
                                   f"locations.{key}.references[{index}]")


def _models_from_dict(data: Any) -> dict[str, str]:
    models = _object(data, "models")
    for model_id, fingerprint in models.items():
        _string(fingerprint, f"models.{model_id}")
    return dict(models)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProjectError(f"expected an object, found {_kind(value)}", where)
    return value


def _expect_schema(data: dict[str, Any], type_name: str, where: str) -> None:
    found = data.get("schema")
    if found != _schema(type_name):
        raise ProjectError(f"expected schema {_schema(type_name)!r}, found {found!r}", where)


def _string(value: Any, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value):
        raise ProjectError(f"expected text, found {_kind(value)}", where)
    return value


def _integer(value: Any, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProjectError(f"expected a whole number, found {_kind(value)}", where)
    if value < minimum:
        raise ProjectError(f"{value} is below {minimum}", where)
    return value


def _number(value: Any, where: str) -> float:
    try:
        number = float(value) if isinstance(value, int | float) and value is not True else None
    except OverflowError:  # an integer too large for a float
        number = None
    if isinstance(value, bool) or number is None or not math.isfinite(number):
        raise ProjectError(f"expected a finite number, found {_kind(value)}", where)
    return number


def _position(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise ProjectError("expected [x, y]", where)
    return (_number(value[0], f"{where}[0]"), _number(value[1], f"{where}[1]"))


def _rate(value: Any, where: str) -> Fraction:
    try:
        rate = parse_fraction(value)
    except (ValueError, ZeroDivisionError):
        rate = None
    if rate not in EDITORIAL_RATES:
        allowed = ", ".join(format_fraction(r) for r in EDITORIAL_RATES)
        raise ProjectError(f"editorial rate {value!r} is not one of {allowed}", where)
    return rate


def _size(value: Any, where: str) -> int:
    size = _integer(value, where, minimum=2)
    if size > MAX_SIZE:
        raise ProjectError(f"{size} is above {MAX_SIZE}", where)
    return size


def _check_id(value: str, where: str) -> None:
    if not is_id(value):
        raise ProjectError(f"{value!r} is not a UUID", where)


def _extra(data: dict[str, Any], known: set[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in known}


def _kind(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "text", bool: "true/false",
                              int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)

