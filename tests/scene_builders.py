"""A bus-stop scene for the scene tests: two characters, a location, a Scene node and shots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from project_builders import entry, link, make_node

from previz.core.cast import Character
from previz.core.locations import Light, Location, SetPiece
from previz.core.project import Node, Project
from previz.core.registry import NodeRegistry


@dataclass
class BusStop:
    """The project and the parts of it the tests reach for."""

    project: Project
    ada: Character
    ben: Character
    location: Location
    scene: Node


def bus_stop(registry: NodeRegistry, blocking: list[dict[str, Any]] | None = None) -> BusStop:
    """Ada waits at the shelter; Ben walks in from the left and stops facing her."""
    project = Project()
    ada = Character.new("Ada", height=1.68, build="slight", skin="#d0a080", hair="#201810",
                        wardrobe=("#a03030", "#202830"), description="a nurse in a red coat")
    ben = Character.new("Ben", height=1.85, build="broad", description="a tall man in a grey suit")
    shelter = SetPiece.of_kind("bus_shelter", x=0.0, z=2.0)
    lamp = SetPiece.of_kind("lamp_post", x=3.0, z=1.0)
    location = Location.new("Bus stop", setting="EXT", description="a rainy suburban bus stop",
                            ground="asphalt", set_pieces=(shelter, lamp),
                            lights=(Light("8a4a1d2e-1111-4c8a-9a0f-3f6a1d2b7c10", "street lamp",
                                          3.0, 4.0, 1.0),))
    project.put_character(ada)
    project.put_character(ben)
    project.put_location(location)
    marks = blocking if blocking is not None else [
        {"character": ada.id, "time": 0.0, "x": 0.0, "z": 0.0, "facing": 0.0},
        {"character": ben.id, "time": 0.0, "x": -6.0, "z": 0.0},
        {"character": ben.id, "time": 1.0, "x": -1.5, "z": 0.0, "speed": 1.5,
         "look_at": ada.id},
    ]
    scene = make_node(registry, "previz.scene", number="010", heading="The bus stop",
                      location=location.id, time_of_day="night", cast=[ada.id, ben.id],
                      blocking=marks, action="Ben walks up to Ada.")
    project.add_node(scene)
    return BusStop(project, ada, ben, location, scene)


def add_shot(registry: NodeRegistry, stop: BusStop, on_cut: bool = True, **params: Any) -> Node:
    """A draft Shot on the scene (a tiny frame so it renders fast), put on the cut."""
    small = {"width": 96, "height": 64, "duration": 0.5, "fps": "24"}
    shot = make_node(registry, "previz.shot", **{**small, **params})
    stop.project.add_node(shot)
    stop.project.add_link(link(stop.scene, "scene", shot, "scene"))
    if on_cut:
        stop.project.insert_entry(len(stop.project.timeline), entry(shot))
    return shot
