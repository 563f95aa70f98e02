"""The floor plan and the live view in the window: the dock, and the render after a drag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from previz._qt.floor_plan.qt_floor_plan import QtFloorPlan
from previz._qt.qt_render_queue import QtRenderQueue
from previz._qt.viewer.qt_live_view import QtLiveView

if TYPE_CHECKING:
    from previz._qt.qt_main_window import QtMainWindow


class QtSceneRenders(QObject):
    """Renders the shots of a scene when a drag on its plan ends; a render under way is
    cancelled and the newest request follows it."""

    def __init__(self, queue: QtRenderQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.pending: list[str] | None = None
        self.requested: list[list[str]] = []  # every render asked for, in order
        queue.finished.connect(self._after)

    def render(self, shot_ids: Sequence[str]) -> None:
        """Render exactly ``shot_ids`` (and what they need)."""
        if not shot_ids:
            return
        self.requested.append(list(shot_ids))
        if self.queue.is_running:
            self.pending = list(shot_ids)
            self.queue.cancel()
            return
        self.queue.render(list(shot_ids))

    def _after(self, _result: object) -> None:
        pending, self.pending = self.pending, None
        if pending:
            self.queue.render(pending)


def install_floor_plan(window: QtMainWindow) -> QtFloorPlan:
    """Add the Floor Plan dock (tabbed with the node editor) and the live view to ``window``."""
    plan = QtFloorPlan(window.document, window.selection)
    live = QtLiveView(window.viewer, window.document, window.selection, lambda: plan.time,
                      window, read=plan.scene_shots)
    renders = QtSceneRenders(window.queue, window)
    plan.live.connect(live.request)
    plan.drag_finished.connect(lambda _scene_id, shot_ids: renders.render(shot_ids))
    # A drag edits the project on every mouse move: the timeline catches up when it ends.
    plan.view.drag_started.connect(lambda *_: window.timeline.hold_rebuilds(True))
    plan.view.drag_ended.connect(lambda *_: window.timeline.hold_rebuilds(False))
    window.add_panel("floorPlan", "Floor Plan", plan, Qt.DockWidgetArea.LeftDockWidgetArea,
                     tab_with="nodeEditor")
    window.floor_plan, window.live_view, window.scene_renders = plan, live, renders
    window.docks["nodeEditor"].raise_()
    return plan
