"""Autosave to a recovery file, and the offer to recover it after a crash.

Unsaved work is written, shortly after each change and again on a timer while it stays
unsaved, to a recovery file in the platform's state folder (``~/.local/state/previz/recovery``
on Linux): one per project file, named after it and a hash of its path, or ``untitled-…`` for
a project without a file. Saving, discarding or closing cleanly removes it, so a recovery
file that outlives its process, and is newer than its project, means the app did not end
well. The file is a ``.previz`` written by ``save_project`` from a copy of the project taken
on the GUI thread; the zip is made in a worker thread.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import hashlib
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from previz._qt.document import QtDocument
from previz.core.errors import ProjectError
from previz.core.project import Project
from previz.io import load_project, save_project
from previz.settings import APP_NAME

UNTITLED = "untitled"
log = logging.getLogger(__name__)


def recovery_dir() -> Path:
    """Where recovery files live on this platform."""
    return Path(platformdirs.user_state_dir(APP_NAME)) / "recovery"


def recovery_name(project_path: Path | None, session: str) -> str:
    """The recovery file's name: the project's name and a hash of its full path."""
    if project_path is None:
        return f"{UNTITLED}-{session}.previz"
    resolved = str(Path(project_path).resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:12]
    return f"{Path(project_path).stem}-{digest}.previz"


@dataclass(frozen=True)
class Recovery:
    """A recovery file left by an app that did not close: for ``project`` (None: untitled)."""

    path: Path
    project: Path | None
    written: float


def find_recovery(project_path: Path | None, directory: Path | None = None) -> Recovery | None:
    """The recovery file for ``project_path`` if it is newer than the project; for no project,
    the newest untitled one."""
    folder = directory or recovery_dir()
    if project_path is None:
        found = sorted(folder.glob(f"{UNTITLED}-*.previz"), key=lambda p: p.stat().st_mtime)
        return Recovery(found[-1], None, found[-1].stat().st_mtime) if found else None
    candidate = folder / recovery_name(project_path, "")
    if not candidate.is_file():
        return None
    written = candidate.stat().st_mtime
    project = Path(project_path)
    if project.is_file() and project.stat().st_mtime >= written:
        return None
    return Recovery(candidate, project.resolve(), written)


def snapshot(project: Project) -> Project:
    """A copy of the project's content for a worker to save, sharing only asset bytes."""
    copied = Project(copy.deepcopy(project.settings))
    copied.nodes = copy.deepcopy(project.nodes)
    copied.links = copy.deepcopy(project.links)
    copied.timeline = copy.deepcopy(project.timeline)
    copied.assets = {sha: dataclasses.replace(asset, extra=copy.deepcopy(asset.extra))
                     for sha, asset in project.assets.items()}
    copied.models = dict(project.models)
    copied.cast = dict(project.cast)  # characters and locations are frozen: shared safely
    copied.locations = dict(project.locations)
    copied.extra = copy.deepcopy(project.extra)
    return copied


class QtAutosave(QObject):
    """Keeps a recovery file of the document's unsaved work; ``saved(path)`` after each write."""

    saved = Signal(object)

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
            await loop.run_in_executor(self._worker, _write, project, target)
        except (OSError, ProjectError) as error:
            log.warning("autosave failed: %s", error)
            self._pending = True
            return None
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


def _write(project: Project, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    save_project(project, target)


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
