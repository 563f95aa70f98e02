"""Editors for a scene's params: its location and cast from the project's libraries, and the
blocking as text that names characters and set pieces by name."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QPlainTextEdit, QWidget

from previz._qt.inspector.qt_param_widgets import QtParamEditor, Quiet
from previz.core.blocking import blocking_problem
from previz.core.project import Project
from previz.core.spec import Param


class QtLocationEditor(QtParamEditor):
    """A drop-down of the project's locations by slug line."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.combo = QComboBox(self)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.track_focus(self.combo)
        self.layout().addWidget(self.combo)
        self.combo.activated.connect(
            lambda index: self.edited.emit(self.combo.itemData(index), ""))

    def show_value(self, value: Any, project: Project) -> None:
        """List the locations and select the scene's."""
        with Quiet(self.combo):
            self.combo.clear()
            self.combo.addItem("(no location)", "")
            for location in sorted(project.locations.values(), key=lambda item: item.name):
                self.combo.addItem(location.slug(), location.id)
            if value and self.combo.findData(value) < 0:
                self.combo.addItem(f"(missing {str(value)[:8]})", value)
            self.combo.setCurrentIndex(self.combo.findData(value))


class QtCastEditor(QtParamEditor):
    """The project's cast, each character ticked when in the scene."""

    wide = True

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.list = QListWidget(self)
        self.list.setFixedHeight(96)
        self.layout().addWidget(self.list)
        self.list.itemChanged.connect(self._changed)
        self._order: list[str] = []

    def show_value(self, value: Any, project: Project) -> None:
        """One row per character of the project, ticked when in the scene's cast."""
        chosen = [item for item in value if isinstance(item, str)] \
            if isinstance(value, list) else []
        self._order = chosen
        with Quiet(self.list):
            self.list.clear()
            for character in sorted(project.cast.values(), key=lambda item: item.name):
                row = QListWidgetItem(f"{character.name}  ({character.height:g} m)", self.list)
                row.setData(Qt.ItemDataRole.UserRole, character.id)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                ticked = character.id in chosen
                row.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _changed(self, item: QListWidgetItem) -> None:
        character = item.data(Qt.ItemDataRole.UserRole)
        kept = [other for other in self._order if other != character]
        if item.checkState() == Qt.CheckState.Checked:
            kept.append(character)
        self.edited.emit(kept, "")


class QtBlockingEditor(QtParamEditor):
    """The marks as JSON with names in place of ids; applied when the field loses focus."""

    wide = True

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.text = QPlainTextEdit(self)
        self.text.setUndoRedoEnabled(False)
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(160)
        self.text.installEventFilter(self)
        self.layout().addWidget(self.text)
        self._names: dict[str, str] = {}
        self._shown = ""

    def show_value(self, value: Any, project: Project) -> None:
        """Show the marks, naming characters and set pieces."""
        self._names = {c.id: c.name for c in project.cast.values()}
        for location in project.locations.values():
            self._names.update({p.id: p.name for p in location.set_pieces})
        shown = _one_mark_a_line(_renamed(value, self._names)) if isinstance(value, list) \
            else ""
        self._shown = shown
        with Quiet(self.text):
            self.text.setPlainText(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Apply the text when the field loses the focus."""
        if watched is self.text and event.type() == QEvent.Type.FocusOut:
            self.apply()
        return super().eventFilter(watched, event)

    def apply(self) -> None:
        """Read the text back as marks; a mistake is reported and changes nothing."""
        text = self.text.toPlainText()
        if text == self._shown:
            return
        ids = {name: item_id for item_id, name in self._names.items()}
        try:
            marks = _renamed(json.loads(text), ids)
        except ValueError as error:
            self.problem.emit(f"Blocking: not JSON ({error})")
            return
        problem = blocking_problem(marks)
        if problem:
            self.problem.emit(f"Blocking: {problem}")
            return
        self.edited.emit(marks, "")


def _one_mark_a_line(marks: list[Any]) -> str:
    return "[\n" + ",\n".join(f" {json.dumps(mark)}" for mark in marks) + "\n]" if marks \
        else "[]"


def _renamed(value: Any, names: dict[str, str]) -> Any:
    if not isinstance(value, list):
        return value
    return [_renamed_mark(item, names) if isinstance(item, dict) else item for item in value]


def _renamed_mark(mark: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {key: names.get(field, field) if key in ("character", "look_at", "piece")
            and isinstance(field, str) else field for key, field in mark.items()}
