"""A project from a screenplay: locations, cast, one Scene per heading with its timed script,
and (unless asked not to) proposed coverage cut onto the timeline in script order."""

from __future__ import annotations

from dataclasses import dataclass, field

from previz.core.cast import Character
from previz.core.commands import History
from previz.core.errors import EditRefused
from previz.core.ids import new_id
from previz.core.locations import Light, Location
from previz.core.project import Node, Project
from previz.core.propose import coverage_edit
from previz.core.registry import NodeRegistry
from previz.core.scene_script import ScriptLine, format_script
from previz.io.screenplay.heading import display_name, time_of_day
from previz.io.screenplay.model import Element, Script, ScriptScene

WORDS_PER_MINUTE = 160.0  # the stated speaking rate dialogue is timed at
ACTION_WORDS_PER_MINUTE = 200.0  # action plays a little faster than it is spoken
MIN_LINE = 1.0  # seconds: the shortest line of dialogue or action
PAUSE = 0.4  # seconds between one element and the next
SPACING = 1.4  # metres between speakers on their line
CEILING = 2.6  # metres: the imported location's practical hangs here
SCENE_ROWS = 480.0  # node editor spacing of the scenes: room for two rows of coverage


@dataclass
class Imported:
    """What the import made: the project, and the scenes it could not cover (with why)."""

    project: Project
    scene_nodes: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)


def build_project(script: Script, registry: NodeRegistry, *, coverage: bool = True,
                  words_per_minute: float = WORDS_PER_MINUTE) -> Imported:
    """The project ``script`` describes; with ``coverage``, each scene's proposed shots cut
    onto the timeline in script order."""
    project = Project()
    imported = Imported(project)
    locations: dict[tuple[str, str], Location] = {}
    cast: dict[str, Character] = {}
    before = "day"
    for index, scene in enumerate(script.scenes):
        location = _location(scene, locations, project)
        before = time_of_day(scene.heading, before)
        for name in scene.speakers():
            if name not in cast:
                cast[name] = Character.new(display_name(name))
                project.put_character(cast[name])
        node = _scene_node(registry, scene, location, before, cast,
                           words_per_minute=words_per_minute, index=index)
        project.add_node(node)
        imported.scene_nodes.append(node.id)
    if coverage:
        _cover(imported, registry)
    return imported


def _cover(imported: Imported, registry: NodeRegistry) -> None:
    history = History(imported.project)
    for scene_id in imported.scene_nodes:
        try:
            edit, _ = coverage_edit(imported.project, scene_id, registry, on_cut=True)
        except EditRefused as error:
            imported.uncovered.append(str(error))
            continue
        history.push(edit)


def _location(scene: ScriptScene, found: dict[tuple[str, str], Location],
              project: Project) -> Location:
    """The scene's place: one location per distinct place and setting, made once."""
    place = " ".join(scene.heading.place.split()).upper()
    setting = "EXT" if scene.heading.setting == "EXT" else "INT"
    key = (setting if scene.heading.setting else "", place)
    same = found.get(key) or (None if scene.heading.setting else next(
        (loc for (_, name), loc in found.items() if name == place), None))
    if same is not None:
        return same
    description = "seen from inside and out" if scene.heading.setting == "I/E" else ""
    location = Location.new(display_name(place), setting=setting, description=description,
                            ground="grass" if setting == "EXT" else "wood",
                            lights=(Light(new_id(), "practical", 0.0, CEILING, 1.0),))
    found[key] = location
    project.put_location(location)
    return location


def _scene_node(registry: NodeRegistry, scene: ScriptScene, location: Location, time: str,
                cast: dict[str, Character], *, words_per_minute: float, index: int) -> Node:
    spec = registry.get("previz.scene")
    assert spec is not None, "the Scene node is not installed"
    speakers = [cast[name] for name in scene.speakers()]
    lines = timed(scene.elements, words_per_minute)
    action = " ".join(e.text for e in scene.elements if e.kind == "action")
    params = {**spec.spec.defaults(), "number": scene.number, "heading": scene.heading.text,
              "location": location.id, "time_of_day": time,
              "cast": [c.id for c in speakers], "blocking": _blocking(speakers),
              "action": action, "script": format_script(lines)}
    return Node(new_id(), "previz.scene", params, (0.0, SCENE_ROWS * index))


def timed(elements: list[Element], words_per_minute: float = WORDS_PER_MINUTE,
          ) -> list[ScriptLine]:
    """Each element placed in scene time: dialogue at ``words_per_minute``, action a little
    faster, notes taking none; dual dialogue starts with the line before it."""
    lines: list[ScriptLine] = []
    clock, previous_start = 0.0, 0.0
    for element in elements:
        if element.kind == "note":
            lines.append(ScriptLine("note", element.text, round(clock, 1), round(clock, 1)))
            continue
        rate = words_per_minute if element.kind == "dialogue" else ACTION_WORDS_PER_MINUTE
        length = max(MIN_LINE, len(element.text.split()) * 60.0 / rate)
        start = previous_start if element.dual else clock
        end = round(start + length, 1)
        lines.append(ScriptLine(element.kind, element.text, round(start, 1), end,
                                element.character, element.parenthetical, element.dual))
        previous_start = start
        clock = max(clock, end + PAUSE)
    return lines


def _blocking(speakers: list[Character]) -> list[dict[str, object]]:
    """The speakers on one line across the set, each facing the one beside them."""
    marks: list[dict[str, object]] = []
    for index, person in enumerate(speakers):
        x = (index - (len(speakers) - 1) / 2) * SPACING
        mark: dict[str, object] = {"character": person.id, "time": 0.0, "x": round(x, 3),
                                   "z": 0.0}
        if len(speakers) > 1:
            partner = speakers[index + 1] if index + 1 < len(speakers) else speakers[index - 1]
            mark["look_at"] = partner.id
        else:
            mark["facing"] = 0.0
        marks.append(mark)
    return marks
