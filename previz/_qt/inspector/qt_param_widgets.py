"""One editor widget per param kind; each reports edits as (value, gesture) and shows values.

Edits that belong together (typing in a field, stepping a spin box) share a gesture id from
focus-in to focus-out, so they merge into one undo step.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from previz.app.summary import format_value
from previz.core.ids import new_id
from previz.core.project import Project
from previz.core.spec import Param, ParamKind

_INT_LIMIT = 2**31 - 1
_FLOAT_LIMIT = 1e9


class QtParamEditor(QWidget):
    """Edits one param. ``edited`` sends (value, gesture id or ``""`` for a single step);
    ``problem`` says why something the user typed cannot be used."""

    edited = Signal(object, str)
    problem = Signal(str)
    wide = False  # a wide editor gets the inspector's full width, under its label

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.param = param
        self._gesture = ""
        self.setToolTip(param.tooltip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

    def show_value(self, value: Any, project: Project) -> None:
        """Show ``value`` (the model's) without reporting it as an edit."""
        raise NotImplementedError

    def gesture(self) -> str:
        """The id of the editing burst going on, made at its first edit."""
        if not self._gesture:
            self._gesture = new_id()
        return self._gesture

    def track_focus(self, widget: QWidget) -> None:
        """End the editing burst when ``widget`` loses the focus; ignore the wheel until then."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """A burst ends at focus-out; an unfocused field does not take wheel turns."""
        if event.type() == QEvent.Type.FocusOut:
            self._gesture = ""
        elif (event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget)
              and not watched.hasFocus()):
            event.ignore()
            return True
        return super().eventFilter(watched, event)


class QtNumberEditor(QtParamEditor):
    """A spin box with the param's range, step and unit; "project" for inherited values."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.spin = _spin_box(param)
        self.spin.setKeyboardTracking(False)
        self.spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.track_focus(self.spin)
        self.layout().addWidget(self.spin, 1)
        self.unset: QCheckBox | None = None
        if param.inherit or param.optional:
            self.unset = QCheckBox("project" if param.inherit else "none", self)
            self.unset.setToolTip("Use the project's value" if param.inherit else "No value")
            self.unset.toggled.connect(self._unset_toggled)
            self.layout().addWidget(self.unset)
        self.spin.valueChanged.connect(self._value_changed)

    def show_value(self, value: Any, project: Project) -> None:
        """Show the number, or the project's value greyed when inherited."""
        shown = _inherited(self.param, project) if value is None else value
        with Quiet(self.spin), Quiet(self.unset):
            if isinstance(shown, int | float) and not isinstance(shown, bool):
                self.spin.setValue(shown)
            if self.unset is not None:
                self.unset.setChecked(value is None)
            self.spin.setEnabled(value is not None or self.unset is None)

    def _value_changed(self, value: float) -> None:
        number = int(value) if self.param.kind is ParamKind.INT else float(value)
        self.edited.emit(number, self.gesture())

    def _unset_toggled(self, checked: bool) -> None:
        self.spin.setEnabled(not checked)
        if checked:
            self.edited.emit(None, "")
        else:
            self._value_changed(self.spin.value())


class QtBoolEditor(QtParamEditor):
    """A check box."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.check = QCheckBox(self)
        self.layout().addWidget(self.check)
        self.check.toggled.connect(lambda checked: self.edited.emit(bool(checked), ""))

    def show_value(self, value: Any, project: Project) -> None:
        """Tick or untick."""
        with Quiet(self.check):
            self.check.setChecked(bool(value))


class QtLineEditor(QtParamEditor):
    """A one-line text field; typing until it loses focus is one undo step."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.line = QLineEdit(self)
        self.track_focus(self.line)
        self.layout().addWidget(self.line)
        self.line.textEdited.connect(lambda text: self.edited.emit(text, self.gesture()))

    def show_value(self, value: Any, project: Project) -> None:
        """Show the text, keeping the cursor when it is already shown."""
        text = "" if value is None else str(value)
        if self.line.text() != text:
            self.line.setText(text)


class QtTextEditor(QtParamEditor):
    """Multi-line text (a prompt); typing until it loses focus is one undo step."""

    wide = True

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.text = QPlainTextEdit(self)
        self.text.setUndoRedoEnabled(False)  # undo goes through the project's undo stack
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(84)
        self.track_focus(self.text)
        self.layout().addWidget(self.text)
        self.text.textChanged.connect(self._changed)

    def show_value(self, value: Any, project: Project) -> None:
        """Show the text unless it is what the field already holds."""
        text = "" if value is None else str(value)
        if self.text.toPlainText() != text:
            with Quiet(self.text):
                self.text.setPlainText(text)
                self.text.moveCursor(self.text.textCursor().MoveOperation.End)

    def _changed(self) -> None:
        self.edited.emit(self.text.toPlainText(), self.gesture())


class QtChoiceEditor(QtParamEditor):
    """A drop-down of the param's choices, shown in words."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.combo = QComboBox(self)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.track_focus(self.combo)
        for choice in param.choices:
            self.combo.addItem(format_value(Param("", ParamKind.CHOICE, None), choice), choice)
        self.layout().addWidget(self.combo)
        self.combo.activated.connect(
            lambda index: self.edited.emit(self.combo.itemData(index), ""))

    def show_value(self, value: Any, project: Project) -> None:
        """Select the value's entry."""
        with Quiet(self.combo):
            self.combo.setCurrentIndex(self.combo.findData(value))


class Quiet:
    """Blocks a widget's signals for a ``with`` block (``None`` is allowed and does nothing)."""

    def __init__(self, widget: QObject | None) -> None:
        self.widget = widget
        self.was = False

    def __enter__(self) -> None:
        if self.widget is not None:
            self.was = self.widget.blockSignals(True)

    def __exit__(self, *exc: object) -> None:
        if self.widget is not None:
            self.widget.blockSignals(self.was)


def _spin_box(param: Param) -> QAbstractSpinBox:
    if param.kind is ParamKind.INT:
        spin: QAbstractSpinBox = QSpinBox()
        low, high = -_INT_LIMIT, _INT_LIMIT
    else:
        spin = QDoubleSpinBox()
        spin.setDecimals(_decimals(param.step))
        low, high = -_FLOAT_LIMIT, _FLOAT_LIMIT
    spin.setRange(param.minimum if param.minimum is not None else low,
                  param.maximum if param.maximum is not None else high)
    spin.setSingleStep(param.step or 1)
    if param.unit:
        spin.setSuffix(f" {param.unit}")
    spin.setAccelerated(True)
    return spin


def _decimals(step: float | None) -> int:
    if not step or step >= 1:
        return 1
    return min(4, math.ceil(-math.log10(step) - 1e-9))


def _inherited(param: Param, project: Project) -> Any:
    return getattr(project.settings, param.inherit or "", None)
