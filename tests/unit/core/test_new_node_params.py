"""A node added in the app starts from the project: a new Scene takes the only location and
the only character; a new Shot takes the project's sensor, backend and model."""

from __future__ import annotations

from previz.core.cast import Character
from previz.core.locations import Location
from previz.core.new_node_params import new_node_params
from previz.core.project import Project
from previz.core.registry import NodeRegistry


def test_a_scene_takes_the_only_location_and_character(registry: NodeRegistry) -> None:
    spec = registry.get("previz.scene").spec
    project = Project()
    assert new_node_params(project, spec) == {}  # nothing to take
    stop, ada = Location.new("Bus stop"), Character.new("Ada")
    project.put_location(stop)
    project.put_character(ada)
    assert new_node_params(project, spec) == {"location": stop.id, "cast": [ada.id]}
    for name, value in new_node_params(project, spec).items():
        assert spec.param(name).check(value) is None


def test_with_a_choice_to_make_it_is_left_to_the_user(registry: NodeRegistry) -> None:
    spec = registry.get("previz.scene").spec
    project = Project()
    for name in ("Bus stop", "Diner"):
        project.put_location(Location.new(name))
    for name in ("Ada", "Ben"):
        project.put_character(Character.new(name))
    assert new_node_params(project, spec) == {}


def test_a_shot_takes_the_project_render_settings(registry: NodeRegistry) -> None:
    spec = registry.get("previz.shot").spec
    params = new_node_params(Project(), spec)
    assert set(params) == {"sensor", "backend", "model"}
    assert params["backend"] == "draft"
