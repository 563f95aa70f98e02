"""The inspector: the selected node's params as editors made from its spec, edits as commands."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from previz._qt.inspector.qt_asset_editor import QtAssetEditor
from previz._qt.inspector.qt_fraction_editor import QtFractionEditor
from previz._qt.inspector.qt_param_widgets import (
    QtBoolEditor,
    QtChoiceEditor,
    QtLineEditor,
    QtNumberEditor,
    QtParamEditor,
    QtTextEditor,
)
from previz._qt.inspector.qt_scene_editors import (
    QtBlockingEditor,
    QtCastEditor,
    QtLocationEditor,
)
from previz._qt.inspector.qt_sections import QtSection, sections_of
from previz._qt.inspector.qt_subjects_table import QtSubjectsTable
from previz._qt.selection import QtSelection
from previz._qt.undo import push_command
from previz.core.commands import AddAsset, Command, Macro, SetParam
from previz.core.errors import EditRefused
from previz.core.labels import node_label
from previz.core.project import (
    Asset,
    AssetAdded,
    CastChanged,
    LocationChanged,
    NodeAdded,
    NodeRemoved,
    ParamChanged,
    Project,
    SettingsChanged,
)
from previz.core.registry import NodeRegistry
from previz.core.spec import NodeSpec, Param, ParamKind
from previz.engine.backend import Catalog

EDITORS: dict[ParamKind, type[QtParamEditor]] = {
    ParamKind.INT: QtNumberEditor,
    ParamKind.FLOAT: QtNumberEditor,
    ParamKind.BOOL: QtBoolEditor,
    ParamKind.STRING: QtLineEditor,
    ParamKind.TEXT: QtTextEditor,
    ParamKind.CHOICE: QtChoiceEditor,
    ParamKind.FRACTION: QtFractionEditor,
    ParamKind.ASSET: QtAssetEditor,
    ParamKind.SUBJECTS: QtSubjectsTable,
    ParamKind.LOCATION: QtLocationEditor,
    ParamKind.CAST: QtCastEditor,
    ParamKind.BLOCKING: QtBlockingEditor,
}


def make_editor(param: Param, parent: QWidget | None = None) -> QtParamEditor:
    """The editor for a param, chosen by its kind."""
    return EDITORS[param.kind](param, parent)


class QtInspector(QWidget):
    """Shows the one selected node's params; every edit is an undoable command."""

    def __init__(self, project: Project, registry: NodeRegistry, undo_stack: QUndoStack,
                 selection: QtSelection, parent: QWidget | None = None, *,
                 catalog: Callable[[], Catalog] | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.takes_note = QLabel()
        self.project = project
        self.registry = registry
        self.undo_stack = undo_stack
        self.selection = selection
        self.editors: dict[str, QtParamEditor] = {}
        self.sections: dict[str, QtSection] = {}
        self._node_id = ""
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("QLabel { font-weight: bold; font-size: 13px; }")
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setStyleSheet("QLabel { color: #9a9ea6; }")
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("QLabel { color: #f08080; }")
        self.problem.hide()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.description, self.problem):
            layout.addWidget(widget)
        layout.addWidget(self.scroll, 1)
        project.events.connect(self._on_event)
        selection.changed.connect(self._show_selection)
        self._show_selection()

    @property
    def node_id(self) -> str:
        """The node shown, or ``""``."""
        return self._node_id

    def set_project(self, project: Project) -> None:
        """Edit another project (after New or Open)."""
        self.project.events.disconnect(self._on_event)
        self.project = project
        project.events.connect(self._on_event)
        self._show_selection()

    def _show_selection(self) -> None:
        ids = [node_id for node_id in self.selection.node_ids if node_id in self.project.nodes]
        if len(ids) == 1:
            self._show_node(ids[0])
        else:
            self._show_nothing("Select a node to edit it." if not ids
                               else f"{len(ids)} nodes selected.")

    def _show_nothing(self, text: str) -> None:
        self._node_id = ""
        self.editors = {}
        self.title.setText(text)
        self.description.clear()
        self.description.hide()
        self.problem.hide()
        self.scroll.setWidget(QWidget())

    def _show_node(self, node_id: str) -> None:
        node = self.project.nodes[node_id]
        node_type = self.registry.get(node.type)
        if node_type is None:
            self._show_nothing(f"Node type {node.type!r} is not installed; its params are kept"
                               " as they are.")
            return
        self._node_id = node_id
        self.problem.hide()
        self._show_title()
        self.description.setText(node_type.spec.description)
        self.description.setVisible(bool(node_type.spec.description))
        self.scroll.setWidget(self._form(node_type.spec))

    def _form(self, spec: NodeSpec) -> QWidget:
        form_widget = QWidget()
        column = QVBoxLayout(form_widget)
        column.setSpacing(4)
        self.editors, self.sections = {}, {}
        for title, params in sections_of(spec.params):
            section = self.sections[title] = QtSection(title, form_widget)
            column.addWidget(section)
            for param in params:
                self._add_row(section.form, section.body, param)
        column.addStretch(1)  # rows keep to the top however tall the dock is
        return form_widget

    def _add_row(self, form: QFormLayout, parent: QWidget, param: Param) -> None:
        editor = make_editor(param, parent)
        self.editors[param.name] = editor
        self._refresh(param.name)
        editor.edited.connect(partial(self._edited, param.name))
        editor.problem.connect(self._show_problem)
        label = QLabel(param.label or param.name)
        label.setToolTip(param.tooltip)
        if editor.wide:
            form.addRow(label)
            form.addRow(editor)
        else:
            form.addRow(label, editor)
        if param.name == "takes":
            self.takes_note = QLabel(parent)
            self.takes_note.setWordWrap(True)
            self.takes_note.setStyleSheet("QLabel { color: #d8b25a; }")
            form.addRow(self.takes_note)
            self._show_takes_note()

    def _show_takes_note(self) -> None:
        """Under Takes: why the backend renders fewer takes than asked (the draft's one)."""
        params = self.project.nodes[self._node_id].params if self._node_id else {}
        info = None
        if self.catalog is not None and "backend" in params:
            info = self.catalog().get(str(params.get("backend") or "draft"))
        takes = params.get("takes")
        note = info.takes_note(takes) if info is not None and isinstance(takes, int) else ""
        self.takes_note.setText(note[:1].upper() + note[1:] + "." if note else "")
        self.takes_note.setVisible(bool(note))

    def _show_title(self) -> None:
        node = self.project.nodes[self._node_id]
        node_type = self.registry.get(node.type)
        self.title.setText(node_label(node, node_type.spec if node_type else None, self.project))

    def _refresh(self, name: str) -> None:
        editor = self.editors.get(name)
        if editor is not None:
            params = self.project.nodes[self._node_id].params
            editor.show_value(params.get(name, editor.param.default), self.project)

    def _edited(self, name: str, value: Any, gesture: str) -> None:
        self.problem.hide()
        command: Command
        if isinstance(value, Asset):
            command = Macro([AddAsset(value), SetParam(self._node_id, name, value.sha256)],
                            "Set image")
        else:
            problem = self.editors[name].param.check(value)
            if problem:
                self._show_problem(f"{self.editors[name].param.label or name}: {problem}")
                self._refresh(name)
                return
            command = SetParam(self._node_id, name, value, gesture or None)
        try:
            push_command(self.undo_stack, self.project, command)
        except EditRefused as error:
            self._show_problem(str(error))
            self._refresh(name)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _on_event(self, event: Any) -> None:
        if not shiboken6.isValid(self):  # deleted while the project lives on
            self.project.events.disconnect(self._on_event)
            return
        if isinstance(event, ParamChanged) and event.node_id == self._node_id:
            self._refresh(event.name)
            self._show_title()
            if event.name in ("takes", "backend"):
                self._show_takes_note()
        elif self._concerns_selection(event):
            self._show_selection()
        elif (isinstance(event, SettingsChanged | AssetAdded | CastChanged | LocationChanged)
              and self._node_id):
            for name in self.editors:
                self._refresh(name)

    def _concerns_selection(self, event: Any) -> bool:
        if isinstance(event, NodeRemoved):
            return event.node.id == self._node_id
        return isinstance(event, NodeAdded) and event.node_id in self.selection.node_ids
