"""The render queue: compiles the plan, runs the executor as a task on the qasync loop, and shows
one row per take with its state and step progress.

The executor does the heavy work in its worker threads and sends its events on the loop's
thread, which is the GUI thread, so the rows are updated in place and the window stays live.
Only stale takes render: the rest are found in the clip store and shown as cached.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from functools import partial

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from previz._qt.document import QtDocument
from previz.core.project import Project
from previz.engine.backend import CancelToken
from previz.engine.events import (
    Cached,
    CancelledEvent,
    Done,
    Failed,
    Queued,
    RenderEvent,
    Started,
    Step,
)
from previz.engine.executor import RunResult
from previz.engine.plan import ExecutionPlan
from previz.engine.session import EngineSession

log = logging.getLogger("previz.render")
NODE, TAKE, STATUS, PROGRESS, WORKER = range(5)
HERE = "this machine"  # the worker of a take rendered without a farm
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_HEIGHT = 22
_BAR_TROUGH, _BAR_EDGE = QColor("#16181c"), QColor("#353a44")
_BAR_CHUNK, _BAR_DONE, _BAR_TEXT = QColor("#c7832f"), QColor("#4f7a45"), QColor("#e9e4d8")
_STATES = {  # event type: (status text, colour)
    Queued: ("queued", "#8b93a1"),
    Started: ("rendering", "#f2a541"),
    Step: ("rendering", "#f2a541"),
    Cached: ("cached", "#7f8a99"),
    Done: ("done", "#8cc474"),
    Failed: ("failed", "#f07c6c"),
    CancelledEvent: ("cancelled", "#c9a26b"),
}


class QtProgressDelegate(QStyledItemDelegate):
    """Draws a row's progress (0 to 1, or none) as a slim bar with its percentage."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Paint the cell as a bar, or as usual when it has no progress."""
        value = index.data(PROGRESS_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        fraction = min(max(float(value), 0.0), 1.0)
        rect = QRectF(option.rect).adjusted(4, 4, -4, -4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(_BAR_EDGE, 1))
        painter.setBrush(_BAR_TROUGH)
        painter.drawRoundedRect(rect, 3, 3)
        if fraction > 0:
            filled = QRectF(rect.left(), rect.top(), rect.width() * fraction, rect.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_BAR_DONE if fraction >= 1 else _BAR_CHUNK)
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(_BAR_TEXT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{fraction:.0%}")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """Rows tall enough for a readable bar."""
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), ROW_HEIGHT))


class QtRenderQueue(QWidget):
    """Renders the document's project and shows how each take is doing.

    ``render_event(event)`` and ``plan_ready(plan)`` let the node editor badge its nodes;
    ``finished(result)`` carries the ``RunResult`` (None if the run broke or was stopped);
    ``node_activated(node_id)`` fires when a row is double-clicked.
    """

    render_event = Signal(object)
    plan_ready = Signal(object)
    started = Signal()
    finished = Signal(object)
    node_activated = Signal(str)

    def __init__(self, document: QtDocument, session: EngineSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.session = document, session
        self.plan: ExecutionPlan | None = None
        self.task: asyncio.Task[RunResult | None] | None = None
        self.token: CancelToken | None = None
        self._rows: dict[tuple[str, int], QTreeWidgetItem] = {}
        self._finished = 0
        self._started_at = 0.0
        self.toolbar = QToolBar(self)
        self.summary = QLabel("Nothing rendered yet.", self)
        self.summary.setObjectName("renderSummary")
        self.tree = self._make_tree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in (self.toolbar, self.summary, self.tree):
            layout.addWidget(widget)
        document.project_replaced.connect(self._on_project_replaced)

    @property
    def is_running(self) -> bool:
        """Whether a render is under way."""
        return self.task is not None and not self.task.done()

    def render(self, targets: Sequence[str] | None = None) -> asyncio.Task[RunResult | None] | None:
        """Render ``targets`` (default: the timeline); None if a render is running already or
        the plan has problems (each is logged and shown)."""
        if self.is_running:
            log.info("a render is running already; cancel it to start another")
            return None
        project = self.document.project
        plan = self.session.compile(project, targets)
        self.plan = plan
        self._reset(plan)
        self.plan_ready.emit(plan)
        if not plan.ok:
            self._show_problems(plan)
            return None
        if not plan.nodes:
            self.summary.setText("Nothing to render: the timeline is empty.")
            log.info("nothing to render")
            return None
        self.token = CancelToken()
        self.task = asyncio.ensure_future(self._run(plan, project, self.token))
        self.task.add_done_callback(partial(self._end, plan, project))
        self._started_at = time.perf_counter()
        log.info("rendering %d node%s", len(plan.nodes), "s" if len(plan.nodes) != 1 else "")
        self.started.emit()
        return self.task

    def cancel(self) -> None:
        """Stop the render: the running take stops within one step and leaves nothing."""
        if self.is_running and self.token is not None and not self.token.cancelled:
            self.token.cancel()
            self.summary.setText("Cancelling…")
            log.info("cancelling the render")

    async def wait(self) -> RunResult | None:
        """The result of the render under way (or of the last one)."""
        return await self.task if self.task is not None else None

    def shutdown(self) -> None:
        """Cancel any render and stop the session's worker threads (when the window closes)."""
        self.cancel()
        self.session.close()

    async def _run(self, plan: ExecutionPlan, project: Project,
                   token: CancelToken) -> RunResult | None:
        try:
            return await self.session.run(plan, project, [self._on_event], token)
        except Exception:
            log.exception("the render stopped")
            return None

    def _end(self, plan: ExecutionPlan, project: object,
             task: asyncio.Task[RunResult | None]) -> None:
        """Runs once the task is done, so ``is_running`` is already false for listeners."""
        if not shiboken6.isValid(self):  # the window closed under a render
            return
        result = None if task.cancelled() else task.result()
        seconds = time.perf_counter() - self._started_at
        if result is not None and project is self.document.project:
            self.document.record_models(result.models)
        if result is None:
            text = f"Stopped after {seconds:.1f} s."
        elif lost := getattr(self.session.executor.runner, "lost", ""):  # the farm went away
            text = f"Stopped: {lost}; what rendered is kept."
            log.error(text)
        elif result.cancelled:
            text = f"Cancelled after {seconds:.1f} s; nothing half-rendered was kept."
        elif result.failed:
            for node_id, message in result.failed.items():
                log.error("%s failed: %s", plan.nodes[node_id].label, message)
            text = f"{len(result.failed)} failed, the rest rendered, in {seconds:.1f} s."
        else:
            text = f"Rendered in {seconds:.1f} s."
        self.summary.setText(text)
        log.info(text)
        self.finished.emit(result)

    def _on_event(self, event: RenderEvent) -> None:
        row = self._rows.get((event.node_id, event.take))
        if row is None and self.plan is not None and event.node_id in self.plan.nodes:
            row = self._add_row(event.node_id, event.take)
        if row is not None:
            self._show(row, event)
        self.render_event.emit(event)

    def _show(self, row: QTreeWidgetItem, event: RenderEvent) -> None:
        text, colour = _STATES.get(type(event), ("", "#c9ced6"))
        row.setText(STATUS, text)
        row.setForeground(STATUS, QBrush(QColor(colour)))
        if isinstance(event, Step) and event.total:
            row.setData(PROGRESS, PROGRESS_ROLE, min(event.index / event.total, 1.0))
        elif isinstance(event, Done | Cached):
            row.setData(PROGRESS, PROGRESS_ROLE, 1.0)
        elif isinstance(event, Started):
            row.setData(PROGRESS, PROGRESS_ROLE, 0.0)
            if event.worker or not row.text(WORKER):  # a farm names its worker first
                row.setText(WORKER, event.worker or HERE)
            self.tree.scrollToItem(row)  # keep what is rendering in view
        if isinstance(event, Failed):
            row.setToolTip(STATUS, event.message)
            row.setToolTip(NODE, event.message)
        if isinstance(event, Done | Cached | Failed | CancelledEvent):
            self._finished += 1
            if not (self.token and self.token.cancelled):
                self.summary.setText(f"Rendering: {self._finished} of {len(self._rows)}"
                                     " takes finished.")

    def _reset(self, plan: ExecutionPlan) -> None:
        self.tree.clear()
        self._rows.clear()
        self._finished = 0
        for node_id in plan.order:
            for take in range(max(len(plan.nodes[node_id].keys), 1)):
                self._add_row(node_id, take)

    def _add_row(self, node_id: str, take: int) -> QTreeWidgetItem:
        assert self.plan is not None
        planned = self.plan.nodes[node_id]
        takes = max(len(planned.keys), 1)
        row = QTreeWidgetItem([planned.label, f"{take + 1} of {takes}", "", "", ""])
        row.setData(NODE, Qt.ItemDataRole.UserRole, node_id)
        row.setToolTip(NODE, planned.label)
        self.tree.addTopLevelItem(row)
        self._rows[(node_id, take)] = row
        return row

    def _show_problems(self, plan: ExecutionPlan) -> None:
        for problem in plan.problems:
            log.warning("%s", problem)
            row = self._rows.get((problem.node_id, 0))
            if row is not None:
                row.setText(STATUS, "problem")
                row.setForeground(STATUS, QBrush(QColor(_STATES[Failed][1])))
                row.setToolTip(STATUS, problem.message)
        count = len(plan.problems)
        self.summary.setText(f"Not rendered: {count} problem{'s' if count != 1 else ''}"
                             " (see the log).")

    def _make_tree(self) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setColumnCount(5)
        tree.setHeaderLabels(["Node", "Take", "Status", "Progress", "Worker"])
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)  # every row is ROW_HEIGHT: the delegate says so
        tree.setItemDelegateForColumn(PROGRESS, QtProgressDelegate(tree))
        tree.header().setStretchLastSection(True)
        tree.setColumnWidth(NODE, 260)
        tree.setColumnWidth(TAKE, 60)
        tree.setColumnWidth(STATUS, 90)
        tree.setColumnWidth(PROGRESS, 200)
        tree.itemDoubleClicked.connect(
            lambda row, _column: self.node_activated.emit(row.data(NODE, Qt.ItemDataRole.UserRole)))
        return tree

    def _on_project_replaced(self, _project: object) -> None:
        self.cancel()
        self.tree.clear()
        self._rows.clear()
        self.summary.setText("Nothing rendered yet.")
