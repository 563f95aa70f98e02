"""Frame rates as fractions: the editorial rates to pick, any rate to type, or the project's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from previz._qt.inspector.qt_param_widgets import QtParamEditor, Quiet
from previz.core.project import EDITORIAL_RATES, Project
from previz.core.spec import Param, format_fraction, parse_fraction


def rate_text(value: Any) -> str:
    """``24000/1001 (23.976)`` for a fractional rate, ``24`` for a whole one."""
    try:
        rate = parse_fraction(value)
    except (ValueError, ZeroDivisionError):
        return str(value)
    if rate.denominator == 1:
        return str(rate.numerator)
    return f"{format_fraction(rate)} ({float(rate):.3f})"


class QtFractionEditor(QtParamEditor):
    """An editable drop-down of rates; the first entry inherits the project's rate."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.combo = QComboBox(self)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.combo.setEditable(not param.choices)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.track_focus(self.combo)
        if param.inherit:
            self.combo.addItem("project", None)
        choices = param.choices or tuple(format_fraction(rate) for rate in EDITORIAL_RATES)
        for choice in choices:
            self.combo.addItem(rate_text(choice), format_fraction(parse_fraction(choice)))
        self.layout().addWidget(self.combo)
        self.combo.activated.connect(self._picked)
        if self.combo.lineEdit() is not None:
            self.combo.lineEdit().editingFinished.connect(self._typed)
        self._shown: Any = None

    def show_value(self, value: Any, project: Project) -> None:
        """Select the rate's entry, or show a typed rate; "project (24)" when inherited."""
        self._shown = value
        with Quiet(self.combo):
            if self.param.inherit:
                self.combo.setItemText(0, f"project ({rate_text(project.settings.rate)})")
            index = self._index_of(value)
            if index >= 0:
                self.combo.setCurrentIndex(index)
            elif self.combo.isEditable():
                self.combo.setEditText(rate_text(value))

    def _index_of(self, value: Any) -> int:
        if value is None:
            return self.combo.findData(None) if self.param.inherit else -1
        try:
            return self.combo.findData(format_fraction(parse_fraction(value)))
        except (ValueError, ZeroDivisionError):
            return -1

    def _picked(self, index: int) -> None:
        value = self.combo.itemData(index)
        if value != self._shown:
            self.edited.emit(value, "")

    def _typed(self) -> None:
        text = self.combo.currentText().split("(")[0].strip()
        if text.startswith("project") and self.param.inherit:
            value = None
        else:
            problem = self.param.check(text)
            if problem:
                self.problem.emit(f"{self.param.label or self.param.name}: {problem}")
                self.combo.setEditText(rate_text(self._shown))
                return
            value = format_fraction(parse_fraction(text))
        if value != self._shown:
            self.edited.emit(value, "")
