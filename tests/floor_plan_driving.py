"""Driving the floor plan dock by mouse, as a user would, in the real window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from previz._qt.floor_plan.qt_plan_items import PlanTarget, to_scene
from previz._qt.qt_main_window import QtMainWindow
from previz.core.floor_plan import PlanPoint
from previz.core.project import Project

Button = Qt.MouseButton
NONE = Qt.KeyboardModifier.NoModifier


def show_plan_of(window: QtMainWindow, qtbot: Any, project: Project, node_id: str) -> Any:
    """Open ``project`` in the window, select ``node_id`` and bring up the floor plan."""
    window.document.replace(project, None)
    window.docks["floorPlan"].raise_()
    window.selection.set_nodes([node_id])
    qtbot.wait(50)
    plan = window.floor_plan
    plan.view.frame_plan()
    qtbot.wait(20)
    return plan


def viewport_point(plan: Any, point: PlanPoint) -> QPointF:
    """Where a ground point is in the plan view's viewport."""
    return QPointF(plan.view.mapFromScene(to_scene(point)))


def drag(plan: Any, target: PlanTarget, to: PlanPoint, *, steps: int = 8,
         modifiers: Qt.KeyboardModifier = NONE, qtbot: Any = None) -> None:
    """Press on ``target``'s item, move the mouse in ``steps`` to ``to``, release."""
    start = plan.view.item_point(target)
    assert start is not None, f"{target} is not on the plan"
    end = viewport_point(plan, to)
    viewport = plan.view.viewport()
    _send(viewport, QMouseEvent.Type.MouseButtonPress, start, (Button.LeftButton,
          Button.LeftButton), modifiers)
    for step in range(1, steps + 1):
        at = start + (end - start) * (step / steps)
        _send(viewport, QMouseEvent.Type.MouseMove, at, (Button.NoButton, Button.LeftButton),
              modifiers)
        if qtbot is not None:
            qtbot.wait(1)  # the event loop turns, as between real mouse moves
    _send(viewport, QMouseEvent.Type.MouseButtonRelease, end, (Button.LeftButton,
          Button.NoButton), modifiers)


def _send(widget: Any, kind: QMouseEvent.Type, at: QPointF,
          button_and_held: tuple[Qt.MouseButton, Qt.MouseButton],
          modifiers: Qt.KeyboardModifier) -> None:
    """Send one mouse event: the button that changed, and the buttons held after it."""
    button, buttons = button_and_held
    global_at = QPointF(widget.mapToGlobal(at.toPoint()))
    event = QMouseEvent(kind, at, global_at, button, buttons, modifiers)
    QApplication.sendEvent(widget, event)

