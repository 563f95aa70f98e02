"""The Export dialog: formats, paper, editorial rate, burn-ins and a folder, then the export
run in a worker thread with a progress bar, Cancel, and the report of what was written.

What is stale renders first through the render queue; the export itself runs in the loop's
default executor, its per-frame progress marshalled back to the GUI thread by a signal.
"""

from __future__ import annotations

import asyncio
import logging
from fractions import Fraction
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from previz._qt.document import QtDocument
from previz._qt.qt_render_queue import QtRenderQueue
from previz._qt.stale import render_stale
from previz.engine.backend import Cancelled, CancelToken
from previz.export import FORMATS, ExportOptions, ExportReport, export_project
from previz.export.command import EXPORT_ERRORS

log = logging.getLogger("previz.export")
FORMAT_LABELS = {
    "shots": "Shot movies (MP4)", "cut": "Whole cut (MP4)", "png": "PNG sequences",
    "otio": "OpenTimelineIO (.otio)", "otioz": "OTIO bundle (.otioz)",
    "fcp7": "Premiere (FCP 7 XML)", "edl": "Avid (EDL)", "pdf": "Storyboard (PDF)",
    "contact": "Contact sheet (PNG)", "csv": "Shot list (CSV, XLSX, PDF)",
    "aaf": "Avid (AAF)",
}
PAPERS = (("A4", "a4"), ("Letter", "letter"))
RATES = (("23.976", "24000/1001"), ("24", "24"), ("25", "25"), ("29.97", "30000/1001"),
         ("30", "30"), ("48", "48"), ("50", "50"), ("59.94", "60000/1001"), ("60", "60"))


class QtExportDialog(QDialog):
    """Exports the document's timeline; ``exported(report)`` fires after each export that
    finished (None when it failed or was cancelled)."""

    exported = Signal(object)
    _progressed = Signal(int, int)  # emitted from the worker thread, delivered queued

    def __init__(self, document: QtDocument, queue: QtRenderQueue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.setWindowModality(Qt.WindowModality.WindowModal)  # no edits under an export
        self.document, self.queue = document, queue
        self.task: asyncio.Task[ExportReport | None] | None = None
        self.token: CancelToken | None = None
        self.formats = {name: QCheckBox(FORMAT_LABELS.get(name, name), self) for name in FORMATS}
        self.paper = _combo(self, PAPERS)
        self.rate = _combo(self, (("Project's rate", ""), *RATES))
        self.burn_in = QCheckBox("Shot name, timecode and frame number", self)
        self.folder = QLineEdit(str(default_folder(document)), self)
        self.progress = QProgressBar(self)
        self.status = QLabel("Choose what to export, and where.", self)
        self.report = QPlainTextEdit(self)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(
            "Cancel Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self._lay_out()
        self._progressed.connect(self._show_progress)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        self._set_running(False)

    @property
    def is_running(self) -> bool:
        """Whether an export (or the render before it) is under way."""
        return self.task is not None and not self.task.done()

    def chosen_formats(self) -> frozenset[str]:
        """The formats ticked."""
        return frozenset(name for name, box in self.formats.items() if box.isChecked())

    def set_formats(self, names: frozenset[str] | set[str]) -> None:
        """Tick exactly ``names``."""
        for name, box in self.formats.items():
            box.setChecked(name in names)

    def options(self) -> ExportOptions:
        """The export the form describes."""
        rate = self.rate.currentData()
        return ExportOptions(self.chosen_formats(), self.paper.currentData(),
                             Fraction(rate) if rate else None, self.burn_in.isChecked(),
                             title=file_title(self.document.name))

    def start(self) -> asyncio.Task[ExportReport | None] | None:
        """Export as the form says, in the background; None if the form is not ready."""
        if self.is_running:
            return None
        if not self.chosen_formats():
            self.status.setText("Tick at least one format.")
            return None
        if not self.folder.text().strip():
            self.status.setText("Choose a folder to export into.")
            return None
        out = Path(self.folder.text().strip()).expanduser()
        self._set_running(True)
        self.report.clear()
        self.status.setText("Rendering what is not rendered yet…")
        self.task = asyncio.ensure_future(self._export(out, self.options()))
        return self.task

    def cancel(self) -> None:
        """Stop the render or the export; no half-written file is kept."""
        if not self.is_running:
            return
        self.status.setText("Cancelling…")
        if self.token is not None:
            self.token.cancel()
        else:
            self.queue.cancel()

    async def wait(self) -> ExportReport | None:
        """The report of the export under way (or of the last one)."""
        return await self.task if self.task is not None else None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing while exporting cancels the export and stays open until it has stopped."""
        if self.is_running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        """Escape while exporting cancels the export; otherwise it closes the dialog."""
        if self.is_running:
            self.cancel()
            return
        super().reject()

    def choose_folder(self) -> None:
        """Ask for the folder to export into."""
        chosen = QFileDialog.getExistingDirectory(self, "Export into", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    async def _export(self, out: Path, options: ExportOptions) -> ExportReport | None:
        report = None
        try:
            report = await self._render_then_export(out, options)
        finally:
            self.token = None
            self._set_running(False)
            self.exported.emit(report)
        return report

    async def _render_then_export(self, out: Path, options: ExportOptions
                                  ) -> ExportReport | None:
        rendered = await render_stale(self.queue)
        if rendered.plan is None:
            self.status.setText(rendered.problem)
            return None
        self.token = CancelToken()
        self.status.setText(f"Exporting into {out}…")
        work = partial(export_project, self.document.project, rendered.plan,
                       self.queue.session.store, out, options,
                       progress=self._progressed.emit, cancel=self.token)
        try:
            report = await asyncio.get_running_loop().run_in_executor(None, work)
        except Cancelled:
            self.status.setText("Export cancelled; no half-written file was kept.")
            log.info("export cancelled")
            return None
        except EXPORT_ERRORS as error:
            self.status.setText(f"Export failed: {error}")
            log.error("export failed: %s", error)
            return None
        self._show_report(out, report)
        return report

    def _show_report(self, out: Path, report: ExportReport) -> None:
        lines = [_relative(path, out) for path in report.files]
        lines += [f"Note: {note}" for note in report.notes]
        self.report.setPlainText("\n".join(lines))
        self.progress.setValue(self.progress.maximum())
        count = len(report.files)
        self.status.setText(f"Exported {count} file{'s' if count != 1 else ''} into {out}.")
        log.info("exported %d files into %s", count, out)
        for note in report.notes:
            log.info("export: %s", note)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        for widget in (*self.formats.values(), self.paper, self.rate, self.burn_in, self.folder):
            widget.setEnabled(not running)
        if running:
            self.progress.setRange(0, 0)  # busy until the first frame is written
        elif self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)

    def _lay_out(self) -> None:
        grid = QGridLayout()
        for index, box in enumerate(self.formats.values()):
            grid.addWidget(box, index // 2, index % 2)
        format_group = QGroupBox("Formats", self)
        format_group.setLayout(grid)
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Storyboard paper:", self.paper)
        form.addRow("Editorial rate (fps):", self.rate)
        form.addRow("Burn-ins:", self.burn_in)
        form.addRow("Folder:", folder_row)
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("The files written will be listed here.")
        layout = QVBoxLayout(self)
        layout.addWidget(format_group)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.set_formats(set(FORMATS) - {"png", "otioz"})
        self.report.setMinimumHeight(160)
        self.resize(600, 640)


def default_folder(document: QtDocument) -> Path:
    """Beside the project's file, named after it; else in the home folder."""
    base = document.path.parent if document.path else Path.home()
    return base / f"{file_title(document.name)}_export"


def file_title(name: str) -> str:
    """``name`` made safe in file names (the exported files start with it)."""
    safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in name)
    return safe.strip("._") or "previz"


def _combo(parent: QWidget, items: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox(parent)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _relative(path: Path, out: Path) -> str:
    shown = str(path.relative_to(out)) if path.is_relative_to(out) else str(path)
    return f"{shown}/" if path.is_dir() else shown
