"""The Project Settings dialog: title, editorial rate, frame size and aspect, sensor, start
timecode, and the backend and model new shots get; OK applies it all as one undo step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from previz._qt.inspector.qt_param_widgets import Quiet
from previz._qt.undo import push_command
from previz.core.camera.lens import SENSORS
from previz.core.commands import SetSettings
from previz.core.errors import EditRefused
from previz.core.project import EDITORIAL_RATES, Project, Settings
from previz.core.project_settings import (
    ASPECTS,
    BACKEND,
    MODEL,
    SENSOR,
    START,
    TITLE,
    aspect_name,
    extra_value,
    size_for_aspect,
    with_extras,
)
from previz.core.spec import format_fraction, parse_fraction
from previz.engine.backend import Catalog

SENSOR_NAMES = {"super35": "Super 35 (24.89 x 18.66 mm)", "full_frame": "Full frame (36 x 24)",
                "alexa35": "Alexa 35 (27.99 x 19.22)", "super16": "Super 16 (12.52 x 7.41)"}
RATE_NAMES = {"24000/1001": "23.976", "30000/1001": "29.97"}


class QtProjectSettings(QDialog):
    """Edits a project's settings; ``apply`` pushes them as one ``SetSettings`` step."""

    def __init__(self, project: Project, undo_stack: QUndoStack,
                 catalog: Callable[[], Catalog] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Project Settings")
        self.project = project
        self.undo_stack = undo_stack
        self.catalog = catalog
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("The name exports and slates carry")
        self.rate = QComboBox(self)
        for rate in EDITORIAL_RATES:
            text = format_fraction(rate)
            self.rate.addItem(f"{RATE_NAMES.get(text, text)} fps", text)
        self.width_spin, self.height_spin = QSpinBox(self), QSpinBox(self)
        for spin in (self.width_spin, self.height_spin):
            spin.setRange(64, 8192)
            spin.setSingleStep(16)
            spin.setSuffix(" px")
        self.aspect = QComboBox(self)
        for name in ASPECTS:
            self.aspect.addItem(name, ASPECTS[name])
        self.sensor = QComboBox(self)
        for name in SENSORS:
            self.sensor.addItem(SENSOR_NAMES.get(name, name), name)
        self.start = QLineEdit(self)
        self.start.setInputMask("99:99:99:99")
        self.backend = QComboBox(self)
        self.model = QComboBox(self)
        self.problem = QLabel(self)
        self.problem.setObjectName("problemLabel")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self._layout()
        self.aspect.activated.connect(lambda _: self._aspect_chosen())
        self.width_spin.valueChanged.connect(lambda _: self._show_aspect())
        self.height_spin.valueChanged.connect(lambda _: self._show_aspect())
        self.backend.currentIndexChanged.connect(lambda _: self._fill_models(""))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.show_settings(project.settings)

    def show_settings(self, settings: Settings) -> None:
        """Fill the form from ``settings``."""
        self.title.setText(extra_value(settings, TITLE))
        self.rate.setCurrentIndex(max(self.rate.findData(format_fraction(settings.rate)), 0))
        with Quiet(self.width_spin), Quiet(self.height_spin):
            self.width_spin.setValue(settings.width)
            self.height_spin.setValue(settings.height)
        self._show_aspect()
        self.sensor.setCurrentIndex(max(self.sensor.findData(extra_value(settings, SENSOR)), 0))
        self.start.setText(extra_value(settings, START))
        backends = sorted(self.catalog().backends) if self.catalog is not None else ["draft"]
        with Quiet(self.backend):
            self.backend.clear()
            for backend_id in backends:
                self.backend.addItem(backend_id, backend_id)
            chosen = extra_value(settings, BACKEND)
            if self.backend.findData(chosen) < 0:
                self.backend.addItem(f"{chosen} (not installed)", chosen)
            self.backend.setCurrentIndex(self.backend.findData(chosen))
        self._fill_models(extra_value(settings, MODEL))

    def settings(self) -> Settings:
        """The settings the form says; ``EditRefused`` naming a field that is wrong."""
        base = Settings(parse_fraction(self.rate.currentData()), self.width_spin.value(),
                        self.height_spin.value(), dict(self.project.settings.extra))
        return with_extras(base, **{TITLE: self.title.text().strip(),
                                    SENSOR: self.sensor.currentData(),
                                    START: self.start.text(),
                                    BACKEND: self.backend.currentData() or "draft",
                                    MODEL: self.model.currentData() or ""})

    def apply(self) -> bool:
        """Push the form's settings as one undo step (nothing if unchanged); say a refusal."""
        try:
            settings = self.settings()
            if settings != self.project.settings:
                push_command(self.undo_stack, self.project, SetSettings(settings))
        except EditRefused as error:
            self.problem.setText(str(error))
            self.problem.show()
            return False
        self.problem.hide()
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def _aspect_chosen(self) -> None:
        width, height = size_for_aspect(self.width_spin.value(), self.aspect.currentData())
        with Quiet(self.width_spin), Quiet(self.height_spin):
            self.width_spin.setValue(width)
            self.height_spin.setValue(height)

    def _show_aspect(self) -> None:
        name = aspect_name(self.width_spin.value(), self.height_spin.value())
        with Quiet(self.aspect):
            index = self.aspect.findText(name)
            if index < 0:
                self.aspect.setPlaceholderText(name)
            self.aspect.setCurrentIndex(index)

    def _fill_models(self, chosen: str) -> None:
        backend_id = self.backend.currentData() or "draft"
        info = self.catalog().get(backend_id) if self.catalog is not None else None
        self.model.clear()
        default = info.default_model if info is not None else ""
        self.model.addItem(f"backend's default{f' ({default})' if default else ''}", "")
        for model_id in sorted(info.models) if info is not None else ():
            self.model.addItem(model_id, model_id)
        if chosen and self.model.findData(chosen) < 0:
            self.model.addItem(f"{chosen} (not installed)", chosen)
        self.model.setCurrentIndex(max(self.model.findData(chosen), 0))
        self.model.setEnabled(self.model.count() > 1)

    def _layout(self) -> None:
        form = QFormLayout()
        size = QHBoxLayout()
        size.addWidget(self.width_spin)
        size.addWidget(QLabel("x", self))
        size.addWidget(self.height_spin)
        size.addWidget(self.aspect)
        for label, field in (("Title", self.title), ("Editorial rate", self.rate),
                             ("Frame", size), ("Sensor", self.sensor),
                             ("Start timecode", self.start), ("New shots render with",
                                                              self.backend),
                             ("Model", self.model)):
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
