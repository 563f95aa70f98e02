"""The undo adapter: core commands wrapped in ``QUndoCommand`` on a ``QUndoStack``."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from previz.core.commands import Command, MoveNodes, SetParam, TimelineTrim
from previz.core.plan_edits import SetParams
from previz.core.project import Project

# Commands that merge over a gesture share an id per class, so Qt offers them to mergeWith.
_MERGE_IDS: dict[type[Command], int] = {SetParam: 1, MoveNodes: 2, TimelineTrim: 3}
_MERGE_IDS[SetParams] = 4  # a floor-plan drag of a placed camera


class QtUndoCommand(QUndoCommand):
    """A core ``Command`` on a ``QUndoStack``: undo and redo call its ``undo`` and ``do``.

    ``done`` says the command was already applied (``push_command`` does it, so a refusal
    comes before the push); the stack's first ``redo`` then leaves the project alone.
    """

    def __init__(self, project: Project, command: Command, done: bool = True) -> None:
        super().__init__(command.text)
        self.project = project
        self.command = command
        self._skip_redo = done

    def redo(self) -> None:
        """Apply the command, except on the push of one already done."""
        if self._skip_redo:
            self._skip_redo = False
            return
        self.command.do(self.project)

    def undo(self) -> None:
        """Reverse the command."""
        self.command.undo(self.project)

    def id(self) -> int:
        """A merge id for commands of one gesture (a drag, a typing burst), else -1."""
        if getattr(self.command, "gesture", None) is None:
            return -1
        return _MERGE_IDS.get(type(self.command), -1)

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        """Absorb ``other`` when the core command agrees (same gesture, same target)."""
        if not isinstance(other, QtUndoCommand) or other.project is not self.project:
            return False
        merged = self.command.merge_with(other.command)
        if merged:
            self.setText(self.command.text)
        return merged


def push_command(stack: QUndoStack, project: Project, command: Command) -> None:
    """Apply ``command`` to ``project`` and push it onto ``stack`` as one undo step.

    A refused command raises ``EditRefused`` before anything is pushed, and leaves the
    project as it was.
    """
    command.do(project)
    stack.push(QtUndoCommand(project, command, done=True))


