"""The Shot table dock: every shot of the project as a row, edited in place (one undo step per
edit), sorted by any column; choosing a row selects the node."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from previz._qt.selection import QtSelection
from previz._qt.undo import push_command
from previz.core.camera.labels import moves_label
from previz.core.commands import SetParam
from previz.core.errors import EditRefused
from previz.core.project import NodeMoved, ParamChanged, Project, TakeCircled
from previz.core.registry import NodeRegistry
from previz.core.values import MoveValue

SHOT_TYPE = "previz.shot"
MOVE_TYPE = "previz.camera_move"
FOOT = 0.3048
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """A column: its title and the Shot param it shows (``""``: worked out, read-only)."""

    title: str
    param: str


COLUMNS = (Column("Scene", "scene"), Column("Shot", "shot"), Column("Name", "name"),
           Column("Size", "shot_size"), Column("Angle", "angle"), Column("Lens", "lens"),
           Column("Move", ""), Column("Duration", "duration"), Column("Description", "notes"))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def camera_moves(project: Project, node_id: str) -> tuple[MoveValue, ...]:
    """The camera moves feeding a shot's camera input, first move first."""
    moves: list[MoveValue] = []
    port, current = "camera", node_id
    while True:
        link = next((link for link in project.links.values()
                     if link.target.node == current and link.target.port == port), None)
        node = project.nodes.get(link.source.node) if link is not None else None
        if node is None or node.type != MOVE_TYPE:
            break
        params = node.params
        amount = float(params.get("amount", 0.0)) * (FOOT if params.get("unit") == "ft" else 1)
        moves.insert(0, MoveValue(str(params.get("move", "static")), amount,
                                  float(params.get("start", 0.0)), float(params.get("end", 1.0))))
        port, current = "previous", node.id
    return tuple(moves)


class QtShotModel(QAbstractTableModel):
    """The project's Shot nodes as rows; ``refused(text)`` when an edit is not accepted."""

    refused = Signal(str)

    def __init__(self, project: Project, registry: NodeRegistry, undo_stack: QUndoStack,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.registry = registry
        self.undo_stack = undo_stack
        self.shot_ids: list[str] = []
        self._reload()
        project.events.connect(self._on_event)

    def set_project(self, project: Project) -> None:
        """Show another project's shots."""
        self.project.events.disconnect(self._on_event)
        self.project = project
        project.events.connect(self._on_event)
        self.beginResetModel()
        self._reload()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """One row per shot."""
        return 0 if parent.isValid() else len(self.shot_ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """The columns of ``COLUMNS``."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Param columns are editable; the move is worked out from the camera moves."""
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if COLUMNS[index.column()].param else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What a cell shows, edits and sorts by."""
        node = self.project.nodes.get(self.shot_ids[index.row()])
        if node is None:
            return None
        column = COLUMNS[index.column()]
        value = node.params.get(column.param) if column.param else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown(node.id, column, value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == SORT_ROLE and column.param == "scene":  # by slate: scene, then shot
            return f"{value}_{node.params.get('shot', '')}"
        if role == SORT_ROLE:
            return value if isinstance(value, int | float) else self._shown(node.id, column, value)
        if role == Qt.ItemDataRole.ToolTipRole and column.param:
            param = self._param(column.param)
            return param.tooltip if param is not None else None
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An edit: checked against the param, then one undo step."""
        column = COLUMNS[index.column()]
        node_id = self.shot_ids[index.row()]
        param = self._param(column.param)
        if role != Qt.ItemDataRole.EditRole or param is None:
            return False
        if isinstance(param.default, float) and isinstance(value, str):
            try:
                value = float(value.strip().removesuffix(param.unit).strip())
            except ValueError:
                self.refused.emit(f"{column.title}: {value!r} is not a number")
                return False
        problem = param.check(value)
        if problem is not None:
            self.refused.emit(f"{column.title}: {problem}")
            return False
        if self.project.nodes[node_id].params.get(column.param) == value:
            return False
        try:
            push_command(self.undo_stack, self.project, SetParam(node_id, column.param, value))
        except EditRefused as error:
            self.refused.emit(str(error))
            return False
        return True

    def param_at(self, index: Index) -> Any:
        """The Shot param a column edits (``None`` for the move)."""
        return self._param(COLUMNS[index.column()].param)

    def _param(self, name: str) -> Any:
        node_type = self.registry.get(SHOT_TYPE)
        return node_type.spec.param(name) if node_type is not None and name else None

    def _shown(self, node_id: str, column: Column, value: Any) -> str:
        if column.title == "Move":
            return moves_label(camera_moves(self.project, node_id))
        if column.param == "lens" and isinstance(value, int | float):
            return f"{value:g} mm"
        if column.param == "duration" and isinstance(value, int | float):
            return f"{value:g} s"
        if isinstance(value, str) and column.param in ("shot_size", "angle"):
            return value.replace("_", " ")
        return "" if value is None else str(value)

    def _reload(self) -> None:
        self.shot_ids = [node.id for node in self.project.nodes.values()
                         if node.type == SHOT_TYPE]

    def _on_event(self, event: Any) -> None:
        if not shiboken6.isValid(self):
            self.project.events.disconnect(self._on_event)
            return
        if isinstance(event, NodeMoved | TakeCircled):
            return
        if isinstance(event, ParamChanged) and event.node_id in self.shot_ids:
            row = self.shot_ids.index(event.node_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        self.beginResetModel()  # shots or camera moves came, went or were relinked
        self._reload()
        self.endResetModel()


class QtChoiceDelegate(QStyledItemDelegate):
    """A drop-down for choice columns (size, angle), a spin box in the param's range and unit
    for numbers (lens, duration); other cells edit as text."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        """The editor the column's param asks for."""
        param = _source(index).model().param_at(_source(index))
        if param is not None and param.choices:
            combo = QComboBox(parent)
            for choice in param.choices:
                combo.addItem(str(choice).replace("_", " "), choice)
            return combo
        if param is not None and isinstance(param.default, float):
            spin = QDoubleSpinBox(parent)
            spin.setRange(param.minimum or 0.0, param.maximum or 1e6)
            spin.setDecimals(1)
            spin.setSingleStep(param.step or 1.0)
            spin.setSuffix(f" {param.unit}" if param.unit else "")
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        """Show the current value."""
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        """Store the chosen value."""
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QDoubleSpinBox):
            editor.interpretText()
            model.setData(index, round(editor.value(), 3), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


def _source(index: Index) -> QModelIndex:
    model = index.model()
    return model.mapToSource(index) if isinstance(model, QSortFilterProxyModel) else index


class QtShotTable(QTableView):
    """The shots, sortable, edited in place; the row of the selected node is selected."""

    def __init__(self, project: Project, registry: NodeRegistry, undo_stack: QUndoStack,
                 selection: QtSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.shots = QtShotModel(project, registry, undo_stack, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.shots)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setItemDelegate(QtChoiceDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((56, 56, 140, 110, 90, 70, 150, 76)):
            self.setColumnWidth(column, width)
        self._syncing = False
        self.selectionModel().selectionChanged.connect(self._rows_chosen)
        selection.changed.connect(self._selection_changed)
        self.shots.modelReset.connect(self._selection_changed)

    def set_project(self, project: Project) -> None:
        """Show another project's shots."""
        self.shots.set_project(project)

    def row_of(self, node_id: str) -> int:
        """The row (as sorted) showing ``node_id``, -1 if none."""
        if node_id not in self.shots.shot_ids:
            return -1
        source = self.shots.index(self.shots.shot_ids.index(node_id), 0)
        return self.proxy.mapFromSource(source).row()

    def node_at(self, row: int) -> str:
        """The node id of a row as sorted."""
        return self.shots.shot_ids[self.proxy.mapToSource(self.proxy.index(row, 0)).row()]

    def _rows_chosen(self) -> None:
        if self._syncing:
            return
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        if rows:
            self.selection.set_nodes(self.node_at(row) for row in rows)

    def _selection_changed(self) -> None:
        self._syncing = True
        try:
            chosen = self.selectionModel()
            chosen.clearSelection()
            flags = (QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)
            for node_id in self.selection.node_ids:
                row = self.row_of(node_id)
                if row >= 0:
                    chosen.select(self.proxy.index(row, 0), flags)
        finally:
            self._syncing = False
