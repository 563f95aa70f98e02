"""The timeline dock: the cut as a track with a preview monitor, its edits as commands, and
playback at the project's editorial rate across shot boundaries.

A shot whose circled take is not in the store shows a slate card. Pressing play renders the
unrendered shots from the playhead on, one at a time in cut order (then those before it);
playback holds on the slate of a shot being rendered and carries on when it arrives.
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
from previz.app.scene_shots import clips_for_cut
from previz.app.takes import is_clip_node
from previz.core.commands import (
    Command,
    Macro,
    TimelineInsert,
    TimelineMove,
    TimelineRemove,
    TimelineTrim,
)
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
        self.waiting: str | None = None  # the entry playback holds on until it is rendered
        self.skipped: set[str] = set()  # entries the user played past while they rendered
        self._arrived: str | None = None  # the entry just rendered, to play once it decodes
        self._holding = False
        self.monitor = QtFrameView(self)
        self.monitor.setMinimumSize(96, 54)
        self.track = QtCutView(thumbnails, self)
        self.player = QtPlayer(self._show, self)
        self.transport = QtTransport(self.player, self)
        self.toolbar = self._make_toolbar()
        self._project: Project | None = None
        self._rebuild_due = False
        self._held = False
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
        self.track.nodes_dropped.connect(self.add_nodes)
        self.track.trim_requested.connect(
            lambda entry, first, stop, gesture:
            self._push(TimelineTrim(entry, first, stop, gesture)))
        self.player.frame_changed.connect(self._playhead_moved)
        self.player.playing_changed.connect(self._playing_changed)
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

    def add_nodes(self, node_ids: list[str], index: int | None = None) -> None:
        """Put the clip nodes among ``node_ids`` on the cut at ``index`` (dropped from the node
        editor), a Scene as its shots in slate order, in one undo step."""
        project, registry = self.document.project, self.document.registry
        clips = clips_for_cut(project, registry, node_ids)
        if not clips:
            log.info("only nodes with a clip output (or a Scene with shots) go on the timeline")
            return
        at = len(project.timeline) if index is None else index
        inserts: list[Command] = [TimelineInsert(TimelineEntry(new_id(), node), at + offset)
                                  for offset, node in enumerate(clips)]
        self._push(inserts[0] if len(inserts) == 1 else Macro(inserts, "Add to timeline"))

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
            if self.player.playing and shot.entry.id == self._arrived:
                self._hold()  # a shot just rendered: start it on its first frame, not late
            if not self.player.playing:
                QTimer.singleShot(RETRY_MS, self, lambda: self._retry(frame))
            return False
        if shot.entry.id == self._arrived and not self.player.playing:
            self._arrived = None
            self.player.play()
        self.monitor.show_frame(picture)
        self.shown = (shot.entry.id, source)
        return True

    def _show_slate(self, shot: CutShot) -> None:
        seconds = shot.length / float(self.cut.rate)
        coming = (self.player.playing and shot.entry.node not in self._given_up()
                  and shot.entry.id not in self.skipped)
        self.monitor.show_slate([shot.label, f"{seconds:.1f} s",
                                 "rendering…" if coming else "not rendered"],
                                self.document.project.settings.width
                                / self.document.project.settings.height)
        self.shown = (shot.entry.id, -1)
        if coming:  # hold here until it arrives
            self.waiting = shot.entry.id
            self._hold()
            self.render_ahead()

    def _hold(self) -> None:
        """Pause playback for the timeline's own reasons (the user did not press pause)."""
        self._holding = True
        self.player.pause()
        self._holding = False

    def render_ahead(self) -> str | None:
        """Render the first unrendered shot from the playhead on (wrapping to the start), one
        at a time, in cut order; the node asked for, if any."""
        if self.queue.is_running or not self.cut.shots:
            return None
        first = self.cut.index_at(self.player.frame)
        ordered = [*self.cut.shots[first:], *self.cut.shots[:first]]
        node_id = next((shot.entry.node for shot in ordered if shot.clip is None
                        and shot.entry.node not in self.render_asked), None)
        if node_id is None:
            return None
        self.render_asked.add(node_id)
        label = next(shot.label for shot in ordered if shot.entry.node == node_id)
        log.info("rendering %s for the timeline", label)
        if self.queue.render([node_id]) is None:
            return self.render_ahead()  # it cannot render (a problem shown): the next one
        return node_id

    def _given_up(self) -> set[str]:
        """Nodes asked for whose render ended without a clip (failed or refused)."""
        return {node for node in self.render_asked if node not in self._in_flight()}

    def _in_flight(self) -> set[str]:
        plan = self.queue.plan if self.queue.is_running else None
        return set(plan.targets) if plan is not None else set()

    def _playing_changed(self, playing: bool) -> None:
        if playing and self.waiting is not None:  # play pressed while holding: play past it
            self.skipped.add(self.waiting)
            self.waiting = None
        if playing:
            self.render_ahead()
        elif not self._holding:
            self._arrived = None  # the user paused

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
            self._show(frame)  # plays on from there once a shot that just arrived decodes

    def _playhead_moved(self, frame: int) -> None:
        self.track.playhead = frame
        self.track.update()

    # --- following the model ------------------------------------------------------------

    def rebuild(self) -> None:
        """Resolve the cut from the project and the store, and show it."""
        self._rebuild_due = False
        self.cut = build_cut(self.document.project, self.queue.session)
        self.track.cut = self.cut
        self.track.scroll_by(0)  # keeps the zoomed view within the cut
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
        if self._rebuild_due and not self._held:
            self.rebuild()

    def hold_rebuilds(self, held: bool) -> None:
        """While ``held`` (a drag on the floor plan: an edit every mouse move) the cut is not
        compiled again on each edit; letting go rebuilds it once if anything changed."""
        self._held = held
        if not held and self._rebuild_due:
            self.rebuild()

    def _render_finished(self, _result: object) -> None:
        self.rebuild()
        waiting = next((shot for shot in self.cut.shots if shot.entry.id == self.waiting), None)
        if waiting is not None and waiting.clip is not None:
            self.waiting, self._arrived = None, waiting.entry.id
            self.player.seek(waiting.start)  # it arrived: play it from its first frame
        elif waiting is not None and waiting.entry.node in self._given_up():
            self.waiting = None
            self.player.play()  # it cannot render: play on past its slate
        elif self.waiting is not None or self.player.playing:
            self.render_ahead()
        else:
            self.render_asked.clear()
            self.skipped.clear()

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
