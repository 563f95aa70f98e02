"""The floor plan's geometry: footprints, figures, marks, paths and field-of-view wedges in
metres, measured against the cameras the draft actually rendered with."""

from __future__ import annotations

import math

import pytest
from project_builders import link, make_node
from scene_builders import add_shot, bus_stop
from scene_render import plan_of, render

from previz.core.camera import CameraPath, used_gate
from previz.core.floor_plan import (
    PlanPoint,
    facing_towards,
    floor_plan,
    snapped,
    swing_side,
    turned,
)
from previz.core.scene import scene_from_params
from previz.core.shot_camera import ShotSetup, camera_at, scene_shots
from previz.engine.store import ClipStore


def plan_setup(stop, tmp_path):
    plan = plan_of(stop.project, ClipStore(tmp_path / "plan", 1 << 30))
    assert plan.ok, [str(problem) for problem in plan.problems]
    resolved = {node_id: node.params for node_id, node in plan.nodes.items()}
    scene = scene_from_params(resolved[stop.scene.id])
    return scene, scene_shots(stop.project, resolved, stop.scene.id)


def bearing(apex: PlanPoint, point: PlanPoint) -> float:
    return math.degrees(math.atan2(point.x - apex.x, point.z - apex.z))


def three_shots(registry, stop):
    """The bus stop's coverage: a 24 mm wide with a slow push-in, a 50 mm medium on Ben from
    his right, an 85 mm close-up on Ada placed at the frame's top third."""
    wide = add_shot(registry, stop, shot="0010", shot_size="wide", lens=24.0, duration=2.0,
                    width=128, height=72)
    push = make_node(registry, "previz.camera_move", move="dolly", amount=1.5, start=0.0,
                     end=1.0, easing="linear")
    stop.project.add_node(push)
    stop.project.add_link(link(push, "moves", wide, "camera"))
    medium = add_shot(registry, stop, shot="0020", shot_size="medium", lens=50.0,
                      subject="Ben", side=40.0, scene_in=1.0, duration=1.0)
    close = add_shot(registry, stop, shot="0030", shot_size="close_up", lens=85.0,
                     subject="Ada", scene_in=2.0, duration=1.0, width=64, height=96)
    return wide, medium, close


def test_each_wedge_is_the_rendered_camera_and_its_horizontal_field_of_view(registry,
                                                                            tmp_path):
    stop = bus_stop(registry)
    shots = three_shots(registry, stop)
    result = render(stop.project, tmp_path / "render")
    scene, setups = plan_setup(stop, tmp_path)
    assert [setup.number for setup in setups] == ["0010", "0020", "0030"]
    for shot, setup in zip(shots, setups, strict=True):
        path = CameraPath.from_json(result.outputs[shot.id].camera)
        gate = used_gate(path.sensor, path.width, path.height)
        for index in (0, path.frame_count // 2, path.frame_count - 1):
            time = setup.scene_in + index / float(24)
            wedge = floor_plan(scene, setups, time, selected=shot.id).cameras[setups.index(setup)]
            expected_fov = math.degrees(2 * math.atan(gate.width_mm / (2 * path.focal_mm[index])))
            assert abs(wedge.fov - expected_fov) < 0.5
            edges = bearing(wedge.apex, wedge.right) - bearing(wedge.apex, wedge.left)
            assert abs(math.remainder(edges, 360.0) - expected_fov) < 0.5
            position = path.position[index]
            assert wedge.apex.distance(PlanPoint(position[0], position[2])) < 0.01
            assert wedge.height == pytest.approx(position[1], abs=0.01)
            assert wedge.selected and wedge.live
    # the push-in: the wide's apex moved 1.5 m toward its subject over the shot
    first = floor_plan(scene, setups, 0.0).cameras[0]
    last = floor_plan(scene, setups, 2.0).cameras[0]
    assert first.apex.distance(last.apex) == pytest.approx(1.5, abs=0.01)


def test_a_portrait_frame_uses_the_narrow_gate(registry, tmp_path):
    stop = bus_stop(registry)
    add_shot(registry, stop, shot="0030", shot_size="close_up", lens=85.0, width=64, height=96)
    scene, setups = plan_setup(stop, tmp_path)
    wedge = floor_plan(scene, setups, 0.0).cameras[0]
    # 2:3 on Super 35 uses 18.66 x 2/3 = 12.44 mm of the sensor's width
    assert wedge.fov == pytest.approx(math.degrees(2 * math.atan(12.44 / 170.0)), abs=0.01)


def test_footprints_figures_marks_and_paths_at_a_scene_time(registry, tmp_path):
    stop = bus_stop(registry)
    add_shot(registry, stop)
    scene, setups = plan_setup(stop, tmp_path)
    plan = floor_plan(scene, setups, 2.0)
    shelter, lamp = plan.footprints
    assert lamp.kind == "lamp_post" and lamp.width == pytest.approx(0.25)
    assert shelter.kind == "bus_shelter" and shelter.centre == PlanPoint(0.0, 2.0)
    xs = sorted(corner.x for corner in shelter.corners)
    zs = sorted(corner.z for corner in shelter.corners)
    assert (xs[0], xs[-1], zs[0], zs[-1]) == pytest.approx((-1.75, 1.75, 1.25, 2.75))
    ada, ben = plan.figures
    assert ada.name == "Ada" and ada.colour == "#a03030"
    assert ada.arrow_tip.z < ada.position.z  # facing 0 looks toward -z
    # Ben set off at 1 s from x=-6 at 1.5 m/s: at 2 s he is 1.5 m along
    assert ben.position.x == pytest.approx(-4.5) and ben.pose == "walk"
    assert ben.arrow_tip.x > ben.position.x  # walking along +x
    width = max(p.x for p in ben.outline) - min(p.x for p in ben.outline)
    depth = max(p.z for p in ben.outline) - min(p.z for p in ben.outline)
    assert width < depth  # shoulders across his path: seen walking along +x, wide in z
    assert [(m.character_id, m.label) for m in plan.marks] == [
        (stop.ada.id, "1 @ 0s"), (stop.ben.id, "1 @ 0s"), (stop.ben.id, "2 @ 1s")]
    assert [m.order for m in plan.marks] == [0, 1, 2]
    (path,) = plan.paths
    assert path.character_id == stop.ben.id
    assert path.points == (PlanPoint(-6.0, 0.0), PlanPoint(-1.5, 0.0))
    low, high = plan.bounds(margin=0.0)
    assert low.x <= -6.0 and high.x >= 3.125


def test_a_shot_that_cannot_be_framed_is_named_not_drawn(registry, tmp_path):
    stop = bus_stop(registry)
    add_shot(registry, stop, subject="Nobody")
    plan = plan_of(stop.project, ClipStore(tmp_path, 1 << 30))
    resolved = {node_id: node.params for node_id, node in plan.nodes.items()}
    scene = scene_from_params(resolved[stop.scene.id])
    drawn = floor_plan(scene, scene_shots(stop.project, resolved, stop.scene.id), 0.0)
    assert drawn.cameras == ()
    assert drawn.problems == ("shot 0010: scene 010 has no character 'Nobody' to frame",)


def test_a_placed_camera_stands_where_it_is_put(registry, tmp_path):
    stop = bus_stop(registry)
    add_shot(registry, stop)
    scene, (setup,) = plan_setup(stop, tmp_path)
    placed = ShotSetup(setup.node_id, {**setup.params, "placed": True, "camera_x": 2.0,
                                       "camera_z": -5.0, "camera_height": 1.2, "pan": -20.0,
                                       "tilt": 5.0, "roll": 0.0})
    camera = camera_at(scene, placed, 0.0)
    assert list(camera.pose.position) == pytest.approx([2.0, 1.2, -5.0])
    assert camera.pose.yaw_deg == pytest.approx(-20.0)
    assert camera.pose.pitch_deg == pytest.approx(5.0)
    wedge = floor_plan(scene, [placed], 0.0).cameras[0]
    assert wedge.placed and wedge.heading == pytest.approx(-20.0)


def test_swinging_a_framed_camera_changes_its_side_by_the_angle_swept(registry, tmp_path):
    stop = bus_stop(registry, [])
    add_shot(registry, stop, subject="Ada", shot_size="medium")
    scene, (setup,) = plan_setup(stop, tmp_path)
    wedge = floor_plan(scene, [setup], 0.0).cameras[0]
    radius = wedge.apex.distance(wedge.pivot)
    # a quarter turn counter-clockwise seen from above, from the front (-z) to +x
    side = swing_side(wedge, PlanPoint(wedge.pivot.x + radius, wedge.pivot.z))
    assert side == pytest.approx(90.0)
    swung = ShotSetup(setup.node_id, {**setup.params, "side": side})
    moved = floor_plan(scene, [swung], 0.0).cameras[0]
    assert moved.apex.x == pytest.approx(wedge.pivot.x + radius, abs=0.01)
    assert moved.apex.z == pytest.approx(wedge.pivot.z, abs=0.01)


def test_turning_snapping_and_facing(registry):
    assert turned(0.0, -1.0, 90.0) == PlanPoint(pytest.approx(1.0), pytest.approx(0.0))
    assert snapped(PlanPoint(1.26, -0.74), 0.5) == PlanPoint(1.5, -0.5)
    assert facing_towards(PlanPoint(0, 0), PlanPoint(1, 0)) == pytest.approx(90.0)
    assert facing_towards(PlanPoint(0, 0), PlanPoint(0, -1)) == pytest.approx(0.0)
