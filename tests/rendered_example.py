"""Helpers for Qt tests that need the example rendered: small renders, nodes by name, rows."""

from __future__ import annotations

from typing import Any

from previz.core.project import Settings

SMALL = (192, 108)


def render_small(window: Any, run: Any, targets: list[str] | None = None) -> Any:
    """Render the window's timeline (or ``targets``) at a small frame size, to keep a test
    quick; the run's result, which must be ok."""
    project = window.document.project
    if (project.settings.width, project.settings.height) != SMALL:
        project.set_settings(Settings(project.settings.rate, *SMALL))
    task = window.queue.render(targets)
    assert task is not None
    result = run(window.queue.wait(), timeout=300)
    assert result is not None and result.ok
    return result


def node_named(window: Any, type_id: str, name: str = "") -> str:
    """The id of the node of ``type_id`` (with ``name``, if given)."""
    return next(node.id for node in window.document.project.nodes.values()
                if node.type == type_id and (not name or node.params.get("name") == name))


def statuses(window: Any) -> dict[str, str]:
    """Each render queue row's status, by node label and take."""
    tree = window.queue.tree
    return {f"{tree.topLevelItem(i).text(0)} #{tree.topLevelItem(i).text(1)}":
            tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount())}
