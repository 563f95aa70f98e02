"""Cast and locations: every edit undoable, checked like the file, saved and loaded back."""

from __future__ import annotations

import json

import pytest
from scene_builders import bus_stop

from previz.core.cast import Character
from previz.core.commands import History
from previz.core.errors import EditRefused, ProjectError
from previz.core.locations import Light, Location, SetPiece
from previz.core.project import CastChanged, LocationChanged, Project
from previz.core.project_json import project_from_dict, project_to_dict
from previz.core.scene_commands import (
    AddCharacter,
    AddLocation,
    AddSetPiece,
    EditCharacter,
    EditLocation,
    EditSetPiece,
    RemoveCharacter,
    RemoveLocation,
    RemoveSetPiece,
    add_light,
)
from previz.io import load_project, save_project


def snapshot(project: Project) -> str:
    return json.dumps(project_to_dict(project), sort_keys=True)


def saved_and_loaded(project: Project, tmp_path) -> Project:
    path = tmp_path / "scene.previz"
    save_project(project, path)
    return load_project(path)


def test_cast_edits_undo_redo_and_survive_save_load(tmp_path):
    project = Project()
    history = History(project)
    seen = []
    project.events.connect(seen.append)
    keeper = Character.new("Keeper", height=1.8, description="an old lighthouse keeper")
    empty = snapshot(project)
    history.push(AddCharacter(keeper))
    history.push(EditCharacter(keeper.id, {"height": 1.7}, gesture="drag"))
    history.push(EditCharacter(keeper.id, {"height": 1.65}, gesture="drag"))
    history.push(EditCharacter(keeper.id, {"wardrobe": ["#101820", "#303030"], "hair": "#c0c0c0"}))
    assert history.steps == 3  # the drag is one step
    assert project.cast[keeper.id].height == 1.65
    assert all(isinstance(event, CastChanged) for event in seen)
    edited = snapshot(project)
    history.undo()
    history.undo()
    assert project.cast[keeper.id].height == 1.8
    history.redo()
    history.redo()
    assert snapshot(project) == edited
    loaded = saved_and_loaded(project, tmp_path)
    assert loaded.cast[keeper.id] == project.cast[keeper.id]
    assert snapshot(loaded) == edited
    for _ in range(3):
        history.undo()
    assert snapshot(project) == empty


def test_location_set_pieces_and_lights_undo_and_survive_save_load(tmp_path):
    project = Project()
    history = History(project)
    seen = []
    project.events.connect(seen.append)
    cliff = Location.new("Lighthouse", setting="EXT", ground="rock",
                         description="a white tower on a cliff over the sea")
    bench = SetPiece.of_kind("bench", x=1.0, z=3.0)
    history.push(AddLocation(cliff))
    history.push(AddSetPiece(cliff.id, bench))
    history.push(EditSetPiece(cliff.id, bench.id, {"x": 1.5}, gesture="drag"))
    history.push(EditSetPiece(cliff.id, bench.id, {"x": 2.0, "z": 4.0}, gesture="drag"))
    history.push(add_light(project.locations[cliff.id],
                           Light("7c9e6679-7425-40de-944b-e07fc1f90ae7", "lamp", 2.0, 4.0, 4.5)))
    history.push(EditLocation(cliff.id, {"setting": "INT", "name": "Lamp room"}))
    assert history.steps == 5
    location = project.locations[cliff.id]
    assert location.slug() == "INT. LAMP ROOM"
    assert (location.set_pieces[0].x, location.set_pieces[0].z) == (2.0, 4.0)
    assert location.set_pieces[0].height == pytest.approx(0.85)  # the library's bench
    assert all(isinstance(event, LocationChanged) for event in seen)
    loaded = saved_and_loaded(project, tmp_path)
    assert loaded.locations[cliff.id] == location
    assert snapshot(loaded) == snapshot(project)
    history.undo()
    history.undo()
    history.undo()
    assert project.locations[cliff.id].set_pieces[0].x == 1.0
    history.push(RemoveSetPiece(cliff.id, bench.id))
    assert project.locations[cliff.id].set_pieces == ()
    history.undo()
    assert project.locations[cliff.id].set_pieces == (bench,)


@pytest.mark.parametrize(("changes", "says"), [
    ({"height": 4.0}, "above"),
    ({"skin": "pink"}, "colour"),
    ({"figure": "giant"}, "not one of"),
    ({"name": " "}, "needs a name"),
    ({"age": 40}, "no field 'age'"),
])
def test_a_bad_character_edit_is_refused_and_changes_nothing(changes, says):
    project = Project()
    history = History(project)
    keeper = Character.new("Keeper")
    history.push(AddCharacter(keeper))
    before = snapshot(project)
    with pytest.raises(EditRefused, match=says):
        history.push(EditCharacter(keeper.id, changes))
    assert snapshot(project) == before
    assert history.steps == 1


def test_a_bad_set_piece_edit_is_refused():
    project = Project()
    cliff = Location.new("Cliff")
    bench = SetPiece.of_kind("bench")
    history = History(project)
    history.push(AddLocation(cliff))
    history.push(AddSetPiece(cliff.id, bench))
    with pytest.raises(EditRefused, match="width"):
        history.push(EditSetPiece(cliff.id, bench.id, {"width": -1.0}))
    with pytest.raises(EditRefused, match="not one of"):
        history.push(AddSetPiece(cliff.id, SetPiece(bench.id[:-1] + "0", "spaceship")))


def test_a_character_or_location_in_a_scene_cannot_be_removed(registry):
    stop = bus_stop(registry)
    history = History(stop.project)
    with pytest.raises(EditRefused, match="scene 010 'The bus stop'"):
        history.push(RemoveCharacter(stop.ada.id))
    with pytest.raises(EditRefused, match="scene 010 'The bus stop'"):
        history.push(RemoveLocation(stop.location.id))
    loner = Character.new("Loner")
    history.push(AddCharacter(loner))
    history.push(RemoveCharacter(loner.id))
    assert loner.id not in stop.project.cast
    history.undo()
    assert stop.project.cast[loner.id] == loner


def test_library_records_keep_unknown_fields_and_name_bad_ones(registry):
    stop = bus_stop(registry)
    data = project_to_dict(stop.project)
    data["cast"][stop.ada.id]["acme.voice"] = "alto"
    data["locations"][stop.location.id]["set_pieces"][0]["acme.tag"] = 3
    loaded = project_from_dict(json.loads(json.dumps(data)))
    assert project_to_dict(loaded) == data
    data["cast"][stop.ben.id]["height"] = "tall"
    with pytest.raises(ProjectError, match=rf"cast\.{stop.ben.id}\.height"):
        project_from_dict(data)
    data["cast"][stop.ben.id]["height"] = 1.8
    data["cast"][stop.ben.id]["references"] = ["ab" * 32]
    with pytest.raises(ProjectError, match="references"):
        project_from_dict(data)
    data["cast"][stop.ben.id]["references"] = []
    data["locations"][stop.location.id]["set_pieces"][1]["kind"] = "spaceship"
    with pytest.raises(ProjectError, match=r"set_pieces\[1\]\.kind"):
        project_from_dict(data)
