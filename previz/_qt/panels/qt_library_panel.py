"""A project library as a dock: a list with thumbnails, New, Duplicate and Delete, and a form
for the chosen item; every change is one undoable command, a refusal is shown, not lost."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QUndoStack
from PySide6.QtWidgets import (
    QColorDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from previz._qt.inspector.qt_param_widgets import Quiet
from previz._qt.panels.qt_references import asset_icon
from previz._qt.undo import push_command
from previz.core.commands import AddAsset, Command, Macro
from previz.core.errors import EditRefused
from previz.core.library_use import scene_title, scenes_using
from previz.core.project import AssetAdded, Project

ICON = QSize(48, 48)


class QtColourButton(QPushButton):
    """A swatch of a ``#rrggbb`` colour; clicking asks for another (``picked(hex)``)."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(56, 22)
        self.colour = "#000000"
        self.clicked.connect(self._choose)

    def show_colour(self, colour: str) -> None:
        """Paint the swatch in ``colour``."""
        self.colour = colour
        self.setToolTip(colour)
        self.setStyleSheet(f"QPushButton {{ background: {colour}; border: 1px solid #8a8f98; }}")

    def choose_colour(self) -> str:
        """Ask for a colour; ``""`` if the user cancels."""
        chosen = QColorDialog.getColor(QColor(self.colour), self, "Choose a colour")
        return chosen.name() if chosen.isValid() else ""

    def _choose(self) -> None:
        colour = self.choose_colour()
        if colour and colour != self.colour:
            self.picked.emit(colour)


class QtLibraryPanel(QWidget):
    """The list and form of one library; subclasses say what the items are and edit them."""

    noun = "item"
    changed_event: type = object

    def __init__(self, project: Project, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self.list = QListWidget(self)
        self.list.setIconSize(ICON)
        self.list.setObjectName(f"{self.noun}List")
        self.new_button = QPushButton(f"New {self.noun}", self)
        self.duplicate_button = QPushButton("Duplicate", self)
        self.delete_button = QPushButton("Delete", self)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setObjectName("problemLabel")
        self.problem.hide()
        self.form_widget = QWidget(self)
        self.form = QFormLayout(self.form_widget)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._layout()
        self.new_button.clicked.connect(self.create)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button.clicked.connect(self.delete)
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        project.events.connect(self._on_event)
        self.refresh()

    # --- what a subclass says ------------------------------------------------------------

    def items(self) -> dict[str, Any]:
        """The library's records by id."""
        raise NotImplementedError

    def label(self, record: Any) -> str:
        """How the list names a record."""
        return str(record.name)

    def icon(self, record: Any) -> QIcon:
        """The list's thumbnail of a record."""
        raise NotImplementedError

    def new_record(self, name: str) -> Any:
        """A fresh record called ``name``."""
        raise NotImplementedError

    def copy_record(self, record: Any, name: str) -> Any:
        """A copy of ``record`` with a new id, called ``name``."""
        raise NotImplementedError

    def add_command(self, record: Any) -> Command:
        """The command that adds ``record``."""
        raise NotImplementedError

    def edit_command(self, record_id: str, changes: dict[str, Any]) -> Command:
        """The command that changes fields of a record."""
        raise NotImplementedError

    def delete_command(self, record_id: str) -> Command:
        """The command that deletes a record and takes it out of the scenes that use it."""
        raise NotImplementedError

    def show_record(self, record: Any) -> None:
        """Fill the form from ``record``."""
        raise NotImplementedError

    # --- what the user does --------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        """The id of the item chosen in the list."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, record_id: str) -> None:
        """Choose the item with ``record_id`` in the list."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == record_id:
                self.list.setCurrentRow(row)
                return

    def create(self) -> str | None:
        """Add a new item with a free name and choose it; the name is selected for typing."""
        record = self.new_record(self._free_name(f"New {self.noun}"))
        if not self.push(self.add_command(record), choose=record.id):
            return None
        self.name_for_typing()
        return record.id

    def name_for_typing(self) -> None:
        """Put the cursor in the name field with the name selected: what is typed replaces it."""
        name_edit = getattr(self, "name_edit", None)
        if name_edit is not None:
            name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            name_edit.selectAll()

    def duplicate(self) -> str | None:
        """Add a copy of the chosen item (``… copy``) and choose it."""
        current = self.items().get(self.current_id or "")
        if current is None:
            return None
        record = self.copy_record(current, self._free_name(f"{current.name} copy"))
        return record.id if self.push(self.add_command(record), choose=record.id) else None

    def delete(self) -> bool:
        """Delete the chosen item; if scenes use it, ask first, naming them."""
        record_id = self.current_id
        current = self.items().get(record_id or "")
        if current is None or record_id is None:
            return False
        users = scenes_using(self.project, record_id)
        if users and not self.confirm_delete(current.name, [scene_title(s) for s in users]):
            return False
        return self.push(self.delete_command(record_id))

    def confirm_delete(self, name: str, users: list[str]) -> bool:
        """Ask whether to delete ``name`` though ``users`` use it."""
        answer = QMessageBox.question(
            self, f"Delete {name}?",
            f"{name} is used in {', '.join(users)}. Delete {name} and take it out of"
            f" {'them' if len(users) > 1 else 'it'}? (Undo brings everything back.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def edit(self, changes: dict[str, Any]) -> bool:
        """Change fields of the chosen item, one undo step."""
        record_id = self.current_id
        if record_id is None:
            return False
        return self.push(self.edit_command(record_id, changes))

    def edit_field(self, name: str, value: Any) -> None:
        """Store a field of the form if it differs; a refused value is put back."""
        current = self.items().get(self.current_id or "")
        if (current is not None and getattr(current, name) != value
                and not self.edit({name: value})):
            self.show_record(current)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
        """A description is stored when its field loses focus (one step per burst)."""
        if (watched is getattr(self, "description_edit", None)
                and event.type() == event.Type.FocusOut):
            self.edit_field("description", watched.toPlainText())
        return super().eventFilter(watched, event)

    def add_reference(self, asset: Any) -> bool:
        """Store ``asset`` and add it to the chosen item's references, one undo step."""
        current = self.items().get(self.current_id or "")
        if current is None or asset.sha256 in current.references:
            return False
        edit = self.edit_command(current.id, {"references": (*current.references, asset.sha256)})
        return self.push(Macro([AddAsset(asset), edit], "Add reference image"))

    def remove_reference(self, sha256: str) -> bool:
        """Take an image out of the chosen item's references."""
        current = self.items().get(self.current_id or "")
        if current is None:
            return False
        kept = tuple(item for item in current.references if item != sha256)
        return self.push(self.edit_command(current.id, {"references": kept}))

    def push(self, command: Command, choose: str | None = None) -> bool:
        """Apply ``command`` as one undo step; a refusal is shown under the list."""
        try:
            push_command(self.undo_stack, self.project, command)
        except EditRefused as error:
            self.show_problem(str(error))
            return False
        self.problem.hide()
        if choose is not None:
            self.refresh()
            self.select(choose)
        return True

    def show_problem(self, text: str) -> None:
        """Say why an edit was refused."""
        self.problem.setText(text)
        self.problem.show()

    # --- showing -------------------------------------------------------------------------

    def set_project(self, project: Project) -> None:
        """Show another project's library (after New or Open)."""
        self.project.events.disconnect(self._on_event)
        self.project = project
        project.events.connect(self._on_event)
        self.problem.hide()
        self.refresh()

    def refresh(self) -> None:
        """List the items by name, keeping the chosen one; show it in the form."""
        chosen = self.current_id
        with Quiet(self.list):
            self.list.clear()
            for record in sorted(self.items().values(), key=lambda item: item.name.lower()):
                item = QListWidgetItem(self.icon(record), self.label(record))
                item.setData(Qt.ItemDataRole.UserRole, record.id)
                self.list.addItem(item)
            if chosen is not None:
                self.select(chosen)
            if self.list.currentItem() is None and self.list.count():
                self.list.setCurrentRow(0)
        self._show_current()

    def reference_icon(self, record: Any) -> QIcon | None:
        """The first reference image of ``record`` as an icon, if it has one."""
        for sha256 in record.references:
            icon = asset_icon(self.project, sha256, ICON)
            if icon is not None:
                return icon
        return None

    def _show_current(self) -> None:
        current = self.items().get(self.current_id or "")
        self.form_widget.setEnabled(current is not None)
        self.duplicate_button.setEnabled(current is not None)
        self.delete_button.setEnabled(current is not None)
        if current is not None:
            self.show_record(current)

    def _free_name(self, wanted: str) -> str:
        names = {record.name for record in self.items().values()}
        name, number = wanted, 2
        while name in names:
            name, number = f"{wanted} {number}", number + 1
        return name

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.new_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.list)
        top_layout.addWidget(self.problem)
        self.list.setMinimumHeight(32)  # tabbed with the inspector: never taller than it
        scroll = QScrollArea(self)
        scroll.setMinimumHeight(32)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_widget)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(scroll)
        splitter.setSizes([200, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    def _on_event(self, event: Any) -> None:
        if not shiboken6.isValid(self):  # deleted while the project lives on
            self.project.events.disconnect(self._on_event)
            return
        if isinstance(event, self.changed_event | AssetAdded):
            self.refresh()
