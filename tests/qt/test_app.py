"""The app's start: ``previz`` routing, resources, the one qasync loop, ``run`` end to end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

import previz
from previz import __main__ as entry
from previz import cli
from previz._qt import app
from previz._qt.qt_main_window import QtMainWindow

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
QT_PACKAGE = Path(previz.__file__).parent / "_qt"


def test_resources_are_found_beside_the_package(qapp: QApplication) -> None:
    folder = app.resources_dir()
    assert (folder / "qt" / "dark.qss").is_file()
    icon = QIcon(str(app.resource_path("icons", "previz.svg")))
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()
    assert (folder / "examples" / "lighthouse.previz") == EXAMPLE


def test_the_theme_and_icon_are_applied(qapp: QApplication) -> None:
    made = app.make_application()
    assert made is qapp
    assert "QDockWidget::title" in made.styleSheet()
    assert made.palette().window().color().name() == "#1d2026"
    assert not made.windowIcon().isNull()


def test_the_qasync_loop_is_made_in_one_place() -> None:
    makers = re.compile(r"QEventLoop\(|new_event_loop\(|asyncio\.run\(|QtAsyncio")
    found = {path.name for path in QT_PACKAGE.rglob("*.py") if makers.search(path.read_text())}
    assert found == {"app.py"}


def test_a_subcommand_runs_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["validate", str(EXAMPLE)]) == 0
    assert "no problems" in capsys.readouterr().out
    for name in cli.SUBCOMMANDS:
        assert entry._is_cli(name)
    with pytest.raises(SystemExit):
        entry.main(["--version"])


@pytest.mark.parametrize("argv", [[], [str(EXAMPLE)]])
def test_no_subcommand_starts_the_app(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(app, "run", lambda args: started.append(list(args)) or 0)
    assert entry.main(argv) == 0
    assert started == [argv]


def test_run_opens_the_project_and_returns_when_the_window_closes(qapp: QApplication) -> None:
    seen: dict[str, Any] = {}

    def ready(window: QtMainWindow) -> None:
        seen["title"] = window.windowTitle()
        seen["nodes"] = len(window.editor.graph_scene.node_items())
        window.close()

    assert app.run([str(EXAMPLE)], on_ready=ready) == 0
    assert seen == {"title": "lighthouse — Previz", "nodes": 25}


def test_unreadable_settings_fall_back_to_the_defaults(
        own_folders: dict[str, Path], caplog: pytest.LogCaptureFixture) -> None:
    settings = own_folders["config"] / "previz" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text("{not json")
    session = app.open_session()
    assert session.settings.default_backend == "draft"
    assert "using the default settings" in caplog.text
