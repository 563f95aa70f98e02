"""Every user edit as an undoable command: ``do``, ``undo``, ``merge_with`` and ``text``.

Commands change the project only through its mutators, so views learn of every change from
the project's events. A command that would break the document raises ``EditRefused`` from
``do`` before changing anything. The Qt layer wraps these in a ``QUndoStack``; ``History`` is
the same stack without Qt.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from previz.core.errors import EditRefused
from previz.core.ports import can_connect
from previz.core.project import (
    EDITORIAL_RATES,
    Asset,
    Link,
    Node,
    Project,
    Settings,
    TimelineEntry,
)
from previz.core.registry import NodeRegistry

_MISSING = object()  # not looked at yet
_ABSENT = object()  # the node had no value for the param


class Command:
    """An undoable edit. ``do`` applies it (first time and redo), ``undo`` reverses it."""

    text = "Edit"

    def do(self, project: Project) -> None:
        """Apply the edit."""
        raise NotImplementedError

    def undo(self, project: Project) -> None:
        """Reverse the edit, leaving the project as it was before ``do``."""
        raise NotImplementedError

    def merge_with(self, other: Command) -> bool:
        """Absorb ``other`` (already done, right after this) into one undo step, if it may."""
        return False


@dataclass
class AddNodes(Command):
    """Add nodes, and links among them or to existing nodes (paste, duplicate, new node)."""

    nodes: list[Node]
    links: list[Link] = field(default_factory=list)

    @property
    def text(self) -> str:  # type: ignore[override]
        return "Add node" if len(self.nodes) == 1 else f"Add {len(self.nodes)} nodes"

    def do(self, project: Project) -> None:
        for node in self.nodes:
            project.add_node(copy.deepcopy(node))
        for link in self.links:
            project.add_link(copy.deepcopy(link))

    def undo(self, project: Project) -> None:
        for link in reversed(self.links):
            project.remove_link(link.id)
        for node in reversed(self.nodes):
            project.remove_node(node.id)


@dataclass
class RemoveNodes(Command):
    """Delete nodes with their links and timeline entries; undo brings all of them back."""

    node_ids: list[str]
    _nodes: list[Node] = field(default_factory=list, init=False)
    _links: list[Link] = field(default_factory=list, init=False)
    _entries: list[tuple[int, TimelineEntry]] = field(default_factory=list, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return "Delete node" if len(self.node_ids) == 1 else f"Delete {len(self.node_ids)} nodes"

    def do(self, project: Project) -> None:
        doomed = set(self.node_ids)
        self._entries = [(index, entry) for index, entry in enumerate(project.timeline)
                         if entry.node in doomed]
        self._links = [link for link in project.links.values()
                       if {link.source.node, link.target.node} & doomed]
        for _, entry in reversed(self._entries):
            project.remove_entry(entry.id)
        for link in self._links:
            project.remove_link(link.id)
        self._nodes = [project.remove_node(node_id) for node_id in self.node_ids]

    def undo(self, project: Project) -> None:
        for node in self._nodes:
            project.add_node(node)
        for link in self._links:
            project.add_link(link)
        for index, entry in self._entries:
            project.insert_entry(index, entry)


@dataclass
class Connect(Command):
    """Link an output to an input, replacing whatever fed that input before.

    Refused, with the reason, when a port is missing, the types differ or the link would close
    a cycle.
    """

    registry: NodeRegistry
    link: Link
    _replaced: Link | None = field(default=None, init=False)
    text = "Connect"

    def do(self, project: Project) -> None:
        self._check(project)
        self._replaced = project.link_into(self.link.target)
        if self._replaced is not None:
            project.remove_link(self._replaced.id)
        project.add_link(copy.deepcopy(self.link))

    def undo(self, project: Project) -> None:
        project.remove_link(self.link.id)
        if self._replaced is not None:
            project.add_link(self._replaced)

    def _check(self, project: Project) -> None:
        source, target = self.link.source, self.link.target
        source_port = self._spec_port(project, source.node, source.port, output=True)
        target_port = self._spec_port(project, target.node, target.port, output=False)
        if not can_connect(source_port.type, target_port.type):
            raise EditRefused(
                f"cannot connect {source_port.type} output {source.port!r} to"
                f" {target_port.type} input {target.port!r}"
            )
        if source.node == target.node or target.node in project.upstream(source.node):
            raise EditRefused("that link would close a cycle: a node cannot feed itself")

    def _spec_port(self, project: Project, node_id: str, port: str, output: bool) -> Any:
        node = project.nodes.get(node_id)
        if node is None:
            raise EditRefused(f"no node {node_id}")
        node_type = self.registry.get(node.type)
        if node_type is None:
            raise EditRefused(f"node type {node.type!r} is not installed")
        spec = node_type.spec
        found = spec.output(port) if output else spec.input(port)
        if found is None:
            side = "output" if output else "input"
            raise EditRefused(f"{spec.display_name} has no {side} {port!r}")
        return found


@dataclass
class Disconnect(Command):
    """Remove one link."""

    link_id: str
    _link: Link | None = field(default=None, init=False)
    text = "Disconnect"

    def do(self, project: Project) -> None:
        self._link = project.remove_link(self.link_id)

    def undo(self, project: Project) -> None:
        assert self._link is not None
        project.add_link(self._link)


@dataclass
class SetParam(Command):
    """Set one param; edits sharing a ``gesture`` (a slider drag, typing) merge into one step."""

    node_id: str
    name: str
    value: Any
    gesture: str | None = None
    _old: Any = field(default=_MISSING, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"Set {self.name}"

    def do(self, project: Project) -> None:
        if self._old is _MISSING:
            params = project.nodes[self.node_id].params
            self._old = copy.deepcopy(params[self.name]) if self.name in params else _ABSENT
        project.set_param(self.node_id, self.name, copy.deepcopy(self.value))

    def undo(self, project: Project) -> None:
        if self._old is _ABSENT:
            project.clear_param(self.node_id, self.name)
        else:
            project.set_param(self.node_id, self.name, copy.deepcopy(self._old))

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, SetParam) and self.gesture and other.gesture == self.gesture):
            return False
        if (other.node_id, other.name) != (self.node_id, self.name):
            return False
        self.value = other.value
        return True


@dataclass
class MoveNodes(Command):
    """Move nodes; the moves of one drag (one ``gesture``) are one undo step."""

    positions: dict[str, tuple[float, float]]
    gesture: str | None = None
    _old: dict[str, tuple[float, float]] = field(default_factory=dict, init=False)

    @property
    def text(self) -> str:  # type: ignore[override]
        return "Move node" if len(self.positions) == 1 else f"Move {len(self.positions)} nodes"

    def do(self, project: Project) -> None:
        for node_id, position in self.positions.items():
            self._old.setdefault(node_id, project.nodes[node_id].position)
            project.move_node(node_id, position)

    def undo(self, project: Project) -> None:
        for node_id, position in self._old.items():
            project.move_node(node_id, position)

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, MoveNodes) and self.gesture and other.gesture == self.gesture):
            return False
        for node_id, position in other._old.items():
            self._old.setdefault(node_id, position)
        self.positions = {**self.positions, **other.positions}
        return True


@dataclass
class CircleTake(Command):
    """Circle another take of a node."""

    node_id: str
    take: int
    _old: int = field(default=0, init=False)
    text = "Circle take"

    def do(self, project: Project) -> None:
        self._old = project.nodes[self.node_id].circled_take
        project.circle_take(self.node_id, self.take)

    def undo(self, project: Project) -> None:
        project.circle_take(self.node_id, self._old)


@dataclass
class TimelineInsert(Command):
    """Put a clip node on the cut at ``index`` (``None``: at the end)."""

    entry: TimelineEntry
    index: int | None = None
    text = "Add to timeline"

    def do(self, project: Project) -> None:
        index = len(project.timeline) if self.index is None else self.index
        project.insert_entry(index, copy.deepcopy(self.entry))

    def undo(self, project: Project) -> None:
        project.remove_entry(self.entry.id)


@dataclass
class TimelineMove(Command):
    """Move an entry to another place in the cut."""

    entry_id: str
    index: int
    _old: int = field(default=0, init=False)
    text = "Reorder timeline"

    def do(self, project: Project) -> None:
        self._old = project.entry_index(self.entry_id)
        project.insert_entry(self.index, project.remove_entry(self.entry_id))

    def undo(self, project: Project) -> None:
        project.insert_entry(self._old, project.remove_entry(self.entry_id))


@dataclass
class TimelineTrim(Command):
    """Trim an entry's in and out points; one edge drag (one ``gesture``) is one step."""

    entry_id: str
    in_frame: int
    out_frame: int | None
    gesture: str | None = None
    _old: tuple[int, int | None] | None = field(default=None, init=False)
    text = "Trim"

    def do(self, project: Project) -> None:
        if self.out_frame is not None and self.out_frame <= self.in_frame:
            raise EditRefused("the out point must come after the in point")
        if self.in_frame < 0:
            raise EditRefused("the in point cannot be before the clip's first frame")
        entry = project.timeline[project.entry_index(self.entry_id)]
        if self._old is None:
            self._old = (entry.in_frame, entry.out_frame)
        project.set_entry_range(self.entry_id, self.in_frame, self.out_frame)

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.set_entry_range(self.entry_id, *self._old)

    def merge_with(self, other: Command) -> bool:
        if not (isinstance(other, TimelineTrim) and self.gesture and other.gesture == self.gesture):
            return False
        if other.entry_id != self.entry_id:
            return False
        self.in_frame, self.out_frame = other.in_frame, other.out_frame
        return True


@dataclass
class TimelineRemove(Command):
    """Take an entry off the cut."""

    entry_id: str
    _removed: tuple[int, TimelineEntry] | None = field(default=None, init=False)
    text = "Remove from timeline"

    def do(self, project: Project) -> None:
        index = project.entry_index(self.entry_id)
        self._removed = (index, project.remove_entry(self.entry_id))

    def undo(self, project: Project) -> None:
        assert self._removed is not None
        project.insert_entry(*self._removed)


@dataclass
class SetSettings(Command):
    """Change the editorial rate or frame size."""

    settings: Settings
    _old: Settings | None = field(default=None, init=False)
    text = "Change project settings"

    def do(self, project: Project) -> None:
        if self.settings.rate not in EDITORIAL_RATES:
            rates = ", ".join(str(rate) for rate in EDITORIAL_RATES)
            raise EditRefused(f"the editorial rate must be one of {rates},"
                              f" not {self.settings.rate}")
        if min(self.settings.width, self.settings.height) < 2:
            raise EditRefused("the frame must be at least 2 pixels wide and high")
        self._old = project.settings
        project.set_settings(copy.deepcopy(self.settings))

    def undo(self, project: Project) -> None:
        assert self._old is not None
        project.set_settings(self._old)


@dataclass
class AddAsset(Command):
    """Add an image asset; undo removes it only if this command added it."""

    asset: Asset
    _added: bool = field(default=False, init=False)
    text = "Add image"

    def do(self, project: Project) -> None:
        self._added = self.asset.sha256 not in project.assets
        project.add_asset(self.asset)

    def undo(self, project: Project) -> None:
        if self._added:
            project.remove_asset(self.asset.sha256)


@dataclass
class Macro(Command):
    """Several commands as one undo step; if one is refused, those before it are undone."""

    commands: list[Command]
    label: str = "Edit"

    @property
    def text(self) -> str:  # type: ignore[override]
        return self.label

    def do(self, project: Project) -> None:
        done: list[Command] = []
        try:
            for command in self.commands:
                command.do(project)
                done.append(command)
        except EditRefused:
            for command in reversed(done):
                command.undo(project)
            raise

    def undo(self, project: Project) -> None:
        for command in reversed(self.commands):
            command.undo(project)


class History:
    """An undo stack without Qt: the same push, merge, undo and redo as ``QUndoStack``."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def push(self, command: Command) -> None:
        """Do ``command`` and record it, merged into the last step when it may be."""
        command.do(self.project)
        self._undone.clear()
        if self._done and self._done[-1].merge_with(command):
            return
        self._done.append(command)

    def undo(self) -> None:
        """Undo the last step."""
        command = self._done.pop()
        command.undo(self.project)
        self._undone.append(command)

    def redo(self) -> None:
        """Redo the last undone step."""
        command = self._undone.pop()
        command.do(self.project)
        self._done.append(command)

    @property
    def steps(self) -> int:
        """How many steps there are to undo."""
        return len(self._done)

    @property
    def can_undo(self) -> bool:
        """Whether there is a step to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """Whether there is a step to redo."""
        return bool(self._undone)

