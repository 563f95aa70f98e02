"""The Scene value: a location at a time of day, its cast and their blocking in scene time.

A Scene node makes one from the project's libraries; a Shot reads from it where everyone is
at the scene times its window covers, and what its prompt should say.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from previz.core.blocking import Blocking, CharacterState, parse_blocking
from previz.core.cast import Character, character_from_dict
from previz.core.locations import LIBRARY, Location, SetPiece, location_from_dict
from previz.core.subjects import MAX_SUBJECTS, Subject
from previz.core.values import MoveValue

TIMES_OF_DAY = ("dawn", "day", "dusk", "night")
SPREAD = 1.0  # metres between characters that have no marks


@dataclass(frozen=True)
class SceneValue:
    """What flows along a ``Scene`` link."""

    number: str
    heading: str
    location: Location | None
    time_of_day: str
    cast: tuple[Character, ...]
    blocking: Blocking
    action: str = ""

    def character(self, name_or_id: str) -> Character | None:
        """A character of the scene by name (as framing names them) or id."""
        return next((c for c in self.cast if name_or_id in (c.id, c.name)), None)

    def state(self, character: Character, time: float) -> CharacterState:
        """Where ``character`` is, which way they face and their pose at scene ``time``."""
        found = self.blocking.state(character.id, time, self._plain_state)
        return found or self._unblocked(character)

    def _plain_state(self, character_id: str, time: float) -> CharacterState:
        character = self.character(character_id)
        if character is None:
            return CharacterState(character_id, 0.0, 0.0, 0.0, "stand")
        return self.blocking.state(character_id, time) or self._unblocked(character)

    def _unblocked(self, character: Character) -> CharacterState:
        index = self.cast.index(character)
        return CharacterState(character.id, index * SPREAD, 0.0, 0.0, "stand")

    def set_pieces(self) -> tuple[SetPiece, ...]:
        """The location's set pieces, with this scene's moves applied."""
        if self.location is None:
            return ()
        moves = {move.piece: move for move in self.blocking.piece_moves}
        return tuple(_moved(piece, moves.get(piece.id)) for piece in self.location.set_pieces)

    def subjects_at(self, time: float, main: str = "") -> tuple[Subject, ...]:
        """The draft's subjects at scene ``time``: the cast, then the set pieces.

        ``main`` names what is framed: a character (by name or id) or a set piece (by name);
        by default the first of the cast, or the first set piece of a scene with no cast.
        """
        known = self.__dict__.setdefault("_found_props", {})  # a cache, not a field
        found = known.get(main)
        if found is None:  # the set pieces stand still: found once for each ``main``
            framed = self.character(main) if main else (self.cast[0] if self.cast else None)
            pieces = self.set_pieces()
            framed_piece = next((p for p in pieces if p.name == main), None) if main else None
            if framed is None and framed_piece is None and not main and pieces:
                framed_piece = pieces[0]
            found = known[main] = (
                framed, tuple(_prop(piece, piece is framed_piece) for piece in pieces))
        framed, props = found
        return (*(_person(c, self.state(c, time), c is framed) for c in self.cast), *props)

    def names(self, name: str) -> bool:
        """Whether ``name`` is a character or a set piece of the scene (what a shot frames)."""
        return self.character(name) is not None or any(
            piece.name == name for piece in self.set_pieces())

    def to_params(self) -> dict[str, Any]:
        """The resolved params ``scene_from_params`` makes this scene from again (what a clip
        records, so that an Interpolate between two of its shots can look into it)."""
        location = {"id": self.location.id, **self.location.to_dict()} if self.location else ""
        return {"number": self.number, "heading": self.heading, "location": location,
                "time_of_day": self.time_of_day,
                "cast": [{"id": c.id, **c.to_dict()} for c in self.cast],
                "blocking": self.blocking.to_records(), "action": self.action}

    def prompt(self) -> str:
        """A prompt from the slug, the location's and characters' descriptions and the action."""
        slug = self.location.slug() if self.location else "A scene"
        parts = [f"{slug} - {self.time_of_day.upper()}."]  # a screenplay scene heading
        if self.location and self.location.description.strip():
            parts.append(_sentence(self.location.description))
        parts += [_sentence(character.prompt_words()) for character in self.cast]
        if self.action.strip():
            parts.append(_sentence(self.action))
        return " ".join(parts)


def side_moves(side: float) -> tuple[MoveValue, ...]:
    """The camera carried ``side`` degrees around its subject (to its right, seen from above)
    from the front, for the whole shot: an orbit that is done before the first frame."""
    return (MoveValue("orbit", float(side), 0.0, 0.0, "linear"),) if side else ()


def scene_from_params(params: Mapping[str, Any]) -> SceneValue:
    """The scene a Scene node's resolved params describe (library records already resolved)."""
    location = params.get("location")
    cast = params.get("cast") or []
    return SceneValue(
        number=str(params.get("number", "")), heading=str(params.get("heading", "")),
        location=_resolved_location(location) if isinstance(location, dict) else None,
        time_of_day=params.get("time_of_day", "day"),
        cast=tuple(_resolved_character(record) for record in cast),
        blocking=parse_blocking(params.get("blocking") or []),
        action=str(params.get("action", "")),
    )


def _resolved_location(record: Mapping[str, Any]) -> Location:
    data = {key: value for key, value in record.items() if key != "id"}
    return location_from_dict(record["id"], data, "scene.location")


def _resolved_character(record: Mapping[str, Any]) -> Character:
    data = {key: value for key, value in record.items() if key != "id"}
    return character_from_dict(record["id"], data, "scene.cast")


def resolve_location(locations: Mapping[str, Location], value: Any) -> Any:
    """A location param's id as the location's record (with its id), so that the record is in
    the cache key; an id that names nothing becomes ``{"missing": id}`` for the check to
    report."""
    if value == "":
        return value
    location = locations.get(value) if isinstance(value, str) else None
    return {"id": location.id, **location.to_dict()} if location else {"missing": value}


def resolve_cast(cast: Mapping[str, Character], value: Any) -> Any:
    """A cast param's ids as the characters' records (see ``resolve_location``)."""
    if not isinstance(value, list):
        return value
    return [{"id": item, **cast[item].to_dict()} if isinstance(item, str) and item in cast
            else {"missing": item} for item in value]


def location_problem(value: Any) -> str | None:
    """Why a location param (an id, or resolved: the record) is not usable, or ``None``."""
    if isinstance(value, dict) and "missing" in value:
        return f"no location {value['missing']!r} in the project's locations"
    if isinstance(value, str) or (isinstance(value, dict) and "id" in value):
        return None
    return "the location must be a location's id"


def cast_problem(value: Any) -> str | None:
    """Why a cast param (ids, or resolved: the records) is not usable, or ``None``."""
    if not isinstance(value, list):
        return "the cast must be a list of characters"
    if len(value) > MAX_SUBJECTS:
        return f"a scene's cast may have at most {MAX_SUBJECTS} characters, not {len(value)}"
    for item in value:
        if isinstance(item, dict) and "missing" in item:
            return f"no character {item['missing']!r} in the project's cast"
        if not (isinstance(item, str) or (isinstance(item, dict) and "id" in item)):
            return "the cast must be a list of characters' ids"
    ids = [item["id"] if isinstance(item, dict) else item for item in value]
    if len(set(ids)) != len(ids):
        return "a character is in the cast twice"
    return None


def _person(character: Character, state: CharacterState, main: bool) -> Subject:
    look = None if state.look is None else _wrapped(state.look)
    return Subject(character.name, "person", character.height, state.x, state.z,
                   _wrapped(state.facing), main, figure=character.figure,
                   build=character.build, pose=state.pose, look=look, walked=state.walked,
                   speed=state.speed,
                   colours=(character.skin, character.hair, *character.wardrobe),
                   pose_from=state.pose_from, from_speed=state.from_speed,
                   pose_share=state.pose_share)


def _prop(piece: SetPiece, main: bool = False) -> Subject:
    kind = LIBRARY[piece.kind].subject_kind
    return Subject(piece.name or piece.kind, kind, piece.height, piece.x, piece.z,
                   _wrapped(piece.rotation), main, piece=piece.kind, width=piece.width,
                   depth=piece.depth, colour=piece.colour)


def _moved(piece: SetPiece, move: Any) -> SetPiece:
    if move is None:
        return piece
    rotation = piece.rotation if move.rotation is None else move.rotation
    return replace(piece, x=move.x, z=move.z, rotation=rotation)


def _wrapped(degrees: float) -> float:
    return math.remainder(degrees, 360.0)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
