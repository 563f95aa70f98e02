"""The node registry: node types by id, fed by ``previz.nodes`` entry points and by hand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.metadata import EntryPoint
from typing import Any

from previz.core.plugins import PluginProblem, load_each
from previz.core.spec import NodeType

ENTRY_POINT_GROUP = "previz.nodes"


class RegistryError(Exception):
    """A node pack that cannot be registered: a duplicate id, or a pack without node types."""


class NodeRegistry:
    """Node types by id; an object passed around, never a module global."""

    def __init__(self) -> None:
        self._types: dict[str, NodeType] = {}
        self._aliases: dict[str, str] = {}
        self._packs: dict[str, str] = {}
        self.problems: list[PluginProblem] = []

    def register(self, node_type: NodeType, pack: str = "") -> None:
        """Add ``node_type``; an id or alias already taken is an error naming both packs."""
        self._check_free(node_type, pack)
        spec = node_type.spec
        self._types[spec.id] = node_type
        self._packs[spec.id] = pack
        for alias in spec.aliases:
            self._aliases[alias] = spec.id

    def _check_free(self, node_type: NodeType, pack: str) -> None:
        spec = node_type.spec
        for name in (spec.id, *spec.aliases):
            if name in self._types or name in self._aliases:
                owner = self._packs.get(self.resolve(name), "")
                raise RegistryError(
                    f"node id {name!r} from pack {pack or '?'!r} is already registered"
                    f" by pack {owner or '?'!r}"
                )

    def register_pack(self, pack: Any, name: str = "") -> None:
        """Register every node type of a pack: an object or module with a ``NODES`` sequence.

        All or nothing: a pack with one bad or taken id registers none of its types.
        """
        node_types = getattr(pack, "NODES", None)
        if not isinstance(node_types, list | tuple) or not node_types:
            raise RegistryError(f"node pack {name or pack!r} has no NODES list")
        staged = NodeRegistry()  # ids repeated inside the pack
        for node_type in node_types:
            if not isinstance(node_type, NodeType):
                raise RegistryError(f"node pack {name!r}: {node_type!r} is not a NodeType")
            staged.register(node_type, pack=name)
            self._check_free(node_type, name)
        for node_type in node_types:
            self.register(node_type, pack=name)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[PluginProblem]:
        """Register every installed node pack, the built-in one included; a pack that fails
        to import or register is logged, kept in ``problems`` and skipped."""

        def use(point: EntryPoint, pack: Any) -> None:
            self.register_pack(pack, name=point.name)

        problems = load_each(group, "node pack", use)
        self.problems.extend(problems)
        return problems

    def resolve(self, type_id: str) -> str:
        """The current id for ``type_id``, following an alias of a renamed node type."""
        return self._aliases.get(type_id, type_id)

    def get(self, type_id: str) -> NodeType | None:
        """The node type for an id or alias, or ``None`` if no pack provides it."""
        return self._types.get(self.resolve(type_id))

    def pack_of(self, type_id: str) -> str:
        """The name of the pack that registered ``type_id``."""
        return self._packs.get(self.resolve(type_id), "")

    def __contains__(self, type_id: object) -> bool:
        return isinstance(type_id, str) and self.resolve(type_id) in self._types

    def __iter__(self) -> Iterator[NodeType]:
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)


def default_registry(extra: Iterable[NodeType] = ()) -> NodeRegistry:
    """A registry with every installed pack, plus ``extra`` node types."""
    registry = NodeRegistry()
    registry.load_entry_points()
    for node_type in extra:
        registry.register(node_type)
    return registry
