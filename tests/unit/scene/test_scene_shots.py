"""Shots on a Scene: their subjects come from the blocking at their scene time, they need no
Prompt, and editing the scene re-renders exactly the shots that use it."""

from __future__ import annotations

import pytest
from project_builders import link, make_node
from scene_builders import add_shot, bus_stop
from scene_render import feet_on_ground, layout_frame, plan_of, render

from previz.backends.draft.figures import LAYOUT_COLOURS
from previz.core.cast import Character
from previz.core.commands import History, SetParam
from previz.core.locations import Location
from previz.core.scene_commands import AddCharacter, AddLocation, EditCharacter, EditLocation
from previz.core.values import Clip
from previz.engine.problems import ProblemKind
from previz.engine.store import ClipStore

BEN_COLOUR = LAYOUT_COLOURS[1]  # the second subject: the cast comes first, in order


def test_a_shot_on_a_scene_needs_no_prompt_and_its_prompt_tells_the_scene(registry, tmp_path):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, shot_size="full", subject="Ben", scene_in=5.0)
    clip = render(stop.project, tmp_path).outputs[shot.id]
    assert isinstance(clip, Clip)
    assert clip.prompt.startswith("EXT. BUS STOP - NIGHT. A rainy suburban bus stop.")
    assert "Ada: a nurse in a red coat." in clip.prompt
    assert clip.prompt.endswith("Ben walks up to Ada.")
    ben = next(record for record in clip.provenance["subjects"] if record["name"] == "Ben")
    assert (ben["x"], ben["main"], ben["height"]) == (-1.5, True, 1.85)
    assert ben["facing"] == pytest.approx(90.0)  # at his mark, looking at Ada (along +x)


def test_a_linked_prompt_adds_to_the_scene(registry, tmp_path):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop)
    prompt = make_node(registry, "previz.prompt", text="Rain on the shelter roof.")
    stop.project.add_node(prompt)
    stop.project.add_link(link(prompt, "prompt", shot, "prompt"))
    clip = render(stop.project, tmp_path).outputs[shot.id]
    assert clip.prompt.endswith("Ben walks up to Ada. Rain on the shelter roof.")


def test_two_shots_with_overlapping_windows_see_a_character_at_one_world_place(registry,
                                                                               tmp_path):
    stop = bus_stop(registry)
    stop.project.settings.width, stop.project.settings.height = 320, 180
    wide = add_shot(registry, stop, width=320, height=180, shot_size="wide", lens=24.0,
                    subject="Ben", scene_in=2.0, duration=1.0)
    full = add_shot(registry, stop, width=320, height=180, shot_size="full", angle="high",
                    subject="Ben", scene_in=2.0, duration=0.5, shot="0020")
    later = add_shot(registry, stop, width=320, height=180, shot_size="full", subject="Ben",
                     scene_in=3.0, duration=0.5, shot="0030")
    clips = render(stop.project, tmp_path).outputs
    seen = {name: feet_on_ground(layout_frame(clips[node.id]), BEN_COLOUR, clips[node.id])
            for name, node in (("wide", wide), ("full", full), ("later", later))}
    # Ben set off from x = -6 at 1 s at 1.5 m/s: at 2 s he is at -4.5, at 3 s at -3.
    # Depth is read at a grazing angle: one pixel row of the wide spans about 0.4 m of ground.
    for name in ("wide", "full"):
        assert seen[name][0] == pytest.approx(-4.5, abs=0.15), name
        assert seen[name][2] == pytest.approx(0.0, abs=0.6), name
    assert seen["later"][0] == pytest.approx(-3.0, abs=0.15)


def test_editing_a_scene_rekeys_exactly_the_shots_that_use_it(registry, tmp_path):
    stop = bus_stop(registry)
    first = add_shot(registry, stop, subject="Ada")
    second = add_shot(registry, stop, subject="Ben", shot="0020")
    carol = Character.new("Carol")
    elsewhere = Location.new("Kitchen", setting="INT")
    history = History(stop.project)
    history.push(AddCharacter(carol))
    history.push(AddLocation(elsewhere))
    other_scene = make_node(registry, "previz.scene", number="020", location=elsewhere.id,
                            cast=[carol.id])
    stop.project.add_node(other_scene)
    other = make_node(registry, "previz.shot", width=96, height=64, duration=0.5, scene="020")
    stop.project.add_node(other)
    stop.project.add_link(link(other_scene, "scene", other, "scene"))
    prompt = make_node(registry, "previz.prompt", text="A lighthouse.")
    legacy = make_node(registry, "previz.shot", width=96, height=64, duration=0.5)
    stop.project.add_node(prompt)
    stop.project.add_node(legacy)
    stop.project.add_link(link(prompt, "prompt", legacy, "prompt"))
    store = ClipStore(tmp_path, 1 << 30)
    targets = [first.id, second.id, other.id, legacy.id]

    def keys() -> dict[str, str]:
        plan = plan_of(stop.project, store)
        assert plan.ok, [str(problem) for problem in plan.problems]
        return {node_id: plan.nodes[node_id].key for node_id in targets}

    for node in (other, legacy):
        stop.project.insert_entry(len(stop.project.timeline),
                                  type(stop.project.timeline[0])("0" * 8 + node.id[8:], node.id))
    before = keys()
    history.push(EditCharacter(stop.ada.id, {"wardrobe": ["#205080", "#202020"]}))
    after_ada = keys()
    assert {n for n in targets if after_ada[n] != before[n]} == {first.id, second.id}
    history.push(EditLocation(elsewhere.id, {"description": "a narrow galley kitchen"}))
    after_kitchen = keys()
    assert {n for n in targets if after_kitchen[n] != after_ada[n]} == {other.id}
    history.push(SetParam(stop.scene.id, "time_of_day", "dusk"))
    assert {n for n in targets if keys()[n] != after_kitchen[n]} == {first.id, second.id}
    history.push(AddCharacter(Character.new("Dora")))  # in no scene
    history.undo()
    history.undo()
    assert keys() == after_kitchen


def test_a_scene_naming_a_missing_location_or_character_is_a_problem(registry, tmp_path):
    stop = bus_stop(registry)
    add_shot(registry, stop)
    stop.project.set_param(stop.scene.id, "location", "1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    stop.project.set_param(stop.scene.id, "cast", [stop.ada.id, "nobody"])
    stop.project.set_param(stop.scene.id, "blocking", [
        {"character": stop.ben.id, "time": 0.0, "x": 0.0, "z": 0.0}])
    problems = plan_of(stop.project, ClipStore(tmp_path, 1 << 30)).problems
    found = {(p.kind, p.port): p.message for p in problems}
    assert "no location '1b4e28ba" in found[(ProblemKind.BAD_PARAM, "location")]
    assert "no character 'nobody'" in found[(ProblemKind.BAD_PARAM, "cast")]
    stop.project.set_param(stop.scene.id, "location", stop.location.id)
    stop.project.set_param(stop.scene.id, "cast", [stop.ada.id])
    problems = plan_of(stop.project, ClipStore(tmp_path, 1 << 30)).problems
    assert [p.message for p in problems] == ["mark 1 is for a character not in the cast"]


def test_framing_a_character_the_scene_lacks_fails_the_shot_with_its_name(registry, tmp_path):
    stop = bus_stop(registry)
    shot = add_shot(registry, stop, subject="Zed")
    with pytest.raises(AssertionError, match="no character 'Zed'"):
        render(stop.project, tmp_path)
    assert shot.id in stop.project.nodes


def test_the_time_of_day_reaches_the_draft_sky(registry, tmp_path):
    skies = {}
    for time_of_day in ("day", "night"):
        stop = bus_stop(registry)
        stop.project.set_param(stop.scene.id, "time_of_day", time_of_day)
        shot = add_shot(registry, stop, shot_size="full", subject="Ada")
        clip = render(stop.project, tmp_path / time_of_day).outputs[shot.id]
        frame = ClipStore(tmp_path / time_of_day, 1 << 30).frame(clip, 0)
        skies[time_of_day] = float(frame[: frame.shape[0] // 6].mean())
        assert f"EXT. BUS STOP - {time_of_day.upper()}." in clip.prompt
    assert skies["night"] < 0.5 * skies["day"]
