"""Coverage proposed for a scene: a master, a two-shot, an over-the-shoulder pair and singles.

Every camera stands on one side of the line between the scene's two main speakers (the side
the over-the-shoulders take), each shot covers the scene time of the lines it is for, and the
shots are numbered the usual way (scene 12: 12A, 12B …). ``coverage_edit`` adds them in one
undo step, with a cut of them in scene order when asked.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from previz.core.cast import Character
from previz.core.commands import AddNodes, Macro, TimelineInsert
from previz.core.errors import EditRefused
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, TimelineEntry
from previz.core.registry import NodeRegistry
from previz.core.scene import SceneValue, resolve_cast, resolve_location, scene_from_params
from previz.core.scene_script import ScriptLine, dialogue, parse_script

SCENE_TYPE, SHOT_TYPE = "previz.scene", "previz.shot"
PAD = 0.5  # seconds of scene time a shot runs either side of the lines it is for
UNSCRIPTED = 5.0  # seconds a scene with no script is covered for
SINGLE_OFF_LINE = 55.0  # degrees a single's camera turns from the line toward its partner
COLUMN, ROW = 300.0, 240.0  # node editor spacing of the proposed shots (a row a proposal)
LETTERS = [letter for letter in string.ascii_uppercase if letter not in "IO"]
SIZES = {"master": "wide", "two_shot": "medium_wide", "ots": "medium_close_up",
         "single": "close_up"}
LENSES = {"master": 32.0, "two_shot": 35.0, "ots": 50.0, "single": 50.0}


@dataclass(frozen=True)
class Window:
    """A span of scene time in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        """How long the window is."""
        return self.end - self.start


@dataclass
class Coverage:
    """The proposed shots of one scene (nodes and their Scene links), by role and subject,
    and the cut of them in scene order as timeline entries."""

    scene_id: str
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    roles: dict[str, Node] = field(default_factory=dict)
    cut: list[TimelineEntry] = field(default_factory=list)


def scene_value(project: Project, scene_id: str) -> SceneValue:
    """The scene a Scene node describes, its cast and location taken from the libraries."""
    params = project.nodes[scene_id].params
    return scene_from_params({**params,
                              "location": resolve_location(project.locations,
                                                           params.get("location", "")),
                              "cast": resolve_cast(project.cast, params.get("cast", []))})


def propose(project: Project, scene_id: str, registry: NodeRegistry) -> Coverage:
    """The coverage of the Scene node ``scene_id``; ``EditRefused`` when it has no one in it."""
    node = project.nodes.get(scene_id)
    if node is None or node.type != SCENE_TYPE:
        raise EditRefused(f"no Scene node {scene_id}")
    scene = scene_value(project, scene_id)
    lines = parse_script(str(node.params.get("script", "")))
    speakers = _speakers(scene, lines)
    if not speakers:
        raise EditRefused(f"scene {scene.number} has no one in its cast to cover")
    length = max([line.end for line in lines] + [0.0]) or UNSCRIPTED
    plan = _Planner(project, registry, node, scene, lines=lines, length=length)
    return plan.coverage(speakers)


def coverage_edit(project: Project, scene_id: str, registry: NodeRegistry,
                  on_cut: bool = False) -> tuple[Macro, Coverage]:
    """The one undoable step that adds the scene's coverage (and its cut, with ``on_cut``)."""
    coverage = propose(project, scene_id, registry)
    steps: list[Any] = [AddNodes(coverage.nodes, coverage.links)]
    if on_cut:
        steps += [TimelineInsert(entry) for entry in coverage.cut]
    number = project.nodes[scene_id].params.get("number", "")
    return Macro(steps, f"Propose coverage of scene {number}"), coverage


def _speakers(scene: SceneValue, lines: Sequence[ScriptLine]) -> list[Character]:
    """The cast who speak, in the order they first speak; everyone, for a scene without
    dialogue."""
    by_cue = {" ".join(c.name.split()).upper(): c for c in scene.cast}
    spoken = [by_cue.get(line.character) for line in dialogue(lines)]
    found = list(dict.fromkeys(c for c in spoken if c is not None))
    return found or list(scene.cast)


class _Planner:
    """Builds one scene's shots: numbering, windows, sides and the cut."""

    def __init__(self, project: Project, registry: NodeRegistry, node: Node, scene: SceneValue,
                 *, lines: list[ScriptLine], length: float) -> None:
        spec = registry.get(SHOT_TYPE)
        if spec is None:
            raise EditRefused("the Shot node is not installed")
        self.defaults = spec.spec.defaults()
        self.project, self.node, self.scene = project, node, scene
        self.lines, self.length = lines, length
        self.letters = iter(_free_letters(project, scene.number))
        earlier = sum(link.source.node == node.id for link in project.links.values())
        self.batch = -(-earlier // 6)  # rows of shots proposed before, below the scene
        self.rate = project.settings.rate

    def coverage(self, speakers: list[Character]) -> Coverage:
        coverage = Coverage(self.node.id)
        pair = speakers[:2]
        audience = _audience_normal(self.scene, pair, self._talk())
        first = speakers[0]
        self._add(coverage, "master", first, Window(0.0, self.length), name="Master",
                  direction=audience)
        if len(pair) == 2:
            a, b = pair
            self._add(coverage, "two_shot", a, self._talk(), framing="two_shot",
                      name=f"Two-shot {a.name} and {b.name}")
            for onto, over in ((a, b), (b, a)):
                self._add(coverage, f"ots:{onto.id}", onto, self._said_by(onto),
                          name=f"Over {over.name}'s shoulder onto {onto.name}",
                          framing="over_the_shoulder")
        for person in speakers:
            partner = next((p for p in pair if p.id != person.id), None)
            side = _single_direction(self.scene, person, partner, audience, self._talk())
            self._add(coverage, f"single:{person.id}", person, self._said_by(person),
                      name=f"Single {person.name}", direction=side)
        coverage.cut = _Cutter(self, coverage).entries()
        return coverage

    def _talk(self) -> Window:
        spoken = dialogue(self.lines)
        if not spoken:
            return Window(0.0, self.length)
        return self._padded(min(line.start for line in spoken), max(line.end for line in spoken))

    def _said_by(self, person: Character) -> Window:
        mine = [line for line in dialogue(self.lines) if _speaks(person, line)]
        if not mine:
            return self._talk()
        return self._padded(min(line.start for line in mine), max(line.end for line in mine))

    def _padded(self, start: float, end: float) -> Window:
        return Window(max(0.0, start - PAD), min(self.length, max(end + PAD, start + 1.0)))

    def _add(self, coverage: Coverage, role: str, subject: Character, window: Window, *,
             name: str, direction: tuple[float, float] | None = None,
             framing: str = "single") -> None:
        kind = role.partition(":")[0]
        letter = next(self.letters)
        spoken = [f"{line.character}: {line.text}" for line in dialogue(self.lines)
                  if line.start < window.end and line.end > window.start]
        params = {**self.defaults, "scene": self.scene.number,
                  "shot": f"{self.scene.number}{letter}", "name": name,
                  "duration": round(window.duration, 3), "scene_in": round(window.start, 3),
                  "subject": subject.name, "framing": framing, "shot_size": SIZES[kind],
                  "lens": LENSES[kind], "side": _side_degrees(direction),
                  "dialogue": "\n".join(spoken),
                  "notes": _notes(name, self.lines, window)}
        x, y = self.node.position
        column = len(coverage.nodes) + 1
        node = Node(new_id(), SHOT_TYPE, params,
                    (x + COLUMN * column, y + ROW * self.batch))
        coverage.nodes.append(node)
        coverage.links.append(Link(new_id(), PortRef(self.node.id, "scene"),
                                   PortRef(node.id, "scene")))
        coverage.roles[role] = node


def _notes(name: str, lines: list[ScriptLine], window: Window) -> str:
    """What the shot is, then the script's notes written within its window."""
    written = [line.text for line in lines
               if line.kind == "note" and window.start <= line.start <= window.end]
    return " ".join([f"Proposed coverage: {name.lower()}.",
                     *(f"Script note: {text}" for text in written)])


def _speaks(person: Character, line: ScriptLine) -> bool:
    return " ".join(person.name.split()).upper() == line.character


def _free_letters(project: Project, number: str) -> list[str]:
    """Shot letters not yet used by the scene's shots, in order (A, B … Z, AA, AB …)."""
    used = {str(node.params.get("shot", "")) for node in project.nodes.values()
            if node.type == SHOT_TYPE and str(node.params.get("scene", "")) == number}
    letters = LETTERS + [a + b for a in LETTERS for b in LETTERS]
    return [letter for letter in letters if f"{number}{letter}" not in used]


def _audience_normal(scene: SceneValue, pair: Sequence[Character],
                     window: Window) -> tuple[float, float]:
    """The unit floor direction, square to the line between the pair, on the side the
    over-the-shoulders take (toward -z); straight toward -z for one person."""
    if len(pair) < 2:
        return (0.0, -1.0)
    a, b = (scene.state(person, window.start) for person in pair)
    dx, dz = b.x - a.x, b.z - a.z
    length = math.hypot(dx, dz)
    if length < 1e-6:
        return (0.0, -1.0)
    normal = (-dz / length, dx / length)
    return normal if normal[1] < 0 or (normal[1] == 0 and normal[0] > 0) else (
        -normal[0], -normal[1])


def _single_direction(scene: SceneValue, person: Character, partner: Character | None,
                      audience: tuple[float, float], window: Window) -> tuple[float, float]:
    """Where a single's camera stands from its subject: off the line toward the partner,
    turned toward the audience's side, so it sees the face that looks at the partner."""
    if partner is None:
        return audience
    me, them = scene.state(person, window.start), scene.state(partner, window.start)
    dx, dz = them.x - me.x, them.z - me.z
    length = math.hypot(dx, dz) or 1.0
    along = math.cos(math.radians(SINGLE_OFF_LINE))
    off = math.sin(math.radians(SINGLE_OFF_LINE))
    return (along * dx / length + off * audience[0], along * dz / length + off * audience[1])


def _side_degrees(direction: tuple[float, float] | None) -> float:
    """The Shot's ``side`` that carries its camera from the front (-z of the subject) to
    ``direction`` from the subject (positive turns toward +x)."""
    if direction is None:
        return 0.0
    return round(math.degrees(math.atan2(direction[0], -direction[1])), 2)


class _Cutter:
    """The cut of a scene's coverage in scene order: the master until the first line, each
    speaker's turn on the over-the-shoulder onto them, then on their single, lines spoken at
    once on the two-shot, and the master wherever no other shot covers."""

    def __init__(self, planner: _Planner, coverage: Coverage) -> None:
        self.planner, self.coverage = planner, coverage
        self.rate = Fraction(planner.rate)

    def entries(self) -> list[TimelineEntry]:
        pieces = self._pieces()
        merged: list[tuple[Node, float, float]] = []
        for node, start, end in pieces:
            if merged and merged[-1][0] is node and abs(merged[-1][2] - start) < 1e-6:
                merged[-1] = (node, merged[-1][1], end)
            elif end - start > 1e-6:
                merged.append((node, start, end))
        return [entry for entry in map(self._entry, merged) if entry is not None]

    def _pieces(self) -> list[tuple[Node, float, float]]:
        roles, length = self.coverage.roles, self.planner.length
        master = roles["master"]
        turns = _turns(self.planner.lines)
        while turns and not turns[0].character:  # the scene opens on the master
            turns.pop(0)
        if not turns:
            return [(master, 0.0, length)]
        pieces = [(master, 0.0, turns[0].start)]
        seen: dict[str, int] = {}
        for index, turn in enumerate(turns):
            end = turns[index + 1].start if index + 1 < len(turns) else min(turn.end + PAD,
                                                                                length)
            pieces += self._covered(self._shot_for(turn, seen), turn.start, end)
        pieces.append((master, pieces[-1][2], length))
        return pieces

    def _shot_for(self, turn: _Turn, seen: dict[str, int]) -> Node:
        """Lines spoken at once and action between lines on the two-shot; a speaker's turns
        on the over-the-shoulder onto them, then their single, by turns."""
        roles = self.coverage.roles
        wide = roles.get("two_shot", roles["master"])
        if turn.together or not turn.character:
            return wide
        person = turn.person(self.planner.scene)
        if person is None:
            return roles["master"]
        count = seen.get(person.id, 0)
        seen[person.id] = count + 1
        ots = roles.get(f"ots:{person.id}")
        return ots if ots is not None and count % 2 == 0 else roles[f"single:{person.id}"]

    def _covered(self, node: Node, start: float, end: float) -> list[tuple[Node, float, float]]:
        """``node`` from ``start`` to ``end`` as far as its window reaches; the master
        for the rest."""
        window_end = node.params["scene_in"] + node.params["duration"]
        master = self.coverage.roles["master"]
        if end <= window_end or node is master:
            return [(node, start, end)]
        return [(node, start, window_end), (master, window_end, end)]

    def _entry(self, piece: tuple[Node, float, float]) -> TimelineEntry | None:
        node, start, end = piece
        scene_in = node.params["scene_in"]
        first = round((start - scene_in) * self.rate)
        last = min(round((end - scene_in) * self.rate),
                   math.ceil(node.params["duration"] * self.rate))
        if last <= first:
            return None
        return TimelineEntry(new_id(), node.id, max(first, 0), last)


@dataclass
class _Turn:
    """Consecutive lines of one speaker (or lines spoken at once, ``together``)."""

    character: str
    start: float
    end: float
    together: bool = False

    def person(self, scene: SceneValue) -> Character | None:
        return next((c for c in scene.cast
                     if " ".join(c.name.split()).upper() == self.character), None)


def _turns(lines: list[ScriptLine]) -> list[_Turn]:
    """Consecutive lines of one speaker as one turn; lines spoken at once as one turn
    ``together``; action between lines as a turn of no one."""
    turns: list[_Turn] = []
    for line in sorted(lines, key=lambda item: item.start):
        if line.kind == "note":
            continue
        who = line.character if line.kind == "dialogue" else ""
        last = turns[-1] if turns else None
        if last is not None and who and (line.dual or line.start < last.end - 1e-6):
            last.end = max(last.end, line.end)
            last.together = last.together or who != last.character
        elif last is not None and who == last.character and not last.together:
            last.end = line.end
        else:
            turns.append(_Turn(who, line.start, line.end))
    return turns
