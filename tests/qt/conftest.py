"""Qt test set-up: folders of our own, the qasync loop, the window, and answered dialogs.

pytest-qt knows nothing of qasync (pytest-qt #448): ``loop`` makes the app's loop with the
app's own ``make_event_loop``, sets it as the test's event loop, and closes and unsets it
after, so a test drives ``loop.run_until_complete`` while QTest events land.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from previz._qt.app import close_event_loop, make_application, make_event_loop, open_session
from previz._qt.qt_main_window import QtMainWindow
from previz.engine.session import EngineSession

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "lighthouse.previz"
T = TypeVar("T")


@pytest.fixture(autouse=True)
def own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Settings, layout, recovery files and the clip store in the test's own folders."""
    folders = {name: tmp_path / name for name in ("config", "state", "data", "cache", "clips")}
    for name, variable in (("config", "XDG_CONFIG_HOME"), ("state", "XDG_STATE_HOME"),
                           ("data", "XDG_DATA_HOME"), ("cache", "XDG_CACHE_HOME"),
                           ("clips", "PREVIZ_CACHE")):
        folders[name].mkdir()
        monkeypatch.setenv(variable, str(folders[name]))
    return folders


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The app's qasync loop as the test's event loop; closed and unset afterwards."""
    event_loop = make_event_loop(make_application())
    asyncio.set_event_loop(event_loop)
    try:
        yield event_loop
    finally:
        pending = asyncio.all_tasks(event_loop)
        for task in pending:
            task.cancel()
        if pending:  # let them finish cancelling, so none is destroyed while pending
            event_loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        close_event_loop(event_loop)
        asyncio.set_event_loop(None)


@pytest.fixture
def services(own_folders: dict[str, Path]) -> EngineSession:
    """The engine session as the app opens it (in the test's folders)."""
    return open_session()


@pytest.fixture
def make_window(qtbot: Any, services: EngineSession, loop: asyncio.AbstractEventLoop
                ) -> Iterator[Callable[[], QtMainWindow]]:
    """Makes shown main windows; each is closed after the test without asking (so not through
    ``qtbot.addWidget``, whose closing comes before this fixture could clean the document)."""
    made: list[QtMainWindow] = []

    def make() -> QtMainWindow:
        window = QtMainWindow(services)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        return window

    yield make
    for window in made:
        if window.isVisible():
            window.document.undo_stack.setClean()
            window.document.replace(window.document.project, window.document.path)
            window.close()
        for dock in window.docks.values():  # a floating dock outlives its window's close
            dock.hide()
        if window.queue.is_running:
            loop.run_until_complete(window.queue.wait())
        window.deleteLater()


@pytest.fixture
def window(make_window: Callable[[], QtMainWindow]) -> QtMainWindow:
    """A main window on a new project."""
    return make_window()


@pytest.fixture
def example_window(window: QtMainWindow) -> QtMainWindow:
    """A main window with the example open."""
    assert window.open_path(EXAMPLE)
    return window


class Dialogs:
    """Answers the message boxes a test causes, in order, by button text or standard button.

    A timer looks for an open modal box every few milliseconds; each box seen is kept with
    its text and the answer given.
    """

    def __init__(self) -> None:
        self.answers: list[str | QMessageBox.StandardButton] = []
        self.seen: list[tuple[str, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._look)

    def answer(self, *answers: str | QMessageBox.StandardButton) -> Dialogs:
        """Queue answers for the next boxes."""
        self.answers.extend(answers)
        self.timer.start()
        return self

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible() or not self.answers:
            return
        answer = self.answers.pop(0)
        if isinstance(answer, str):
            button = next(b for b in box.buttons() if b.text().replace("&", "") == answer)
        else:
            button = box.button(answer)
        self.seen.append((box.text(), button.text().replace("&", "")))
        button.click()


@pytest.fixture
def dialogs(qapp: QApplication) -> Iterator[Dialogs]:
    """Answers message boxes during the test."""
    answering = Dialogs()
    yield answering
    answering.timer.stop()


async def _until(predicate: Callable[[], object], timeout: float = 30.0,
                interval: float = 0.005) -> None:
    """Wait, with the loop running, until ``predicate()`` is true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        await asyncio.sleep(interval)


@pytest.fixture
def until() -> Callable[..., Awaitable[None]]:
    """``await until(predicate, timeout=30)``: wait with the loop running until it holds."""
    return _until


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Callable[..., Any]:
    """``run(coroutine, timeout=120)``: drive the qasync loop until the coroutine is done."""

    def run_until_done(work: Awaitable[T], timeout: float = 120.0) -> T:
        return loop.run_until_complete(asyncio.wait_for(work, timeout))

    return run_until_done
