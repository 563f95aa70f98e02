"""Autosave and recovery: edits reach a recovery file; after a crash (a real ``previz PROJECT``
killed with SIGKILL) the next start offers the work back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from previz._qt.autosave import find_recovery, recovery_dir, recovery_name
from previz._qt.qt_main_window import QtMainWindow, open_main_window
from previz._qt.undo import push_command
from previz.core.commands import SetParam
from previz.core.project_json import project_to_dict
from previz.io import load_project, save_project

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
ROOT = EXAMPLE.parents[2]


def first_shot(project: Any) -> str:
    """The id of the example's first Shot node."""
    return next(node.id for node in project.nodes.values() if node.type == "previz.shot")


def edit(window: QtMainWindow, name: str) -> str:
    """Rename the first shot through the undo stack; its id."""
    shot = first_shot(window.document.project)
    push_command(window.document.undo_stack, window.document.project,
                 SetParam(shot, "name", name))
    return shot


def test_an_edit_reaches_the_recovery_file_and_a_save_removes_it(
        example_window: QtMainWindow, run: Any, until: Any, tmp_path: Path) -> None:
    window = example_window
    autosave = window.autosave
    autosave._soon.setInterval(10)
    edit(window, "Autosaved")

    run(until(lambda: autosave.written is not None))
    recovery = autosave.written
    assert recovery is not None and recovery.parent == recovery_dir()
    assert recovery.name == recovery_name(EXAMPLE, "")
    kept = load_project(recovery)
    assert project_to_dict(kept) == project_to_dict(window.document.project)
    assert find_recovery(EXAMPLE) is not None
    window.document.save(tmp_path / "saved.previz")
    assert not recovery.exists() and autosave.written is None


def test_undoing_back_to_the_file_removes_the_recovery_file(
        example_window: QtMainWindow, run: Any, until: Any) -> None:
    autosave = example_window.autosave
    autosave._soon.setInterval(10)
    edit(example_window, "For a moment")
    run(until(lambda: autosave.written is not None))
    recovery = autosave.written
    example_window.document.undo_stack.undo()
    run(until(lambda: autosave.written is None))
    assert recovery is not None and not recovery.exists()


def test_an_untitled_project_is_autosaved_under_its_session(
        window: QtMainWindow, run: Any) -> None:
    window.editor.add_node_at("previz.prompt", window.editor.mapToScene(0, 0))
    written = run(window.autosave.save_now())
    assert written is not None and written.name.startswith("untitled-")
    found = find_recovery(None)
    assert found is not None and found.path == written and found.project is None


def test_a_recovery_file_older_than_its_project_is_not_offered(tmp_path: Path) -> None:
    project = tmp_path / "old.previz"
    shutil.copy(EXAMPLE, project)
    recovery = recovery_dir() / recovery_name(project, "")
    recovery.parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, recovery)
    os.utime(recovery, (time.time() - 60, time.time() - 60))
    assert find_recovery(project) is None
    os.utime(recovery, (time.time() + 60, time.time() + 60))
    assert find_recovery(project) is not None


@pytest.mark.parametrize("answer", ["Recover", "Discard"])
def test_the_offer_after_a_crash(services: Any, loop: Any, dialogs: Any, tmp_path: Path,
                                 answer: str) -> None:
    project = tmp_path / "scene.previz"
    shutil.copy(EXAMPLE, project)
    crashed = load_project(project)
    shot = first_shot(crashed)
    crashed.nodes[shot].params["name"] = "Recovered"
    target = recovery_dir() / recovery_name(project, "")  # as a crashed session left it
    target.parent.mkdir(parents=True)
    save_project(crashed, target)
    dialogs.answer(answer)
    window = open_main_window(services, project)
    try:
        assert dialogs.seen and "did not close normally" in dialogs.seen[0][0]
        name = window.document.project.nodes[shot].params["name"]
        if answer == "Recover":
            assert name == "Recovered" and window.document.is_dirty
            assert window.windowTitle() == "scene* — Previz"
            assert window.document.path == project.resolve()
        else:
            assert name != "Recovered" and not window.document.is_dirty
            assert not target.exists()
    finally:
        window.document.replace(window.document.project, window.document.path)
        window.close()


CHILD = textwrap.dedent("""
    import sys
    from previz._qt import app
    from previz._qt.undo import push_command
    from previz.core.commands import SetParam

    def edit(window):
        shot = next(n.id for n in window.document.project.nodes.values()
                    if n.type == "previz.shot")
        window.autosave.saved.connect(lambda path: print("autosaved", path, flush=True))
        push_command(window.document.undo_stack, window.document.project,
                     SetParam(shot, "name", "Before the crash"))
        print("edited", shot, flush=True)

    real_run = app.run
    app.run = lambda argv: real_run(argv, on_ready=edit)
    from previz.__main__ import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.slow
def test_a_killed_previz_process_leaves_work_to_recover(
        services: Any, loop: Any, dialogs: Any, tmp_path: Path) -> None:
    project = tmp_path / "keeper.previz"
    shutil.copy(EXAMPLE, project)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = []
    try:
        assert child.stdout is not None
        for line in child.stdout:  # ends if the child dies first
            lines.append(line)
            if line.startswith("autosaved"):
                break
        assert any(line.startswith("autosaved") for line in lines), "".join(lines)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    shot = next(line.split()[1] for line in lines if line.startswith("edited"))
    assert find_recovery(project) is not None

    dialogs.answer("Recover")
    window = open_main_window(services, project)
    try:
        assert window.document.project.nodes[shot].params["name"] == "Before the crash"
        assert window.document.is_dirty and window.windowTitle() == "keeper* — Previz"
        assert load_project(project).nodes[shot].params["name"] != "Before the crash"
    finally:
        window.document.replace(window.document.project, window.document.path)
        window.close()
