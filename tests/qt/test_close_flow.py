"""Close never loses work: a save that fails on close says why, keeps the window, the file
and the unsaved state; once fixed, the window closes with the work saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from previz._qt.qt_main_window import QtMainWindow
from previz._qt.undo import push_command
from previz.core.commands import SetParam
from previz.io import load_project

pytestmark = pytest.mark.reliability
Button = QMessageBox.StandardButton


def rename_first_shot(window: QtMainWindow, name: str) -> str:
    project = window.document.project
    shot = next(node.id for node in project.nodes.values() if node.type == "previz.shot")
    push_command(window.document.undo_stack, project, SetParam(shot, "name", name))
    return shot


def test_a_failed_save_on_close_keeps_the_window_the_file_and_the_work(
        example_window: QtMainWindow, dialogs, tmp_path: Path) -> None:
    window = example_window
    path = tmp_path / "copy.previz"
    window.document.save(path)
    before = path.read_bytes()
    shot = rename_first_shot(window, "Quay \ud800 at dawn")  # text UTF-8 cannot hold
    dialogs.answer(Button.Save, Button.Ok)
    window.close()
    assert window.isVisible()
    assert len(dialogs.seen) == 2 and dialogs.seen[1][0].startswith(f"Could not save {path}")
    assert "surrogate" in dialogs.seen[1][0]
    assert window.document.is_dirty and path.read_bytes() == before

    rename_first_shot(window, "Quay at dawn")
    dialogs.answer(Button.Save)
    window.close()
    assert not window.isVisible()
    assert load_project(path).nodes[shot].params["name"] == "Quay at dawn"


def test_a_failed_autosave_reaches_the_status_bar(example_window: QtMainWindow, run,
                                                  until) -> None:
    window = example_window
    window.autosave._soon.setInterval(3_600_000)  # only the writes below, none in between
    rename_first_shot(window, "Quay \ud800 at dawn")
    reported: list[str] = []
    window.autosave.failed.connect(reported.append)
    assert run(window.autosave.save_now()) is None
    assert len(reported) == 1 and "Autosave failed" in reported[0]
    assert "Autosave failed" in window.statusBar().currentMessage()
    assert run(window.autosave.save_now()) is None
    assert len(reported) == 1  # said once, not on every try
