"""The subjects of a shot as a table: name, kind, height, position, facing and main."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from previz._qt.inspector.qt_param_widgets import QtParamEditor, Quiet
from previz.core.project import Project
from previz.core.spec import Param
from previz.core.subjects import DEFAULT_HEIGHTS, SUBJECT_KINDS, subjects_problem

COLUMNS = (("name", "Name"), ("kind", "Kind"), ("height", "Height"), ("x", "X"), ("z", "Z"),
           ("facing", "Facing"), ("main", "Main"))
_TIPS = {"name": "What the subject is called in prompts and on the slate",
         "kind": "person, prop or vehicle", "height": "Height in metres",
         "x": "Metres to the right of the origin", "z": "Metres away from the origin",
         "facing": "Degrees the subject is turned (0 faces the camera's start)",
         "main": "The subject the shot size and angle frame (exactly one)"}
_NUMBERS = {"height", "x", "z", "facing"}
_KIND, _MAIN = 1, 6
Index = QModelIndex | QPersistentModelIndex


class QtSubjectsTable(QtParamEditor):
    """Edits the list of subject records; every change is one edit of the whole list."""

    wide = True

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        column = QWidget(self)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(COLUMNS), column)
        self.table.setHorizontalHeaderLabels([title for _, title in COLUMNS])
        for col, (key, _) in enumerate(COLUMNS):
            self.table.horizontalHeaderItem(col).setToolTip(_TIPS[key])
        self.table.verticalHeader().hide()
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(_KIND, _KindDelegate(self.table))
        self.add_button = QPushButton("Add subject", column)
        self.remove_button = QPushButton("Remove", column)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.layout().addWidget(column)
        self._shown: list[dict[str, Any]] = []
        self.table.itemChanged.connect(self._item_changed)
        self.add_button.clicked.connect(self.add_subject)
        self.remove_button.clicked.connect(self.remove_selected)

    def show_value(self, value: Any, project: Project) -> None:
        """Fill the table from the records, unless it shows them already."""
        records = value if isinstance(value, list) else []
        self._shown = [dict(record) for record in records if isinstance(record, dict)]
        if self.records() == self._shown:
            return
        with Quiet(self.table):
            self.table.setRowCount(len(self._shown))
            for row, record in enumerate(self._shown):
                for col, (key, _) in enumerate(COLUMNS):
                    self.table.setItem(row, col, _item(key, record.get(key)))
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for every row (at least two), whatever row height the style gives."""
        rows = self.table.verticalHeader()
        row_height = rows.defaultSectionSize()
        body = max(rows.length(), 2 * row_height)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + body
                                  + 2 * self.table.frameWidth())

    def records(self) -> list[dict[str, Any]]:
        """The subjects as the table shows them."""
        return [self._record(row) for row in range(self.table.rowCount())]

    def add_subject(self) -> None:
        """Add a person at the origin, named so it can be told apart."""
        records = self.records()
        records.append({"name": f"Subject {len(records) + 1}", "kind": "person",
                        "height": DEFAULT_HEIGHTS["person"], "x": 0.0, "z": 0.0,
                        "facing": 0.0, "main": not records})
        self._send(records)

    def remove_selected(self) -> None:
        """Remove the selected rows (or the current one)."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if not rows and self.table.currentRow() >= 0:
            rows = {self.table.currentRow()}
        if rows:
            self._send([r for row, r in enumerate(self.records()) if row not in rows])

    def _record(self, row: int) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for col, (key, _) in enumerate(COLUMNS):
            item = self.table.item(row, col)
            if key == "main":
                record[key] = item is not None and item.checkState() == Qt.CheckState.Checked
            else:
                record[key] = item.data(Qt.ItemDataRole.EditRole) if item is not None else None
        return record

    def _item_changed(self, item: QTableWidgetItem) -> None:
        records = self.records()
        if item.column() == _MAIN and records[item.row()]["main"]:
            for row, record in enumerate(records):
                record["main"] = row == item.row()
        self._send(records)

    def _send(self, records: list[dict[str, Any]]) -> None:
        problem = subjects_problem(records)
        if problem:
            self.problem.emit(f"Subjects: {problem}")
            self._restore()
            return
        self.edited.emit(records, "")

    def _restore(self) -> None:
        shown, self._shown = self._shown, []
        with Quiet(self.table):
            self.table.setRowCount(0)
        self.show_value(shown, Project())


class _KindDelegate(QStyledItemDelegate):
    """Kind is picked from person, prop and vehicle."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        """A drop-down of the kinds."""
        combo = QComboBox(parent)
        combo.addItems(SUBJECT_KINDS)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        """Select the kind shown."""
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        """Write the picked kind."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


def _item(key: str, value: Any) -> QTableWidgetItem:
    item = QTableWidgetItem()
    if key == "main":
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
    elif key in _NUMBERS:
        item.setData(Qt.ItemDataRole.EditRole, float(value) if value is not None else 0.0)
    else:
        item.setData(Qt.ItemDataRole.EditRole, "" if value is None else str(value))
    return item
