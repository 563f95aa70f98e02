"""Save for Sharing from the app, opening a shared file here, and switching shots whose model
is missing to the draft backend.

Sharing renders what is stale first (when renders go along), then writes the file in a worker
thread. Opening a file puts its bundled renders into the clip store, so its shots play without
a backend, and names the models this machine lacks without failing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from previz._qt.document import FILE_FILTER, SUFFIX, QtDocument
from previz._qt.stale import render_stale
from previz._qt.undo import push_command
from previz.core.commands import Macro, SetParam
from previz.core.errors import EditRefused, ProjectError
from previz.core.project import Project
from previz.engine.plan import ExecutionPlan
from previz.io import MissingModel, SharingReport, import_renders, missing_models, save_for_sharing

if TYPE_CHECKING:
    from previz._qt.qt_main_window import QtMainWindow

log = logging.getLogger("previz.sharing")
INCLUDE_RENDERS, PROJECT_ONLY = "Include Renders", "Project Only"
DRAFT = "draft"


@dataclass(frozen=True)
class Received:
    """What opening a file brought: the render keys added to the store, the models missing."""

    imported: tuple[str, ...]
    missing: tuple[MissingModel, ...]


def share_interactively(window: QtMainWindow) -> asyncio.Task[SharingReport | None] | None:
    """Ask where to save and whether renders go along, then save for sharing in the
    background; None if the user cancelled or something else is running."""
    path = ask_share_path(window, window.document)
    if path is None:
        return None
    with_renders = ask_with_renders(window)
    if with_renders is None:
        return None
    return asyncio.ensure_future(share(window, path, with_renders=with_renders))


async def share(window: QtMainWindow, path: Path, *, with_renders: bool
                ) -> SharingReport | None:
    """Save the project to ``path`` with its assets and, if ``with_renders``, every render
    of the timeline (rendering what is stale first); the report, or None on failure."""
    busy = _busy(window, f"Saving {path.name} for sharing…")
    try:
        report = await _render_and_save(window, path, with_renders)
    finally:
        busy.close()
        busy.deleteLater()
    if report is None:
        return None
    text = f"Saved {path.name} for sharing with {len(report.renders)} render(s)."
    if report.unrendered:
        text += f" {len(report.unrendered)} take(s) not rendered will render there."
    window.statusBar().showMessage(text, 8000)
    log.info("%s", text)
    return report


async def _render_and_save(window: QtMainWindow, path: Path, with_renders: bool
                           ) -> SharingReport | None:
    if with_renders:
        rendered = await render_stale(window.queue)
        if rendered.plan is None:
            return _fail(window, rendered.problem)
        plan = rendered.plan
    else:
        plan = _compile(window)
    work = partial(save_for_sharing, window.document.project, path, window.session.store, plan,
                   with_renders=with_renders)
    try:
        return await asyncio.get_running_loop().run_in_executor(None, work)
    except (OSError, ProjectError) as error:
        return _fail(window, f"Could not save {path.name} for sharing: {error}")


def _busy(window: QtMainWindow, text: str) -> QProgressDialog:
    """A window-modal busy box (no edits while the file is written); Cancel stops the
    render before it."""
    busy = QProgressDialog(text, "Cancel", 0, 0, window)
    busy.setWindowTitle("Save for Sharing")
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setAutoClose(False)
    busy.setAutoReset(False)
    busy.canceled.connect(window.queue.cancel)
    busy.show()
    return busy


def receive_bundle(window: QtMainWindow, path: Path) -> Received:
    """After opening ``path``: put its bundled renders into the store and report the models
    this machine lacks (in the status bar and the log); a bad render is logged, not fatal."""
    try:
        imported = import_renders(path, window.session.store)
    except (OSError, ProjectError) as error:
        log.error("the renders bundled in %s could not be used: %s", path.name, error)
        imported = []
    if imported:
        log.info("%d render(s) from %s are in the clip store", len(imported), path.name)
        window.timeline.rebuild()  # built when the project opened, before its renders came
        window.viewer.refresh()
    missing = tuple(missing_models(_compile(window), window.session.backends.catalog(),
                                   window.session.store.has))
    for model in missing:
        log.warning("%s", model)
    if missing:
        log.info("select those shots and use Render ▸ Switch to Draft to change them here")
        window.statusBar().showMessage(
            f"{len(missing)} model(s) used by this project are not on this machine: see the"
            " log.", 10000)
    return Received(tuple(imported), missing)


def switch_to_draft(window: QtMainWindow, node_ids: Iterable[str] | None = None) -> bool:
    """Make the given nodes (default: the selection, else every node whose model is missing
    here) render with the draft backend, as one undo step; whether anything changed."""
    document = window.document
    ids = list(node_ids) if node_ids is not None else list(window.selection.node_ids)
    if not ids:
        plan = _compile(window)
        catalog = window.session.backends.catalog()
        missing = {label for model in missing_models(plan, catalog, lambda _key: True)
                   for label in model.nodes}
        ids = [node_id for node_id, planned in plan.nodes.items() if planned.label in missing]
    command = draft_command(document.project, ids)
    if command is None:
        window.statusBar().showMessage("Nothing to switch to draft.", 4000)
        return False
    try:
        push_command(document.undo_stack, document.project, command)
    except EditRefused as error:
        window.statusBar().showMessage(str(error), 6000)
        return False
    return True


def draft_command(project: Project, node_ids: Iterable[str]) -> Macro | None:
    """One step setting ``backend`` to draft and clearing ``model`` on each node that renders
    with another backend; None if there is none."""
    edits: list[SetParam] = []
    for node_id in node_ids:
        node = project.nodes.get(node_id)
        if node is None or "backend" not in node.params or node.params["backend"] == DRAFT:
            continue
        edits += [SetParam(node_id, "backend", DRAFT), SetParam(node_id, "model", "")]
    return Macro(list(edits), "Switch to draft") if edits else None


def ask_share_path(parent: QWidget, document: QtDocument) -> Path | None:
    """Where to save the shared file, from the user; ``.previz`` added if missing."""
    base = document.path.parent if document.path else Path.home()
    start = str(base / f"{document.name} (shared){SUFFIX}")
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save for sharing", start, FILE_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def ask_with_renders(parent: QWidget) -> bool | None:
    """Whether the renders go along (None: cancelled)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Save for Sharing",
                      "Include the renders in the shared file?", parent=parent)
    box.setInformativeText("With its renders, the project plays on another machine without"
                           " rendering, even where its models are missing; the file is"
                           " larger.")
    include = box.addButton(INCLUDE_RENDERS, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(PROJECT_ONLY, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(include)
    box.exec()
    clicked = box.clickedButton()
    if clicked is None or box.buttonRole(clicked) != QMessageBox.ButtonRole.AcceptRole:
        return None
    return clicked is include


def _compile(window: QtMainWindow) -> ExecutionPlan:
    return window.session.compile(window.document.project)


def _fail(window: QtMainWindow, text: str) -> None:
    window.statusBar().showMessage(text, 8000)
    log.error("%s", text)
