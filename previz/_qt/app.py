"""The desktop app's start: the QApplication, its dark theme and icon, and the one qasync loop.

Everything asynchronous in the app (renders, autosaves) runs on the loop made by
``make_event_loop``; nothing else creates one, so the Qt event loop and asyncio are one loop
and a render's progress arrives on the GUI thread.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path

import qasync
import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

import previz
from previz._qt.farm_setting import farm_runner
from previz._qt.qt_dark_style import QtDarkStyle
from previz.engine.session import EngineSession
from previz.settings import Settings, SettingsError

APP_NAME = "Previz"
log = logging.getLogger(__name__)

_PALETTE = {
    QPalette.ColorRole.Window: "#1d2026",
    QPalette.ColorRole.WindowText: "#d8dce3",
    QPalette.ColorRole.Base: "#16181c",
    QPalette.ColorRole.AlternateBase: "#1b1e23",
    QPalette.ColorRole.Text: "#d8dce3",
    QPalette.ColorRole.PlaceholderText: "#6b7380",
    QPalette.ColorRole.Button: "#2a2e36",
    QPalette.ColorRole.ButtonText: "#d8dce3",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#3d4f66",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2e333c",
    QPalette.ColorRole.ToolTipText: "#e9e4d8",
    QPalette.ColorRole.Link: "#f2a541",
    QPalette.ColorRole.Mid: "#353a44",
    QPalette.ColorRole.Dark: "#121418",
    QPalette.ColorRole.Light: "#3a3f4a",
}
_DISABLED_TEXT = "#8f96a1"  # 4.5:1 or more on the window, fields and disabled buttons
_DISABLED_BUTTON = "#181a1f"  # a disabled button's face: flatter, and its text reads on it


def resources_dir() -> Path:
    """The folder of icons, the stylesheet and the example project: the ``previz.resources``
    package (installed as ``previz/resources``; ``resources/`` in a source checkout)."""
    return Path(str(files("previz.resources")))


def resource_path(*parts: str) -> Path:
    """A file of the ``previz.resources`` package."""
    return Path(str(files("previz.resources").joinpath(*parts)))


def make_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication (the running one if there is one), themed dark, with the app icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "previz", *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("previz")
    app.setApplicationVersion(previz.__version__)
    app.setDesktopFileName("previz")
    apply_theme(app)
    return app


def apply_theme(app: QApplication) -> None:
    """The Fusion style with the dark palette, the dark stylesheet and the app icon."""
    app.setStyle(QtDarkStyle())
    palette = QPalette()
    for role, colour in _PALETTE.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED_TEXT))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button,
                     QColor(_DISABLED_BUTTON))
    app.setPalette(palette)
    sheet = resource_path("qt", "dark.qss")
    if sheet.is_file():
        icons = resource_path("icons").as_posix()  # the sheet's images: @ICONS@/name.svg
        app.setStyleSheet(sheet.read_text(encoding="utf-8").replace("@ICONS@", icons))
    else:
        log.warning("no stylesheet at %s; the app keeps the plain palette", sheet)
    icon_file = resource_path("icons", "previz.svg")
    icon = QIcon(str(icon_file))
    if icon.pixmap(64, 64).isNull():
        log.warning("no icon at %s; the app keeps the platform's", icon_file)
    app.setWindowIcon(icon)


def make_event_loop(app: QApplication) -> qasync.QEventLoop:
    """The asyncio loop that is the Qt event loop: the only place one is made."""
    return qasync.QEventLoop(app)


def close_event_loop(loop: qasync.QEventLoop) -> None:
    """Close ``loop`` and destroy its Qt timer object now, on the GUI thread.

    qasync's ``close`` only marks its timer object stopped; the QObject, with the Qt timers
    still registered on it, would be destroyed whenever the garbage collector frees the
    closed loop, which can be on a worker thread. Qt cannot unregister timers from another
    thread, so the GUI thread later fired one on freed memory: the segfaults in Qt event
    processing that whole test runs met."""
    loop.close()
    timer = getattr(loop, "_timer", None)
    if isinstance(timer, QObject) and shiboken6.isValid(timer):
        shiboken6.delete(timer)


def open_session() -> EngineSession:
    """The app's engine session: every node pack and backend that loads here, and the user's
    settings (the defaults if those cannot be read)."""
    try:
        settings = Settings.load()
    except SettingsError as error:
        log.warning("%s; using the default settings", error)
        settings = Settings()
    return EngineSession.open(settings, runner=farm_runner(settings.ray_address))


def build_parser() -> argparse.ArgumentParser:
    """``previz [PROJECT]``: the app's own arguments."""
    parser = argparse.ArgumentParser(prog="previz", description="Open the Previz desktop app.")
    parser.add_argument("project", nargs="?", type=Path, help="a .previz file to open")
    return parser


ReadyHook = Callable[..., None]


def run(argv: Sequence[str], on_ready: ReadyHook | None = None) -> int:
    """Open the app (on the project named in ``argv``) and run until its window closes.

    ``on_ready(window)``, if given, is called once the window is shown and the loop runs: a
    hook for embedding and for tests that drive a real ``previz`` process.
    """
    args = build_parser().parse_args(list(argv))
    app = make_application()
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it; autosave keeps the work
    loops: list[qasync.QEventLoop] = []

    def new_loop() -> qasync.QEventLoop:
        loops.append(make_event_loop(app))
        return loops[-1]

    try:
        with asyncio.Runner(loop_factory=new_loop) as runner:
            return runner.run(_main(app, args.project, on_ready))
    finally:
        for loop in loops:  # the Runner closed it; its Qt timer object goes on this thread
            close_event_loop(loop)


async def _main(app: QApplication, project: Path | None, on_ready: ReadyHook | None) -> int:
    closed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(lambda: closed.done() or closed.set_result(0))
    # The window opens from a plain callback, not inside this task: its dialogs (recovery,
    # a load error) run a nested Qt loop, and tasks may only step outside another's step.
    windows: list[QWidget] = []  # holds the window for as long as the app runs
    QTimer.singleShot(0, lambda: _open(project, on_ready, closed, windows))
    return await closed


def _open(project: Path | None, on_ready: ReadyHook | None, closed: asyncio.Future[int],
          windows: list[QWidget]) -> None:
    from previz._qt.qt_main_window import open_main_window

    try:
        window = open_main_window(open_session(), project)
    except Exception as error:
        log.exception("the window could not open")
        closed.set_exception(error)
        return
    windows.append(window)
    if on_ready is not None:
        QTimer.singleShot(0, lambda: on_ready(window))
