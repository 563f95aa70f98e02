"""The timeline dock: the cut as a track with a preview monitor, its edits as commands, and
playback at the project's editorial rate across shot boundaries.

A shot whose circled take is not in the store shows a slate card; when playback reaches it,
the render queue is asked to render that node.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QToolBar, QVBoxLayout, QWidget

from previz._qt.document import QtDocument
from previz._qt.qt_render_queue import QtRenderQueue
from previz._qt.selection import QtSelection
from previz._qt.timeline.qt_cut_view import QtCutView
from previz._qt.undo import push_command
from previz._qt.viewer.qt_frame_view import QtFrameView
from previz._qt.viewer.qt_player import QtPlayer, QtTransport
from previz._qt.viewer.qt_thumbnails import QtThumbnails
from previz.app.cut import Cut, CutShot, build_cut
from previz.app.frame_feed import AHEAD, FramePool
from previz.app.takes import is_clip_node
from previz.core.commands import Command, TimelineInsert, TimelineMove, TimelineRemove, TimelineTrim
from previz.core.errors import EditRefused
from previz.core.ids import new_id
from previz.core.project import Project, TimelineEntry

log = logging.getLogger(__name__)
RETRY_MS = 15


class QtTimeline(QWidget):
    """The cut of the document's project; selecting an entry selects its node and back."""

    def __init__(self, document: QtDocument, selection: QtSelection, queue: QtRenderQueue,
                 thumbnails: QtThumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.selection, self.queue = document, selection, queue
        self.pool = FramePool(queue.session.store)
        self.cut = Cut((), document.project.settings.rate)
        self.shown: tuple[str, int] | None = None  # (entry id, source frame) on the monitor
        self.render_asked: set[str] = set()
        self.monitor = QtFrameView(self)
        self.monitor.setMinimumSize(96, 54)
        self.track = QtCutView(thumbnails, self)
        self.player = QtPlayer(self._show, self)
        self.transport = QtTransport(self.player, self)
        self.toolbar = self._make_toolbar()
        self._project: Project | None = None
        self._rebuild_due = False
        self._layout()
        self.transport.bind_keys(self)
        for key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            remove = QShortcut(QKeySequence(key), self, self.remove_current)
            remove.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.track.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.track.scrubbed.connect(self.player.seek)
        self.track.entry_pressed.connect(self._entry_pressed)
        self.track.move_requested.connect(
            lambda entry, index: self._push(TimelineMove(entry, index)))
        self.track.trim_requested.connect(
            lambda entry, first, stop, gesture:
            self._push(TimelineTrim(entry, first, stop, gesture)))
        self.player.frame_changed.connect(self._playhead_moved)
        selection.changed.connect(self._selection_changed)
        document.project_replaced.connect(self._attach)
        queue.finished.connect(self._render_finished)
        self._attach(document.project)

    # --- edits --------------------------------------------------------------------------

    def add_selected(self, at_playhead: bool = False) -> None:
        """Put the first selected clip node on the cut: at the end, or before the shot under
        the playhead."""
        project, registry = self.document.project, self.document.registry
        node_id = next((node for node in self.selection.node_ids
                        if is_clip_node(project, registry, node)), None)
        if node_id is None:
            log.info("select a node with a clip output to add it to the timeline")
            return
        index = self.cut.index_at(self.player.frame) if at_playhead else None
        self._push(TimelineInsert(TimelineEntry(new_id(), node_id), index))

    def remove_current(self) -> None:
        """Take the entry last pressed (or the first of the selected nodes) off the cut."""
        entry_id = self.track.current_entry
        entries = [entry.id for entry in self.document.project.timeline]
        if entry_id not in entries:
            entry_id = next((entry.id for entry in self.document.project.timeline
                             if entry.node in self.selection.node_ids), None)
        if entry_id is not None:
            self._push(TimelineRemove(entry_id))

    def shutdown(self) -> None:
        """Stop playing and the decoders (when the window closes)."""
        self.player.pause()
        self.pool.close()

    def _push(self, command: Command) -> None:
        try:
            push_command(self.document.undo_stack, self.document.project, command)
        except EditRefused as refused:
            log.info("%s", refused)

    # --- playback -----------------------------------------------------------------------

    def _show(self, frame: int) -> bool:
        shot = self.cut.at(frame)
        if shot is None:
            self.monitor.show_slate(["End of the cut"])
            return True
        if shot.clip is None:
            self._show_slate(shot)
            return True
        source = shot.source_frame(frame, self.cut.rate)
        picture = self.pool.feed(shot.clip).get(source)
        self._read_ahead(shot, frame)
        if picture is None:
            if not self.player.playing:
                QTimer.singleShot(RETRY_MS, self, lambda: self._retry(frame))
            return False
        self.monitor.show_frame(picture)
        self.shown = (shot.entry.id, source)
        return True

    def _show_slate(self, shot: CutShot) -> None:
        seconds = shot.length / float(self.cut.rate)
        self.monitor.show_slate([shot.label, f"{seconds:.1f} s", "not rendered"],
                                self.document.project.settings.width
                                / self.document.project.settings.height)
        self.shown = (shot.entry.id, -1)
        if self.player.playing:
            self._ask_render(shot.entry.node)

    def _ask_render(self, node_id: str) -> None:
        if node_id in self.render_asked or self.queue.is_running:
            return
        self.render_asked.add(node_id)
        log.info("rendering %s for the timeline", node_id[:8])
        self.queue.render([node_id])

    def _read_ahead(self, shot: CutShot, frame: int) -> None:
        """Start decoding the next shot shortly before the cut reaches it."""
        if shot.end - frame > AHEAD:
            return
        following = self.cut.at(shot.end if shot.end < self.cut.length else 0)
        if following is not None and following.clip is not None:
            self.pool.feed(following.clip).get(following.source_frame(following.start,
                                                                      self.cut.rate))

    def _retry(self, frame: int) -> None:
        if not self.player.playing and self.player.frame == frame:
            self._show(frame)

    def _playhead_moved(self, frame: int) -> None:
        self.track.playhead = frame
        self.track.update()

    # --- following the model ------------------------------------------------------------

    def rebuild(self) -> None:
        """Resolve the cut from the project and the store, and show it."""
        self._rebuild_due = False
        self.cut = build_cut(self.document.project, self.queue.session)
        self.track.cut = self.cut
        self.player.configure(self.cut.rate, self.cut.length)
        self.track.update()
        if self.cut.length:
            self.player.seek(self.player.frame)
        else:
            self.monitor.show_slate(["The timeline is empty"])

    def _attach(self, project: Project) -> None:
        if self._project is not None:
            self._project.events.disconnect(self._on_event)
        self._project = project
        project.events.connect(self._on_event)
        self.player.pause()
        self.player.frame = 0
        self.rebuild()

    def _on_event(self, _event: object) -> None:
        if not self._rebuild_due:  # the events of one edit: one rebuild
            self._rebuild_due = True
            QTimer.singleShot(0, self, self._rebuild_if_due)

    def _rebuild_if_due(self) -> None:
        if self._rebuild_due:
            self.rebuild()

    def _render_finished(self, _result: object) -> None:
        self.render_asked.clear()
        self.rebuild()

    def _entry_pressed(self, entry_id: str) -> None:
        node = next(entry.node for entry in self.document.project.timeline
                    if entry.id == entry_id)
        self.selection.set_nodes([node])

    def _selection_changed(self) -> None:
        self.track.selected_nodes = self.selection.node_ids
        self.track.update()

    def _make_toolbar(self) -> QToolBar:
        toolbar = QToolBar(self)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction("Add at playhead", lambda: self.add_selected(at_playhead=True))
        toolbar.addAction("Add at end", self.add_selected)
        toolbar.addAction("Remove", self.remove_current)
        return toolbar

    def _layout(self) -> None:
        right = QVBoxLayout()
        right.setSpacing(2)
        right.addWidget(self.toolbar)
        right.addWidget(self.track, 1)
        right.addWidget(self.transport)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.monitor)
        layout.addLayout(right, 1)
