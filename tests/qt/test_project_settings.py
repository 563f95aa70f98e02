"""The Project Settings dialog: every setting, one undo step, refusals, saved and read back,
and new shots take the project's sensor, backend and model."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest

from previz._qt.panels.qt_project_settings import QtProjectSettings
from previz._qt.qt_main_window import QtMainWindow
from previz.core.project import Project
from previz.core.project_settings import BACKEND, SENSOR, START, TITLE, extra_value
from previz.engine.backend import BackendInfo, Catalog, ModelInfo
from previz.io import load_project, save_project


def catalog() -> Catalog:
    models = {"wan-1.3b": ModelInfo("wan-1.3b", "wan", "f1"), "ltx": ModelInfo("ltx", "ltx", "f2")}
    return Catalog({"draft": BackendInfo("draft", "1"),
                    "diffusers": BackendInfo("diffusers", "1", models, "wan-1.3b")})


@pytest.fixture
def dialog(qtbot) -> QtProjectSettings:
    view = QtProjectSettings(Project(), QUndoStack(), catalog)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_shows_the_project_as_it_is(dialog: QtProjectSettings) -> None:
    assert dialog.rate.currentText() == "24 fps"
    assert (dialog.width_spin.value(), dialog.height_spin.value()) == (1280, 720)
    assert dialog.aspect.currentText() == "16:9"
    assert dialog.sensor.currentData() == "super35"
    assert dialog.start.text() == "01:00:00:00"
    assert dialog.backend.currentData() == "draft" and not dialog.model.isEnabled()


def test_every_setting_in_one_undo_step(dialog: QtProjectSettings, tmp_path: Path,
                                        registry) -> None:
    QTest.keyClicks(dialog.title, "Night Bus")
    dialog.rate.setCurrentIndex(dialog.rate.findText("23.976 fps"))
    dialog.width_spin.setValue(1920)
    dialog.aspect.setCurrentIndex(dialog.aspect.findText("2.39:1"))
    dialog.aspect.activated.emit(dialog.aspect.currentIndex())
    assert dialog.height_spin.value() == 804
    dialog.sensor.setCurrentIndex(dialog.sensor.findData("full_frame"))
    dialog.start.setText("00:59:50:00")
    dialog.backend.setCurrentIndex(dialog.backend.findData("diffusers"))
    assert dialog.model.itemText(0) == "backend's default (wan-1.3b)"
    dialog.model.setCurrentIndex(dialog.model.findData("ltx"))
    QTest.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    settings = dialog.project.settings
    assert (settings.rate, settings.width, settings.height) == (Fraction(24000, 1001), 1920, 804)
    assert settings.extra == {TITLE: "Night Bus", SENSOR: "full_frame", START: "00:59:50:00",
                              BACKEND: "diffusers", "model": "ltx"}
    assert dialog.undo_stack.count() == 1
    path = tmp_path / "night.previz"
    save_project(dialog.project, path)
    assert load_project(path, registry=registry).settings == settings
    dialog.undo_stack.undo()
    assert dialog.project.settings == Project().settings


def test_a_wrong_timecode_is_said_and_nothing_changes(dialog: QtProjectSettings) -> None:
    dialog.start.setText("01:00:00:30")  # frame 30 at 24 fps
    assert not dialog.apply()
    assert dialog.problem.isVisible() and "01:00:00:30" in dialog.problem.text()
    assert dialog.undo_stack.count() == 0 and extra_value(dialog.project.settings, START) \
        == "01:00:00:00"


def test_unchanged_settings_make_no_step(dialog: QtProjectSettings) -> None:
    assert dialog.apply() and dialog.undo_stack.count() == 0


def test_the_menu_opens_it_and_new_shots_take_its_defaults(window: QtMainWindow) -> None:
    window.action_by_id["file.project_settings"].trigger()
    dialog = window.findChild(QtProjectSettings)
    assert dialog is not None and dialog.isVisible()
    dialog.sensor.setCurrentIndex(dialog.sensor.findData("alexa35"))
    dialog.apply()
    dialog.close()
    node_id = window.editor.add_node_at("previz.shot", QPointF(0, 0))
    assert window.document.project.nodes[node_id].params["sensor"] == "alexa35"
    window.action_by_id["edit.undo"].trigger()
    window.action_by_id["edit.undo"].trigger()
    assert window.document.project.settings == Project().settings
