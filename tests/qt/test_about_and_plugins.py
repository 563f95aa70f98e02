"""Help ▸ About names the versions and the model library; a broken plug-in is named in the
window, and the app renders with the rest."""

from __future__ import annotations

import asyncio
import platform
from collections.abc import Callable
from pathlib import Path

import pytest
from plugin_folder import broken_plugins
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox
from tiny_cut import save_tiny

import previz
from previz._qt.qt_main_window import QtMainWindow


def test_help_about_names_the_versions_and_the_model_library(
        make_window: Callable[[], QtMainWindow]) -> None:
    window = make_window()
    assert window.menus["&Help"].actions()[0] is window.action_by_id["help.about"]
    window.action_by_id["help.about"].trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and box.isVisible()
    text = box.text()
    for shown in (previz.__version__, platform.python_version(), qVersion(),
                  str(window.session.settings.models_dir)):
        assert shown in text
    assert "torch" in text
    box.close()


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = broken_plugins(tmp_path / "site")
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_the_app_names_a_broken_plugin_and_renders_with_the_rest(
        broken: Path, make_window: Callable[[], QtMainWindow],
        loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    window = make_window()
    message = window.statusBar().currentMessage()
    assert "'broken_pack'" in message and "'broken_backend'" in message
    logged = "\n".join(window.log_panel.lines())
    assert "node pack 'broken_pack'" in logged and "backend 'broken_backend'" in logged
    assert window.open_path(save_tiny(tmp_path / "tiny.previz"))
    task = window.queue.render()
    assert task is not None
    result = loop.run_until_complete(task)
    assert result is not None and result.ok
    assert len(result.outputs) >= 3
