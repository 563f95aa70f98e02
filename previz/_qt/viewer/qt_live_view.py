"""The live camera view: the selected shot's draft frame at the current scene time, drawn in
memory while the scene is being edited, never stored.

Requests coalesce: however many arrive in one turn of the event loop (a drag's mouse moves, an
edit's events), one frame is drawn, of the latest. The viewer leaves the live frame when the
selection changes or a render finishes (the full render follows a drag).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from previz._qt.document import QtDocument
from previz._qt.selection import QtSelection
from previz._qt.viewer.qt_viewer import QtViewer
from previz.app.live_view import LiveFrames, SceneShots, live_request, scene_now, scene_of
from previz.core.errors import ProjectError
from previz.core.project import ParamChanged, Project
from previz.core.shot_camera import SHOT_TYPE

log = logging.getLogger(__name__)


class QtLiveView(QObject):
    """Draws live frames into ``viewer``; ``drawn`` counts them, ``frame_drawn(seconds)``
    reports each with the time it took."""

    frame_drawn = Signal(float)

    def __init__(self, viewer: QtViewer, document: QtDocument, selection: QtSelection,
                 scene_time: Callable[[], float] = lambda: 0.0,
                 parent: QObject | None = None, *,
                 read: Callable[[str], SceneShots | None] = lambda _scene_id: None) -> None:
        """``read(scene_id)`` gives the scene as the floor plan has just read it, when it is
        up to date (a drag: the plan reads it on every move), so it is not read twice."""
        super().__init__(parent)
        self.viewer, self.document, self.selection = viewer, document, selection
        self.scene_time, self._read = scene_time, read
        self.frames = LiveFrames()
        self.drawn = 0
        self._wanted: tuple[str, float] | None = None
        self._project: Project | None = None
        document.project_replaced.connect(self._attach)
        self._attach(document.project)

    def request(self, shot_id: str, at: float) -> None:
        """Ask for ``shot_id``'s frame at scene time ``at`` (drawn on the next turn)."""
        due = self._wanted is not None
        self._wanted = (shot_id, at)
        if not due:
            QTimer.singleShot(0, self, self.draw_now)

    def draw_now(self) -> bool:
        """Draw the latest request now; whether a frame was drawn."""
        if self._wanted is None:
            return False
        shot_id, at = self._wanted
        self._wanted = None
        project = self.document.project
        scene_id = scene_of(project, shot_id)
        if scene_id is None or scene_id == shot_id:
            return False
        started = time.perf_counter()
        try:
            shots = self._read(scene_id) or scene_now(project, self.document.registry,
                                                      scene_id)
            setup = shots.shot(shot_id)
            if setup is None:
                return False
            frame = self.frames.frame(live_request(shots.scene, setup, at))
        except (ProjectError, ValueError, KeyError, TypeError) as error:
            log.info("no live frame for the shot: %s", error)
            return False
        self.viewer.show_live(frame, f"Live draft · shot {setup.number}"
                                     f"{' ' + repr(setup.name) if setup.name else ''}"
                                     f" at scene time {setup.within(at):.2f} s · not stored")
        self.drawn += 1
        self.frame_drawn.emit(time.perf_counter() - started)
        return True

    def _attach(self, project: Project) -> None:
        if self._project is not None:
            self._project.events.disconnect(self._on_event)
        self._project = project
        project.events.connect(self._on_event)

    def _on_event(self, event: object) -> None:
        """A param of the selected shot, its scene or its camera moves changed: show it."""
        if not isinstance(event, ParamChanged):
            return
        project = self.document.project
        shot_id = next((node_id for node_id in self.selection.node_ids
                        if node_id in project.nodes
                        and project.nodes[node_id].type == SHOT_TYPE), None)
        if shot_id is None or scene_of(project, shot_id) is None:
            return
        if event.node_id == shot_id or event.node_id in project.upstream(shot_id):
            self.request(shot_id, self.scene_time())
