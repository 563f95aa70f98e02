"""The project document: nodes, links, timeline, settings, assets, cast and locations, evented."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from previz.core.cast import Character
from previz.core.events import Emitter
from previz.core.locations import Location

EDITORIAL_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001),
                   Fraction(30))
CANVAS_LIMIT = 1_000_000.0  # how far from the origin a node may sit on the canvas


def on_canvas(position: tuple[float, float]) -> tuple[float, float]:
    """``position`` kept within the canvas: each coordinate clamped to ``CANVAS_LIMIT`` either
    way, so a recipe whose positions span ``±1e308`` lands at a place that saves, draws and
    opens again (a coordinate that is not a number goes to the origin's line)."""
    return _on_axis(position[0]), _on_axis(position[1])


def _on_axis(value: float) -> float:
    value = float(value)
    if math.isnan(value):
        return 0.0
    return max(-CANVAS_LIMIT, min(CANVAS_LIMIT, value))


@dataclass(frozen=True)
class PortRef:
    """A port on a node: the node's id and the port's name."""

    node: str
    port: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Node:
    """A node in the graph; params are stored by name as plain JSON values."""

    id: str
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    position: tuple[float, float] = (0.0, 0.0)
    circled_take: int = 0
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Link:
    """An output port feeding an input port."""

    id: str
    source: PortRef
    target: PortRef
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TimelineEntry:
    """A clip on the cut: frames ``in_frame`` up to ``out_frame`` (exclusive) at its own rate.

    ``out_frame`` ``None`` runs to the clip's end, whatever length it renders to.
    """

    id: str
    node: str
    in_frame: int = 0
    out_frame: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Settings:
    """Project settings: the editorial rate (a Fraction) and the frame size."""

    rate: Fraction = Fraction(24)
    width: int = 1280
    height: int = 720
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Asset:
    """An image the project uses, addressed by the SHA-256 of its bytes."""

    sha256: str
    name: str
    ext: str
    data: bytes = field(default=b"", repr=False)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_bytes(cls, data: bytes, name: str, ext: str) -> Asset:
        """An asset for ``data``, named after its original file."""
        return cls(hashlib.sha256(data).hexdigest(), name, ext.lower().lstrip("."), data)


@dataclass(frozen=True)
class AssetRemoved:
    """An asset left the project (an image pick undone); ``asset`` is what it was."""

    asset: Asset


@dataclass(frozen=True)
class NodeAdded:
    """A node joined the graph."""

    node_id: str


@dataclass(frozen=True)
class NodeRemoved:
    """A node left the graph; ``node`` is what it was."""

    node: Node


@dataclass(frozen=True)
class ParamChanged:
    """One param of a node changed."""

    node_id: str
    name: str


@dataclass(frozen=True)
class NodeMoved:
    """A node's position changed."""

    node_id: str


@dataclass(frozen=True)
class TakeCircled:
    """Another take of a node was circled."""

    node_id: str


@dataclass(frozen=True)
class LinkAdded:
    """A link joined the graph."""

    link_id: str


@dataclass(frozen=True)
class LinkRemoved:
    """A link left the graph; ``link`` is what it was."""

    link: Link


@dataclass(frozen=True)
class TimelineChanged:
    """The cut changed: an entry added, removed, moved or trimmed."""


@dataclass(frozen=True)
class SettingsChanged:
    """The project settings changed."""


@dataclass(frozen=True)
class AssetAdded:
    """An asset joined the project."""

    sha256: str


@dataclass(frozen=True)
class CastChanged:
    """A character joined, left or changed; ``character`` is what it was (``None``: new)."""

    character_id: str
    character: Character | None = None


@dataclass(frozen=True)
class LocationChanged:
    """A location joined, left or changed; ``location`` is what it was (``None``: new)."""

    location_id: str
    location: Location | None = None


class Project:
    """The document. Mutators keep it consistent and emit one event per change.

    Edits from the user go through ``previz.core.commands``, which use these mutators and
    know how to undo them.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.nodes: dict[str, Node] = {}
        self.links: dict[str, Link] = {}
        self.timeline: list[TimelineEntry] = []
        self.assets: dict[str, Asset] = {}
        self.models: dict[str, str] = {}
        self.cast: dict[str, Character] = {}
        self.locations: dict[str, Location] = {}
        self.extra: dict[str, Any] = {}
        self.events = Emitter()

    def add_node(self, node: Node) -> None:
        """Add ``node``, whose id must be new."""
        if node.id in self.nodes:
            raise KeyError(f"node {node.id} is already in the project")
        node.position = on_canvas(node.position)
        self.nodes[node.id] = node
        self.events.emit(NodeAdded(node.id))

    def remove_node(self, node_id: str) -> Node:
        """Remove a node that no link or timeline entry refers to."""
        if self.links_of(node_id) or any(entry.node == node_id for entry in self.timeline):
            raise ValueError(f"node {node_id} is still linked or on the timeline")
        node = self.nodes.pop(node_id)
        self.events.emit(NodeRemoved(node))
        return node

    def set_param(self, node_id: str, name: str, value: Any) -> None:
        """Set one param of a node."""
        self.nodes[node_id].params[name] = value
        self.events.emit(ParamChanged(node_id, name))

    def clear_param(self, node_id: str, name: str) -> None:
        """Remove a param from a node, so it reads as its default."""
        del self.nodes[node_id].params[name]
        self.events.emit(ParamChanged(node_id, name))

    def move_node(self, node_id: str, position: tuple[float, float]) -> None:
        """Place a node at ``position`` on the canvas (kept within ``CANVAS_LIMIT``)."""
        self.nodes[node_id].position = on_canvas(position)
        self.events.emit(NodeMoved(node_id))

    def circle_take(self, node_id: str, take: int) -> None:
        """Make ``take`` the take that flows downstream and onto the timeline."""
        self.nodes[node_id].circled_take = take
        self.events.emit(TakeCircled(node_id))

    def add_link(self, link: Link) -> None:
        """Add a link between two existing nodes."""
        if link.id in self.links:
            raise KeyError(f"link {link.id} is already in the project")
        if link.source.node not in self.nodes or link.target.node not in self.nodes:
            raise KeyError(f"link {link.id} joins a node that is not in the project")
        self.links[link.id] = link
        self.events.emit(LinkAdded(link.id))

    def remove_link(self, link_id: str) -> Link:
        """Remove a link."""
        link = self.links.pop(link_id)
        self.events.emit(LinkRemoved(link))
        return link

    def insert_entry(self, index: int, entry: TimelineEntry) -> None:
        """Put ``entry`` on the cut at ``index``."""
        if entry.node not in self.nodes:
            raise KeyError(f"timeline entry {entry.id} names a node that is not in the project")
        self.timeline.insert(index, entry)
        self.events.emit(TimelineChanged())

    def remove_entry(self, entry_id: str) -> TimelineEntry:
        """Take an entry off the cut."""
        entry = self.timeline.pop(self.entry_index(entry_id))
        self.events.emit(TimelineChanged())
        return entry

    def set_entry_range(self, entry_id: str, in_frame: int, out_frame: int | None) -> None:
        """Trim an entry to frames ``in_frame`` up to ``out_frame``."""
        entry = self.timeline[self.entry_index(entry_id)]
        entry.in_frame, entry.out_frame = in_frame, out_frame
        self.events.emit(TimelineChanged())

    def set_settings(self, settings: Settings) -> None:
        """Replace the project settings."""
        self.settings = settings
        self.events.emit(SettingsChanged())

    def add_asset(self, asset: Asset) -> None:
        """Add an asset; one with the same hash is already there and stays."""
        if asset.sha256 not in self.assets:
            self.assets[asset.sha256] = asset
            self.events.emit(AssetAdded(asset.sha256))

    def remove_asset(self, sha256: str) -> Asset:
        """Remove an asset (undoing its adding)."""
        asset = self.assets.pop(sha256)
        self.events.emit(AssetRemoved(asset))
        return asset

    def put_character(self, character: Character) -> None:
        """Add a character, or replace the one with its id."""
        old = self.cast.get(character.id)
        self.cast[character.id] = character
        self.events.emit(CastChanged(character.id, old))

    def remove_character(self, character_id: str) -> Character:
        """Take a character out of the cast."""
        character = self.cast.pop(character_id)
        self.events.emit(CastChanged(character_id, character))
        return character

    def put_location(self, location: Location) -> None:
        """Add a location, or replace the one with its id."""
        old = self.locations.get(location.id)
        self.locations[location.id] = location
        self.events.emit(LocationChanged(location.id, old))

    def remove_location(self, location_id: str) -> Location:
        """Take a location out of the library."""
        location = self.locations.pop(location_id)
        self.events.emit(LocationChanged(location_id, location))
        return location

    def entry_index(self, entry_id: str) -> int:
        """The position of an entry on the cut."""
        for index, entry in enumerate(self.timeline):
            if entry.id == entry_id:
                return index
        raise KeyError(f"no timeline entry {entry_id}")

    def links_of(self, node_id: str) -> list[Link]:
        """Every link into or out of a node."""
        return [
            link for link in self.links.values()
            if node_id in (link.source.node, link.target.node)
        ]

    def link_into(self, target: PortRef) -> Link | None:
        """The link feeding an input port, if any (an input takes one link)."""
        return next((link for link in self.links.values() if link.target == target), None)

    def upstream(self, node_id: str) -> set[str]:
        """Every node whose output reaches ``node_id``, directly or through others."""
        feeding: dict[str, list[str]] = {}
        for link in self.links.values():
            feeding.setdefault(link.target.node, []).append(link.source.node)
        seen: set[str] = set()
        stack = [node_id]
        while stack:
            for source in feeding.get(stack.pop(), []):
                if source not in seen:
                    seen.add(source)
                    stack.append(source)
        return seen
