"""The viewer dock: plays the selected node's clip, with guides, overlays and its takes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from previz._qt.document import QtDocument
from previz._qt.qt_render_queue import QtRenderQueue
from previz._qt.selection import QtSelection
from previz._qt.undo import push_command
from previz._qt.viewer.qt_frame_view import GUIDES, OVERLAYS, QtFrameView
from previz._qt.viewer.qt_player import QtPlayer, QtTransport
from previz._qt.viewer.qt_take_strip import QtTakeStrip
from previz._qt.viewer.qt_thumbnails import QtThumbnails
from previz.app.frame_feed import FramePool
from previz.app.takes import NodeTakes, node_takes
from previz.core.commands import CircleTake
from previz.core.project import Project, TakeCircled
from previz.core.values import Clip

RETRY_MS = 15


class QtViewer(QWidget):
    """Follows the selection: the first selected clip node plays here, its circled take unless
    a card of the take strip was clicked. What it shows comes from the project and the store;
    the only state of its own is which take is being looked at and where the playhead is."""

    def __init__(self, document: QtDocument, selection: QtSelection, queue: QtRenderQueue,
                 thumbnails: QtThumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.selection, self.queue = document, selection, queue
        self.pool = FramePool(queue.session.store)
        self.node_id: str | None = None
        self.looked_at: int | None = None  # a take played from the strip, not circled
        self.takes: NodeTakes | None = None
        self.clip: Clip | None = None
        self.view = QtFrameView(self)
        self.player = QtPlayer(self._show, self)
        self.transport = QtTransport(self.player, self)
        self.strip = QtTakeStrip(thumbnails, self)
        self.title = QLabel("Select a shot to view it.", self)
        self.title.setObjectName("viewerTitle")
        # The slate on a band under the picture, never over it: the picture is the camera's.
        self.slate = QLabel(self)
        self.slate.setObjectName("viewerSlate")
        self.slate.setWordWrap(True)
        self.slate.setStyleSheet("QLabel#viewerSlate { background: #16181c; color: #e8e8e8;"
                                 " padding: 3px 6px; }")
        self.slate.hide()
        self.toggles = {name: self._toggle(name) for name in (*GUIDES, *OVERLAYS)}
        self._project: Project | None = None
        self._refresh_due = False
        self.live = False  # showing a live draft frame (see qt_live_view), not a clip
        self._layout()
        self.transport.bind_keys(self)
        self.strip.take_clicked.connect(self.look_at_take)
        self.strip.circle_requested.connect(self.circle)
        selection.changed.connect(self._follow_selection)
        document.project_replaced.connect(self._attach)
        queue.finished.connect(lambda _result: self.end_live())
        self._attach(document.project)

    def look_at_take(self, take: int) -> None:
        """Play ``take`` of the node shown, without circling it."""
        self.looked_at = take
        self.refresh()
        self.player.seek(0)
        self.player.play()

    def circle(self, take: int) -> None:
        """Circle ``take`` of the node shown: one undoable command."""
        if self.node_id is not None and self.takes is not None and take != self.takes.circled:
            push_command(self.document.undo_stack, self.document.project,
                         CircleTake(self.node_id, take))

    def shutdown(self) -> None:
        """Stop playing and the decoders (when the window closes)."""
        self.player.pause()
        self.pool.close()

    def show_live(self, frame: np.ndarray, caption: str) -> None:
        """Show a live draft frame (drawn in memory, not stored) until ``end_live``."""
        self.live = True
        self.player.pause()
        self.view.show_frame(frame)
        self.title.setText(caption)
        self.title.setToolTip(caption)

    def end_live(self) -> None:
        """Leave the live frame for the clip as the project and the store have it."""
        self.live = False
        self.refresh()

    def refresh(self) -> None:
        """Show the node's take as the project and the store have it now."""
        self._refresh_due = False
        if self.live:
            return
        project = self.document.project
        found = node_takes(project, self.queue.session,
                           [self.node_id] if self.node_id else [])
        self.takes = found.get(self.node_id or "")
        if self.takes is None:
            self._show_nothing()
            return
        take = self.looked_at if self.looked_at is not None else self.takes.circled
        take = min(take, len(self.takes.keys) - 1)
        self.clip = self.takes.clips[take]
        self.strip.show_takes(self.takes, take)
        state = "circled" if take == self.takes.circled else "not circled"
        shared = self.clip is not None and self.clip.provenance.get("shared")
        self.title.setText(f"{'Shared render · ' if shared else ''}{self.takes.label} — take"
                           f" {take + 1} of {len(self.takes.keys)} ({state})"
                           f"{' — came with the project, not rendered here' if shared else ''}")
        self.title.setToolTip(self.title.text())
        if self.clip is None:
            self._show_slate_band(None)
            self.player.pause()
            self.player.configure(project.settings.rate, 0)
            self.view.show_slate([self.takes.label, "not rendered"],
                                 project.settings.width / project.settings.height)
            return
        self._show_slate_band(self.clip)
        self.player.configure(self.clip.fps, self.clip.frame_count)
        self.player.seek(self.player.frame)

    def _show_slate_band(self, clip: Clip | None) -> None:
        """The clip's slate (and why its framing gave way, if it did) under the picture."""
        record = clip.provenance if clip is not None else {}
        lines = [str(line) for line in record.get("slate") or () if line]
        if record.get("framing_note"):
            lines.append(f"Framing: {record['framing_note']}")
        self.slate.setText("\n".join(lines))
        self.slate.setVisible(bool(lines))

    def _show(self, frame: int) -> bool:
        if self.clip is None:
            return False
        picture = self.pool.feed(self.clip).get(frame)
        if picture is None:
            if not self.player.playing:
                QTimer.singleShot(RETRY_MS, self, lambda: self._retry(frame))
            return False
        self.view.show_frame(picture)
        return True

    def _retry(self, frame: int) -> None:
        if not self.player.playing and self.player.frame == frame and self.clip is not None:
            self._show(frame)

    def _show_nothing(self) -> None:
        self.clip = None
        self._show_slate_band(None)
        self.player.pause()
        self.player.configure(self.document.project.settings.rate, 0)
        self.strip.show_takes(None)
        self.title.setText("Select a shot to view it.")
        self.view.show_slate(["No clip selected"])

    def _follow_selection(self) -> None:
        chosen = next((node_id for node_id in self.selection.node_ids
                       if node_id in self.document.project.nodes), None)
        if chosen != self.node_id and chosen is not None:
            self.node_id, self.looked_at, self.live = chosen, None, False
            self.player.pause()
            self.player.frame = 0
            self.refresh()

    def _attach(self, project: Project) -> None:
        if self._project is not None:
            self._project.events.disconnect(self._on_event)
        self._project = project
        project.events.connect(self._on_event)
        self.node_id, self.looked_at = None, None
        self._show_nothing()

    def _on_event(self, event: object) -> None:
        if isinstance(event, TakeCircled) and event.node_id == self.node_id:
            self.looked_at = None  # the circled take is the one to watch now
        if not self._refresh_due:  # many events of one edit: one refresh
            self._refresh_due = True
            QTimer.singleShot(0, self, self._refresh_if_due)

    def _refresh_if_due(self) -> None:
        if self._refresh_due:
            self.refresh()

    def _toggle(self, name: str) -> QAction:
        action = QAction({"thirds": "Thirds", "safe": "Safe"}.get(name, name), self)
        action.setToolTip(f"Show the {name} {'guide' if name in GUIDES else 'overlay'}")
        action.setCheckable(True)
        action.toggled.connect(lambda on: self.view.set_toggle(name, on))
        return action

    def _layout(self) -> None:
        guides = QToolBar(self)
        guides.setObjectName("viewerGuides")
        guides.setStyleSheet("QToolButton:checked { background: #3d4f66; color: #f2a541;"
                             " border-radius: 3px; }")
        guides.addActions(list(self.toggles.values()))
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(guides)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.slate)
        layout.addWidget(self.transport)
        layout.addWidget(self.strip)
