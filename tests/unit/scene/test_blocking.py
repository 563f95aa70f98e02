"""Blocking: where each character is at a scene time, from marks and the paths between them."""

from __future__ import annotations

import itertools
import math

import pytest

from previz.core.blocking import (
    POSE_CHANGE,
    SETTLE,
    TURN_RATE,
    WALK_SPEED,
    blocking_problem,
    heading_of,
    parse_blocking,
)
from previz.core.cast import Character
from previz.core.scene import SceneValue

ADA, BEN = Character.new("Ada"), Character.new("Ben")


def scene(marks: list[dict]) -> SceneValue:
    assert blocking_problem(marks, [ADA.id, BEN.id]) is None
    return SceneValue("010", "", None, "day", (ADA, BEN), parse_blocking(marks))


def test_a_walk_at_a_speed_arrives_when_distance_over_speed_says():
    walk = scene([
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0},
        {"character": BEN.id, "time": 2.0, "x": 6.0, "z": 0.0, "speed": 1.5, "pose": "sit",
         "facing": 180.0},
    ])
    assert (walk.state(BEN, 1.0).x, walk.state(BEN, 1.0).pose) == (0.0, "stand")
    middle = walk.state(BEN, 4.0)  # 2 s of walking at 1.5 m/s
    assert (middle.x, middle.pose, middle.speed) == (pytest.approx(3.0), "walk", 1.5)
    assert middle.facing == pytest.approx(90.0)  # walking along +x
    there = walk.state(BEN, 6.0)  # arrives at 2 + 6/1.5 = 6 s, and turns from +x to +z
    assert (there.x, there.pose, there.facing) == (6.0, "sit", 90.0)
    assert walk.state(BEN, 6.0 + 90.0 / TURN_RATE).facing == 180.0


def test_a_walk_in_a_time_and_a_run():
    dash = scene([
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0},
        {"character": BEN.id, "time": 1.0, "x": 0.0, "z": 8.0, "travel": 2.0},
    ])
    state = dash.state(BEN, 1.5)
    assert (state.z, state.pose, state.speed) == (pytest.approx(2.0), "run", 4.0)
    assert state.facing == pytest.approx(180.0)  # running away from the camera, along +z
    # From facing the camera (0°), turned about as fast as 4 m/s is to a walk's 1.4.
    assert dash.state(BEN, 1.0 + 180.0 / (TURN_RATE * 4.0 / WALK_SPEED)).facing == 180.0
    assert 0.0 < dash.state(BEN, 1.05).facing < 180.0


def test_a_new_cue_before_arrival_sets_off_from_where_the_character_is():
    turned = scene([
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0},
        {"character": BEN.id, "time": 0.0, "x": 10.0, "z": 0.0, "speed": 1.0},
        {"character": BEN.id, "time": 4.0, "x": 4.0, "z": 3.0, "speed": 1.0},
    ])
    assert turned.state(BEN, 4.0).x == pytest.approx(4.0)
    later = turned.state(BEN, 5.5)  # 1.5 m along the 3 m leg straight up +z
    assert (later.x, later.z) == (pytest.approx(4.0), pytest.approx(1.5))


def test_look_at_turns_to_the_target_and_unblocked_characters_stand_apart():
    facing = scene([
        {"character": ADA.id, "time": 0.0, "x": 0.0, "z": 0.0, "look_at": BEN.id},
        {"character": BEN.id, "time": 0.0, "x": 2.0, "z": 2.0, "look_at": ADA.id},
    ])
    assert facing.state(ADA, 0.0).facing == pytest.approx(heading_of(2.0, 2.0))
    assert facing.state(BEN, 0.0).facing == pytest.approx(heading_of(-2.0, -2.0))
    empty = scene([])
    assert (empty.state(ADA, 3.0).x, empty.state(BEN, 3.0).x) == (0.0, 1.0)


def test_subjects_at_a_time_frame_the_named_character():
    walk = scene([
        {"character": BEN.id, "time": 0.0, "x": -4.0, "z": 0.0},
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0, "travel": 4.0},
    ])
    people = walk.subjects_at(2.0, "Ben")
    assert [(s.name, s.main) for s in people] == [("Ada", False), ("Ben", True)]
    assert people[1].x == pytest.approx(-2.0)
    assert people[1].height == BEN.height
    assert walk.subjects_at(2.0)[0].main  # default: the first of the cast


def _turns(walk: SceneValue, who, start: float, end: float, fps: int = 24) -> list[float]:
    """How far ``who`` turns from each frame to the next, in degrees (the short way)."""
    facings = [walk.state(who, start + n / fps).facing for n in range(round((end - start) * fps))]
    return [abs(math.remainder(b - a, 360.0)) for a, b in itertools.pairwise(facings)]


def test_nobody_turns_faster_than_a_person_can():
    # The example's meeting: Ben faces the sea, then sets off toward Ada, who watches him and
    # walks to meet him; each turns as they set off and again as they arrive to face the other.
    meeting = scene([
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0, "facing": 0.0},
        {"character": BEN.id, "time": 8.0, "x": -1.5, "z": 4.0, "speed": 1.5,
         "look_at": ADA.id},
        {"character": ADA.id, "time": 0.0, "x": 2.4, "z": 2.4, "look_at": BEN.id},
        {"character": ADA.id, "time": 9.0, "x": -0.4, "z": 4.3, "speed": 1.0,
         "look_at": BEN.id},
    ])
    fastest = 1.5 * TURN_RATE * 1.5 / WALK_SPEED / 24  # the ease's peak, at Ben's pace
    for who in (BEN, ADA):
        assert max(_turns(meeting, who, 0.0, 16.0)) <= fastest + 1e-9, who.name
    heading = heading_of(-1.5, 4.0)  # about -159°: nearly a half turn from the sea
    lasts = abs(heading) / (TURN_RATE * 1.5 / WALK_SPEED)  # turning into his walk
    assert meeting.state(BEN, 8.0).facing == 0.0
    assert meeting.state(BEN, 8.0 + lasts / 2).facing == pytest.approx(heading / 2)
    assert meeting.state(BEN, 8.0 + lasts).facing == pytest.approx(heading)
    # Ben arrives at 8 + 4.27/1.5 s and turns from his walk to Ada, taking his time again.
    arrives = 8.0 + math.hypot(1.5, 4.0) / 1.5
    ada = meeting.state(ADA, arrives + 0.5)
    facing_her = heading_of(ada.x + 1.5, ada.z - 4.0)
    assert meeting.state(BEN, arrives).facing == pytest.approx(heading)
    assert meeting.state(BEN, arrives + 0.5).facing == pytest.approx(facing_her)


def test_a_turn_goes_the_short_way_round_and_a_mark_on_the_spot_keeps_the_facing():
    about = scene([
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0, "facing": 170.0},
        {"character": BEN.id, "time": 1.0, "x": -0.5, "z": 3.0, "travel": 3.0},
        {"character": BEN.id, "time": 6.0, "x": -0.5, "z": 3.0, "pose": "sit"},
        {"character": BEN.id, "time": 8.0, "x": -0.5, "z": 3.0, "travel": 0.0, "facing": 90.0},
    ])
    heading = heading_of(-0.5, 3.0)  # about -171°: 19° on from 170° through 180°
    assert sum(_turns(about, BEN, 0.0, 5.0)) == pytest.approx(360.0 - 170.0 + heading)
    assert about.state(BEN, 6.5).facing == pytest.approx(heading)  # sat down as he came
    assert about.state(BEN, 6.5).pose == "sit"
    assert about.state(BEN, 8.0).facing == 90.0  # a cut in the blocking: at once


def test_a_change_of_pose_takes_its_time_from_the_cue():
    walk = scene([
        {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 0.0},
        {"character": BEN.id, "time": 1.0, "x": 2.8, "z": 0.0, "speed": 1.4},
        {"character": BEN.id, "time": 4.0, "x": 2.8, "z": 0.0, "pose": "sit"},
    ])
    starting = walk.state(BEN, 1.0 + SETTLE / 2)  # into the walk from standing
    assert (starting.pose, starting.pose_from, starting.pose_share) == (
        "walk", "stand", pytest.approx(0.5))
    stopping = walk.state(BEN, 3.0)  # arrives at 1 + 2.8/1.4 s, out of a walk at 1.4 m/s
    assert (stopping.pose, stopping.pose_from, stopping.from_speed, stopping.pose_share) == (
        "stand", "walk", 1.4, 0.0)
    assert walk.state(BEN, 3.0 + SETTLE).pose_from == ""  # settled
    sitting = walk.state(BEN, 4.0 + POSE_CHANGE / 4)
    assert (sitting.pose, sitting.pose_from, sitting.pose_share) == (
        "sit", "stand", pytest.approx(0.25))
    assert (walk.state(BEN, 5.0).pose_from, walk.state(BEN, 5.0).pose_share) == ("", 1.0)


@pytest.mark.parametrize(("marks", "says"), [
    ("x", "a list"),
    ([{"character": "nobody", "time": 0, "x": 0, "z": 0}], "no character"),
    ([{"character": ADA.id, "time": -1, "x": 0, "z": 0}], "time"),
    ([{"character": ADA.id, "time": 0, "x": math.inf, "z": 0}], "x must"),
    ([{"character": ADA.id, "time": 0, "x": 0, "z": 0, "pose": "fly"}], "pose"),
    ([{"character": ADA.id, "time": 0, "x": 0, "z": 0, "speed": 0}], "speed"),
    ([{"character": ADA.id, "time": 0, "x": 0}], "z is needed"),
    ([{"character": ADA.id, "time": 0, "x": 0, "z": 0, "mood": "sad"}], "unknown field"),
])
def test_bad_blocking_says_which_mark_and_what(marks, says):
    problem = blocking_problem(marks, [ADA.id, BEN.id])
    assert problem is not None and says in problem
