"""Bounded inputs: recipes nest no deeper than a project file may, a shot's subjects and
their names are bounded, and problems name things without raw control characters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from previz.core.subjects import MAX_SUBJECTS, subjects_problem
from previz.export import RecipeError, read_recipe


def nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("depth", [150, 900])
def test_a_recipe_nested_deeper_than_a_project_may_is_refused_at_restore(
        tmp_path: Path, depth: int) -> None:
    recipe = {"schema": "Recipe.1", "renders": [],
              "project": {"schema": "Project.1", "extra": nested(depth)}}
    info = PngImagePlugin.PngInfo()
    info.add_itxt("previz_recipe", json.dumps(recipe), zip=True)
    Image.new("RGB", (8, 8)).save(tmp_path / "deep.png", pnginfo=info)
    with pytest.raises(RecipeError, match="nests deeper than"):
        read_recipe(tmp_path / "deep.png")


def test_subjects_and_their_names_are_bounded() -> None:
    one = {"name": "Keeper"}
    assert subjects_problem([one] * MAX_SUBJECTS) is None
    assert "at most" in (subjects_problem([one] * 3000) or "")
    assert "at most" in (subjects_problem([{"name": "x" * 5_000_000}]) or "")


def test_names_reach_the_terminal_with_control_characters_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from project_builders import make_node

    from previz import cli
    from previz.core.project import Project
    from previz.core.registry import default_registry
    from previz.engine.backend import BackendSet
    from previz.engine.session import EngineSession
    from previz.io import save_project
    from previz.settings import Settings

    registry = default_registry()
    project = Project()
    project.add_node(make_node(registry, "previz.shot", name="\x1b[2J\x1b[31mGotcha\x07"))
    save_project(project, tmp_path / "p.previz")
    services = EngineSession(registry, BackendSet(), Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["validate", str(tmp_path / "p.previz")], services) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mGotcha" in out


def test_a_recipe_spanning_the_largest_numbers_lands_on_the_canvas_and_saves(
        tmp_path: Path) -> None:
    """Positions of ±1e308 in a dropped recipe overflowed to inf at restore (its corner is
    subtracted), and the project could no longer be saved; the canvas has bounds."""
    from project_builders import make_node

    from previz.core.project import CANVAS_LIMIT, Project
    from previz.core.registry import default_registry
    from previz.export.provenance import Recipe, restore_recipe
    from previz.io import load_project, save_project

    registry = default_registry()
    graph = Project()
    far, near = make_node(registry, "previz.shot"), make_node(registry, "previz.shot")
    far.position, near.position = (1e308, 1e308), (-1e308, -1e308)
    graph.add_node(far)
    graph.add_node(near)
    project = Project()
    restore_recipe(project, Recipe(graph, ()), registry, (10.0, 20.0)).do(project)
    positions = [node.position for node in project.nodes.values()]
    assert all(abs(x) <= CANVAS_LIMIT and abs(y) <= CANVAS_LIMIT for x, y in positions)
    assert (10.0, 20.0) in positions
    save_project(project, tmp_path / "p.previz")
    reopened = load_project(tmp_path / "p.previz")
    assert sorted(n.position for n in reopened.nodes.values()) == sorted(positions)


def test_a_five_megabyte_name_is_refused_by_the_param_and_shown_cut(tmp_path: Path) -> None:
    from project_builders import make_node

    from previz.core.labels import node_label
    from previz.core.registry import default_registry
    from previz.core.spec import MAX_STRING, MAX_TEXT

    registry = default_registry()
    spec = registry.get("previz.shot").spec
    name = next(param for param in spec.params if param.name == "name")
    assert name.check("x" * MAX_STRING) is None
    assert "over the limit of 1,000" in (name.check("x" * 5_000_000) or "")
    prompt = next(param for param in registry.get("previz.prompt").spec.params
                  if param.kind == "text")
    assert prompt.check("word " * (MAX_TEXT // 5)) is None
    assert "over the limit" in (prompt.check("x" * (MAX_TEXT + 1)) or "")
    node = make_node(registry, "previz.shot", name="\x1b[31m" + "x" * 5_000_000)
    label = node_label(node, spec)
    assert len(label) < 120 and "\x1b" not in label and label.endswith("…'")


def test_set_pieces_and_cast_per_scene_are_bounded() -> None:
    """3,000 subjects took over five minutes for three frames: what a scene draws is
    bounded, at read and when a scene names its cast."""
    from previz.core.errors import ProjectError
    from previz.core.locations import MAX_SET_PIECES, Location, SetPiece, location_from_dict
    from previz.core.scene import cast_problem
    from previz.core.subjects import MAX_SUBJECTS

    pieces = tuple(SetPiece.of_kind("box", x=float(i)) for i in range(MAX_SET_PIECES + 1))
    warehouse = Location.new("Warehouse", set_pieces=pieces)
    crowded = warehouse.to_dict()
    with pytest.raises(ProjectError, match=f"more than {MAX_SET_PIECES} items"):
        location_from_dict(warehouse.id, crowded, "locations.w")
    crowded["set_pieces"] = crowded["set_pieces"][:MAX_SET_PIECES]
    assert len(location_from_dict(warehouse.id, crowded, "locations.w").set_pieces) == (
        MAX_SET_PIECES)
    assert cast_problem([f"c{i}" for i in range(MAX_SUBJECTS)]) is None
    assert "at most 64" in (cast_problem([f"c{i}" for i in range(3000)]) or "")
