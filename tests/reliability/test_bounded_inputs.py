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
