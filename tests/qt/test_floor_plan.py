"""The Floor Plan dock in the real window, driven by the mouse: a drag moves things in the
document as one undo step, redraws the live view while it goes on and re-renders exactly the
scene's shots when it ends; a placed camera is moved, a framed one swung round its subject."""

from __future__ import annotations

import pytest
from floor_plan_driving import drag, show_plan_of
from project_builders import entry, link, make_node
from PySide6.QtCore import Qt
from scene_builders import add_shot, bus_stop

from previz._qt.floor_plan.qt_plan_items import PlanTarget
from previz._qt.timeline import qt_timeline
from previz.app.cut import build_cut
from previz.core.camera import CameraPath
from previz.core.floor_plan import PlanPoint
from previz.core.values import Clip


def facing_each_other(stop) -> list[dict]:
    return [
        {"character": stop.ada.id, "time": 0.0, "x": -1.0, "z": 0.0, "look_at": stop.ben.id},
        {"character": stop.ben.id, "time": 0.0, "x": 1.0, "z": 0.0, "look_at": stop.ada.id},
    ]


def shots_rendered(result) -> set[str]:
    return {node_id for node_id, value in result.outputs.items() if isinstance(value, Clip)}


def test_dragging_a_character_moves_it_as_one_step_live_then_renders_the_scene(
        window, qtbot, registry, run):
    stop = bus_stop(registry)
    wide = add_shot(registry, stop, name="Wide", shot_size="wide", lens=24.0)
    close = add_shot(registry, stop, name="Ada", shot="0020", subject="Ada", lens=85.0,
                     shot_size="close_up")
    other = bus_stop(registry)  # a second scene, with its own shot, in the same project
    for item in (other.ada, other.ben):
        stop.project.put_character(item)
    stop.project.put_location(other.location)
    stop.project.add_node(other.scene)
    elsewhere = make_node(registry, "previz.shot", name="Elsewhere", shot="0030", width=96,
                          height=64, duration=0.5, fps="24")
    stop.project.add_node(elsewhere)
    stop.project.add_link(link(other.scene, "scene", elsewhere, "scene"))
    stop.project.insert_entry(len(stop.project.timeline), entry(elsewhere))

    plan = show_plan_of(window, qtbot, stop.project, close.id)
    assert plan.scene_id == stop.scene.id
    assert {camera.number for camera in plan.plan.cameras} == {"0010", "0020"}
    assert [c.number for c in plan.plan.cameras if c.selected] == ["0020"]
    stack = window.document.undo_stack
    drawn_before = window.live_view.drawn

    drag(plan, PlanTarget("figure", stop.ada.id), PlanPoint(2.0, -1.0), qtbot=qtbot)

    ada_mark = window.document.project.nodes[stop.scene.id].params["blocking"][0]
    assert (ada_mark["x"], ada_mark["z"]) == (2.0, -1.0)  # snapped to the grid
    assert stack.count() == 1 and stack.undoText() == "Set blocking"
    assert window.live_view.drawn > drawn_before  # redrawn while the drag went on
    assert window.scene_renders.requested == [[wide.id, close.id]]
    result = run(window.queue.wait())
    assert shots_rendered(result) == {wide.id, close.id}  # exactly this scene's shots
    assert not window.viewer.live  # the full render replaced the live frame

    stack.undo()
    restored = window.document.project.nodes[stop.scene.id].params["blocking"][0]
    assert (restored["x"], restored["z"]) == (0.0, 0.0)

    def ada_on_plan() -> PlanPoint:
        return next(f.position for f in plan.plan.figures if f.character_id == stop.ada.id)

    qtbot.waitUntil(lambda: ada_on_plan() == PlanPoint(0.0, 0.0))  # redrawn from the document


def test_shift_turns_snapping_off_and_a_handle_turns_a_character(window, qtbot, registry,
                                                                    run):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, subject="Ada")
    plan = show_plan_of(window, qtbot, stop.project, shot.id)
    drag(plan, PlanTarget("figure", stop.ada.id), PlanPoint(1.13, 0.61),
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    mark = window.document.project.nodes[stop.scene.id].params["blocking"][0]
    assert mark["x"] == pytest.approx(1.13, abs=0.05) and mark["x"] != 1.25
    assert mark["z"] == pytest.approx(0.61, abs=0.05) and mark["z"] != 0.5
    run(window.queue.wait())
    # the facing arrow's tip turns her: drag it to her right (+x) and she faces 90°
    here = PlanPoint(mark["x"], mark["z"])
    drag(plan, PlanTarget("figure_turn", stop.ada.id), PlanPoint(here.x + 1.0, here.z))
    turned = window.document.project.nodes[stop.scene.id].params["blocking"][0]
    assert turned["facing"] == pytest.approx(90.0)
    assert window.document.undo_stack.count() == 2
    run(window.queue.wait())


def test_dragging_a_placed_camera_changes_its_shots_framing(window, qtbot, registry, run):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, placed=True, camera_x=0.0, camera_z=-5.0,
                    camera_height=1.5, pan=0.0)
    plan = show_plan_of(window, qtbot, stop.project, shot.id)
    (camera,) = plan.plan.cameras
    assert camera.placed and camera.apex == PlanPoint(0.0, -5.0)
    drag(plan, PlanTarget("camera", shot.id), PlanPoint(-2.0, -4.0), qtbot=qtbot)
    params = window.document.project.nodes[shot.id].params
    assert (params["camera_x"], params["camera_z"]) == (-2.0, -4.0)
    assert window.document.undo_stack.count() == 1
    clip = run(window.queue.wait()).outputs[shot.id]
    position = CameraPath.from_json(clip.camera).position[0]
    assert list(position) == pytest.approx([-2.0, 1.5, -4.0])  # the render stands there
    drag(plan, PlanTarget("camera_turn", shot.id), PlanPoint(0.0, -2.0))  # aim right-ish
    assert window.document.project.nodes[shot.id].params["pan"] == pytest.approx(45.0)
    run(window.queue.wait())


def test_swinging_a_framed_camera_past_the_line_raises_the_continuity_badge(
        window, qtbot, registry, run):
    stop = bus_stop(registry, [])
    stop.project.set_param(stop.scene.id, "blocking", facing_each_other(stop))
    ada = add_shot(registry, stop, name="Ada", subject="Ada", shot_size="medium_close_up")
    ben = add_shot(registry, stop, name="Ben", shot="0020", subject="Ben",
                   shot_size="medium_close_up")
    plan = show_plan_of(window, qtbot, stop.project, ben.id)
    wedge = next(c for c in plan.plan.cameras if c.node_id == ben.id)
    radius = wedge.apex.distance(wedge.pivot)
    # carry Ben's camera round him to the far side of the line (+z), behind Ada's camera's side
    drag(plan, PlanTarget("camera", ben.id),
         PlanPoint(wedge.pivot.x, wedge.pivot.z + radius), steps=12, qtbot=qtbot)
    side = window.document.project.nodes[ben.id].params["side"]
    assert abs(side) == pytest.approx(180.0)
    assert window.document.undo_stack.count() == 1
    run(window.queue.wait())
    for node in (ada, ben):
        item = window.editor.graph_scene.node_item(node.id)
        assert "continuity" in [badge.text for badge in item.badges.badges()]
        assert "crosses the 180° line between Ada and Ben" in item.toolTip()
    window.document.undo_stack.undo()  # back on Ada's side of the line: the badges go
    window.scene_renders.render([ada.id, ben.id])
    run(window.queue.wait())
    for node in (ada, ben):
        item = window.editor.graph_scene.node_item(node.id)
        assert "continuity" not in [badge.text for badge in item.badges.badges()]


def test_marks_and_set_pieces_drag_for_this_scene_and_the_plan_zooms_and_pans(
        window, qtbot, registry, run):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, subject="Ben")
    plan = show_plan_of(window, qtbot, stop.project, shot.id)
    drag(plan, PlanTarget("mark", "2"), PlanPoint(-2.0, 1.0))  # Ben's second mark: his path
    blocking = window.document.project.nodes[stop.scene.id].params["blocking"]
    assert (blocking[2]["x"], blocking[2]["z"]) == (-2.0, 1.0)
    run(window.queue.wait())
    lamp = next(p for p in plan.plan.footprints if p.kind == "lamp_post")
    drag(plan, PlanTarget("piece", lamp.piece_id), PlanPoint(4.0, 2.0))
    moved = window.document.project.nodes[stop.scene.id].params["blocking"][-1]
    assert moved == {"piece": lamp.piece_id, "x": 4.0, "z": 2.0}  # moved for this scene only
    assert window.document.project.locations[stop.location.id].piece(lamp.piece_id).x == 3.0
    qtbot.waitUntil(lambda: next(p for p in plan.plan.footprints
                                 if p.piece_id == lamp.piece_id).moved)
    assert window.document.undo_stack.count() == 2
    run(window.queue.wait())
    zoom = plan.view.zoom
    plan.view.zoom_by(1.5)
    assert plan.view.zoom == pytest.approx(zoom * 1.5)
    before = plan.view.ground_at(plan.view.viewport().rect().center().toPointF())
    plan.view.pan_by(100, 0)  # the content follows the hand to the right
    after = plan.view.ground_at(plan.view.viewport().rect().center().toPointF())
    assert after.x < before.x


def test_the_timeline_compiles_the_cut_once_when_a_drag_ends_not_on_every_move(
        window, qtbot, registry, monkeypatch):
    stop = bus_stop(registry)
    close = add_shot(registry, stop, name="Ada", subject="Ada", lens=85.0)
    plan = show_plan_of(window, qtbot, stop.project, close.id)
    window.queue.render = lambda *args, **kwargs: None  # the drag's render is not the point
    builds: list[bool] = []  # for each compile of the cut: whether a drag was going on

    def counted(*args, **kwargs):
        builds.append(plan.drag is not None)
        return build_cut(*args, **kwargs)

    monkeypatch.setattr(qt_timeline, "build_cut", counted)
    drag(plan, PlanTarget("figure", stop.ada.id), PlanPoint(2.0, -1.0), steps=6, qtbot=qtbot)
    qtbot.wait(20)
    assert window.document.undo_stack.count() == 1  # the drag edited the project
    assert builds and not any(builds)  # none while dragging, then the cut caught up
    assert len(builds) == 1
