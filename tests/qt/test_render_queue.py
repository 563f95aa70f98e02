"""Rendering from the window: the example renders, the window stays live, Cancel leaves nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabBar

from previz._qt.qt_main_window import QtMainWindow
from previz._qt.qt_render_queue import STATUS
from previz._qt.undo import push_command
from previz.core.commands import SetParam
from previz.engine.events import Done, RenderEvent, Started, Step
from previz.engine.executor import RunResult
from previz.engine.store import INCOMING

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def events_of(window: QtMainWindow) -> list[RenderEvent]:
    """Every render event the queue passes on from now."""
    seen: list[RenderEvent] = []
    window.queue.render_event.connect(seen.append)
    return seen


def statuses(window: QtMainWindow) -> dict[str, str]:
    """Each row's status, by node label and take."""
    tree = window.queue.tree
    return {f"{tree.topLevelItem(i).text(0)} #{tree.topLevelItem(i).text(1)}":
            tree.topLevelItem(i).text(STATUS) for i in range(tree.topLevelItemCount())}


def node_named(window: QtMainWindow, type_id: str, name: str = "") -> str:
    """The id of the node of ``type_id`` (with ``name``, if given)."""
    return next(node.id for node in window.document.project.nodes.values()
                if node.type == type_id and (not name or node.params.get("name") == name))


async def later(action: Callable[[], object]) -> float:
    """Run ``action`` from the Qt event queue; the seconds until the loop got to it."""
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    start = time.perf_counter()

    def act() -> None:
        action()
        done.set_result(time.perf_counter() - start)

    QTimer.singleShot(0, act)
    return await done


def tab_bar_with(window: QtMainWindow, title: str) -> QTabBar:
    """The shown tab bar that has a tab called ``title``."""
    return next(bar for bar in window.findChildren(QTabBar) if bar.isVisible()
                and title in [bar.tabText(i) for i in range(bar.count())])


@pytest.mark.slow
def test_render_the_example_from_the_window_then_only_what_changed(
        example_window: QtMainWindow, run: Any, until: Any) -> None:
    window, queue = example_window, example_window.queue
    window.editor.setFocus()

    async def render_with_keys(*keys: Qt.KeyboardModifier) -> RunResult:
        modifiers = CTRL
        for key in keys:
            modifiers |= key
        QTest.keyClick(window.editor, Qt.Key.Key_R, modifiers)
        assert queue.is_running
        result = await queue.wait()
        assert result is not None
        return result

    first = run(render_with_keys(), timeout=300)
    assert first.ok and set(statuses(window).values()) == {"done"}
    for node_id in first.takes:
        assert all(queue.session.store.has(key) for key in queue.plan.nodes[node_id].keys)
    assert queue.summary.text().startswith("Rendered in")
    assert not window.action_by_id["render.cancel"].isEnabled()

    again = run(render_with_keys())
    assert again.ok and set(statuses(window).values()) == {"cached"}

    wide = node_named(window, "previz.shot", "Gulls at 16")
    push_command(window.document.undo_stack, window.document.project,
                 SetParam(wide, "lens", 28.0))
    edited = run(render_with_keys())
    rendered = {row for row, status in statuses(window).items() if status == "done"}
    retime = next(node.id for node in window.document.project.nodes.values()
                  if node.type == "previz.retime")
    labels = {queue.plan.nodes[node_id].label for node_id in (wide, retime)}
    assert edited.ok and {row.rsplit(" #", 1)[0] for row in rendered} == labels


def test_the_window_answers_a_click_and_a_key_while_rendering(
        example_window: QtMainWindow, run: Any, until: Any) -> None:
    window, queue = example_window, example_window.queue
    shot = node_named(window, "previz.shot")
    push_command(window.document.undo_stack, window.document.project,
                 SetParam(shot, "notes", "keep the horizon level"))
    seen = events_of(window)

    async def scenario() -> tuple[float, float]:
        window.action_by_id["render.render"].trigger()
        await until(lambda: any(isinstance(event, Step) for event in seen))
        assert queue.is_running
        bar = tab_bar_with(window, "Log")
        index = [bar.tabText(i) for i in range(bar.count())].index("Log")
        click = await later(lambda: QTest.mouseClick(
            bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center()))
        assert bar.currentIndex() == index and window.log_panel.isVisible()
        window.editor.setFocus()
        key = await later(lambda: QTest.keyClick(window.editor, Qt.Key.Key_Z, CTRL))
        assert window.document.undo_stack.index() == 0
        assert queue.is_running  # both were answered during the render
        window.action_by_id["render.cancel"].trigger()
        await queue.wait()
        return click, key

    click, key = run(scenario())
    assert click < 1.0 and key < 1.0, (click, key)


def test_cancel_stops_the_render_and_keeps_nothing_of_the_cancelled_take(
        example_window: QtMainWindow, run: Any, until: Any) -> None:
    window, queue = example_window, example_window.queue
    seen = events_of(window)

    async def scenario() -> RunResult | None:
        window.action_by_id["render.render"].trigger()
        await until(lambda: any(isinstance(event, Step) for event in seen))
        assert window.action_by_id["render.cancel"].isEnabled()
        window.editor.setFocus()
        QTest.keyClick(window.editor, Qt.Key.Key_Period, CTRL)
        return await queue.wait()

    result = run(scenario())
    assert result is not None and result.cancelled
    started = {(event.node_id, event.take) for event in seen if isinstance(event, Started)}
    finished = {(event.node_id, event.take) for event in seen if isinstance(event, Done)}
    cut_short = started - finished
    assert cut_short
    for node_id, take in cut_short:
        assert not queue.session.store.has(queue.plan.nodes[node_id].keys[take])
    incoming = Path(queue.session.store.root) / INCOMING
    assert not incoming.exists() or not any(incoming.iterdir())
    assert "cancelled" in statuses(window).values()
    assert queue.summary.text().startswith("Cancelled")
    assert any("cancelling the render" in line for line in window.log_panel.lines())


def test_render_selected_renders_the_selection_and_what_it_needs(
        example_window: QtMainWindow, run: Any) -> None:
    window, queue = example_window, example_window.queue
    assert not window.action_by_id["render.render_selected"].isEnabled()
    still = node_named(window, "previz.still")
    window.selection.set_nodes([still])
    assert window.action_by_id["render.render_selected"].isEnabled()
    window.editor.setFocus()
    QTest.keyClick(window.editor, Qt.Key.Key_R, CTRL | SHIFT)
    result = run(queue.wait())
    assert result is not None and result.ok
    assert set(queue.plan.nodes) == {still} and set(result.outputs) == {still}


def test_a_plan_with_problems_is_not_rendered_and_says_why(
        window: QtMainWindow, run: Any) -> None:
    window.editor.add_node_at("previz.shot", window.editor.mapToScene(10, 10))
    shot = next(iter(window.document.project.nodes))
    window.selection.set_nodes([shot])
    window.action_by_id["render.render_selected"].trigger()
    assert not window.queue.is_running
    assert "problem" in statuses(window).values()
    assert window.queue.summary.text().startswith("Not rendered")
    assert any("missing input" in line for line in window.log_panel.lines())


def test_an_empty_timeline_has_nothing_to_render(window: QtMainWindow) -> None:
    window.action_by_id["render.render"].trigger()
    assert not window.queue.is_running
    assert window.queue.summary.text().startswith("Nothing to render")
