"""Subjects: the blocking of a shot, as records of people, props and vehicles on the ground."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

SUBJECT_KINDS = ("person", "prop", "vehicle")
DEFAULT_HEIGHTS = {"person": 1.75, "prop": 1.0, "vehicle": 1.5}
_FIELDS = {"name", "kind", "height", "x", "z", "facing", "main"}


@dataclass(frozen=True)
class Subject:
    """One subject: height in metres, ground position x (right) and z (away) in metres.

    What a scene knows beyond the stored record (none of it in ``to_record``): a person's
    ``figure`` (adult, child), ``build``, ``pose`` (the blocking's), ``look`` (which way the
    head turns, degrees like ``facing``; ``None``: straight ahead), ``walked`` (metres walked
    so far, which sets the stride's phase), ``speed`` (metres a second along the path) and
    ``colours`` (skin, hair, then wardrobe top first, as ``#rrggbb``), and while they change
    pose, the pose they leave (``pose_from``, at ``from_speed`` for a walk) and how far into
    the new one they are (``pose_share``, 0 to 1); a set piece's library ``piece`` kind,
    ``width`` and ``depth`` (metres) and ``colour``.
    """

    name: str
    kind: str = "person"
    height: float = 1.75
    x: float = 0.0
    z: float = 0.0
    facing: float = 0.0
    main: bool = False
    figure: str = "adult"
    build: str = "average"
    pose: str = "stand"
    look: float | None = None
    walked: float = 0.0
    speed: float = 0.0
    colours: tuple[str, ...] = ()
    pose_from: str = ""
    from_speed: float = 0.0
    pose_share: float = 1.0
    piece: str = ""
    width: float = 0.0
    depth: float = 0.0
    colour: str = ""

    def to_record(self) -> dict[str, Any]:
        """The stored form of this subject."""
        return {
            "name": self.name,
            "kind": self.kind,
            "height": self.height,
            "x": self.x,
            "z": self.z,
            "facing": self.facing,
            "main": self.main,
        }


MAX_SUBJECTS = 64
MAX_NAME = 200


def subjects_problem(value: Any) -> str | None:
    """Why ``value`` is not a valid list of subject records, or ``None``."""
    if not isinstance(value, list):
        return "subjects must be a list of records"
    if len(value) > MAX_SUBJECTS:  # a frame's cost grows with each subject: keep it bounded
        return f"{len(value)} subjects; a shot holds at most {MAX_SUBJECTS}"
    for index, record in enumerate(value):
        problem = _record_problem(record)
        if problem:
            return f"subject {index + 1}: {problem}"
    if sum(1 for record in value if record.get("main")) > 1:
        return "more than one subject is marked main"
    return None


def _record_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a record"
    unknown = set(record) - _FIELDS
    if unknown:
        return f"unknown field {sorted(unknown)[0]!r}"
    if not isinstance(record.get("name"), str) or not record["name"].strip():
        return "needs a name"
    if len(record["name"]) > MAX_NAME:
        return f"a name of {len(record['name'])} characters; at most {MAX_NAME}"
    if record.get("kind", "person") not in SUBJECT_KINDS:
        return f"kind must be one of {', '.join(SUBJECT_KINDS)}"
    for key in ("height", "x", "z", "facing"):
        number = record.get(key, 0.0)
        if isinstance(number, bool) or not isinstance(number, int | float):
            return f"{key} must be a number"
        if not math.isfinite(number):
            return f"{key} must be finite"
    if record.get("height", 1.0) <= 0:
        return "height must be above zero"
    if not isinstance(record.get("main", False), bool):
        return "main must be true or false"
    return None


def parse_subjects(records: list[dict[str, Any]]) -> list[Subject]:
    """Subjects from checked records, with exactly one main subject (the first if none is)."""
    subjects = [
        Subject(
            name=record["name"],
            kind=record.get("kind", "person"),
            height=float(record.get("height", DEFAULT_HEIGHTS[record.get("kind", "person")])),
            x=float(record.get("x", 0.0)),
            z=float(record.get("z", 0.0)),
            facing=float(record.get("facing", 0.0)),
            main=bool(record.get("main", False)),
        )
        for record in records
    ]
    if subjects and not any(subject.main for subject in subjects):
        first = subjects[0]
        subjects[0] = Subject(**{**first.to_record(), "main": True})
    return subjects
