"""The Locations dock: the project's locations, their set pieces and reference images."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from previz._qt.inspector.qt_param_widgets import Quiet
from previz._qt.panels.qt_library_panel import ICON, QtLibraryPanel
from previz._qt.panels.qt_references import QtReferenceStrip
from previz.core.commands import Command
from previz.core.ids import new_id
from previz.core.library_use import delete_location
from previz.core.locations import GROUNDS, LIBRARY, SETTINGS, Location, SetPiece
from previz.core.project import LocationChanged
from previz.core.scene_commands import AddLocation, AddSetPiece, EditLocation, RemoveSetPiece

GROUND_COLOURS = {"grass": "#3c5a30", "asphalt": "#3a3c40", "concrete": "#6a6a66",
                  "sand": "#a89868", "rock": "#5a5550", "wood": "#6a5038", "tile": "#8a8a84",
                  "carpet": "#5a4048"}


def plan_icon(location: Location) -> QIcon:
    """The location from above: its ground and its set pieces' footprints."""
    pixmap = QPixmap(ICON)
    pixmap.fill(QColor(GROUND_COLOURS.get(location.ground, "#404040")))
    pieces = location.set_pieces
    if pieces:
        reach = max(max(abs(p.x), abs(p.z)) + max(p.width, p.depth) / 2 for p in pieces)
        scale = (ICON.width() / 2 - 3) / max(reach, 1.0)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#101010"), 1))
        for piece in pieces:
            painter.save()
            painter.setTransform(QTransform().translate(ICON.width() / 2 + piece.x * scale,
                                                        ICON.height() / 2 + piece.z * scale)
                                 .rotate(piece.rotation))
            painter.setBrush(QColor(piece.colour))
            w, d = max(piece.width * scale, 2), max(piece.depth * scale, 2)
            painter.drawRect(QRectF(-w / 2, -d / 2, w, d))
            painter.restore()
        painter.end()
    return QIcon(pixmap)


class QtLocationPanel(QtLibraryPanel):
    """List, create, duplicate, edit and delete the project's locations."""

    noun = "location"
    changed_event = LocationChanged

    def __init__(self, project: Any, undo_stack: Any, parent: QWidget | None = None) -> None:
        self._built = False
        super().__init__(project, undo_stack, parent)

    def _build_form(self) -> None:
        self.name_edit = QLineEdit(self.form_widget)
        self.setting_combo = QComboBox(self.form_widget)
        self.setting_combo.addItems(list(SETTINGS))
        self.ground_combo = QComboBox(self.form_widget)
        self.ground_combo.addItems(list(GROUNDS))
        self.description_edit = QPlainTextEdit(self.form_widget)
        self.description_edit.setFixedHeight(72)
        self.description_edit.setPlaceholderText("What a model is told: the place, its mood…")
        self.pieces = QListWidget(self.form_widget)
        self.pieces.setFixedHeight(110)
        self.piece_kind = QComboBox(self.form_widget)
        for kind in LIBRARY:
            self.piece_kind.addItem(kind.replace("_", " "), kind)
        self.add_piece_button = QPushButton("Add", self.form_widget)
        self.remove_piece_button = QPushButton("Remove", self.form_widget)
        pieces = QWidget(self.form_widget)
        column = QVBoxLayout(pieces)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pieces)
        row = QHBoxLayout()
        row.addWidget(self.piece_kind, 1)
        row.addWidget(self.add_piece_button)
        row.addWidget(self.remove_piece_button)
        column.addLayout(row)
        self.references = QtReferenceStrip(self.form_widget)
        for label, widget in (("Name", self.name_edit), ("Setting", self.setting_combo),
                              ("Ground", self.ground_combo),
                              ("Description", self.description_edit),
                              ("Set pieces", pieces), ("References", self.references)):
            self.form.addRow(label, widget)
        self.name_edit.editingFinished.connect(
            lambda: self.edit_field("name", self.name_edit.text().strip()))
        self.setting_combo.activated.connect(
            lambda _: self.edit_field("setting", self.setting_combo.currentText()))
        self.ground_combo.activated.connect(
            lambda _: self.edit_field("ground", self.ground_combo.currentText()))
        self.description_edit.installEventFilter(self)
        self.add_piece_button.clicked.connect(lambda: self.add_piece(self.piece_kind.currentData()))
        self.remove_piece_button.clicked.connect(self.remove_piece)
        self.references.added.connect(self.add_reference)
        self.references.removed.connect(self.remove_reference)
        self.references.problem.connect(self.show_problem)
        self._built = True

    # --- the library ---------------------------------------------------------------------

    def items(self) -> dict[str, Location]:
        """The locations by id."""
        return self.project.locations

    def icon(self, record: Location) -> QIcon:
        """The first reference image, else the location from above."""
        return self.reference_icon(record) or plan_icon(record)

    def label(self, record: Location) -> str:
        """The slug line and how many set pieces."""
        count = len(record.set_pieces)
        return f"{record.slug()}\n{record.ground} · {count} set piece{'s' * (count != 1)}"

    def new_record(self, name: str) -> Location:
        """A new exterior on grass with nothing in it."""
        return Location.new(name)

    def copy_record(self, record: Location, name: str) -> Location:
        """The same place under a new id and name (its set pieces and lights get new ids)."""
        pieces = tuple(dataclasses.replace(piece, id=new_id()) for piece in record.set_pieces)
        lights = tuple(dataclasses.replace(light, id=new_id()) for light in record.lights)
        return dataclasses.replace(record, id=new_id(), name=name, set_pieces=pieces,
                                   lights=lights)

    def add_command(self, record: Location) -> Command:
        """Add to the locations."""
        return AddLocation(record)

    def edit_command(self, record_id: str, changes: dict[str, Any]) -> Command:
        """Change fields of a location."""
        return EditLocation(record_id, changes)

    def delete_command(self, record_id: str) -> Command:
        """Unset it in every scene set there, then delete it."""
        return delete_location(self.project, record_id)

    def show_record(self, record: Location) -> None:
        """Fill the form."""
        with Quiet(self.name_edit):
            self.name_edit.setText(record.name)
        with Quiet(self.setting_combo):
            self.setting_combo.setCurrentText(record.setting)
        with Quiet(self.ground_combo):
            self.ground_combo.setCurrentText(record.ground)
        if self.description_edit.toPlainText() != record.description:
            with Quiet(self.description_edit):
                self.description_edit.setPlainText(record.description)
        self.pieces.clear()
        for piece in record.set_pieces:
            where = f"({piece.x:+.1f}, {piece.z:+.1f}) m"
            item = QListWidgetItem(f"{piece.name or piece.kind}  {where}")
            item.setData(Qt.ItemDataRole.UserRole, piece.id)
            self.pieces.addItem(item)
        self.remove_piece_button.setEnabled(bool(record.set_pieces))
        self.references.show_references(self.project, record.references)

    def refresh(self) -> None:
        """Build the form the first time, then list and show."""
        if not self._built:
            self._build_form()
        super().refresh()

    # --- set pieces ----------------------------------------------------------------------

    def add_piece(self, kind: str) -> bool:
        """Put a set piece of a library kind in the middle of the chosen location."""
        if self.current_id is None:
            return False
        return self.push(AddSetPiece(self.current_id, SetPiece.of_kind(kind)))

    def remove_piece(self) -> bool:
        """Take the chosen set piece (else the last) out of the location."""
        item = self.pieces.currentItem() or self.pieces.item(self.pieces.count() - 1)
        if self.current_id is None or item is None:
            return False
        return self.push(RemoveSetPiece(self.current_id, item.data(Qt.ItemDataRole.UserRole)))

    # --- internals -----------------------------------------------------------------------
