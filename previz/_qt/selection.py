"""Which nodes are selected: one object the node editor, inspector and timeline share."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal


class QtSelection(QObject):
    """The selected node ids, in selection order; ``changed`` fires when they change."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._node_ids: tuple[str, ...] = ()

    @property
    def node_ids(self) -> tuple[str, ...]:
        """The selected node ids."""
        return self._node_ids

    def set_nodes(self, ids: Iterable[str]) -> None:
        """Select exactly ``ids`` (duplicates dropped, order kept)."""
        node_ids = tuple(dict.fromkeys(ids))
        if node_ids != self._node_ids:
            self._node_ids = node_ids
            self.changed.emit()

    def clear(self) -> None:
        """Select nothing."""
        self.set_nodes(())
