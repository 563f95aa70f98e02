"""File ▸ Import Screenplay…, Edit ▸ Propose Coverage and File ▸ Conform… in the app.

Each asks what it needs (a script, an edited cut) unless given it, does the work of
``previz.io.screenplay``, ``previz.core.propose`` and ``previz.conform``, and says what it did
in the status bar; an edit to the project is one undo step.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from previz._qt.document import confirm_discard
from previz._qt.undo import push_command
from previz.conform import ConformError, conform_edit, read_cut
from previz.core.errors import EditRefused
from previz.core.project_settings import START, extra_value
from previz.core.propose import SCENE_TYPE, coverage_edit
from previz.export.cut import DEFAULT_HANDLES
from previz.io.screenplay import ScriptError, read_script
from previz.io.screenplay.build import build_project

if TYPE_CHECKING:
    from previz._qt.qt_main_window import QtMainWindow

log = logging.getLogger("previz.screenplay")
SCRIPT_FILTER = "Screenplays (*.fountain *.fdx);;All files (*)"
CUT_FILTER = "Editors' cuts (*.otio *.xml *.edl);;All files (*)"
SHOWN_MS = 8000


def import_screenplay(window: QtMainWindow, path: Path | None = None) -> bool:
    """A new, unsaved project from a screenplay, its coverage cut in script order; whether
    it was made (a bad script is shown with its line, and the open project stays)."""
    if not confirm_discard(window, window.document, "importing a screenplay"):
        return False
    path = path or _ask(window, "Import screenplay", SCRIPT_FILTER)
    if path is None:
        return False
    try:
        imported = build_project(read_script(path), window.document.registry)
    except ScriptError as error:
        log.error("%s", error)
        QMessageBox.critical(window, "Could not import", str(error))
        return False
    window.session.store.lane = ""
    window.document.replace(imported.project, None, dirty=True)
    project = imported.project
    text = (f"Imported {path.name}: {len(imported.scene_nodes)} scenes,"
            f" {len(project.locations)} locations, {len(project.cast)} characters,"
            f" {len(project.timeline)} cuts on the timeline.")
    for problem in imported.uncovered:
        text += f" Not covered: {problem}."
    window.statusBar().showMessage(text, SHOWN_MS)
    log.info("%s", text)
    return True


def propose_coverage(window: QtMainWindow) -> int:
    """Coverage for each selected Scene node (else the only Scene), one undo step each; the
    number of shots proposed."""
    project = window.document.project
    scenes = [node_id for node_id in window.selection.node_ids
              if project.nodes[node_id].type == SCENE_TYPE]
    every = [node.id for node in project.nodes.values() if node.type == SCENE_TYPE]
    scenes = scenes or (every if len(every) == 1 else [])
    if not scenes:
        window.statusBar().showMessage("Select the Scene to cover first.", SHOWN_MS)
        return 0
    made = 0
    for scene_id in scenes:
        try:
            edit, coverage = coverage_edit(project, scene_id, window.document.registry)
            push_command(window.document.undo_stack, project, edit)
        except EditRefused as error:
            window.statusBar().showMessage(f"No coverage: {error}", SHOWN_MS)
            continue
        made += len(coverage.nodes)
        window.selection.set_nodes(node.id for node in coverage.nodes)
    if made:
        window.statusBar().showMessage(f"Proposed {made} shots: keep or delete them.",
                                       SHOWN_MS)
    return made


def conform_interactively(window: QtMainWindow, path: Path | None = None) -> list[str]:
    """The timeline made to match an editor's cut, one undo step; the report's lines (shown
    in a message box when something was not matched)."""
    path = path or _ask(window, "Conform to an editor's cut", CUT_FILTER)
    if path is None:
        return []
    project = window.document.project
    try:
        cut = read_cut(path, project.settings.rate, DEFAULT_HANDLES,
                       extra_value(project.settings, START))
        edit, report = conform_edit(project, cut, window.document.registry)
        if not report.matched:
            raise ConformError(f"{path.name}: no clip names a shot of this project")
        push_command(window.document.undo_stack, project, edit)
    except (ConformError, EditRefused) as error:
        log.error("%s", error)
        QMessageBox.warning(window, "Could not conform", str(error))
        return []
    lines = report.lines()
    log.info("conformed to %s: %s", path, "; ".join(lines))
    window.statusBar().showMessage(f"Conformed to {path.name}: {lines[0]}.", SHOWN_MS)
    if report.unmatched:
        QMessageBox.information(window, "Conformed", "\n".join(lines))
    return lines


def _ask(window: QtMainWindow, title: str, filters: str) -> Path | None:
    start = window.document.path.parent if window.document.path else Path.home()
    chosen, _ = QFileDialog.getOpenFileName(window, title, str(start), filters)
    return Path(chosen) if chosen else None
