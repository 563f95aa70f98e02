"""The main window: the node editor, inspector, undo history, render queue and log in docks,
menus and shortcuts from the action table, files, autosave and the remembered layout.

The viewer and timeline join as docks through ``add_panel``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QEvent, QObject, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QUndoView, QWidget

from previz._qt import actions, screenplay, sharing
from previz._qt.autosave import QtAutosave, offer_recovery
from previz._qt.document import (
    QtDocument,
    ask_open_path,
    confirm_discard,
    save_interactively,
)
from previz._qt.farm_setting import choose_farm
from previz._qt.floor_plan.qt_floor_plan_dock import install_floor_plan
from previz._qt.inspector.qt_inspector import QtInspector
from previz._qt.node_editor.qt_node_editor import QtNodeEditor
from previz._qt.panels import qt_panel_docks as panel_docks
from previz._qt.qt_about import show_about
from previz._qt.qt_export_dialog import QtExportDialog
from previz._qt.qt_log import QtLogPanel
from previz._qt.qt_render_queue import QtRenderQueue
from previz._qt.recipe_drop import drop_file, droppable, open_exported
from previz._qt.selection import QtSelection
from previz._qt.timeline.qt_timeline import QtTimeline
from previz._qt.viewer.qt_thumbnails import QtThumbnails
from previz._qt.viewer.qt_viewer import QtViewer
from previz.core.errors import ProjectError
from previz.core.values import Clip
from previz.engine.session import EngineSession
from previz.engine.store import lane_of
from previz.settings import APP_NAME

Area = Qt.DockWidgetArea
MAX_RECENT = 10
LAYOUT_VERSION = 1
log = logging.getLogger(__name__)


def layout_settings() -> QSettings:
    """Where the window's layout and the recent projects are kept (the user config folder)."""
    path = Path(platformdirs.user_config_dir(APP_NAME)) / "window.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


class QtMainWindow(QMainWindow):
    """Previz's window on one document: every panel a dock, every command an action of the
    table in ``actions`` (``action_by_id``)."""

    def __init__(self, session: EngineSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previzMainWindow")
        self.session = session
        self.settings = layout_settings()
        self.document = QtDocument(session.registry, self)
        self.selection = QtSelection(self)
        stack, project = self.document.undo_stack, self.document.project
        self.editor = QtNodeEditor(project, session.registry, stack, self.selection)
        self.inspector = QtInspector(project, session.registry, stack, self.selection,
                                     catalog=session.backends.catalog)
        self.history = QUndoView(stack)
        self.history.setEmptyLabel("Opened")
        self.queue = QtRenderQueue(self.document, session)
        self.log_panel = QtLogPanel()
        self.thumbnails = QtThumbnails(session.store, self)
        self.viewer = QtViewer(self.document, self.selection, self.queue, self.thumbnails)
        self.timeline = QtTimeline(self.document, self.selection, self.queue, self.thumbnails)
        self.autosave = QtAutosave(self.document, parent=self)
        self.autosave.failed.connect(lambda message: self.statusBar().showMessage(message))
        self.docks: dict[str, QDockWidget] = {}
        self.export_dialog: QtExportDialog | None = None
        self._build_docks()
        install_floor_plan(self)
        self.action_by_id = actions.build_actions(self, self._handlers(), {"canvas": self.editor})
        self.menus = actions.build_menus(self.menuBar(), self.action_by_id)
        panel_docks.install(self)  # cast, locations, shot table; the View menu's panels
        self.recent_menu = self.menus["file.open_recent"]
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.queue.toolbar.addActions([self.action_by_id[name] for name in (
            "render.render", "render.render_selected", "render.cancel")])
        self._drop = QtImageDrop(self)
        self.editor.viewport().installEventFilter(self._drop)
        self.editor.viewport().setAcceptDrops(True)
        self.statusBar().showMessage("Ready", 3000)
        self._report_plugins()
        self._connect()
        self._update_title()
        self._update_actions()
        self.restore_layout()

    def _report_plugins(self) -> None:
        """Name each node pack or backend that failed to load (and was skipped) in the log
        panel and the status bar; the rest work."""
        problems = self.session.problems
        for problem in problems:
            log.error("%s", problem)
        if problems:
            names = ", ".join(repr(problem.name) for problem in problems)
            self.statusBar().showMessage(f"Skipped broken plug-in{'s' if len(problems) > 1 else ''}"
                                         f" {names}: see the log")

    def add_panel(self, name: str, title: str, widget: QWidget, area: Area,
                  tab_with: str | None = None) -> QDockWidget:
        """Put ``widget`` in a dock called ``name`` (for the saved layout), tabbed with another
        dock if ``tab_with`` names one."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}Dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)  # View menu: back
        if tab_with is not None:
            self.tabifyDockWidget(self.docks[tab_with], dock)
        else:
            self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def open_path(self, path: Path) -> bool:
        """Open the project at ``path`` (the current one must be dealt with first)."""
        previous, self.session.store.lane = self.session.store.lane, lane_of(path)
        try:
            damaged = self.document.open(path)
        except (ProjectError, OSError) as error:
            self.session.store.lane = previous
            log.error("could not open %s: %s", path, error)
            QMessageBox.critical(self, "Could not open", f"Could not open {path}:\n{error}")
            return False
        if damaged:
            report_damaged(self, path, damaged)
        self.remember_recent(Path(path))
        log.info("opened %s", self.document.path)
        sharing.receive_bundle(self, Path(path))
        return True

    def show_export(self) -> QtExportDialog:
        """Open the Export dialog (one per window, kept between uses)."""
        if self.export_dialog is None:
            self.export_dialog = QtExportDialog(self.document, self.queue, self)
        self.export_dialog.show()
        self.export_dialog.raise_()
        return self.export_dialog

    def recent_paths(self) -> list[Path]:
        """Projects opened or saved lately, newest first, those that still exist."""
        stored = self.settings.value("recentFiles", []) or []
        paths = [Path(item) for item in ([stored] if isinstance(stored, str) else stored)]
        return [path for path in paths if path.is_file()][:MAX_RECENT]

    def restore_layout(self) -> None:
        """Put the window and its docks where they were when it last closed."""
        geometry = self.settings.value("geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.setGeometry(QGuiApplication.primaryScreen().availableGeometry())  # all of it
        state = self.settings.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)
        else:
            panel_docks.default_sizes(self)

    def save_layout(self) -> None:
        """Remember the window's place and its docks for the next start."""
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Ask before losing changes; then stop rendering, drop the recovery file, remember
        the layout."""
        if not confirm_discard(self, self.document, "closing"):
            event.ignore()
            return
        self.queue.shutdown()
        self.thumbnails.close()
        self.viewer.shutdown()
        self.timeline.shutdown()
        self.autosave.close(discard=True)
        self.save_layout()
        self.log_panel.detach()
        event.accept()

    # --- commands ------------------------------------------------------------------------

    def new_project(self) -> None:
        """Start an empty project, once unsaved work is dealt with."""
        if confirm_discard(self, self.document, "starting a new project"):
            self.session.store.lane = ""  # no project's shared renders are served to a new one
            self.document.new()

    def open_project(self, path: Path | None = None) -> None:
        """Open a project (asking which if ``path`` is None), once unsaved work is dealt with."""
        if not confirm_discard(self, self.document, "opening another project"):
            return
        path = path or ask_open_path(self, self.document)
        if path is not None:
            self.open_path(path)

    def save(self, ask_name: bool = False) -> bool:
        """Save (as, with ``ask_name``); whether it saved."""
        if not save_interactively(self, self.document, ask_name=ask_name):
            return False
        assert self.document.path is not None
        self.session.store.carry_lane(lane_of(self.document.path))  # shared renders follow
        self.remember_recent(self.document.path)
        return True

    def render(self, selected: bool = False) -> None:
        """Render the timeline, or the selected nodes, showing the queue."""
        targets = list(self.selection.node_ids) if selected else None
        if selected and not targets:
            self.statusBar().showMessage("Select the nodes to render first.", 4000)
            return
        self.docks["queue"].show()
        self.docks["queue"].raise_()
        self.queue.render(targets)

    def _handlers(self) -> dict[str, actions.Handler]:
        editor, stack = self.editor, self.document.undo_stack
        return {
            "file.new": self.new_project, "file.open": self.open_project,
            "file.save": self.save, "file.save_as": lambda: self.save(ask_name=True),
            "file.quit": self.close, "edit.undo": stack.undo, "edit.redo": stack.redo,
            "edit.cut": editor.cut_selected, "edit.copy": editor.copy_selected,
            "edit.paste": editor.paste, "edit.duplicate": editor.duplicate_selected,
            "edit.duplicate_with_inputs": editor.duplicate_with_inputs,
            "edit.delete": editor.delete_selected, "view.frame_all": editor.frame_all,
            "render.render": self.render,
            "render.render_selected": lambda: self.render(selected=True),
            "render.cancel": self.queue.cancel,
            "render.farm": lambda: choose_farm(self, self.session, self.queue.is_running),
            "file.export": self.show_export,
            "file.open_exported": lambda: open_exported(self),
            "file.share": lambda: sharing.share_interactively(self),
            "render.use_draft": lambda: sharing.switch_to_draft(self),
            "help.about": lambda: show_about(self, self.session.settings),
            "file.import_screenplay": lambda: screenplay.import_screenplay(self),
            "edit.propose_coverage": lambda: screenplay.propose_coverage(self),
            "file.conform": lambda: screenplay.conform_interactively(self),
        }

    # --- wiring --------------------------------------------------------------------------

    def _build_docks(self) -> None:
        self.setDockNestingEnabled(True)
        self.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
        self.add_panel("nodeEditor", "Node Editor", self.editor, Area.LeftDockWidgetArea)
        self.add_panel("inspector", "Inspector", self.inspector, Area.RightDockWidgetArea)
        self.add_panel("history", "History", self.history, Area.RightDockWidgetArea,
                       tab_with="inspector")
        self.add_panel("viewer", "Viewer", self.viewer, Area.RightDockWidgetArea)
        self.add_panel("queue", "Render Queue", self.queue, Area.BottomDockWidgetArea)
        self.add_panel("timeline", "Timeline", self.timeline, Area.BottomDockWidgetArea,
                       tab_with="queue")
        self.add_panel("log", "Log", self.log_panel, Area.BottomDockWidgetArea, tab_with="queue")
        self.docks["inspector"].raise_()
        self.docks["timeline"].raise_()
        self.resizeDocks([self.docks["nodeEditor"], self.docks["inspector"]], [1100, 380],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["nodeEditor"], self.docks["queue"]], [640, 240],
                         Qt.Orientation.Vertical)

    def _connect(self) -> None:
        document, stack, queue = self.document, self.document.undo_stack, self.queue
        document.state_changed.connect(self._update_title)
        document.project_replaced.connect(self._show_project)
        stack.canUndoChanged.connect(self._update_actions)
        stack.canRedoChanged.connect(self._update_actions)
        stack.undoTextChanged.connect(self._update_actions)
        stack.redoTextChanged.connect(self._update_actions)
        self.selection.changed.connect(self._update_actions)
        queue.started.connect(self._update_actions)
        queue.finished.connect(self._render_finished)
        queue.render_event.connect(self.editor.show_render_event)
        queue.plan_ready.connect(self.editor.show_plan)
        queue.node_activated.connect(lambda node_id: self.selection.set_nodes([node_id]))
        self.editor.message.connect(self._show_message)

    def _show_project(self, project: object) -> None:
        self.editor.set_project(project)
        self.inspector.set_project(project)
        QTimer.singleShot(0, self.editor, self.editor.frame_all)  # once the docks have sizes

    def _update_title(self) -> None:
        self.setWindowTitle(self.document.title)

    def _update_actions(self) -> None:
        stack, running = self.document.undo_stack, self.queue.is_running
        self.action_by_id["edit.undo"].setEnabled(stack.canUndo())
        self.action_by_id["edit.undo"].setText(_with_step("&Undo", stack.undoText()))
        self.action_by_id["edit.redo"].setEnabled(stack.canRedo())
        self.action_by_id["edit.redo"].setText(_with_step("&Redo", stack.redoText()))
        self.action_by_id["render.render"].setEnabled(not running)
        self.action_by_id["render.render_selected"].setEnabled(
            not running and bool(self.selection.node_ids))
        self.action_by_id["render.cancel"].setEnabled(running)

    def _render_finished(self, result: object) -> None:
        self._update_actions()
        outputs = getattr(result, "outputs", {})
        for node_id, value in outputs.items():
            if isinstance(value, Clip):
                self.editor.show_clip(node_id, value)

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)
        log.info("%s", text)

    def _fill_recent(self) -> None:
        actions.fill_recent_menu(self.recent_menu, self.recent_paths(), self.open_project)

    def remember_recent(self, path: Path) -> None:
        """Put ``path`` first in Open Recent."""
        resolved = path.resolve()
        paths = [resolved, *(p for p in self.recent_paths() if p != resolved)][:MAX_RECENT]
        self.settings.setValue("recentFiles", [str(p) for p in paths])


def _with_step(verb: str, step: str) -> str:
    return f"{verb} {step}" if step else verb


class QtImageDrop(QObject):
    """Files dropped on the node editor: images become Image nodes (their assets added too),
    exported movies and PNGs bring back the sub-graph of their recipe (``recipe_drop``)."""

    def __init__(self, window: QtMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Accept drags of image and movie files; on drop, bring each one in."""
        if isinstance(event, QDropEvent) and image_paths(event):  # enter, move and drop
            if event.type() == QEvent.Type.Drop:
                self.drop(image_paths(event), event)
            event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)

    def drop(self, paths: list[Path], event: QDropEvent) -> None:
        """Bring each file in at the drop point, a little apart."""
        at = self.window.editor.mapToScene(event.position().toPoint())
        for offset, path in enumerate(paths):
            drop_file(self.window, path, at + QPointF(offset * 30.0, offset * 30.0))


def image_paths(event: QDropEvent) -> list[Path]:
    """The local image and movie files a drag carries."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if droppable(path)]


def report_damaged(parent: QWidget, path: Path, damaged: list[ProjectError]) -> None:
    """Say which nodes of ``path`` could not be read (they are kept as damaged nodes)."""
    for problem in damaged:
        log.error("damaged node in %s: %s", path, problem)
    lines = "\n".join(str(problem)[-300:] for problem in damaged[:5])
    more = f"\n… and {len(damaged) - 5} more" if len(damaged) > 5 else ""
    QMessageBox.warning(parent, "Damaged nodes",
                        f"{len(damaged)} node(s) of {path.name} could not be read; the rest"
                        f" opened. They are kept, unchanged, as damaged nodes:\n{lines}{more}")


def open_main_window(session: EngineSession, project: Path | None = None) -> QtMainWindow:
    """Show a window; offer recovered work after a crash, else open ``project`` if given."""
    window = QtMainWindow(session)
    window.show()
    if not offer_recovery(window, window.document, project) and project is not None:
        window.open_path(project)
    elif window.document.path is not None:
        window.remember_recent(window.document.path)
    return window
