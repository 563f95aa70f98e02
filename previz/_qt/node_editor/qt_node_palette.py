"""The add-node palette: type to filter the installed node types, Enter or click to add."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from previz.core.registry import NodeRegistry
from previz.core.spec import NodeSpec

SpecFilter = Callable[[NodeSpec], bool]
_MAX_ROWS = 12
_STYLE = """
QFrame#palette { background: #2b2d31; border: 1px solid #4a4d55; border-radius: 6px; }
QLineEdit { background: #1e1f22; color: #e6e6e6; border: 1px solid #4a4d55;
            border-radius: 4px; padding: 4px 6px; }
QTreeWidget { background: #2b2d31; color: #e6e6e6; border: none; outline: none; }
QTreeWidget::item { padding: 3px 2px; }
QTreeWidget::item:selected { background: #3a6ea5; color: #ffffff; }
"""


def matching_specs(registry: NodeRegistry, text: str,
                   accepts: SpecFilter | None = None) -> list[NodeSpec]:
    """Node types whose name, category, id or description hold every word of ``text``.

    Names that start with the text come first, then by category and name.
    """
    words = text.lower().split()
    found = []
    for node_type in registry:
        spec = node_type.spec
        haystack = f"{spec.display_name} {spec.category} {spec.id} {spec.description}".lower()
        if all(word in haystack for word in words) and (accepts is None or accepts(spec)):
            found.append(spec)
    first = text.strip().lower()
    return sorted(found, key=lambda spec: (not spec.display_name.lower().startswith(first),
                                           spec.category, spec.display_name))


class QtNodePalette(QFrame):
    """A small searchable list over the editor; ``chosen`` sends the picked type id."""

    chosen = Signal(str)

    def __init__(self, registry: NodeRegistry, parent: QWidget) -> None:
        super().__init__(parent)
        self.registry = registry
        self._accepts: SpecFilter | None = None
        self.setObjectName("palette")
        self.setStyleSheet(_STYLE)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Add node: type to search")
        self.search.setClearButtonEnabled(True)
        self.list = QTreeWidget(self)
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.setFixedWidth(300)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemClicked.connect(lambda item, _column: self._choose_item(item))
        self.hide()

    def popup(self, at: QPoint, accepts: SpecFilter | None = None) -> None:
        """Show at ``at`` (parent coordinates, kept inside the parent), search box focused."""
        self._accepts = accepts
        self.search.clear()
        self._filter("")
        parent = self.parentWidget()
        x = max(0, min(at.x(), parent.width() - self.width()))
        y = max(0, min(at.y(), parent.height() - self.height()))
        self.move(x, y)
        self.show()
        self.raise_()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Up and Down walk the list, Enter adds, Escape closes; typing goes to the search."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event.key())
        return super().eventFilter(watched, event)

    def _key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if key == Qt.Key.Key_Down else -1
            row = max(0, min(self.list.topLevelItemCount() - 1, self.current_row() + step))
            self.list.setCurrentItem(self.list.topLevelItem(row))
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose_item(self.list.currentItem())
            return True
        if key == Qt.Key.Key_Escape:
            self.close_palette()
            return True
        return False

    def close_palette(self) -> None:
        """Hide, giving the focus back to the editor."""
        self.hide()
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus()

    def current_row(self) -> int:
        """The row picked in the list (-1 for none)."""
        item = self.list.currentItem()
        return self.list.indexOfTopLevelItem(item) if item is not None else -1

    def names(self) -> list[str]:
        """The node type names listed, top to bottom."""
        return [self.list.topLevelItem(row).text(0)
                for row in range(self.list.topLevelItemCount())]

    def _filter(self, text: str) -> None:
        self.list.clear()
        for spec in matching_specs(self.registry, text, self._accepts):
            item = QTreeWidgetItem([spec.display_name, spec.category])
            item.setData(0, Qt.ItemDataRole.UserRole, spec.id)
            item.setForeground(1, QColor("#80848c"))
            for column in (0, 1):
                item.setToolTip(column, spec.description)
            self.list.addTopLevelItem(item)
        self.list.setCurrentItem(self.list.topLevelItem(0))
        rows = max(1, min(self.list.topLevelItemCount(), _MAX_ROWS))
        row_height = self.list.sizeHintForRow(0) if self.list.topLevelItemCount() else 24
        self.list.setFixedHeight(rows * row_height + 4)
        self.adjustSize()

    def _choose_item(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        type_id = item.data(0, Qt.ItemDataRole.UserRole)
        self.close_palette()
        self.chosen.emit(type_id)
