"""Open the installed Previz offscreen on a project for a few seconds; exit 1 (saying why) if
the stylesheet or the icon did not load, or the project did not open.

Run it with the Python of the installation under test, from outside the source tree:
``QT_QPA_PLATFORM=offscreen python packaging/smoke_app.py PROJECT [SECONDS]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from previz._qt import app


def check(window: object, project: Path) -> list[str]:
    """What is wrong with the open window, in words; empty if nothing."""
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    problems = []
    if "QDockWidget" not in qapp.styleSheet():
        problems.append(f"the stylesheet did not load (looked at {app.resource_path('qt')})")
    if qapp.windowIcon().isNull() or qapp.windowIcon().pixmap(64, 64).isNull():
        problems.append(f"the icon did not load (looked at {app.resource_path('icons')})")
    document = getattr(window, "document", None)
    if document is None or document.path is None or Path(document.path) != project:
        problems.append(f"{project} did not open")
    return problems


def main(argv: list[str]) -> int:
    """Open the app on ``argv[0]``, look after ``argv[1]`` seconds (default 3), close it."""
    project, seconds = Path(argv[0]).resolve(), float(argv[1]) if len(argv) > 1 else 3.0
    found: list[str] = ["the window never opened"]

    def ready(window: object) -> None:
        def look() -> None:
            found[:] = check(window, project)
            window.close()  # type: ignore[attr-defined]

        QTimer.singleShot(int(seconds * 1000), look)

    code = app.run([str(project)], on_ready=ready)
    for problem in found:
        print(f"smoke_app: {problem}", file=sys.stderr)
    if not found:
        print(f"smoke_app: previz {app.previz.__version__} opened {project.name} with its"
              " stylesheet and icon", file=sys.stderr)
    return 1 if found or code else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
