"""Save for Sharing from the app, and opening a shared file on a machine with an empty store:
its renders show as cached (nothing executes), missing models are named, not fatal, and
their shots switch to draft in one step."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tiny_cut import save_tiny

from previz._qt import sharing
from previz._qt.app import open_session
from previz._qt.qt_main_window import QtMainWindow
from previz._qt.qt_render_queue import STATUS
from previz.engine.events import Cached, Done, RenderEvent, Started
from previz.io import list_renders


@pytest.fixture
def elsewhere(qtbot: Any, monkeypatch: pytest.MonkeyPatch, run: Any
              ) -> Iterator[Callable[[Path, Path], QtMainWindow]]:
    """``elsewhere(root, path)``: a window as on another machine, with its own empty clip
    store under ``root``, on a copy of ``path`` there; closed after the test."""
    made: list[QtMainWindow] = []

    def open_elsewhere(root: Path, path: Path) -> QtMainWindow:
        monkeypatch.setenv("PREVIZ_CACHE", str(root / "clips"))
        root.mkdir(exist_ok=True)
        copied = root / path.name
        shutil.copy(path, copied)
        window = QtMainWindow(open_session())
        made.append(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.session.store.entries() == []
        assert window.open_path(copied)
        return window

    yield open_elsewhere
    for window in made:
        window.document.undo_stack.setClean()
        window.document.replace(window.document.project, window.document.path)
        window.close()
        if window.queue.is_running:
            run(window.queue.wait())
        window.deleteLater()


def test_a_file_shared_with_renders_plays_elsewhere_without_rendering(
        window: QtMainWindow, tmp_path: Path, run: Any, *, dialogs: Any,
        monkeypatch: pytest.MonkeyPatch, elsewhere: Callable[[Path, Path], QtMainWindow]
        ) -> None:
    assert window.open_path(save_tiny(tmp_path / "quay.previz"))
    shared = tmp_path / "sent" / "quay shared.previz"
    shared.parent.mkdir()
    monkeypatch.setattr(sharing, "ask_share_path", lambda *_: shared)
    dialogs.answer(sharing.INCLUDE_RENDERS)
    task = sharing.share_interactively(window)
    assert task is not None
    report = run(task)
    assert report is not None and len(report.renders) == 3 and report.unrendered == ()
    assert {entry.key for entry in list_renders(shared)} == set(report.renders)
    assert "Saved quay shared.previz for sharing with 3 render(s)" in (
        window.statusBar().currentMessage())
    assert window.document.path == tmp_path / "quay.previz"  # the sender keeps editing it

    other = elsewhere(tmp_path / "elsewhere", shared)
    assert sorted(entry.key for entry in other.session.store.entries()) == sorted(report.renders)
    events: list[RenderEvent] = []
    other.queue.render_event.connect(events.append)
    task = other.queue.render()
    assert task is not None and run(task).ok
    assert not [event for event in events if isinstance(event, Started | Done)]
    assert {type(event) for event in events} >= {Cached}
    tree = other.queue.tree
    assert {tree.topLevelItem(i).text(STATUS) for i in range(tree.topLevelItemCount())} == {
        "cached"}
    shot = next(node.id for node in other.document.project.nodes.values()
                if node.type == "previz.shot")
    other.selection.set_nodes([shot])
    assert other.viewer.title.text().startswith("Shared render · ")


def test_project_only_leaves_the_renders_out(window: QtMainWindow, tmp_path: Path, run: Any,
                                             dialogs: Any, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    assert window.open_path(save_tiny(tmp_path / "quay.previz"))
    monkeypatch.setattr(sharing, "ask_share_path", lambda *_: tmp_path / "bare.previz")
    dialogs.answer(sharing.PROJECT_ONLY)
    task = sharing.share_interactively(window)
    assert task is not None
    report = run(task)
    assert report is not None and report.renders == () and list_renders(
        tmp_path / "bare.previz") == []
    assert not window.queue.is_running and window.session.store.entries() == []


def test_a_missing_model_is_reported_and_its_shot_switches_to_draft(
        window: QtMainWindow, tmp_path: Path) -> None:
    path = save_tiny(tmp_path / "quay.previz", backend="diffusers", model="absent-tiny")
    assert window.open_path(path)  # opening does not fail
    assert "not on this machine" in window.statusBar().currentMessage()
    assert any("'absent-tiny'" in line for line in window.log_panel.lines())
    project = window.document.project
    rope = next(node for node in project.nodes.values() if node.params.get("name") == "Rope")
    steps = window.document.undo_stack.count()

    window.action_by_id["render.use_draft"].trigger()  # nothing selected: the missing ones
    assert (rope.params["backend"], rope.params["model"]) == ("draft", "")
    assert window.document.undo_stack.count() == steps + 1
    window.action_by_id["edit.undo"].trigger()
    assert (rope.params["backend"], rope.params["model"]) == ("diffusers", "absent-tiny")


def test_save_as_keeps_the_shared_renders_served(
        window: QtMainWindow, tmp_path: Path, run: Any, *, dialogs: Any,
        monkeypatch: pytest.MonkeyPatch, elsewhere: Callable[[Path, Path], QtMainWindow]
        ) -> None:
    """The shared renders' lane is the file's path: the file saved under another name and
    opened again rendered them all again."""
    from previz._qt import document as qt_document

    assert window.open_path(save_tiny(tmp_path / "quay.previz"))
    shared = tmp_path / "sent" / "quay shared.previz"
    shared.parent.mkdir()
    monkeypatch.setattr(sharing, "ask_share_path", lambda *_: shared)
    dialogs.answer(sharing.INCLUDE_RENDERS)
    report = run(sharing.share_interactively(window))
    assert report is not None and len(report.renders) == 3

    other = elsewhere(tmp_path / "elsewhere", shared)
    renamed = tmp_path / "elsewhere" / "my copy.previz"
    monkeypatch.setattr(qt_document, "ask_save_path", lambda *_: renamed)
    assert other.save(ask_name=True)
    assert other.document.path == renamed
    assert other.open_path(renamed)  # opened again later, as a person would
    events: list[RenderEvent] = []
    other.queue.render_event.connect(events.append)
    assert run(other.queue.render()).ok
    assert not [event for event in events if isinstance(event, Started | Done)]
