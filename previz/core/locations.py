"""Locations: INT/EXT, ground, set pieces from the built-in library, and practical lights."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from previz.core import records
from previz.core.errors import ProjectError
from previz.core.ids import new_id

SCHEMA = "Location.1"
PIECE_SCHEMA = "SetPiece.1"
LIGHT_SCHEMA = "Light.1"
SETTINGS = ("INT", "EXT")
GROUNDS = ("grass", "asphalt", "concrete", "sand", "rock", "wood", "tile", "carpet")


@dataclass(frozen=True)
class PieceKind:
    """A set piece in the built-in library: default size in metres (width, depth, height),
    colour, and what the draft's subjects call it (a prop, or a vehicle)."""

    width: float
    depth: float
    height: float
    colour: str
    subject_kind: str = "prop"


LIBRARY: dict[str, PieceKind] = {
    "wall": PieceKind(4.0, 0.2, 2.7, "#b8b0a0"),
    "door": PieceKind(0.9, 0.1, 2.05, "#7a5a3a"),
    "window": PieceKind(1.2, 0.1, 1.2, "#a8c0d0"),
    "table": PieceKind(1.4, 0.8, 0.75, "#8a6a48"),
    "chair": PieceKind(0.45, 0.5, 0.9, "#6a5038"),
    "bench": PieceKind(1.6, 0.5, 0.85, "#7a6448"),
    "counter": PieceKind(2.0, 0.6, 0.92, "#9a9080"),
    "bed": PieceKind(1.5, 2.0, 0.6, "#c0b8a8"),
    "stairs": PieceKind(1.0, 3.0, 2.7, "#908878"),
    "car": PieceKind(1.8, 4.4, 1.5, "#4a5a78", "vehicle"),
    "bus_shelter": PieceKind(3.5, 1.5, 2.5, "#8090a0"),
    "lamp_post": PieceKind(0.25, 0.25, 4.0, "#404448"),
    "tree": PieceKind(3.0, 3.0, 7.0, "#3a6a30"),
    "box": PieceKind(0.6, 0.6, 0.6, "#a08860"),
    "tower": PieceKind(5.0, 5.0, 14.0, "#e0dcd0"),
}
_PIECE_FIELDS = {"schema", "id", "kind", "name", "x", "z", "rotation", "width", "depth",
                 "height", "colour"}
_LIGHT_FIELDS = {"schema", "id", "name", "x", "y", "z", "colour", "intensity"}
_FIELDS = {"schema", "name", "setting", "description", "ground", "set_pieces", "lights",
           "references"}
EXTENT = 10000.0  # metres: a set piece or light farther out is a typing mistake
MAX_SET_PIECES = 256  # per location: keeps a draft frame's cost bounded (DESIGN §9)
MAX_LIGHTS = 100


@dataclass(frozen=True)
class SetPiece:
    """A set piece on the ground at (x, z), turned ``rotation`` degrees, with its size."""

    id: str
    kind: str
    name: str = ""
    x: float = 0.0
    z: float = 0.0
    rotation: float = 0.0
    width: float = 1.0
    depth: float = 1.0
    height: float = 1.0
    colour: str = "#a08860"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of_kind(cls, kind: str, name: str = "", **fields: Any) -> SetPiece:
        """A new piece of a library kind, at the library's size and colour unless given."""
        base = LIBRARY[kind]
        sizes = {"width": base.width, "depth": base.depth, "height": base.height,
                 "colour": base.colour}
        return cls(new_id(), kind, name or kind.replace("_", " "), **{**sizes, **fields})

    def to_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {**self.extra, "schema": PIECE_SCHEMA, "id": self.id, "kind": self.kind,
                "name": self.name, "x": self.x, "z": self.z, "rotation": self.rotation,
                "width": self.width, "depth": self.depth, "height": self.height,
                "colour": self.colour}


@dataclass(frozen=True)
class Light:
    """A practical light at (x, y, z) metres, with colour and intensity (1: a street lamp)."""

    id: str
    name: str = "practical"
    x: float = 0.0
    y: float = 3.0
    z: float = 0.0
    colour: str = "#ffd8a0"
    intensity: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {**self.extra, "schema": LIGHT_SCHEMA, "id": self.id, "name": self.name,
                "x": self.x, "y": self.y, "z": self.z, "colour": self.colour,
                "intensity": self.intensity}


@dataclass(frozen=True)
class Location:
    """A location: INT or EXT, a description for prompts, the ground, set pieces and lights.

    The sun or moon comes from the scene's time of day; ``lights`` are the practicals.
    """

    id: str
    name: str
    setting: str = "EXT"
    description: str = ""
    ground: str = "grass"
    set_pieces: tuple[SetPiece, ...] = ()
    lights: tuple[Light, ...] = ()
    references: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def new(cls, name: str, **fields: Any) -> Location:
        """A location with a fresh id."""
        return cls(new_id(), name, **fields)

    def piece(self, piece_id: str) -> SetPiece | None:
        """The set piece with this id, if there is one."""
        return next((piece for piece in self.set_pieces if piece.id == piece_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The stored form (its id is the key it is stored under)."""
        return {**self.extra, "schema": SCHEMA, "name": self.name, "setting": self.setting,
                "description": self.description, "ground": self.ground,
                "set_pieces": [piece.to_dict() for piece in self.set_pieces],
                "lights": [light.to_dict() for light in self.lights],
                # only when there are some: a location without them keys its shots as before
                **({"references": list(self.references)} if self.references else {})}

    def slug(self) -> str:
        """The slug line: ``EXT. LIGHTHOUSE``."""
        return f"{self.setting}. {self.name.upper()}"


def location_from_dict(key: str, data: Any, where: str) -> Location:
    """A location from its stored form; ``ProjectError`` naming the field when malformed."""
    records.identifier(key, where)
    data = records.record(data, where)
    records.schema(data, SCHEMA, where)
    pieces = records.items(data.get("set_pieces", []), f"{where}.set_pieces",
                           limit=MAX_SET_PIECES)
    lights = records.items(data.get("lights", []), f"{where}.lights", limit=MAX_LIGHTS)
    location = Location(
        id=key,
        name=records.text(data.get("name"), f"{where}.name", allow_empty=False, limit=200),
        setting=records.choice(data.get("setting", "EXT"), SETTINGS, f"{where}.setting"),
        description=records.text(data.get("description", ""), f"{where}.description"),
        ground=records.choice(data.get("ground", "grass"), GROUNDS, f"{where}.ground"),
        set_pieces=tuple(_piece(item, f"{where}.set_pieces[{i}]") for i, item in enumerate(pieces)),
        lights=tuple(_light(item, f"{where}.lights[{i}]") for i, item in enumerate(lights)),
        references=records.asset_hashes(data.get("references", []), f"{where}.references"),
        extra={name: value for name, value in data.items() if name not in _FIELDS},
    )
    _check_unique([piece.id for piece in location.set_pieces], f"{where}.set_pieces")
    _check_unique([light.id for light in location.lights], f"{where}.lights")
    return location


def check_location(location: Location) -> None:
    """Raise ``ProjectError`` if an edited location would not load back."""
    location_from_dict(location.id, location.to_dict(), f"locations.{location.name}")


def _piece(data: Any, where: str) -> SetPiece:
    data = records.record(data, where)
    records.schema(data, PIECE_SCHEMA, where)
    kind = records.choice(data.get("kind"), tuple(LIBRARY), f"{where}.kind")
    base = LIBRARY[kind]
    return SetPiece(
        id=records.identifier(data.get("id"), f"{where}.id"), kind=kind,
        name=records.text(data.get("name", ""), f"{where}.name", limit=200),
        x=records.number(data.get("x", 0.0), f"{where}.x", -EXTENT, EXTENT),
        z=records.number(data.get("z", 0.0), f"{where}.z", -EXTENT, EXTENT),
        rotation=records.number(data.get("rotation", 0.0), f"{where}.rotation", -3600, 3600),
        width=records.number(data.get("width", base.width), f"{where}.width", 0.01, 500),
        depth=records.number(data.get("depth", base.depth), f"{where}.depth", 0.01, 500),
        height=records.number(data.get("height", base.height), f"{where}.height", 0.01, 500),
        colour=records.colour(data.get("colour", base.colour), f"{where}.colour"),
        extra={name: value for name, value in data.items() if name not in _PIECE_FIELDS},
    )


def _light(data: Any, where: str) -> Light:
    data = records.record(data, where)
    records.schema(data, LIGHT_SCHEMA, where)
    return Light(
        id=records.identifier(data.get("id"), f"{where}.id"),
        name=records.text(data.get("name", "practical"), f"{where}.name", limit=200),
        x=records.number(data.get("x", 0.0), f"{where}.x", -EXTENT, EXTENT),
        y=records.number(data.get("y", 3.0), f"{where}.y", -EXTENT, EXTENT),
        z=records.number(data.get("z", 0.0), f"{where}.z", -EXTENT, EXTENT),
        colour=records.colour(data.get("colour", "#ffd8a0"), f"{where}.colour"),
        intensity=records.number(data.get("intensity", 1.0), f"{where}.intensity", 0.0, 1000.0),
        extra={name: value for name, value in data.items() if name not in _LIGHT_FIELDS},
    )


def _check_unique(ids: list[str], where: str) -> None:
    if len(set(ids)) != len(ids):
        raise ProjectError("two items share one id", where)
