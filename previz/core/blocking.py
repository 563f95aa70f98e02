"""Blocking in scene time: marks, the paths between them, and where everyone is at a time.

A character's marks are cues: at a mark's ``time`` the character sets off for its position
and gets there at ``speed`` metres a second, or in ``travel`` seconds (0: already there, a cut
in the blocking). The first mark is where they start. ``position_at`` is a pure function of
the marks and the scene time, so every shot that looks at one moment sees the same place.

Nobody faces a new way in no time: from each cue (a walk setting off, an arrival, a new facing
on the spot) a character turns from the way they faced toward the new one at ``TURN_RATE``
(faster into a run, as its speed is to a walk's), easing in and out, while the walk's position
keeps to its cue. A walk that sets off from the first mark as the scene starts faces its way
from the start; a cut in the blocking (travel 0) faces its way at once.
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
TURN_RATE = 360.0  # degrees a second on average (540 at its fastest): a half turn in 0.5 s
HEAD_RATE = 540.0  # degrees a second on average: a head turns faster than a body
NECK_TURN = 80.0  # degrees the head turns at most from the body's facing
SETTLE = 0.35  # seconds from a walk to a stop, or from standing into the walk: about a step
POSE_CHANGE = 0.8  # seconds to sit, lie, get up or take up another pose
_LONGEST_TURN = 180.0 / TURN_RATE
MAX_TIME = 86400.0
EXTENT = 10000.0
_MARK_FIELDS = {"character", "time", "x", "z", "facing", "look_at", "pose", "speed", "travel"}
_PIECE_FIELDS = {"piece", "x", "z", "rotation"}


@dataclass(frozen=True)
class Mark:
    """Where a character heads at ``time`` and how they stand there.

    ``facing`` in degrees (0 faces -z, positive turns left, as subjects do); ``look_at`` the
    id of a character to face instead; neither: they keep the direction they walked in, or
    the way they faced if they did not walk to it (a first mark: 0).
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
    (degrees like ``facing``; ``None``: straight ahead). Within ``SETTLE`` or ``POSE_CHANGE``
    of a cue that changed the pose, ``pose_from`` (at ``from_speed``, for a walk) is the pose
    they are leaving and ``pose_share`` how far into the new one they are (0 to 1)."""

    character: str
    x: float
    z: float
    facing: float
    pose: str
    speed: float = 0.0
    walked: float = 0.0
    look: float | None = None
    pose_from: str = ""
    from_speed: float = 0.0
    pose_share: float = 1.0


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
        legs, before, turns = self._walks.get(character, ([], [], None))
        if not legs or turns is None:
            return None
        index = next((i for i in reversed(range(len(legs))) if legs[i].depart <= time), 0)
        if where is not None:  # asked again for the same moments below: found once each
            where = _remembered(where)
        facing = turns.facing(time, where)
        return _on_leg(legs[index], time, before[index], facing=facing,
                       look=turns.looking(time, where, facing),
                       changing=turns.pose_change(time))

    @cached_property
    def _walks(self) -> dict[str, tuple[list[_Leg], list[float], _Turns]]:
        """Each marked character's legs, how far they walk before each, and the spells of
        walking and standing their facing turns through, found once: blocking does not
        change, and a render asks where everyone is every frame."""
        found = {}
        for character in dict.fromkeys(mark.character for mark in self.marks):
            legs = _legs(self.marks_of(character))
            found[character] = (
                legs, [sum(_length(leg) for leg in legs[:index]) for index in range(len(legs))],
                _Turns(legs, _phases(legs)))
        return found


@dataclass(frozen=True)
class _Phase:
    """A spell from ``start`` in which a character on ``leg`` walks (toward its heading) or
    stands (toward the mark's facing, look-at target or the way they came)."""

    start: float
    leg: int
    walking: bool


def _phases(legs: list[_Leg]) -> list[_Phase]:
    """The spells of a character's legs that last, in time order (a walk cut short by the
    next cue has no standing spell; a cue at the same time as another leaves nothing)."""
    phases = []
    for index, leg in enumerate(legs):
        cue = legs[index + 1].depart if index + 1 < len(legs) else math.inf
        walks = _heading(leg) is not None and leg.arrive > leg.depart
        if walks and leg.depart < min(leg.arrive, cue):
            phases.append(_Phase(leg.depart, index, True))
        stands = leg.arrive if walks else leg.depart
        if stands < cue:
            phases.append(_Phase(stands, index, False))
    return phases


def _heading(leg: _Leg) -> float | None:
    dx, dz = leg.mark.x - leg.start_x, leg.mark.z - leg.start_z
    return heading_of(dx, dz) if math.hypot(dx, dz) > 1e-9 else None


@dataclass(frozen=True)
class _Turns:
    """One character's legs and spells: which way they face at a time."""

    legs: list[_Leg]
    phases: list[_Phase]

    def facing(self, time: float, where: Callable[[str, float], CharacterState] | None
               ) -> float:
        """Which way the character faces at ``time``: each spell turns from the way the
        spell before left them toward its own aim, for as long as that turn takes at
        ``TURN_RATE``. Found from the latest spell that began a whole half turn after one
        with an aim of its own (whose turn is over by then, whatever it turned from), so a
        long blocking costs no more than a short one."""
        phases = self.phases
        if not phases:
            return 0.0
        now = self._spell(time)
        if time - phases[now].start >= _LONGEST_TURN and not self._keeps(phases[now], where):
            return self._aim(now, time, None, where=where)  # turned, from whatever it was
        first = now
        while first > 0 and (phases[first].start - phases[first - 1].start < _LONGEST_TURN
                             or self._keeps(phases[first - 1], where)):
            first -= 1
        if first == 0:  # the first spell starts facing its aim (a walk from the scene's start)
            facing = self._aim(0, phases[0].start, None, where=where)
        else:
            facing = self._aim(first - 1, phases[first].start, None, where=where)
        for index in range(first, now):
            facing = self._turned(index, phases[index + 1].start, facing, where=where)
        return self._turned(now, time, facing, where=where)

    def _spell(self, time: float) -> int:
        """The spell under way at ``time`` (the first, before any has begun)."""
        phases = self.phases
        return next((i for i in reversed(range(len(phases))) if phases[i].start <= time), 0)

    def looking(self, time: float, where: Callable[[str, float], CharacterState] | None,
                facing: float) -> float | None:
        """Where the head looks at ``time`` (degrees like ``facing``, the body's then; None:
        straight ahead). From each cue the head turns, against the body, from where it was
        turned to where the spell's look-at target (or straight ahead) will have it once the
        body has turned, within ``NECK_TURN`` all the way and no faster than ``HEAD_RATE``:
        a body turning past someone behind it takes the head from one shoulder to the other
        across the front, not through the back of the neck in one frame. A spell shorter
        than the turn before it is taken as done with it."""
        phases = self.phases
        now = self._spell(time)
        aim = self._look(now, time, where)
        if now == 0 or where is None:
            return aim
        cue = phases[now].start
        if time - cue >= _LONGEST_TURN + 2 * NECK_TURN / HEAD_RATE:
            return aim  # whatever the head and body turned from, they are done
        began = self.facing(cue, where)
        body = 0.0 if self._cut(now) else self._turn_lasts(now, began, where)
        was = _neck(self._look(now - 1, cue, where), began)
        settled = cue + body
        will = _neck(self._look(now, settled, where), self.facing(settled, where))
        if aim is None and was == will == 0.0:
            return None
        lasts = max(body, abs(will - was) / HEAD_RATE)
        if lasts <= 0.0 or time - cue >= lasts:
            return aim
        return facing + was + (will - was) * eased(max(time - cue, 0.0) / lasts)

    def _look(self, index: int, time: float,
              where: Callable[[str, float], CharacterState] | None) -> float | None:
        """Which way spell ``index``'s look-at target is at ``time`` (None: none)."""
        leg = self.legs[self.phases[index].leg]
        if not leg.mark.look_at or where is None:
            return None
        x, z = _position(leg, time)
        target = where(leg.mark.look_at, time)
        if math.hypot(target.x - x, target.z - z) <= 1e-9:
            return None
        return heading_of(target.x - x, target.z - z)

    def pose_change(self, time: float) -> tuple[str, float, float] | None:
        """The pose being left at ``time`` (and its speed, for a walk) and the share of the
        change made, within ``SETTLE`` or ``POSE_CHANGE`` of the cue; None if settled."""
        phases = self.phases
        now = self._spell(time)
        if now == 0:
            return None
        before, after = self._pose(now - 1), self._pose(now)
        if before[0] == after[0] and before[1] == after[1]:
            return None
        walks = before[1] > 0.0 or after[1] > 0.0
        if before[1] > 0.0 and after[1] > 0.0:
            return None  # a walk on into the next leg: the stride carries on
        lasts = SETTLE if walks else POSE_CHANGE
        share = (time - phases[now].start) / lasts
        if share >= 1.0:
            return None
        return before[0], before[1], max(share, 0.0)

    def _pose(self, index: int) -> tuple[str, float]:
        """Spell ``index``'s pose and its speed (0 standing), as ``_on_leg`` has them."""
        phase = self.phases[index]
        leg = self.legs[phase.leg]
        if phase.walking:
            return _gait(_speed(leg)), _speed(leg)
        return leg.mark.pose, 0.0

    def _turned(self, index: int, time: float, start: float, *,
                where: Callable[[str, float], CharacterState] | None) -> float:
        """Spell ``index``'s facing at ``time``, having begun it facing ``start``."""
        phase = self.phases[index]
        aim = self._aim(index, time, start, where=where)
        if self._cut(index) or time - phase.start >= _LONGEST_TURN:
            return aim  # a cut in the blocking (there at once, facing its way), or turned
        lasts = self._turn_lasts(index, start, where)
        if lasts <= 0.0 or time - phase.start >= lasts:
            return aim
        share = max(time - phase.start, 0.0) / lasts
        return start + math.remainder(aim - start, 360.0) * eased(share)

    def _cut(self, index: int) -> bool:
        """Whether spell ``index`` begins with a cut in the blocking (travel 0)."""
        phase = self.phases[index]
        leg = self.legs[phase.leg]
        return not phase.walking and leg.mark.travel == 0.0 and phase.start == leg.depart

    def _turn_lasts(self, index: int, start: float,
                    where: Callable[[str, float], CharacterState] | None) -> float:
        """How long spell ``index`` turns the body for, having begun it facing ``start``."""
        phase = self.phases[index]
        began = self._aim(index, phase.start, start, where=where)
        return abs(math.remainder(began - start, 360.0)) / _rate(self.legs[phase.leg], phase)

    def _keeps(self, phase: _Phase, where: Callable[[str, float], CharacterState] | None
               ) -> bool:
        """Whether a spell has no aim of its own: on the spot, facing as they were."""
        leg = self.legs[phase.leg]
        return (not phase.walking and leg.mark.facing is None and _heading(leg) is None
                and not (leg.mark.look_at and where is not None))

    def _aim(self, index: int, time: float, start: float | None, *,
             where: Callable[[str, float], CharacterState] | None) -> float:
        """Which way spell ``index`` turns toward at ``time``: a walk its heading; standing,
        the mark's facing, else its look-at target, else the walk's heading, else the way
        they faced as the spell began (``start``; unknown: 0)."""
        phase = self.phases[index]
        leg = self.legs[phase.leg]
        heading = _heading(leg)
        if phase.walking and heading is not None:
            return heading
        if leg.mark.facing is not None:
            return leg.mark.facing
        look = self._look(index, time, where)
        if look is not None:
            return look
        if heading is not None:
            return heading
        return start if start is not None else 0.0


def eased(share: float) -> float:
    """``share`` (0 to 1) of a turn or a change of pose, eased in and out (smoothstep: its
    speed peaks at 1.5 times the average halfway)."""
    return share * share * (3.0 - 2.0 * share)


def _remembered(where: Callable[[str, float], CharacterState]
                ) -> Callable[[str, float], CharacterState]:
    """``where``, asked once for each character and time."""
    found: dict[tuple[str, float], CharacterState] = {}

    def once(character: str, time: float) -> CharacterState:
        key = (character, time)
        if key not in found:
            found[key] = where(character, time)
        return found[key]

    return once


def _neck(look: float | None, facing: float) -> float:
    """How far the head is turned from the body for a look (None: not at all), as far as a
    neck turns."""
    if look is None:
        return 0.0
    return max(-NECK_TURN, min(NECK_TURN, math.remainder(look - facing, 360.0)))


def _rate(leg: _Leg, phase: _Phase) -> float:
    """How fast a spell turns, in degrees a second: a run as much faster as it goes."""
    if not phase.walking:
        return TURN_RATE
    return TURN_RATE * max(1.0, _speed(leg) / WALK_SPEED)


def _speed(leg: _Leg) -> float:
    """How fast a leg that takes time is walked, in metres a second."""
    return _length(leg) / (leg.arrive - leg.depart)


def _gait(speed: float) -> str:
    """The pose of a walk at ``speed``: faster than ``RUN_SPEED`` is a run."""
    return "run" if speed > RUN_SPEED else "walk"


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


def _on_leg(leg: _Leg, time: float, before: float, *, facing: float, look: float | None,
            changing: tuple[str, float, float] | None) -> CharacterState:
    """Where a character is at ``time`` on ``leg``, having walked ``before`` metres on the
    legs before it, facing and looking as their turns have them (``_Turns``), amid the
    change of pose ``changing`` (``_Turns.pose_change``), if any."""
    x, z = _position(leg, time)
    walked = before + math.hypot(x - leg.start_x, z - leg.start_z)
    pose_from, from_speed, share = changing if changing is not None else ("", 0.0, 1.0)
    if leg.depart <= time < leg.arrive and _heading(leg) is not None:
        speed = _speed(leg)
        return CharacterState(leg.mark.character, x, z, facing, _gait(speed), speed, walked,
                              look, pose_from, from_speed, share)
    return CharacterState(leg.mark.character, x, z, facing, leg.mark.pose, walked=walked,
                          look=look, pose_from=pose_from, from_speed=from_speed,
                          pose_share=share)


def heading_of(dx: float, dz: float) -> float:
    """The facing, in degrees, of someone looking along (dx, dz) on the ground."""
    return math.degrees(math.atan2(dx, -dz))
