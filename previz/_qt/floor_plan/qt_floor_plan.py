"""The Floor plan dock: the selected scene from above, edited by dragging, with a scene-time
scrubber. Every drag is one undo step made of the core's commands; while it goes on the
live view is told to redraw, and when it ends the scene's shots are rendered again."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from previz._qt.document import QtDocument
from previz._qt.floor_plan.qt_plan_drag import PlanDrag
from previz._qt.floor_plan.qt_plan_items import PlanTarget
from previz._qt.floor_plan.qt_plan_view import QtPlanView
from previz._qt.selection import QtSelection
from previz.app.live_view import SceneShots, Wedges, scene_now, scene_of
from previz.core.errors import EditRefused, ProjectError
from previz.core.floor_plan import FloorPlan, PlanPoint
from previz.core.project import Project

TICKS = 100  # scrubber steps per second of scene time


class QtFloorPlan(QWidget):
    """Shows the scene of the selected Scene or Shot node and turns drags into commands.

    ``live(shot_id, time)`` asks the viewer for a live frame (during a drag or a scrub);
    ``drag_finished(scene_id, shot_ids)`` fires when a drag that changed something ends.
    """

    live = Signal(str, float)
    drag_finished = Signal(str, list)

    def __init__(self, document: QtDocument, selection: QtSelection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.selection = document, selection
        self.registry = document.registry
        self.scene_id: str | None = None
        self.shot_id: str = ""
        self.time = 0.0
        self.shots: SceneShots | None = None
        self.plan: FloorPlan | None = None
        self.drag: PlanDrag | None = None
        self.view = QtPlanView(self)
        self.title = QLabel("Select a Scene or a Shot on a scene to see its floor plan.", self)
        self.title.setObjectName("floorPlanTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.scrubber = QSlider(Qt.Orientation.Horizontal, self)
        self.scrubber.setObjectName("sceneTimeScrubber")
        self.scrubber.setToolTip("Scene time: everyone moves along their paths")
        self.time_label = QLabel("0.00 s", self)
        self.time_label.setMinimumWidth(60)
        self.view.setMinimumSize(120, 60)
        self.view.setToolTip("Drag to move · round handles turn · Shift while dragging: no"
                             " snapping · wheel: zoom · middle or space drag: pan")
        self._refresh_due = False
        self._wedges = Wedges()
        self._project: Project | None = None
        self._layout()
        self.scrubber.valueChanged.connect(self._scrubbed)
        self.view.drag_started.connect(self._start_drag)
        self.view.dragged.connect(self._drag_to)
        self.view.drag_ended.connect(self._end_drag)
        selection.changed.connect(self._follow_selection)
        document.project_replaced.connect(self._attach)
        self._attach(document.project)

    # --- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the scene from the project again and redraw."""
        self._refresh_due = False
        project = self.document.project
        if self.scene_id not in project.nodes:
            self.scene_id, self.shots, self.plan = None, None, None
            self.view.show_plan(None, {})
            self.title.setText("Select a Scene or a Shot on a scene to see its floor plan.")
            return
        try:
            self.shots = scene_now(project, self.registry, self.scene_id)
        except (ProjectError, KeyError, ValueError, TypeError) as error:
            self.shots, self.plan = None, None
            self.view.show_plan(None, {})
            self.title.setText(f"The scene cannot be drawn: {error}")
            return
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, round(self.shots.end * TICKS))
        self.scrubber.setValue(round(self.time * TICKS))
        self.scrubber.blockSignals(False)
        self.plan = self.shots.plan(self.time, self.shot_id, self._wedges)
        cast = {character.id: character for character in self.shots.scene.cast}
        self.view.show_plan(self.plan, cast)
        self._show_title()

    def scene_shots(self, scene_id: str) -> SceneShots | None:
        """Scene ``scene_id`` as the plan last read it, if no edit came since (else None)."""
        if self.shots is None or self.scene_id != scene_id or self._refresh_due:
            return None
        return self.shots

    def set_time(self, time: float) -> None:
        """Move the scene time (everyone along their paths, every camera along its move)."""
        self.scrubber.setValue(round(time * TICKS))

    def live_shot(self) -> str:
        """The shot the live view shows: the selected one, else the scene's first."""
        if self.shots is None:
            return ""
        if self.shots.shot(self.shot_id) is not None:
            return self.shot_id
        return self.shots.shots[0].node_id if self.shots.shots else ""

    def _show_title(self) -> None:
        assert self.shots is not None and self.plan is not None
        scene = self.shots.scene
        where = scene.location.slug() if scene.location else "no location"
        words = [f"Scene {scene.number}", where, scene.time_of_day]
        shot = self.shots.shot(self.shot_id)
        if shot is not None:
            words.append(f"shot {shot.number} selected")
        text = " · ".join(words)
        if self.plan.problems:
            text += " — " + "; ".join(self.plan.problems)
        self.title.setText(text)
        self.title.setToolTip(text)

    def _scrubbed(self, value: int) -> None:
        self.time = value / TICKS
        self.time_label.setText(f"{self.time:.2f} s")
        if self.shots is not None:
            self.plan = self.shots.plan(self.time, self.shot_id, self._wedges)
            cast = {character.id: character for character in self.shots.scene.cast}
            self.view.show_plan(self.plan, cast)
            if self.live_shot():
                self.live.emit(self.live_shot(), self.time)

    def _follow_selection(self) -> None:
        project = self.document.project
        chosen = next((node_id for node_id in self.selection.node_ids
                       if scene_of(project, node_id) is not None), None)
        if chosen is None:
            return
        scene_id = scene_of(project, chosen)
        shot_id = chosen if chosen != scene_id else ""
        if scene_id == self.scene_id and shot_id == self.shot_id:
            return
        changed_scene = scene_id != self.scene_id
        self.scene_id, self.shot_id = scene_id, shot_id or self.shot_id
        if changed_scene:
            self.shot_id = shot_id
        self.refresh()
        if changed_scene:
            self.view.frame_plan()

    def _attach(self, project: Project) -> None:
        if self._project is not None:
            self._project.events.disconnect(self._on_event)
        self._project = project
        project.events.connect(self._on_event)
        self.scene_id, self.shot_id, self.time = None, "", 0.0
        self.refresh()

    def _on_event(self, event: object) -> None:
        if self.drag is not None:  # a drag redraws at once: the hand is on it
            self.refresh()
            return
        if not self._refresh_due:  # many events of one edit: one redraw
            self._refresh_due = True
            QTimer.singleShot(0, self, self._refresh_if_due)

    def _refresh_if_due(self) -> None:
        if self._refresh_due and self.isVisible():  # a hidden plan redraws when shown
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Catch up with the edits made while the plan was hidden."""
        super().showEvent(event)
        if self._refresh_due:
            self.refresh()

    # --- drags ---------------------------------------------------------------------------

    def _start_drag(self, target: PlanTarget, point: PlanPoint) -> None:
        if self.shots is None or self.plan is None or self.scene_id is None:
            return
        if target.kind == "camera":
            self.selection.set_nodes([target.key])
        self.drag = PlanDrag(self.document, self.scene_id, shots=self.shots, plan=self.plan,
                             time=self.time, target=target, start=point)

    def _drag_to(self, target: PlanTarget, point: PlanPoint, snap: bool) -> None:
        if self.drag is None:
            return
        pushes = self.drag.pushes
        try:
            self.drag.move_to(point, snap)
        except (EditRefused, IndexError) as error:
            self.title.setText(f"Not moved: {error}")
            return
        if self.drag.pushes > pushes and self.live_shot():
            self.live.emit(self.live_shot(), self.time)

    def _end_drag(self, target: PlanTarget) -> None:
        drag, self.drag = self.drag, None
        self.refresh()
        if drag is not None and drag.changed and self.shots is not None and self.scene_id:
            self.drag_finished.emit(self.scene_id, [s.node_id for s in self.shots.shots])

    def _layout(self) -> None:
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Scene time", self))
        bottom.addWidget(self.scrubber, 1)
        bottom.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
