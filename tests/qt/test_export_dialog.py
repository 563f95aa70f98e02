"""The Export dialog: pick formats, export in the background with progress, read the files
back; Cancel leaves no half file; the form refuses what it cannot do."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from tiny_cut import save_tiny

import previz._qt.qt_export_dialog as export_dialog
from previz._qt.qt_export_dialog import QtExportDialog
from previz._qt.qt_main_window import QtMainWindow
from previz.export import read_recipe
from previz.media import probe

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def tiny_window(window: QtMainWindow, tmp_path: Path) -> QtMainWindow:
    """A window on the tiny cut."""
    assert window.open_path(save_tiny(tmp_path / "quay.previz"))
    return window


def open_dialog(window: QtMainWindow, out: Path, formats: set[str]) -> QtExportDialog:
    """Open the dialog with Ctrl+E, tick ``formats``, export into ``out``."""
    window.editor.setFocus()
    QTest.keyClick(window.editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.set_formats(formats)
    dialog.folder.setText(str(out))
    return dialog


def test_the_dialog_renders_then_exports_movies_otio_and_shot_list(
        tiny_window: QtMainWindow, tmp_path: Path, run: Any) -> None:
    out = tmp_path / "out"
    dialog = open_dialog(tiny_window, out, {"shots", "cut", "otio", "csv"})
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    QTest.mouseClick(dialog.export_button, LEFT)
    assert dialog.is_running and not dialog.export_button.isEnabled()
    report = run(dialog.wait())
    assert report is not None and all(path.exists() for path in report.files)
    assert not dialog.is_running and dialog.export_button.isEnabled()
    assert dialog.status.text().startswith(f"Exported {len(report.files)} files")

    movies = sorted((out / "shots").glob("*.mp4"))
    assert [probe(movie).frame_count for movie in movies] == [12 + 24, 12 + 24, 6 + 24]
    cut = probe(out / "quay_cut.mp4")
    assert (cut.codec, cut.frame_count, cut.rate) == ("h264", 30, Fraction(24))
    # One pass feeds every movie: the cut's 30 frames and the shot movies' 3 x 24 handles.
    assert max(seen) == dialog.progress.maximum() == 30 + 3 * 24
    timeline = otio.adapters.read_from_file(str(out / "quay.otio"))
    clips = list(timeline.find_clips())
    assert [clip.name for clip in clips] == ["010_0010", "010_0020", "STILL_03"]
    assert [clip.duration().value for clip in clips] == [12, 12, 6]
    assert (out / "quay_shotlist.csv").read_text().count("\n") >= 3
    recipe = read_recipe(movies[0])
    assert recipe is not None and len(recipe.graph.nodes) == 3  # prompt, pan, shot
    shown = dialog.report.toPlainText().splitlines()
    assert "quay.otio" in shown and "quay_cut.mp4" in shown


@pytest.fixture
def slow_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports that take 50 ms a frame, so a test can stop one under way."""
    real = export_dialog.export_project

    def slowly(*args: Any, progress: Any, **kwargs: Any) -> Any:
        def step(done: int, total: int) -> None:
            progress(done, total)
            time.sleep(0.05)
        return real(*args, progress=step, **kwargs)

    monkeypatch.setattr(export_dialog, "export_project", slowly)


@pytest.mark.usefixtures("slow_export")
@pytest.mark.parametrize("how", ["button", "escape", "close"])
def test_cancel_stops_the_export_and_keeps_no_half_file(
        tiny_window: QtMainWindow, tmp_path: Path, run: Any, until: Any, how: str) -> None:
    out = tmp_path / "out"
    dialog = open_dialog(tiny_window, out, {"cut"})

    async def export_then_cancel() -> Any:
        dialog.start()
        await until(lambda: dialog.progress.value() > 0)
        if how == "button":
            QTest.mouseClick(dialog.cancel_button, LEFT)
        elif how == "escape":
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            dialog.close()
        return await dialog.wait()

    assert run(export_then_cancel()) is None
    assert "cancelled" in dialog.status.text()
    assert dialog.isVisible()  # it stays open to say so
    assert not list(out.glob("*.mp4"))
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_the_form_needs_a_format_and_a_folder(tiny_window: QtMainWindow, tmp_path: Path
                                              ) -> None:
    dialog = open_dialog(tiny_window, tmp_path, set())
    assert dialog.start() is None and "format" in dialog.status.text()
    dialog.set_formats({"csv"})
    dialog.folder.setText("")
    assert dialog.start() is None and "folder" in dialog.status.text()
    dialog.rate.setCurrentIndex(dialog.rate.findText("23.976"))
    dialog.paper.setCurrentIndex(dialog.paper.findText("Letter"))
    options = dialog.options()
    assert (options.rate, options.paper, options.title) == (Fraction(24000, 1001), "letter",
                                                            "quay")
    assert dialog.folder.isEnabled()


def test_an_empty_timeline_says_so(window: QtMainWindow, tmp_path: Path, run: Any) -> None:
    dialog = open_dialog(window, tmp_path / "out", {"csv"})
    dialog.start()
    assert run(dialog.wait()) is None
    assert "empty" in dialog.status.text()
    assert not (tmp_path / "out").exists()
