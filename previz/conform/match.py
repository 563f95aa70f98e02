"""The edited cut matched to the project's shots, and the one undoable edit that conforms.

A clip is matched by the ids the export wrote (the OTIO's ``metadata["previz"]`` entry and
node), else by what the XML and EDL keep of them: the clip name (``12_12A``), the shot movie's
file name (``03_12_12A.mp4``) or the reel, each named as the export names the project's
timeline now. Its trim comes from the frames of the shot movie it plays: the movie starts
with the export's head handles, then the frames the exported entry played.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from fractions import Fraction

from previz.conform.read import EditedClip, EditedCut
from previz.core.commands import Command
from previz.core.ids import new_id
from previz.core.project import Project, TimelineEntry
from previz.core.registry import NodeRegistry
from previz.core.spec import parse_fraction
from previz.export.cut import DERIVED_SUFFIXES, name_slug, reel_name, unique_name
from previz.export.shots import slate_node


@dataclass
class ConformReport:
    """What the conform did: clips matched (by name), clips not matched (and why), entries
    the editor removed, and shots used more than once."""

    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report in words, one finding a line."""
        found = [f"{len(self.matched)} clips matched"]
        found += [f"not matched: {text}" for text in self.unmatched]
        found += [f"removed by the editor: {name}" for name in self.removed]
        found += [f"used again: {name}" for name in self.repeated]
        return found


@dataclass
class ConformTimeline(Command):
    """The timeline replaced by the editor's cut; undo puts the old one back."""

    entries: list[TimelineEntry]
    _old: list[TimelineEntry] = field(default_factory=list, init=False)
    text = "Conform to the editor's cut"

    def do(self, project: Project) -> None:
        self._old = list(project.timeline)
        _replace(project, self.entries)

    def undo(self, project: Project) -> None:
        _replace(project, self._old)


def _replace(project: Project, entries: list[TimelineEntry]) -> None:
    for entry in list(project.timeline):
        project.remove_entry(entry.id)
    for index, entry in enumerate(entries):
        project.insert_entry(index, copy.deepcopy(entry))


@dataclass(frozen=True)
class _Named:
    """How the export named one entry of the project's timeline."""

    entry: TimelineEntry
    name: str
    stem: str
    reel: str


def export_names(project: Project, registry: NodeRegistry | None = None) -> list[_Named]:
    """Each timeline entry with the clip name, movie stem and reel the export gives it."""
    used: set[str] = set()
    reels: set[str] = set()
    named = []
    for index, entry in enumerate(project.timeline, start=1):
        name = unique_name(_entry_name(project, registry, entry.node, index), used)
        named.append(_Named(entry, name, f"{index:02d}_{name_slug(name)}",
                            reel_name(name, index, reels)))
    return named


def _entry_name(project: Project, registry: NodeRegistry | None, node_id: str,
                index: int) -> str:
    slate_id = slate_node(project, node_id)
    params = project.nodes[slate_id].params if slate_id else {}
    slate = (f"{params['scene']}_{params['shot']}"
             if str(params.get("scene") or "") and str(params.get("shot") or "") else "")
    if slate and slate_id == node_id:
        return slate
    node = project.nodes.get(node_id)
    node_type = registry.get(node.type) if registry and node else None
    label = node_type.spec.display_name if node_type else (node.type.split(".")[-1]
                                                            if node else "clip")
    suffix = DERIVED_SUFFIXES.get(node.type if node else "") or name_slug(label).upper()
    return f"{slate}_{suffix}" if slate else f"{suffix}_{index:02d}"


def conform_edit(project: Project, cut: EditedCut,
                 registry: NodeRegistry | None = None) -> tuple[ConformTimeline, ConformReport]:
    """The edit that makes the timeline ``cut``'s, and the report of what matched."""
    named = export_names(project, registry)
    report = ConformReport()
    entries: list[TimelineEntry] = []
    kept: set[str] = set()
    for clip in cut.clips:
        found = _match(project, named, clip)
        if found is None:
            report.unmatched.append(f"clip {clip.index} {clip.name or clip.file or '?'}"
                                    " names no shot of this project")
            continue
        node_id, original = found
        entry = _entry(project, cut, clip, found, kept)
        if original is not None and original.id in kept and entry.id != original.id:
            report.repeated.append(clip.name or node_id)
        kept.add(entry.id)
        entries.append(entry)
        report.matched.append(clip.name or node_id)
    report.removed = [item.name for item in named if item.entry.id not in kept
                      and all(e.node != item.entry.node for e in entries)]
    return ConformTimeline(entries), report


def _match(project: Project, named: list[_Named],
           clip: EditedClip) -> tuple[str, TimelineEntry | None] | None:
    """The node the clip shows and the timeline entry it was exported from, if any."""
    by_id = {item.entry.id: item.entry for item in named}
    if clip.entry in by_id:
        return by_id[clip.entry].node, by_id[clip.entry]
    if clip.node in project.nodes:
        return clip.node, next((item.entry for item in named if item.entry.node == clip.node),
                               None)
    stem = clip.file.rsplit(".", 1)[0] if clip.file else ""
    for item in named:
        if clip.name == item.name or (stem and stem == item.stem):
            return item.entry.node, item.entry
    for item in named:
        if clip.reel and clip.reel == item.reel:
            return item.entry.node, item.entry
    return None


def _entry(project: Project, cut: EditedCut, clip: EditedClip,
           found: tuple[str, TimelineEntry | None], kept: set[str]) -> TimelineEntry:
    """The clip as a timeline entry in the shot's own frames: the frame the export's cut
    began on, moved by what the editor trimmed off the head, for the frames it plays."""
    node_id, original = found
    if clip.exported_in is not None:
        base = clip.exported_in
    else:
        base = original.in_frame if original is not None else 0
    handles = clip.handles if clip.handles is not None else cut.handles
    scale = _scale(project, node_id)
    first = max(base + round((clip.movie_in - handles) * scale), 0)
    last = first + max(round(clip.frames * scale), 1)
    if original is not None and original.id not in kept:
        return TimelineEntry(original.id, node_id, first, last, dict(original.extra))
    return TimelineEntry(new_id(), node_id, first, last)


def _scale(project: Project, node_id: str) -> Fraction:
    """Shot frames per editorial frame: 1 unless the shot renders at another rate."""
    value = project.nodes[node_id].params.get("fps") if node_id in project.nodes else None
    rate = parse_fraction(value) if value else None
    return Fraction(rate) / Fraction(project.settings.rate) if rate else Fraction(1)
