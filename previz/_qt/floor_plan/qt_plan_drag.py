"""One drag on the floor plan: what it moves, and the merged commands that move it.

Every command of one drag shares a gesture, so the undo stack keeps the drag as one step; an
object keeps its offset from the hand, positions snap to the grid and turns to whole steps
unless snapping is off.
"""

from __future__ import annotations

import math
from typing import Any

from previz._qt.document import QtDocument
from previz._qt.floor_plan.qt_plan_items import PlanTarget
from previz._qt.undo import push_command
from previz.app.live_view import SceneShots
from previz.core.commands import Command, SetParam
from previz.core.floor_plan import (
    CameraWedge,
    FloorPlan,
    PlanPoint,
    facing_towards,
    heading_towards,
    snapped,
    swing_side,
)
from previz.core.ids import new_id
from previz.core.plan_edits import (
    SetParams,
    with_character_at,
    with_character_facing,
    with_mark_moved,
    with_piece_at,
)

GRID_STEP = 0.25  # metres a snapped position moves by
TURN_STEP = 15.0  # degrees a snapped turn moves by
SWING_STEP = 5.0  # degrees a snapped swing of a framed camera moves by


class PlanDrag:
    """A drag of ``target`` that began at ``start`` (metres) on ``plan`` at scene ``time``."""

    def __init__(self, document: QtDocument, scene_id: str, *, shots: SceneShots,
                 plan: FloorPlan, time: float, target: PlanTarget, start: PlanPoint) -> None:
        self.document, self.scene_id, self.shots = document, scene_id, shots
        self.plan, self.time, self.target, self.start = plan, time, target, start
        self.gesture = f"plan-{new_id()}"
        self.changed = False
        anchor = self._anchor()
        self.offset = PlanPoint(anchor.x - start.x, anchor.z - start.z) if anchor else None

    def move_to(self, point: PlanPoint, snap: bool) -> None:
        """Move the target to follow the hand at ``point``."""
        kind, key = self.target.kind, self.target.key
        if kind.endswith("_turn"):
            self._turn(kind, key, point, snap)
            return
        if self.offset is None:
            return
        place = PlanPoint(point.x + self.offset.x, point.z + self.offset.z)
        if snap:
            place = snapped(place, GRID_STEP)
        if kind == "figure":
            self._blocking(with_character_at(self._records(), key, self.time, place.x, place.z))
        elif kind == "mark":
            self._blocking(with_mark_moved(self._records(), int(key), place.x, place.z))
        elif kind == "piece":
            self._blocking(with_piece_at(self._records(), key, place.x, place.z))
        elif kind == "camera":
            self._camera(self._wedge(key), place, point, snap)

    # --- what each drag does -------------------------------------------------------------

    def _camera(self, wedge: CameraWedge, place: PlanPoint, hand: PlanPoint, snap: bool) -> None:
        if wedge.placed:
            self._push(SetParams(wedge.node_id, {"camera_x": round(place.x, 3),
                                                 "camera_z": round(place.z, 3)},
                                 self.gesture, "Move camera"))
            return
        side = swing_side(wedge, hand)
        if snap:
            side = round(side / SWING_STEP) * SWING_STEP
        self._push(SetParam(wedge.node_id, "side", round(side, 3), self.gesture))

    def _turn(self, kind: str, key: str, hand: PlanPoint, snap: bool) -> None:
        step = TURN_STEP if snap else 0.0
        if kind == "figure_turn":
            figure = next(f for f in self.plan.figures if f.character_id == key)
            facing = _stepped(facing_towards(figure.position, hand), step)
            records = self._records()
            if not any(item.get("character") == key for item in records):
                records = with_character_at(records, key, self.time, figure.position.x,
                                            figure.position.z)
            self._blocking(with_character_facing(records, key, self.time, facing))
        elif kind == "piece_turn":
            piece = next(p for p in self.plan.footprints if p.piece_id == key)
            rotation = _stepped(facing_towards(piece.centre, hand), step)
            self._blocking(with_piece_at(self._records(), key, piece.centre.x, piece.centre.z,
                                         rotation))
        elif kind == "camera_turn":
            wedge = self._wedge(key)
            pan = _stepped(heading_towards(wedge.apex, hand), step)
            self._push(SetParams(key, {"pan": round(pan, 3)}, self.gesture, "Turn camera"))

    def _anchor(self) -> PlanPoint | None:
        """Where the dragged thing stands now (the hand keeps its offset from it)."""
        kind, key = self.target.kind, self.target.key
        if kind == "figure":
            return next((f.position for f in self.plan.figures if f.character_id == key), None)
        if kind == "mark":
            return next((m.position for m in self.plan.marks if str(m.order) == key), None)
        if kind == "piece":
            return next((p.centre for p in self.plan.footprints if p.piece_id == key), None)
        if kind == "camera":
            return next((c.apex for c in self.plan.cameras if c.node_id == key), None)
        return None

    def _wedge(self, node_id: str) -> CameraWedge:
        return next(c for c in self.plan.cameras if c.node_id == node_id)

    def _records(self) -> list[dict[str, Any]]:
        node = self.document.project.nodes[self.scene_id]
        return [dict(item) for item in node.params.get("blocking") or []]

    def _blocking(self, records: list[dict[str, Any]]) -> None:
        if records != self._records():
            self._push(SetParam(self.scene_id, "blocking", records, self.gesture))

    def _push(self, command: Command) -> None:
        push_command(self.document.undo_stack, self.document.project, command)
        self.changed = True


def _stepped(degrees: float, step: float) -> float:
    value = round(degrees / step) * step if step else degrees
    return math.remainder(value, 360.0)
