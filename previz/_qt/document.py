"""The open document: its project, file, registry and undo stack, and whether it is saved.

The project is unsaved when the undo stack is away from its clean state, or after a change
that is not an edit (the models a render used, a recovered autosave). New, Open, Save and Save
As go through ``previz.io``; ``confirm_discard`` asks before unsaved work would be lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from previz.core.errors import ProjectError
from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.io import load_project, save_project

SUFFIX = ".previz"
FILE_FILTER = "Previz projects (*.previz)"
log = logging.getLogger(__name__)


class QtDocument(QObject):
    """The project being edited, where it is saved, and its undo history.

    ``project_replaced(project)`` fires after New and Open (the undo stack is empty then);
    ``state_changed()`` whenever the title or the unsaved state may have changed;
    ``edited()`` after every change to the project's content.
    """

    project_replaced = Signal(object)
    state_changed = Signal()
    edited = Signal()
    saved = Signal(object)

    def __init__(self, registry: NodeRegistry, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.project = Project()
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self._changed_outside_stack = False
        self.undo_stack.cleanChanged.connect(self.state_changed)
        self.undo_stack.indexChanged.connect(self.edited)

    @property
    def name(self) -> str:
        """What the user calls the project: its file's name without the suffix."""
        return self.path.stem if self.path else "Untitled"

    @property
    def is_dirty(self) -> bool:
        """Whether there are changes that are not in the file."""
        return self._changed_outside_stack or not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        """The window title: the project's name, ``*`` when unsaved, and the app's name."""
        return f"{self.name}{'*' if self.is_dirty else ''} — Previz"

    def new(self) -> None:
        """Start an empty, untitled project."""
        self.replace(Project(), None)

    def open(self, path: Path) -> list[ProjectError]:
        """Read the project at ``path``; a ``ProjectError`` or ``OSError`` leaves all as it was.

        The nodes that could not be read (kept aside as damaged nodes) are returned.
        """
        damaged: list[ProjectError] = []
        project = load_project(path, registry=self.registry, damaged=damaged)
        self.replace(project, Path(path).resolve())
        return damaged

    def replace(self, project: Project, path: Path | None, *, dirty: bool = False) -> None:
        """Edit ``project`` from now on, saved at ``path``; ``dirty`` if it differs from it."""
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.project, self.path = project, path
        self._changed_outside_stack = dirty
        self.project_replaced.emit(project)
        self.state_changed.emit()

    def save(self, path: Path | None = None) -> Path:
        """Write the project to ``path`` (default: its own file) and call it saved there."""
        if path is None and self.path is None:
            raise ValueError("an untitled project needs a file name to be saved")
        target = Path(path or self.path or "").resolve()
        save_project(self.project, target)
        self.path = target
        self._changed_outside_stack = False
        self.undo_stack.setClean()
        log.info("saved %s", target)
        self.saved.emit(target)
        self.state_changed.emit()
        return target

    def mark_changed(self) -> None:
        """Note a change made outside the undo stack, so the project reads as unsaved."""
        self._changed_outside_stack = True
        self.edited.emit()
        self.state_changed.emit()

    def record_models(self, models: Mapping[str, str]) -> None:
        """Keep the fingerprint of every model a render used, so the file finds its renders."""
        changed = {name: value for name, value in models.items()
                   if self.project.models.get(name) != value}
        if changed:
            self.project.models.update(changed)
            self.mark_changed()


def confirm_discard(parent: QWidget, document: QtDocument, doing: str) -> bool:
    """Whether ``doing`` (``"closing"``, ``"opening another project"``) may go ahead.

    With unsaved changes, asks Save, Discard or Cancel; Save saves first (asking for a file
    name if the project has none) and goes ahead only if that worked.
    """
    if not document.is_dirty:
        return True
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                      f"“{document.name}” has changes that are not saved.", parent=parent)
    box.setInformativeText(f"Save them before {doing}?")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return save_interactively(parent, document, ask_name=False)
    return answer == QMessageBox.StandardButton.Discard


def save_interactively(parent: QWidget, document: QtDocument, *, ask_name: bool) -> bool:
    """Save, asking where when ``ask_name`` or when the project has no file; whether it saved.

    A save that cannot be made says why in a dialog and changes nothing: the file keeps its
    last good contents and the project stays unsaved.
    """
    path = document.path
    if ask_name or path is None:
        path = ask_save_path(parent, document)
        if path is None:
            return False
    try:
        document.save(path)
    except (OSError, ValueError, ProjectError) as error:
        log.error("could not save %s: %s", path, error)
        QMessageBox.critical(parent, "Not saved", f"Could not save {path}:\n{error}")
        return False
    return True


def ask_save_path(parent: QWidget, document: QtDocument) -> Path | None:
    """A file name to save as, from the user; ``.previz`` is added if missing."""
    start = str(document.path or Path.home() / f"{document.name}{SUFFIX}")
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save project as", start, FILE_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def ask_open_path(parent: QWidget, document: QtDocument) -> Path | None:
    """A project file to open, from the user."""
    start = str(document.path.parent if document.path else Path.home())
    chosen, _ = QFileDialog.getOpenFileName(parent, "Open project", start, FILE_FILTER)
    return Path(chosen) if chosen else None
