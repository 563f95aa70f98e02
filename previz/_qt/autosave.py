"""Autosave to a recovery file, and the offer to recover it after a crash.

Unsaved work is written, shortly after each change and again on a timer while it stays
unsaved, to a recovery file in the platform's state folder (``~/.local/state/previz/recovery``
on Linux; naming and finding them is ``previz.io.recovery``). Saving, discarding or closing
cleanly removes it. The snapshot is taken on the GUI thread; the zip is made in a worker
thread. A failed write is reported once through ``failed`` until a write succeeds again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from previz._qt.document import QtDocument
from previz.core.errors import ProjectError
from previz.io import load_project, recovery
from previz.io.recovery import Recovery, recovery_name, snapshot, write_recovery
from previz.settings import APP_NAME

__all__ = ["QtAutosave", "Recovery", "find_recovery", "offer_recovery", "recovery_dir",
           "recovery_name", "snapshot"]
log = logging.getLogger(__name__)


def recovery_dir() -> Path:
    """Where recovery files live on this platform."""
    return Path(platformdirs.user_state_dir(APP_NAME)) / "recovery"


def find_recovery(project_path: Path | None, directory: Path | None = None) -> Recovery | None:
    """The recovery file for ``project_path`` in ``directory`` (default: ``recovery_dir()``)."""
    return recovery.find_recovery(project_path, directory or recovery_dir())


class QtAutosave(QObject):
    """Keeps a recovery file of the document's unsaved work; ``saved(path)`` after each write,
    ``failed(message)`` when a write fails (once, until one succeeds again)."""

    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, document: QtDocument, directory: Path | None = None, *,
                 delay_ms: int = 1500, interval_ms: int = 60_000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.directory = directory or recovery_dir()
        self.session = uuid.uuid4().hex[:8]
        self.written: Path | None = None
        self._pending = False
        self._again = False
        self._closed = False
        self._failing = False
        self._task: asyncio.Task[None] | None = None
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="autosave")
        self._soon = _timer(self, delay_ms, single=True)
        self._periodic = _timer(self, interval_ms, single=False)
        self._periodic.start()
        document.edited.connect(self._on_edited)
        document.saved.connect(self.discard)
        document.project_replaced.connect(self._on_replaced)

    @property
    def target(self) -> Path:
        """The recovery file the document's unsaved work goes to now."""
        return self.directory / recovery_name(self.document.path, self.session)

    def schedule(self) -> None:
        """Write the recovery file now, or once the write in progress ends."""
        if self._closed:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.ensure_future(self.save_now())

    async def save_now(self) -> Path | None:
        """Write the unsaved work (or remove the recovery file if there is none)."""
        self._pending = False
        if not self.document.is_dirty:
            self.discard()
            return None
        target, project = self.target, snapshot(self.document.project)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._worker, write_recovery, project, target)
        except (OSError, ProjectError) as error:
            log.warning("autosave failed: %s", error)
            self._pending = True
            if not self._failing and not self._closed:
                self._failing = True
                self.failed.emit(f"Autosave failed, unsaved work is not kept: {error}")
            return None
        self._failing = False
        self._adopt(target)
        if self._again:
            self._again = False
            self.schedule()
        return self.written

    def discard(self) -> None:
        """Remove this session's recovery file: the work is saved, or the user let it go."""
        self._pending = False
        if self.written is not None:
            self.written.unlink(missing_ok=True)
            self.written = None

    def close(self, *, discard: bool = False) -> None:
        """Stop autosaving: the timers, then the worker once a write under way is done; with
        ``discard``, the recovery file goes too (the user saved or let the work go)."""
        self._closed = True
        self._soon.stop()
        self._periodic.stop()
        self._worker.shutdown(wait=True)
        if discard:
            self.discard()

    def _adopt(self, target: Path) -> None:
        if self._closed and self.written != target:
            target.unlink(missing_ok=True)  # written while closing: not this session's to keep
            return
        if not self.document.is_dirty or target != self.target:
            target.unlink(missing_ok=True)  # saved, or saved elsewhere, while it was written
            return
        if self.written is not None and self.written != target:
            self.written.unlink(missing_ok=True)
        self.written = target
        log.debug("autosaved to %s", target)
        self.saved.emit(target)

    def _on_edited(self) -> None:
        self._pending = True
        self._soon.start()

    def _on_replaced(self) -> None:
        self.discard()
        if self.document.is_dirty:
            self._on_edited()

    def _on_timer(self) -> None:
        if self._pending:
            self.schedule()


def _timer(autosave: QtAutosave, interval_ms: int, *, single: bool) -> QTimer:
    timer = QTimer(autosave)
    timer.setInterval(interval_ms)
    timer.setSingleShot(single)
    timer.timeout.connect(autosave.schedule if single else autosave._on_timer)
    return timer


def offer_recovery(parent: QWidget, document: QtDocument, project_path: Path | None,
                   directory: Path | None = None) -> bool:
    """After a crash, ask whether to take back the unsaved work; whether it was taken back.

    Recovered work is the document's project, unsaved, under the project's own file name.
    Declined work is removed.
    """
    found = find_recovery(project_path, directory)
    if found is None:
        return False
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(found.written))
    name = found.project.stem if found.project else "an untitled project"
    box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                      f"Previz did not close normally. Unsaved work on {name} from {when}"
                      " was kept.", parent=parent)
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(recover)
    box.exec()
    if box.clickedButton() is not recover:
        found.path.unlink(missing_ok=True)
        return False
    try:
        project = load_project(found.path, registry=document.registry)
    except ProjectError as error:
        log.error("the recovery file cannot be read: %s", error)
        return False
    found.path.unlink(missing_ok=True)
    document.replace(project, found.project, dirty=True)
    log.info("recovered unsaved work from %s", when)
    return True
