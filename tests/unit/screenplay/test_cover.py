"""Coverage proposed for a scene: one side of the line, every line covered twice, numbered,
one undo step; ``previz cover``."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scene_builders import bus_stop

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.core.commands import History
from previz.core.continuity import CutShot
from previz.core.errors import EditRefused
from previz.core.ids import new_id
from previz.core.project import TimelineEntry
from previz.core.propose import coverage_edit, scene_value
from previz.core.scene import scene_from_params
from previz.core.scene_script import dialogue, parse_script
from previz.engine.backend import BackendSet
from previz.engine.continuity import plan_warnings
from previz.engine.session import EngineSession
from previz.io import load_project, save_project
from previz.io.screenplay import read_script
from previz.io.screenplay.build import build_project
from previz.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "screenplay"


def session(registry, tmp_path: Path) -> EngineSession:
    return EngineSession(registry, BackendSet([DraftBackend()]),
                         Settings(cache_dir=tmp_path / "cache"))


def scenes_only(registry):
    script = read_script(FIXTURES / "keepers_night.fountain")
    return build_project(script, registry, coverage=False)


def cameras_and_line(project, plan, scene_id, shots):
    """Each shot's camera position and the side of the line between the scene's first two
    characters it stands on (+1 or -1), at each shot's in point."""
    scene = scene_from_params(plan.nodes[scene_id].params)
    sides = {}
    for node in shots:
        params = plan.nodes[node.id].params
        cut = CutShot(node.id, params["shot"], scene_id, scene, params)
        camera = cut.camera()
        a, b = (scene.state(person, cut.time) for person in scene.cast[:2])
        cross = (b.x - a.x) * (camera[2] - a.z) - (b.z - a.z) * (camera[0] - a.x)
        assert abs(cross) > 0.05, f"{params['shot']}'s camera stands on the line"
        sides[params["shot"]] = math.copysign(1, cross)
    return sides


def test_a_two_person_scene_is_covered_from_one_side_of_the_line(registry, tmp_path):
    imported = scenes_only(registry)
    project, scene_id = imported.project, imported.scene_nodes[0]
    edit, coverage = coverage_edit(project, scene_id, registry)
    History(project).push(edit)
    names = [node.params["name"] for node in coverage.nodes]
    assert names == ["Master", "Two-shot Tom and Mara", "Over Mara's shoulder onto Tom",
                     "Over Tom's shoulder onto Mara", "Single Tom", "Single Mara"]
    assert [node.params["shot"] for node in coverage.nodes] == ["1A", "1B", "1C", "1D", "1E",
                                                                 "1F"]
    master = coverage.nodes[0].params
    assert master["notes"] == ("Proposed coverage: master. Script note: Keep the kettle lit:"
                               " it is the only practical.")
    assert master["dialogue"].splitlines()[0] == "TOM: The boat wouldn't wait for the weather."
    engine = session(registry, tmp_path)
    plan = engine.compile(project, list(project.nodes))
    assert plan.ok, plan.problems
    sides = cameras_and_line(project, plan, scene_id, coverage.nodes)
    assert len(set(sides.values())) == 1, sides
    # Any two of them cut one after the other, in either order, give no warning (line, jump).
    for first in coverage.nodes:
        for second in coverage.nodes:
            if first is second:
                continue
            project.timeline.clear()
            project.insert_entry(0, TimelineEntry(new_id(), first.id))
            project.insert_entry(1, TimelineEntry(new_id(), second.id))
            warnings = plan_warnings(project, engine.compile(project, list(project.nodes)))
            assert warnings == [], (first.params["shot"], second.params["shot"], warnings)


def test_each_line_of_dialogue_is_covered_by_at_least_two_shots(registry):
    imported = scenes_only(registry)
    project = imported.project
    for scene_id in imported.scene_nodes:
        _, coverage = coverage_edit(project, scene_id, registry)
        lines = dialogue(parse_script(project.nodes[scene_id].params["script"]))
        assert lines
        for line in lines:
            covering = [node.params["shot"] for node in coverage.nodes
                        if node.params["scene_in"] <= line.start
                        and line.end <= node.params["scene_in"] + node.params["duration"]]
            assert len(covering) >= 2, (line, covering)
        speakers = {line.character for line in lines}
        singles = {node.params["subject"].upper() for node in coverage.nodes
                   if node.params["name"].startswith("Single")}
        assert singles == speakers


def test_the_proposal_is_one_undo_step_and_numbers_on(registry):
    imported = scenes_only(registry)
    project, scene_id = imported.project, imported.scene_nodes[1]
    before = (set(project.nodes), set(project.links), list(project.timeline))
    history = History(project)
    history.push(coverage_edit(project, scene_id, registry, on_cut=True)[0])
    assert len(project.nodes) == len(before[0]) + 6 and len(project.timeline) > 1
    history.push(coverage_edit(project, scene_id, registry)[0])
    shots = sorted(node.params["shot"] for node in project.nodes.values()
                   if node.type == "previz.shot")
    assert shots == [f"2{letter}" for letter in "ABCDEFGHJKLM"]  # no I, no O
    history.undo()
    history.undo()
    assert (set(project.nodes), set(project.links), list(project.timeline)) == before
    assert history.steps == 0


def test_a_scene_without_a_script_is_covered_for_its_blocking(registry, tmp_path):
    stop = bus_stop(registry)
    project = stop.project
    edit, coverage = coverage_edit(project, stop.scene.id, registry)
    History(project).push(edit)
    assert [node.params["shot"] for node in coverage.nodes] == [
        "010A", "010B", "010C", "010D", "010E", "010F"]
    plan = session(registry, tmp_path).compile(project, list(project.nodes))
    assert plan.ok, plan.problems
    sides = cameras_and_line(project, plan, stop.scene.id, coverage.nodes)
    assert len(set(sides.values())) == 1, sides
    assert scene_value(project, stop.scene.id).number == "010"


def test_a_scene_with_no_one_in_it_is_refused(registry):
    stop = bus_stop(registry)
    stop.project.nodes[stop.scene.id].params["cast"] = []
    stop.project.nodes[stop.scene.id].params["blocking"] = []
    with pytest.raises(EditRefused, match="no one in its cast"):
        coverage_edit(stop.project, stop.scene.id, registry)


def test_previz_cover_proposes_and_saves(registry, tmp_path, capsys):
    path = tmp_path / "night.previz"
    save_project(scenes_only(registry).project, path)
    engine = session(registry, tmp_path)
    assert cli.main(["cover", str(path), "--scene", "2"], session=engine) == 0
    out = capsys.readouterr().out
    assert "2A: Master (wide, 32 mm, scene time 0 s for 9.2 s)" in out
    assert "2F: Single June" in out
    project = load_project(path, registry=registry)
    assert sum(node.type == "previz.shot" for node in project.nodes.values()) == 6
    assert cli.main(["cover", str(path), "--scene", "9"], session=engine) == 1
    assert "has no scene numbered '9'" in capsys.readouterr().err
