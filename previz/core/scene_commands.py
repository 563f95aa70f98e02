"""Undoable edits of the cast and the locations: add, change (one drag, one step), remove.

Each edit is checked as the file would check it on load, so an edit never makes a project
that cannot be saved and opened again; a refused edit changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from previz.core.cast import Character, check_character
from previz.core.commands import Command
from previz.core.errors import EditRefused, ProjectError
from previz.core.locations import Light, Location, SetPiece, check_location
from previz.core.project import Project


def _users_of(project: Project, item_id: str) -> list[str]:
    """Names of the nodes whose params name ``item_id`` (a scene's cast or location)."""
    found = []
    for node in project.nodes.values():
        if item_id in _ids_in(node.params.values()):
            found.append(_scene_name(node.params))
    return found


def _scene_name(params: dict[str, Any]) -> str:
    number, heading = params.get("number", ""), params.get("heading", "")
    return f"scene {number} '{heading}'" if heading else f"scene {number}"


def _ids_in(values: Iterable[Any]) -> set[str]:
    ids: set[str] = set()
    for value in values:
        if isinstance(value, str):
            ids.add(value)
        elif isinstance(value, list | tuple):
            ids |= _ids_in(value)
        elif isinstance(value, dict):
            ids |= _ids_in(value.values())
    return ids


def _checked(check: Callable[[Any], None], item: Any) -> None:
    try:
        check(item)
    except ProjectError as error:
        raise EditRefused(error.what + (f" ({error.where})" if error.where else "")) from None


@dataclass
class AddCharacter(Command):
    """Add a character to the cast."""

    character: Character

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Add {self.character.name}"

    def do(self, project: Project) -> None:
        if self.character.id in project.cast:
            raise EditRefused(f"{self.character.name} is already in the cast")
        _checked(check_character, self.character)
        project.put_character(self.character)

    def undo(self, project: Project) -> None:
        project.remove_character(self.character.id)


@dataclass
class EditCharacter(Command):
    """Change fields of a character; edits sharing a ``gesture`` merge into one step."""

    character_id: str
    changes: dict[str, Any]
    gesture: str | None = None
    _old: Character | None = field(default=None, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Change {', '.join(sorted(self.changes))}"

    def do(self, project: Project) -> None:
        current = project.cast.get(self.character_id)
        if current is None:
            raise EditRefused(f"no character {self.character_id} in the cast")
        edited = _replaced(current, self.changes)
        _checked(check_character, edited)
        if self._old is None:
            self._old = current
        project.put_character(edited)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.put_character(self._old)

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, EditCharacter) and self.gesture
                and other.gesture == self.gesture and other.character_id == self.character_id):
            return False
        self.changes = {**self.changes, **other.changes}
        return True


@dataclass
class RemoveCharacter(Command):
    """Take a character out of the cast; refused while a scene still has them in it."""

    character_id: str
    _old: Character | None = field(default=None, init=False)
    text = "Remove character"

    def do(self, project: Project) -> None:
        users = _users_of(project, self.character_id)
        if users:
            raise EditRefused(f"the character is in {', '.join(users)}: take them out first")
        self._old = project.remove_character(self.character_id)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.put_character(self._old)


@dataclass
class AddLocation(Command):
    """Add a location to the library."""

    location: Location

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Add {self.location.slug()}"

    def do(self, project: Project) -> None:
        if self.location.id in project.locations:
            raise EditRefused(f"{self.location.name} is already a location")
        _checked(check_location, self.location)
        project.put_location(self.location)

    def undo(self, project: Project) -> None:
        project.remove_location(self.location.id)


@dataclass
class EditLocation(Command):
    """Change fields of a location (name, setting, description, ground, lights)."""

    location_id: str
    changes: dict[str, Any]
    gesture: str | None = None
    _old: Location | None = field(default=None, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Change {', '.join(sorted(self.changes))}"

    def do(self, project: Project) -> None:
        current = _location(project, self.location_id)
        edited = _replaced(current, self.changes)
        _checked(check_location, edited)
        if self._old is None:
            self._old = current
        project.put_location(edited)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.put_location(self._old)

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, EditLocation) and self.gesture
                and other.gesture == self.gesture and other.location_id == self.location_id):
            return False
        self.changes = {**self.changes, **other.changes}
        return True


@dataclass
class RemoveLocation(Command):
    """Take a location out of the library; refused while a scene is set there."""

    location_id: str
    _old: Location | None = field(default=None, init=False)
    text = "Remove location"

    def do(self, project: Project) -> None:
        users = _users_of(project, self.location_id)
        if users:
            raise EditRefused(f"{', '.join(users)} is set there: move it elsewhere first")
        self._old = project.remove_location(self.location_id)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.put_location(self._old)


@dataclass
class AddSetPiece(Command):
    """Put a set piece into a location."""

    location_id: str
    piece: SetPiece

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Add {self.piece.name or self.piece.kind}"

    def do(self, project: Project) -> None:
        location = _location(project, self.location_id)
        edited = dataclasses.replace(location, set_pieces=(*location.set_pieces, self.piece))
        _checked(check_location, edited)
        project.put_location(edited)

    def undo(self, project: Project) -> None:
        location = project.locations[self.location_id]
        kept = tuple(piece for piece in location.set_pieces if piece.id != self.piece.id)
        project.put_location(dataclasses.replace(location, set_pieces=kept))


@dataclass
class EditSetPiece(Command):
    """Move, turn, resize or recolour a set piece; one drag (one ``gesture``) is one step."""

    location_id: str
    piece_id: str
    changes: dict[str, Any]
    gesture: str | None = None
    _old: Location | None = field(default=None, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return "Move set piece" if set(self.changes) <= {"x", "z"} else "Change set piece"

    def do(self, project: Project) -> None:
        location = _location(project, self.location_id)
        if location.piece(self.piece_id) is None:
            raise EditRefused(f"{location.name} has no set piece {self.piece_id}")
        pieces = tuple(_replaced(piece, self.changes) if piece.id == self.piece_id else piece
                       for piece in location.set_pieces)
        edited = dataclasses.replace(location, set_pieces=pieces)
        _checked(check_location, edited)
        if self._old is None:
            self._old = location
        project.put_location(edited)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.put_location(self._old)

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, EditSetPiece) and self.gesture
                and other.gesture == self.gesture and other.piece_id == self.piece_id):
            return False
        self.changes = {**self.changes, **other.changes}
        return True


@dataclass
class RemoveSetPiece(Command):
    """Take a set piece out of a location; undo puts it back in its place."""

    location_id: str
    piece_id: str
    _old: Location | None = field(default=None, init=False)
    text = "Remove set piece"

    def do(self, project: Project) -> None:
        location = _location(project, self.location_id)
        if location.piece(self.piece_id) is None:
            raise EditRefused(f"{location.name} has no set piece {self.piece_id}")
        self._old = location
        kept = tuple(piece for piece in location.set_pieces if piece.id != self.piece_id)
        project.put_location(dataclasses.replace(location, set_pieces=kept))

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.put_location(self._old)


def add_light(location: Location, light: Light) -> EditLocation:
    """The edit that adds a practical light to a location."""
    return EditLocation(location.id, {"lights": (*location.lights, light)})


def _location(project: Project, location_id: str) -> Location:
    location = project.locations.get(location_id)
    if location is None:
        raise EditRefused(f"no location {location_id}")
    return location


def _replaced(item: Any, changes: dict[str, Any]) -> Any:
    known = {f.name for f in dataclasses.fields(item)} - {"id", "extra"}
    unknown = set(changes) - known
    if unknown:
        raise EditRefused(f"{type(item).__name__.lower()} has no field {sorted(unknown)[0]!r}")
    fixed = {name: tuple(value) if isinstance(value, list) else value
             for name, value in changes.items()}
    return dataclasses.replace(item, **fixed)
