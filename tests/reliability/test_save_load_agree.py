"""Save and load agree: whatever saves opens again, a save that would not open is refused
before anything is written, a big project round-trips, a damaged node does not lose the rest."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from previz.core.ids import new_id
from previz.core.project import Node, Project, TimelineEntry
from previz.core.registry import default_registry
from previz.engine.backend import BackendSet
from previz.engine.plan import compile_plan
from previz.io import ProjectError, load_project, save_project
from previz.io.load import DAMAGED_NODE


def prompt_project(count: int = 1, **params: Any) -> Project:
    registry = default_registry()
    spec = registry.get("previz.prompt").spec
    project = Project()
    for index in range(count):
        node = Node(new_id(), "previz.prompt", {**spec.defaults(), "text": f"shot {index}",
                                                **params}, (index * 10.0, 0.0),
                    version=spec.version)
        project.add_node(node)
    return project


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(("params", "message"), [
    ({"text": nested(150)}, "nested deeper than"),
    ({"seed": 10**400}, "too large for a number"),
    ({"text": "lone \ud800 surrogate"}, "surrogate"),
])
def test_a_save_that_would_not_open_is_refused_and_keeps_the_old_file(
        tmp_path: Path, params: dict[str, Any], message: str) -> None:
    path = tmp_path / "p.previz"
    save_project(prompt_project(), path)
    before = path.read_bytes()
    with pytest.raises(ProjectError, match=message):
        save_project(prompt_project(**params), path)
    assert path.read_bytes() == before
    assert sorted(item.name for item in tmp_path.iterdir()) == ["p.previz"]
    load_project(path)


def test_positions_that_overflow_are_refused_at_save(tmp_path: Path) -> None:
    project = prompt_project()
    next(iter(project.nodes.values())).position = (1e308 * 10, 0.0)
    with pytest.raises(ProjectError, match="cannot be written"):
        save_project(project, tmp_path / "p.previz")
    assert not (tmp_path / "p.previz").exists()


def test_a_twenty_thousand_node_project_round_trips(tmp_path: Path) -> None:
    project = prompt_project(20_000)
    started = time.perf_counter()
    save_project(project, tmp_path / "big.previz")
    saved = time.perf_counter()
    again = load_project(tmp_path / "big.previz", registry=default_registry())
    loaded = time.perf_counter()
    assert again.nodes.keys() == project.nodes.keys()
    plan = compile_plan(again, list(again.nodes)[:10], registry=default_registry(),
                        catalog=BackendSet([]).catalog(), is_cached=lambda key: False)
    assert plan.ok
    print(f"20,000 nodes: save {saved - started:.1f} s, open {loaded - saved:.1f} s")


def test_a_damaged_node_opens_with_the_rest_and_is_reported(tmp_path: Path) -> None:
    project = prompt_project(3)
    entry_node = next(iter(project.nodes))
    project.insert_entry(0, TimelineEntry(new_id(), entry_node, 0, None))
    path = tmp_path / "p.previz"
    save_project(project, path)
    damaged_id = list(project.nodes)[1]
    with zipfile.ZipFile(path) as archive:
        raw = json.loads(archive.read("project.json"))
    raw["nodes"][damaged_id]["position"] = ["left", "of", "the", "door"]
    raw["nodes"][damaged_id]["params"]["text"] = "the part we want back"
    broken = tmp_path / "broken.previz"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.json", json.dumps(raw))

    problems: list[ProjectError] = []
    opened = load_project(broken, registry=default_registry(), damaged=problems)
    assert opened.nodes.keys() == project.nodes.keys()
    assert len(problems) == 1 and damaged_id in str(problems[0])
    assert "position" in str(problems[0])
    assert opened.nodes[damaged_id].type == DAMAGED_NODE
    plan = compile_plan(opened, None, registry=default_registry(),
                        catalog=BackendSet([]).catalog(), is_cached=lambda key: False)
    assert plan.ok  # the damaged node is not on the cut: the rest compiles

    resaved = tmp_path / "resaved.previz"
    save_project(opened, resaved)
    with zipfile.ZipFile(resaved) as archive:
        kept = json.loads(archive.read("project.json"))["nodes"][damaged_id]["damaged"]
    assert kept["node"]["params"]["text"] == "the part we want back"
    assert load_project(resaved).nodes[damaged_id].type == DAMAGED_NODE
