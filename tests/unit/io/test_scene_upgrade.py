"""Projects saved before scenes (Project.1) open with each scene number's shot subjects
gathered into a Scene, a cast and a location; the example as it was is the fixture."""

from __future__ import annotations

import json
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from scene_builders import add_shot, bus_stop
from scene_render import render

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.core.cast import Character
from previz.core.project import PortRef
from previz.core.project_json import project_to_dict
from previz.core.registry import default_registry
from previz.core.scene import scene_from_params
from previz.core.values import Clip
from previz.engine.backend import BackendSet
from previz.engine.plan import resolve_params
from previz.engine.session import EngineSession
from previz.export import Recipe, RecipeError, recipe_for
from previz.io import ProjectError, default_upgrades, load_project, save_project
from previz.settings import Settings

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "lighthouse_pre_scene.previz"
CUT_ORDER = ["Establishing", "Keeper walks", "The lamp", "Postcard", "Gulls at 16"]


def old_json() -> dict:
    with zipfile.ZipFile(FIXTURE) as archive:
        return json.loads(archive.read("project.json"))


def test_the_fixture_is_from_before_scenes():
    data = old_json()
    assert data["schema"] == "Project.1"
    assert "cast" not in data and all("subjects" in node["params"] for node in
                                      data["nodes"].values() if node["type"] == "previz.shot")


def test_the_pre_scene_example_opens_as_one_scene_in_cut_order():
    project = load_project(FIXTURE)
    scenes = [node for node in project.nodes.values() if node.type == "previz.scene"]
    assert len(scenes) == 1
    scene = scenes[0]
    shots = {node.params["name"]: node for node in project.nodes.values()
             if node.type == "previz.shot"}
    for shot in shots.values():
        link = project.link_into(PortRef(shot.id, "scene"))
        assert link is not None and link.source.node == scene.id
        assert "subjects" not in shot.params and shot.params["subject"] == "Keeper"
    windows = [(shots[name].params["scene_in"], shots[name].params["duration"])
               for name in CUT_ORDER]
    assert windows == [(0.0, 4.0), (4.0, 3.0), (7.0, 3.0), (10.0, 3.0), (13.0, 3.0)]
    (keeper,) = project.cast.values()
    assert (keeper.name, keeper.height) == ("Keeper", 1.8)
    (cliff,) = project.locations.values()
    assert (cliff.slug(), cliff.set_pieces[0].name, cliff.set_pieces[0].height) == (
        "EXT. LIGHTHOUSE CLIFF", "Lighthouse", 14.0)
    assert scene.params["time_of_day"] == "dusk"


def test_every_shot_sees_its_old_subjects_at_its_scene_time():
    old = old_json()["nodes"]
    project = load_project(FIXTURE)
    registry = default_registry()
    scene_node = next(n for n in project.nodes.values() if n.type == "previz.scene")
    spec = registry.get("previz.scene").spec
    scene = scene_from_params(resolve_params(project, scene_node, spec))
    for node_id, node in project.nodes.items():
        if node.type != "previz.shot":
            continue
        seen = {s.name: s for s in scene.subjects_at(node.params["scene_in"], "Keeper")}
        for record in old[node_id]["params"]["subjects"]:
            subject = seen[record["name"]]
            assert (subject.kind, subject.height, subject.x, subject.z) == (
                record["kind"], record["height"], record["x"], record["z"]), node.params["name"]
            if record["kind"] == "person":
                assert subject.facing == pytest.approx(record["facing"])
                assert subject.main


def test_upgrading_is_deterministic_and_saves_at_the_new_version(tmp_path):
    first, second = load_project(FIXTURE), load_project(FIXTURE)
    assert project_to_dict(first) == project_to_dict(second)
    path = tmp_path / "upgraded.previz"
    save_project(first, path)
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("project.json"))["schema"] == "Project.2"
    assert project_to_dict(load_project(path)) == project_to_dict(first)


def test_the_pre_scene_example_validates(tmp_path, capsys):
    services = EngineSession(default_registry(), BackendSet([DraftBackend()]),
                             Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["validate", str(FIXTURE)], services) == 0
    assert capsys.readouterr().out.endswith("no problems\n")


def test_the_pre_scene_example_renders_every_cut_entry(tmp_path):
    project = load_project(FIXTURE)
    project.settings.width, project.settings.height = 192, 108  # small, to render quickly
    outputs = render(project, tmp_path).outputs
    for entry in project.timeline:
        clip = outputs[entry.node]
        assert isinstance(clip, Clip) and clip.frame_count > 0
    shot = next(n for n in project.nodes.values() if n.params.get("name") == "Establishing")
    assert outputs[shot.id].prompt.startswith("EXT. LIGHTHOUSE CLIFF - DUSK.")
    assert outputs[shot.id].fps == Fraction(24)


def test_two_scene_numbers_become_two_scenes_sharing_one_cast(tmp_path):
    data = {"schema": "Project.1", "settings": {"schema": "Settings.1"}, "nodes": {},
            "links": {}, "timeline": []}
    people = {"a": {"name": "Ann", "height": 1.6, "x": 1.0, "z": 2.0, "main": True},
              "b": {"name": "Bo", "height": 1.9, "x": -1.0, "z": 2.0}}
    van = {"name": "Van", "kind": "vehicle", "height": 2.2, "x": 0.0, "z": 9.0}
    for index, (scene, subjects) in enumerate([("010", [people["a"], van]),
                                               ("020", [people["b"], {**people["a"],
                                                                      "height": 1.5,
                                                                      "main": False}])]):
        node_id = f"00000000-0000-4000-8000-00000000000{index}"
        data["nodes"][node_id] = {"schema": "Node.1", "type": "previz.shot",
                                  "params": {"scene": scene, "subjects": subjects}}
    path = tmp_path / "old.previz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.json", json.dumps(data))
    project = load_project(path)
    scenes = sorted((n for n in project.nodes.values() if n.type == "previz.scene"),
                    key=lambda n: n.params["number"])
    assert [s.params["number"] for s in scenes] == ["010", "020"]
    assert sorted((c.name, c.height) for c in project.cast.values()) == [("Ann", 1.6),
                                                                          ("Bo", 1.9)]
    names = {c.id: c.name for c in project.cast.values()}
    assert [names[i] for i in scenes[1].params["cast"]] == ["Bo", "Ann"]
    van_piece = project.locations[scenes[0].params["location"]].set_pieces[0]
    assert (van_piece.kind, van_piece.name, van_piece.height) == ("car", "Van", 2.2)
    shot_b = project.nodes["00000000-0000-4000-8000-000000000001"]
    assert shot_b.params["subject"] == "Bo"  # none marked main: the first, as before


def test_a_recipe_from_before_scenes_is_upgraded_when_read():
    graph = old_json()
    recipe = Recipe.from_json({"schema": "Recipe.1", "project": graph, "renders": []},
                              default_upgrades().apply)
    assert [n.type for n in recipe.graph.nodes.values()].count("previz.scene") == 1
    assert [c.name for c in recipe.graph.cast.values()] == ["Keeper"]
    with pytest.raises(RecipeError, match=r"expected schema 'Project\.2'"):
        Recipe.from_json({"schema": "Recipe.1", "project": graph, "renders": []})


def test_a_recipe_of_a_scene_shot_carries_the_cast_and_location_it_names(registry):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop)
    stop.project.put_character(Character.new("Extra"))  # in no scene: stays home
    recipe = recipe_for(stop.project, {shot.id: Clip("k" * 64, Fraction(24), 96, 64, 12)})
    assert {c.name for c in recipe.graph.cast.values()} == {"Ada", "Ben"}
    assert list(recipe.graph.locations) == [stop.location.id]
    again = Recipe.from_json(json.loads(recipe.to_text()))
    assert again.graph.cast == recipe.graph.cast


@pytest.mark.parametrize(("change", "where"), [
    (lambda data: data.update(nodes=[1, 2]), "nodes"),
    (lambda data: next(iter(data["links"].values())).update(source="x"), "source"),
])
def test_a_malformed_old_project_is_reported_where_it_is_wrong(tmp_path, change, where):
    data = old_json()
    change(data)
    path = tmp_path / "bad.previz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.json", json.dumps(data))
    with pytest.raises(ProjectError, match=where) as raised:
        load_project(path)
    assert "cannot upgrade" not in str(raised.value)


def test_an_old_node_with_malformed_params_opens_with_it_kept_aside(tmp_path):
    """A damaged node does not refuse the file (the trust work): it is kept and named."""
    data = old_json()
    next(iter(data["nodes"].values())).update(params=["x"])
    path = tmp_path / "bad.previz"
    with zipfile.ZipFile(FIXTURE) as source, zipfile.ZipFile(path, "w") as archive:
        for item in source.namelist():
            archive.writestr(item, json.dumps(data) if item == "project.json"
                             else source.read(item))
    damaged: list[ProjectError] = []
    project = load_project(path, damaged=damaged)
    assert len(damaged) == 1 and "params" in str(damaged[0])
    assert len(project.nodes) == len(data["nodes"]) + 1  # every node, and the gathered Scene
