"""Blocking in scene time: marks, the paths between them, and where everyone is at a time.

A character's marks are cues: at a mark's ``time`` the character sets off for its position
and gets there at ``speed`` metres a second, or in ``travel`` seconds (0: already there, a cut
in the blocking). The first mark is where they start. ``position_at`` is a pure function of
the marks and the scene time, so every shot that looks at one moment sees the same place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

POSES = ("stand", "sit", "walk", "run", "lie", "point", "phone")
WALK_SPEED = 1.4  # metres a second, an unhurried walk
RUN_SPEED = 3.0  # faster than this is a run
MAX_TIME = 86400.0
EXTENT = 10000.0
_MARK_FIELDS = {"character", "time", "x", "z", "facing", "look_at", "pose", "speed", "travel"}
_PIECE_FIELDS = {"piece", "x", "z", "rotation"}


@dataclass(frozen=True)
class Mark:
    """Where a character heads at ``time`` and how they stand there.

    ``facing`` in degrees (0 faces -z, positive turns left, as subjects do); ``look_at`` the
    id of a character to face instead; neither: they keep the direction they walked in.
    """

    character: str
    time: float
    x: float
    z: float
    facing: float | None = None
    look_at: str = ""
    pose: str = "stand"
    speed: float | None = None
    travel: float | None = None


@dataclass(frozen=True)
class PieceMove:
    """A set piece of the location placed elsewhere for this scene."""

    piece: str
    x: float
    z: float
    rotation: float | None = None


@dataclass(frozen=True)
class CharacterState:
    """A character at one scene time: ground position, facing in degrees, pose, speed, the
    metres walked since their first mark (the stride's phase) and where the head looks
    (degrees like ``facing``; ``None``: straight ahead)."""

    character: str
    x: float
    z: float
    facing: float
    pose: str
    speed: float = 0.0
    walked: float = 0.0
    look: float | None = None


@dataclass(frozen=True)
class _Leg:
    start_x: float
    start_z: float
    mark: Mark
    depart: float
    arrive: float


def blocking_problem(value: Any, cast: Sequence[str] = (),
                     pieces: Sequence[str] = ()) -> str | None:
    """Why ``value`` is not a valid list of blocking records, or ``None``.

    ``cast`` and ``pieces`` (when given) are the ids the records may name.
    """
    if not isinstance(value, list):
        return "blocking must be a list of marks"
    for index, item in enumerate(value):
        problem = _record_problem(item, cast, pieces)
        if problem:
            return f"mark {index + 1}: {problem}"
    return None


def _record_problem(item: Any, cast: Sequence[str], pieces: Sequence[str]) -> str | None:
    if not isinstance(item, dict):
        return "not a record"
    if "piece" in item:
        return _piece_problem(item, pieces)
    unknown = set(item) - _MARK_FIELDS
    if unknown:
        return f"unknown field {sorted(unknown)[0]!r}"
    if not isinstance(item.get("character"), str) or (cast and item["character"] not in cast):
        return "names no character of the scene's cast"
    look_at = item.get("look_at", "")
    if not isinstance(look_at, str) or (look_at and cast and look_at not in cast):
        return "looks at no character of the scene's cast"
    if item.get("pose", "stand") not in POSES:
        return f"pose must be one of {', '.join(POSES)}"
    return (_number_problem(item, "time", 0.0, MAX_TIME, needed=True)
            or _number_problem(item, "x", -EXTENT, EXTENT, needed=True)
            or _number_problem(item, "z", -EXTENT, EXTENT, needed=True)
            or _number_problem(item, "facing", -3600.0, 3600.0)
            or _number_problem(item, "speed", 0.01, 100.0)
            or _number_problem(item, "travel", 0.0, MAX_TIME))


def _piece_problem(item: dict[str, Any], pieces: Sequence[str]) -> str | None:
    unknown = set(item) - _PIECE_FIELDS
    if unknown:
        return f"unknown field {sorted(unknown)[0]!r}"
    if not isinstance(item["piece"], str) or (pieces and item["piece"] not in pieces):
        return "names no set piece of the scene's location"
    return (_number_problem(item, "x", -EXTENT, EXTENT, needed=True)
            or _number_problem(item, "z", -EXTENT, EXTENT, needed=True)
            or _number_problem(item, "rotation", -3600.0, 3600.0))


def _number_problem(item: dict[str, Any], key: str, low: float, high: float,
                    needed: bool = False) -> str | None:
    value = item.get(key)
    if value is None:
        return f"{key} is needed" if needed else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{key} must be a number"
    if not low <= value <= high:
        return f"{key} must be between {low:g} and {high:g}"
    return None


def parse_blocking(records: Sequence[Mapping[str, Any]]) -> Blocking:
    """Blocking from checked records."""
    marks, moves = [], []
    for item in records:
        if "piece" in item:
            moves.append(PieceMove(item["piece"], float(item["x"]), float(item["z"]),
                                   _optional(item.get("rotation"))))
            continue
        marks.append(Mark(item["character"], float(item["time"]), float(item["x"]),
                          float(item["z"]), _optional(item.get("facing")),
                          item.get("look_at", "") or "", item.get("pose", "stand"),
                          _optional(item.get("speed")), _optional(item.get("travel"))))
    return Blocking(tuple(marks), tuple(moves))


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Blocking:
    """Every mark of a scene and its set-piece moves."""

    marks: tuple[Mark, ...] = ()
    piece_moves: tuple[PieceMove, ...] = ()

    def to_records(self) -> list[dict[str, Any]]:
        """The records ``parse_blocking`` reads back to this blocking."""
        records: list[dict[str, Any]] = []
        for mark in self.marks:
            record: dict[str, Any] = {"character": mark.character, "time": mark.time,
                                      "x": mark.x, "z": mark.z, "pose": mark.pose}
            for key in ("facing", "speed", "travel"):
                if getattr(mark, key) is not None:
                    record[key] = getattr(mark, key)
            if mark.look_at:
                record["look_at"] = mark.look_at
            records.append(record)
        for move in self.piece_moves:
            record = {"piece": move.piece, "x": move.x, "z": move.z}
            if move.rotation is not None:
                record["rotation"] = move.rotation
            records.append(record)
        return records

    def marks_of(self, character: str) -> list[Mark]:
        """One character's marks in time order."""
        return sorted((m for m in self.marks if m.character == character), key=lambda m: m.time)

    def state(self, character: str, time: float,
              where: Callable[[str, float], CharacterState] | None = None) -> CharacterState | None:
        """Where ``character`` is at scene ``time`` (``None`` without marks).

        ``where(other, time)`` finds a look-at target; without it, look-at is ignored.
        """
        legs, before = self._walks.get(character, ([], []))
        if not legs:
            return None
        index = next((i for i in reversed(range(len(legs))) if legs[i].depart <= time), 0)
        return _on_leg(legs[index], time, where, before[index])

    @cached_property
    def _walks(self) -> dict[str, tuple[list[_Leg], list[float]]]:
        """Each marked character's legs and how far they walk before each, found once:
        blocking does not change, and a render asks where everyone is every frame."""
        found = {}
        for character in dict.fromkeys(mark.character for mark in self.marks):
            legs = _legs(self.marks_of(character))
            found[character] = (
                legs, [sum(_length(leg) for leg in legs[:index]) for index in range(len(legs))])
        return found


def _length(leg: _Leg) -> float:
    """How far a leg goes (a jump, travel 0, goes nowhere on foot)."""
    if leg.arrive <= leg.depart:
        return 0.0
    return math.hypot(leg.mark.x - leg.start_x, leg.mark.z - leg.start_z)


def _legs(marks: list[Mark]) -> list[_Leg]:
    """Each mark as a leg from where the character was at its cue."""
    legs: list[_Leg] = []
    for mark in marks:
        if not legs:
            legs.append(_Leg(mark.x, mark.z, mark, mark.time, mark.time))
            continue
        x, z = _position(legs[-1], mark.time)
        distance = math.hypot(mark.x - x, mark.z - z)
        legs.append(_Leg(x, z, mark, mark.time, mark.time + _duration(mark, distance)))
    return legs


def _duration(mark: Mark, distance: float) -> float:
    if mark.travel is not None:
        return mark.travel
    return distance / (mark.speed or WALK_SPEED)


def _position(leg: _Leg, time: float) -> tuple[float, float]:
    if time >= leg.arrive or leg.arrive <= leg.depart:
        return (leg.mark.x, leg.mark.z)
    share = max(time - leg.depart, 0.0) / (leg.arrive - leg.depart)
    return (leg.start_x + (leg.mark.x - leg.start_x) * share,
            leg.start_z + (leg.mark.z - leg.start_z) * share)


def _on_leg(leg: _Leg, time: float, where: Callable[[str, float], CharacterState] | None,
            before: float) -> CharacterState:
    """Where a character is at ``time`` on ``leg``, having walked ``before`` metres on the
    legs before it."""
    x, z = _position(leg, time)
    walked = before + math.hypot(x - leg.start_x, z - leg.start_z)
    dx, dz = leg.mark.x - leg.start_x, leg.mark.z - leg.start_z
    heading = heading_of(dx, dz) if math.hypot(dx, dz) > 1e-9 else None
    look = None
    if leg.mark.look_at and where is not None:
        target = where(leg.mark.look_at, time)
        if math.hypot(target.x - x, target.z - z) > 1e-9:
            look = heading_of(target.x - x, target.z - z)
    if leg.depart <= time < leg.arrive and heading is not None:
        speed = math.hypot(dx, dz) / (leg.arrive - leg.depart)
        return CharacterState(leg.mark.character, x, z, heading,
                              "run" if speed > RUN_SPEED else "walk", speed, walked, look)
    facing = leg.mark.facing
    if facing is None:
        facing = look
    if facing is None:
        facing = heading if heading is not None else 0.0
    return CharacterState(leg.mark.character, x, z, facing, leg.mark.pose, walked=walked,
                          look=look)


def heading_of(dx: float, dz: float) -> float:
    """The facing, in degrees, of someone looking along (dx, dz) on the ground."""
    return math.degrees(math.atan2(dx, -dz))
