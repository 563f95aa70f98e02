"""What a drag on the floor plan changes: the scene's blocking records and a shot's camera.

Pure functions from the records as they are to the records as the drag leaves them, and
``SetParams``, the one command a drag of several params (a placed camera's x and z) makes;
the moves of one drag share a gesture and merge into one undo step.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from previz.core.blocking import Blocking, parse_blocking
from previz.core.commands import Command
from previz.core.project import Project

_ABSENT = object()
ROUND = 3  # millimetres: what a drag writes into the records


def mark_indices(records: Sequence[Mapping[str, Any]]) -> list[int]:
    """The index in ``records`` of each mark (records that move no set piece), in order."""
    return [index for index, item in enumerate(records) if "piece" not in item]


def active_mark(blocking: Blocking, character: str, time: float) -> int | None:
    """The order (among the blocking's marks) of the mark ``character`` is on or heading for
    at scene ``time``: the last cued by then, else the first; ``None`` without marks."""
    marks = blocking.marks_of(character)
    if not marks:
        return None
    chosen = next((mark for mark in reversed(marks) if mark.time <= time), marks[0])
    return next(index for index, mark in enumerate(blocking.marks) if mark is chosen)


def with_mark_moved(records: Sequence[Mapping[str, Any]], order: int, x: float,
                    z: float) -> list[dict[str, Any]]:
    """The records with mark number ``order`` (among the marks) at (x, z)."""
    return _with_mark(records, order, {"x": round(x, ROUND), "z": round(z, ROUND)})


def with_mark_facing(records: Sequence[Mapping[str, Any]], order: int,
                     facing: float) -> list[dict[str, Any]]:
    """The records with mark ``order`` facing ``facing`` degrees (a look-at is dropped)."""
    edited = _with_mark(records, order, {"facing": round(facing, ROUND)})
    edited[mark_indices(edited)[order]].pop("look_at", None)
    return edited


def with_character_at(records: Sequence[Mapping[str, Any]], character: str, time: float,
                      x: float, z: float) -> list[dict[str, Any]]:
    """The records with ``character`` standing at (x, z) at scene ``time``: the mark they are
    on (or heading for) then moves; a character without marks gets a first mark at time 0."""
    order = active_mark(parse_blocking(records), character, time)
    if order is None:
        return [*(dict(item) for item in records),
                {"character": character, "time": 0.0, "x": round(x, ROUND),
                 "z": round(z, ROUND)}]
    return with_mark_moved(records, order, x, z)


def with_character_facing(records: Sequence[Mapping[str, Any]], character: str, time: float,
                          facing: float) -> list[dict[str, Any]]:
    """The records with ``character`` turned to ``facing`` at the mark they are on at
    ``time`` (a character without marks gets one where they stand: see the caller)."""
    order = active_mark(parse_blocking(records), character, time)
    if order is None:
        return [dict(item) for item in records]
    return with_mark_facing(records, order, facing)


def with_piece_at(records: Sequence[Mapping[str, Any]], piece: str, x: float, z: float,
                  rotation: float | None = None) -> list[dict[str, Any]]:
    """The records with set piece ``piece`` moved for this scene to (x, z), turned to
    ``rotation`` (``None``: as it was)."""
    edited = [dict(item) for item in records]
    found = next((item for item in edited if item.get("piece") == piece), None)
    if found is None:
        found = {"piece": piece}
        edited.append(found)
    found["x"], found["z"] = round(x, ROUND), round(z, ROUND)
    if rotation is not None:
        found["rotation"] = round(rotation, ROUND)
    return edited


def _with_mark(records: Sequence[Mapping[str, Any]], order: int,
               changes: Mapping[str, Any]) -> list[dict[str, Any]]:
    edited = [dict(item) for item in records]
    indices = mark_indices(edited)
    if not 0 <= order < len(indices):
        raise IndexError(f"the blocking has no mark {order + 1}")
    edited[indices[order]].update(changes)
    return edited


@dataclass
class SetParams(Command):
    """Set several params of one node as one step; a drag's edits share a ``gesture``."""

    node_id: str
    values: dict[str, Any]
    gesture: str | None = None
    label: str = "Move camera"
    _old: dict[str, Any] = field(default_factory=dict, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return self.label

    def do(self, project: Project) -> None:
        params = project.nodes[self.node_id].params
        for name in self.values:
            if name not in self._old:
                self._old[name] = copy.deepcopy(params[name]) if name in params else _ABSENT
        for name, value in self.values.items():
            project.set_param(self.node_id, name, copy.deepcopy(value))

    def undo(self, project: Project) -> None:
        for name, value in self._old.items():
            if value is _ABSENT:
                project.clear_param(self.node_id, name)
            else:
                project.set_param(self.node_id, name, copy.deepcopy(value))

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, SetParams) and self.gesture and other.gesture == self.gesture
                and other.node_id == self.node_id):
            return False
        for name in other.values:
            if name not in self._old:
                self._old[name] = other._old.get(name, _ABSENT)
        self.values = {**self.values, **other.values}
        return True
