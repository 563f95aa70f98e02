"""Continuity warnings between consecutive shots of one scene: the 180° line, jump cuts and the
screen direction of a walk, printed by `previz validate` naming both shots (exit 0)."""

from __future__ import annotations

import pytest
from project_builders import entry, link, make_node
from scene_builders import add_shot, bus_stop
from scene_render import plan_of

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.core.continuity import warnings_by_node
from previz.engine.backend import BackendSet
from previz.engine.continuity import plan_warnings
from previz.engine.session import EngineSession
from previz.engine.store import ClipStore
from previz.io import save_project
from previz.settings import Settings


def facing_each_other(stop) -> list[dict]:
    return [
        {"character": stop.ada.id, "time": 0.0, "x": -1.0, "z": 0.0, "look_at": stop.ben.id},
        {"character": stop.ben.id, "time": 0.0, "x": 1.0, "z": 0.0, "look_at": stop.ada.id},
    ]


def warnings(stop, tmp_path) -> list:
    return plan_warnings(stop.project, plan_of(stop.project, ClipStore(tmp_path, 1 << 30)))


def validate(stop, tmp_path, capsys, registry) -> str:
    path = tmp_path / "scene.previz"
    save_project(stop.project, path)
    services = EngineSession(registry, BackendSet([DraftBackend()]),
                             Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["validate", str(path)], services) == 0
    return capsys.readouterr().out


def test_a_second_shot_across_the_line_is_a_warning_naming_both(registry, tmp_path, capsys):
    stop = bus_stop(registry, [])
    stop.project.set_param(stop.scene.id, "blocking", facing_each_other(stop))
    add_shot(registry, stop, name="Ada single", subject="Ada", shot_size="medium_close_up")
    ben = add_shot(registry, stop, name="Ben single", shot="0020", subject="Ben",
                   shot_size="medium_close_up", side=180.0)
    out = validate(stop, tmp_path, capsys, registry)
    assert ("warning: Shot 010_0010 'Ada single' → Shot 010_0020 'Ben single': the camera"
            " crosses the 180° line between Ada and Ben") in out
    assert "no problems\n1 continuity warning\n" in out
    stop.project.set_param(ben.id, "side", 0.0)  # Ben's single from Ada's side of the line
    out = validate(stop, tmp_path, capsys, registry)
    assert "warning" not in out and out.endswith("no problems\n")


def test_shots_of_different_scenes_or_apart_on_the_cut_are_not_compared(registry, tmp_path):
    stop = bus_stop(registry, [])
    stop.project.set_param(stop.scene.id, "blocking", facing_each_other(stop))
    add_shot(registry, stop, subject="Ada")
    add_shot(registry, stop, subject="Ada", side=5.0, shot="0020")
    assert [w.kind for w in warnings(stop, tmp_path)] == ["jump"]
    stop.project.timeline.reverse()  # the same two shots, cut the other way, still jump
    assert [w.kind for w in warnings(stop, tmp_path)] == ["jump"]
    extend = make_node(registry, "previz.extend")  # something else cut in between
    stop.project.add_node(extend)
    stop.project.add_link(link(stop.project.nodes[stop.project.timeline[0].node], "clip",
                               extend, "clip"))
    stop.project.insert_entry(1, entry(extend))
    assert warnings(stop, tmp_path) == []
    other = bus_stop(registry, [])
    assert warnings(other, tmp_path) == []


@pytest.mark.parametrize(("side", "size", "jumps"), [
    (10.0, "medium_close_up", True),
    (-20.0, "medium", True),
    (40.0, "medium_close_up", False),  # far enough round
    (10.0, "wide", False),  # a different size
])
def test_jump_cuts(registry, tmp_path, side, size, jumps):
    stop = bus_stop(registry, [])
    stop.project.set_param(stop.scene.id, "blocking", facing_each_other(stop))
    first = add_shot(registry, stop, name="Ada", subject="Ada", shot_size="medium")
    second = add_shot(registry, stop, name="Ada again", shot="0020", subject="Ada",
                      shot_size=size, side=side)
    found = [w for w in warnings(stop, tmp_path) if w.kind == "jump"]
    assert bool(found) == jumps
    if jumps:
        assert found[0].message.startswith(
            "Shot 010_0010 'Ada' → Shot 010_0020 'Ada again': a jump cut on Ada")
        assert set(warnings_by_node(found)) == {first.id, second.id}


def test_a_walk_that_flips_screen_direction_across_a_cut(registry, tmp_path):
    stop = bus_stop(registry, [])
    stop.project.set_param(stop.scene.id, "cast", [stop.ben.id])
    stop.project.set_param(stop.scene.id, "blocking", [
        {"character": stop.ben.id, "time": 0.0, "x": -6.0, "z": 0.0},
        {"character": stop.ben.id, "time": 0.0, "x": 6.0, "z": 0.0, "speed": 1.5},
    ])
    add_shot(registry, stop, name="Walk wide", shot_size="wide", scene_in=1.0, duration=1.0)
    reverse = add_shot(registry, stop, name="Walk full", shot="0020", shot_size="full",
                       scene_in=2.0, side=180.0)
    found = warnings(stop, tmp_path)
    assert [w.message for w in found] == [
        "Shot 010_0010 'Walk wide' → Shot 010_0020 'Walk full': Ben walks left to right, then"
        " right to left: the screen direction flips"]
    stop.project.set_param(reverse.id, "side", 20.0)
    assert warnings(stop, tmp_path) == []


def test_validate_fails_a_shot_framing_someone_its_scene_lacks(registry, tmp_path, capsys):
    stop = bus_stop(registry)
    add_shot(registry, stop, name="Who", subject="Zed")
    path = tmp_path / "scene.previz"
    save_project(stop.project, path)
    services = EngineSession(registry, BackendSet([DraftBackend()]),
                             Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["validate", str(path)], services) == 1
    assert ("Shot 010_0010 'Who', subject: scene 010 has no character or set piece 'Zed' to"
            " frame\n1 problem\n") in capsys.readouterr().out
    stop.project.set_param(next(iter(stop.project.timeline)).node, "subject", "lamp post")
    assert validate(stop, tmp_path, capsys, registry).endswith("no problems\n")
