"""Upgrades on load: registered schema upgrades, node param upgrades, newer files refused."""

from __future__ import annotations

import json
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

from previz.core.ids import new_id
from previz.core.project import Node, Project
from previz.core.registry import NodeRegistry
from previz.core.spec import NodeSpec, NodeType
from previz.io import ProjectError, Upgrades, default_upgrades, load_project, save_project


def rewrite(path: Path, change) -> Path:
    """Rewrite project.json of ``path`` through ``change(data)``, keeping the other entries."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    data = json.loads(entries[0][1])
    change(data)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(entries[0][0], json.dumps(data))
        for info, payload in entries[1:]:
            archive.writestr(info, payload)
    return path


def settings_v0(data: dict) -> None:
    settings = data["settings"]
    del settings["rate"]
    settings.update(schema="Settings.0", fps=23.976)


def fps_to_rate(settings: dict) -> dict:
    fps = settings.pop("fps")
    rates = {23.976: "24000/1001", 29.97: "30000/1001"}
    settings["rate"] = rates.get(fps, str(fps))
    return settings


@pytest.fixture
def saved(tmp_path, make_project) -> Path:
    path = tmp_path / "p.previz"
    save_project(make_project(), path)
    return path


def test_a_registered_upgrade_brings_old_settings_up(saved):
    rewrite(saved, settings_v0)
    upgrades = default_upgrades()
    upgrades.register("Settings", 0, fps_to_rate)
    project = load_project(saved, upgrades=upgrades)
    assert project.settings.rate == Fraction(24000, 1001)
    assert project.settings.extra == {"acme.grade": "rec709"}
    save_project(project, saved)
    settings = json.loads(zipfile.ZipFile(saved).read("project.json"))["settings"]
    assert settings["schema"] == "Settings.1"
    assert settings["rate"] == "24000/1001"
    assert "fps" not in settings


def test_an_old_version_without_an_upgrade_is_refused(saved):
    rewrite(saved, settings_v0)
    with pytest.raises(ProjectError) as caught:
        load_project(saved)
    assert str(caught.value) == (f"{saved}: project.json: settings: Settings.0 is too old:"
                                 " no upgrade to Settings.1 is registered")


def test_a_file_from_a_newer_previz_is_refused(saved):
    rewrite(saved, lambda data: data["settings"].update(schema="Settings.2"))
    with pytest.raises(ProjectError) as caught:
        load_project(saved)
    assert str(caught.value) == (f"{saved}: project.json: settings: Settings.2 was written by a"
                                 " newer Previz; this one reads up to Settings.1")
    rewrite(saved, lambda data: data.update(schema="Project.12"))
    with pytest.raises(ProjectError, match=r"project\.json: Project\.12 was written by a newer"):
        load_project(saved)


def test_a_newer_node_inside_the_timeline_is_named(saved):
    rewrite(saved, lambda data: data["timeline"][1].update(schema="TimelineEntry.9"))
    with pytest.raises(ProjectError, match=r"project\.json: timeline\[1\]: TimelineEntry\.9"):
        load_project(saved)


def test_upgrades_chain_and_run_parents_first():
    upgrades = Upgrades({"Box": 3, "Item": 2})
    order = []

    def box_1(box: dict) -> dict:
        order.append("box")
        box["items"] = [{"schema": "Item.1", "name": name} for name in box.pop("names")]
        return box

    def box_2(box: dict) -> dict:
        box["count"] = len(box["items"])
        return box

    def item_1(item: dict) -> dict:
        order.append("item")
        item["label"] = item.pop("name").title()
        return item

    upgrades.register("Box", 1, box_1)
    upgrades.register("Box", 2, box_2)
    upgrades.register("Item", 1, item_1)
    data = {"boxes": [{"schema": "Box.1", "names": ["a", "b"]}], "other": {"schema": "Clip.7"}}
    assert upgrades.apply(data) == {
        "boxes": [{"schema": "Box.3", "count": 2, "items": [
            {"schema": "Item.2", "label": "A"}, {"schema": "Item.2", "label": "B"}]}],
        "other": {"schema": "Clip.7"},
    }
    assert order == ["box", "item", "item"]


def test_registering_checks_its_arguments():
    upgrades = Upgrades()
    with pytest.raises(ValueError, match="no schema type"):
        upgrades.register("Clip", 0, dict)
    with pytest.raises(ValueError, match=r"not older than the current Settings\.1"):
        upgrades.register("Settings", 1, dict)
    upgrades.register("Settings", 0, dict)
    with pytest.raises(ValueError, match="already registered"):
        upgrades.register("Settings", 0, dict)


def test_default_upgrades_are_fresh_each_time(saved):
    first = default_upgrades()
    first.register("Settings", 0, fps_to_rate)
    twin = first.copy()
    rewrite(saved, settings_v0)
    assert load_project(saved, upgrades=twin).settings.rate == Fraction(24000, 1001)
    with pytest.raises(ProjectError, match="too old"):
        load_project(saved, upgrades=default_upgrades())


def test_a_failing_upgrade_is_a_project_error(saved):
    rewrite(saved, lambda data: data["settings"].update(schema="Settings.0"))
    upgrades = default_upgrades()
    upgrades.register("Settings", 0, fps_to_rate)
    with pytest.raises(ProjectError, match=r"settings: cannot upgrade Settings\.0: KeyError"):
        load_project(saved, upgrades=upgrades)
    upgrades = default_upgrades()
    upgrades.register("Settings", 0, lambda settings: ["not", "an", "object"])
    with pytest.raises(ProjectError, match="gave no object"):
        load_project(saved, upgrades=upgrades)


def blur_registry(upgrade_2=None) -> NodeRegistry:
    def from_1(params: dict) -> dict:
        params["radius"] = params.pop("size") / 2
        return params

    def from_2(params: dict) -> dict:
        params["unit"] = "px"
        return params

    spec = NodeSpec(id="test.blur", version=3, display_name="Blur", category="Test",
                    aliases=("old.blur",), upgrades={1: from_1, 2: upgrade_2 or from_2})
    registry = NodeRegistry()
    registry.register(NodeType(spec), pack="test")
    return registry


def blur_project(tmp_path: Path, make_project, version: int = 1, type_id: str = "test.blur"):
    project: Project = make_project()
    node = Node(new_id(), type_id, {"size": 8}, version=version)
    project.add_node(node)
    path = tmp_path / "blur.previz"
    save_project(project, path)
    return path, node.id


@pytest.mark.parametrize("type_id", ["test.blur", "old.blur"])
def test_node_params_are_upgraded_through_the_registry(tmp_path, make_project, type_id):
    path, node_id = blur_project(tmp_path, make_project, type_id=type_id)
    project = load_project(path, registry=blur_registry())
    node = project.nodes[node_id]
    # a node saved under a renamed type's alias comes back under its current id
    assert (node.type, node.version, node.params) == ("test.blur", 3,
                                                      {"radius": 4.0, "unit": "px"})
    unknown = next(n for n in project.nodes.values() if n.type == "acme.depth_from_image")
    assert (unknown.version, unknown.params["strength"]) == (3, 0.5)
    untouched = load_project(path).nodes[node_id]
    assert (untouched.version, untouched.params) == (1, {"size": 8})


def test_a_node_at_its_current_version_is_left_alone(tmp_path, make_project):
    path, node_id = blur_project(tmp_path, make_project, version=3)
    assert load_project(path, registry=blur_registry()).nodes[node_id].params == {"size": 8}


def test_a_failing_node_upgrade_is_a_project_error(tmp_path, make_project):
    path, node_id = blur_project(tmp_path, make_project)
    rewrite(path, lambda data: data["nodes"][node_id]["params"].update(size="eight"))
    with pytest.raises(ProjectError) as caught:
        load_project(path, registry=blur_registry())
    assert str(caught.value).startswith(
        f"{path}: project.json: nodes.{node_id}.params: cannot upgrade test.blur params from"
        " version 1 to 3: TypeError")
    nan_upgrade = blur_registry(lambda params: dict(params, gain=float("nan")))
    path, node_id = blur_project(tmp_path, make_project)
    with pytest.raises(ProjectError, match="ValueError"):
        load_project(path, registry=nan_upgrade)
