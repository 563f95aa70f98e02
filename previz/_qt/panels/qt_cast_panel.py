"""The Cast dock: the project's characters, with their looks, descriptions and references."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from previz._qt.inspector.qt_param_widgets import Quiet
from previz._qt.panels.qt_library_panel import ICON, QtColourButton, QtLibraryPanel
from previz._qt.panels.qt_references import QtReferenceStrip
from previz.core.cast import BUILDS, FIGURES, MAX_HEIGHT, MIN_HEIGHT, Character
from previz.core.commands import Command
from previz.core.ids import new_id
from previz.core.library_use import delete_character
from previz.core.project import CastChanged
from previz.core.scene_commands import AddCharacter, EditCharacter


def figure_icon(character: Character) -> QIcon:
    """A small standing figure in the character's skin, hair and wardrobe colours."""
    pixmap = QPixmap(ICON)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    scale = min(character.height / 1.9, 1.0)
    top = ICON.height() * (1 - scale) + 2
    unit = (ICON.height() - top - 2) / 8
    centre = ICON.width() / 2
    top_colour = character.wardrobe[0] if character.wardrobe else "#506070"
    legs_colour = character.wardrobe[1] if len(character.wardrobe) > 1 else top_colour
    painter.setBrush(QColor(legs_colour))
    painter.drawRect(QRectF(centre - unit, top + 4.5 * unit, 2 * unit, 3.5 * unit))
    painter.setBrush(QColor(top_colour))
    painter.drawRoundedRect(QRectF(centre - 1.4 * unit, top + 1.6 * unit, 2.8 * unit,
                                   3.2 * unit), unit * 0.5, unit * 0.5)
    painter.setBrush(QColor(character.skin))
    painter.drawEllipse(QRectF(centre - 0.7 * unit, top + 0.2 * unit, 1.4 * unit, 1.4 * unit))
    painter.setBrush(QColor(character.hair))
    painter.drawChord(QRectF(centre - 0.75 * unit, top, 1.5 * unit, 1.3 * unit), 0, 180 * 16)
    painter.end()
    return QIcon(pixmap)


class QtCastPanel(QtLibraryPanel):
    """List, create, duplicate, edit and delete the project's characters."""

    noun = "character"
    changed_event = CastChanged

    def __init__(self, project: Any, undo_stack: Any, parent: QWidget | None = None) -> None:
        self._built = False
        super().__init__(project, undo_stack, parent)

    def _build_form(self) -> None:
        self.name_edit = QLineEdit(self.form_widget)
        self.height_spin = QDoubleSpinBox(self.form_widget)
        self.height_spin.setRange(MIN_HEIGHT, MAX_HEIGHT)
        self.height_spin.setSingleStep(0.01)
        self.height_spin.setSuffix(" m")
        self.height_spin.setKeyboardTracking(False)
        self.build_combo = QComboBox(self.form_widget)
        self.build_combo.addItems(list(BUILDS))
        self.figure_combo = QComboBox(self.form_widget)
        self.figure_combo.addItems(list(FIGURES))
        self.skin_button = QtColourButton(self.form_widget)
        self.hair_button = QtColourButton(self.form_widget)
        self.top_button = QtColourButton(self.form_widget)
        self.legs_button = QtColourButton(self.form_widget)
        wardrobe = QWidget(self.form_widget)
        row = QHBoxLayout(wardrobe)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.top_button)
        row.addWidget(self.legs_button)
        row.addStretch(1)
        self.description_edit = QPlainTextEdit(self.form_widget)
        self.description_edit.setFixedHeight(72)
        self.description_edit.setPlaceholderText("What a model is told: age, look, clothes…")
        self.references = QtReferenceStrip(self.form_widget)
        for label, widget in (("Name", self.name_edit), ("Height", self.height_spin),
                              ("Build", self.build_combo), ("Figure", self.figure_combo),
                              ("Skin", self.skin_button), ("Hair", self.hair_button),
                              ("Wardrobe", wardrobe), ("Description", self.description_edit),
                              ("References", self.references)):
            self.form.addRow(label, widget)
        self.name_edit.editingFinished.connect(
            lambda: self.edit_field("name", self.name_edit.text().strip()))
        self.height_spin.valueChanged.connect(
            lambda value: self.edit_field("height", round(value, 2)))
        self.build_combo.activated.connect(
            lambda _: self.edit_field("build", self.build_combo.currentText()))
        self.figure_combo.activated.connect(
            lambda _: self.edit_field("figure", self.figure_combo.currentText()))
        self.skin_button.picked.connect(lambda colour: self.edit({"skin": colour}))
        self.hair_button.picked.connect(lambda colour: self.edit({"hair": colour}))
        self.top_button.picked.connect(lambda colour: self._wardrobe(0, colour))
        self.legs_button.picked.connect(lambda colour: self._wardrobe(1, colour))
        self.description_edit.installEventFilter(self)
        self.references.added.connect(self.add_reference)
        self.references.removed.connect(self.remove_reference)
        self.references.problem.connect(self.show_problem)
        self._built = True

    # --- the library ---------------------------------------------------------------------

    def items(self) -> dict[str, Character]:
        """The cast by id."""
        return self.project.cast

    def icon(self, record: Character) -> QIcon:
        """The first reference image, else a figure in the character's colours."""
        return self.reference_icon(record) or figure_icon(record)

    def label(self, record: Character) -> str:
        """Name, height and figure."""
        return f"{record.name}\n{record.height:.2f} m · {record.build} {record.figure}"

    def new_record(self, name: str) -> Character:
        """A new character of average height and build."""
        return Character.new(name)

    def copy_record(self, record: Character, name: str) -> Character:
        """The same looks under a new id and name."""
        return dataclasses.replace(record, id=new_id(), name=name)

    def add_command(self, record: Character) -> Command:
        """Add to the cast."""
        return AddCharacter(record)

    def edit_command(self, record_id: str, changes: dict[str, Any]) -> Command:
        """Change fields of a character."""
        return EditCharacter(record_id, changes)

    def delete_command(self, record_id: str) -> Command:
        """Out of every scene, then out of the cast."""
        return delete_character(self.project, record_id)

    def show_record(self, record: Character) -> None:
        """Fill the form."""
        if not self._built:
            self._build_form()
        with Quiet(self.name_edit):
            self.name_edit.setText(record.name)
        with Quiet(self.height_spin):
            self.height_spin.setValue(record.height)
        with Quiet(self.build_combo):
            self.build_combo.setCurrentText(record.build)
        with Quiet(self.figure_combo):
            self.figure_combo.setCurrentText(record.figure)
        if self.description_edit.toPlainText() != record.description:
            with Quiet(self.description_edit):
                self.description_edit.setPlainText(record.description)
        self.skin_button.show_colour(record.skin)
        self.hair_button.show_colour(record.hair)
        wardrobe = (*record.wardrobe, "#506070", "#303840")
        self.top_button.show_colour(wardrobe[0])
        self.legs_button.show_colour(wardrobe[1] if len(record.wardrobe) != 1 else wardrobe[0])
        self.references.show_references(self.project, record.references)

    def refresh(self) -> None:
        """Build the form the first time, then list and show."""
        if not self._built:
            self._build_form()
        super().refresh()

    def _wardrobe(self, index: int, colour: str) -> None:
        current = self.items().get(self.current_id or "")
        if current is None:
            return
        colours = list(current.wardrobe) or ["#506070", "#303840"]
        while len(colours) <= index:
            colours.append(colours[-1])
        colours[index] = colour
        self.edit({"wardrobe": tuple(colours)})
