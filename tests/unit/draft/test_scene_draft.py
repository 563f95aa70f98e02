"""The draft shows the scene: walks whose stride matches the path speed and that move within a
shot, heads turned to their look-at target, child and seated figures framed by their own
landmarks, set pieces drawn as what they are, and a night exterior dark but for its lamps."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from fractions import Fraction

import cv2
import numpy as np
import pytest

from previz.backends.draft.backend import DraftBackend, scene_for
from previz.backends.draft.drawables import _FaceTable
from previz.backends.draft.geometry import NEAR, View, clip_near, cv_points
from previz.backends.draft.lighting import Lighting, Practical
from previz.backends.draft.pose import COLOURS
from previz.backends.draft.renderer import DraftRenderer
from previz.backends.draft.skeleton import INDEX, skeleton, skeletons
from previz.core.blocking import heading_of, parse_blocking
from previz.core.camera import ShotCamera, camera_path
from previz.core.cast import Character
from previz.core.locations import Location, SetPiece
from previz.core.scene import SceneValue
from previz.core.subjects import Subject
from previz.core.values import MoveValue
from previz.engine.backend import CancelToken, RenderRequest

W, H = 640, 360
ANN = Character("8a4a1d2e-0000-4c8a-9a0f-3f6a1d2b7c01", "Ann", height=1.7,
                wardrobe=("#a03030", "#202830"))
BEN = Character("8a4a1d2e-0000-4c8a-9a0f-3f6a1d2b7c02", "Ben", height=1.85, build="broad")


def _scene(marks: list[dict], pieces: tuple[SetPiece, ...] = (), time_of_day: str = "day",
           cast: tuple[Character, ...] = (ANN, BEN)) -> SceneValue:
    location = Location("8a4a1d2e-0000-4c8a-9a0f-3f6a1d2b7c09", "Quay", set_pieces=pieces)
    return SceneValue("1", "", location, time_of_day, cast, parse_blocking(marks))


def _walk(speed: float) -> SceneValue:
    return _scene([{"character": ANN.id, "time": 0.0, "x": -10.0, "z": 0.0},
                   {"character": ANN.id, "time": 0.0, "x": 10.0, "z": 0.0, "speed": speed},
                   {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 4.0}])


def _render(scene: SceneValue, main: str, start: float, frames: int, mode: str, *,
            size: str = "wide", lens: float = 24.0, width: int = W,
            height: int = H) -> tuple[list[np.ndarray], list[View]]:
    subjects = scene.subjects_at(start, main)
    framed = next(subject for subject in subjects if subject.main)
    path = camera_path(ShotCamera(framed, size, "eye", lens, "super35", width, height), (),
                       frames)
    request = RenderRequest(prompt="", width=width, height=height, frame_count=frames,
                            fps=Fraction(24), seed=0, camera=path, subjects=subjects,
                            mode=mode, scene=scene, scene_time=start)
    views = [View(path.K[i], path.world_to_camera[i], width, height) for i in range(frames)]
    return list(DraftBackend().generate(request, lambda *_: None, CancelToken())), views


def _footfalls(scene: SceneValue, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Times and ground places where ``side``'s ankle comes to rest, sampled at 480 Hz."""
    times = np.arange(0.5, 6.0, 1 / 480)
    places = np.array([skeleton(scene.subjects_at(t, "Ann")[0])[f"{side}_ankle"][[0, 2]]
                       for t in times])
    still = np.linalg.norm(np.diff(places, axis=0), axis=1) * 480 < 0.02
    landing = np.flatnonzero(still[1:] & ~still[:-1]) + 1
    return times[landing], places[landing]


@pytest.mark.parametrize("speed", [0.8, 1.4, 2.0, 3.5])
def test_stride_length_times_cadence_is_the_path_speed(speed: float) -> None:
    scene = _walk(speed)
    for side in ("l", "r"):
        times, places = _footfalls(scene, side)
        assert len(times) >= 3, "the foot never rests: it is not planted"
        stride = float(np.mean(np.linalg.norm(np.diff(places, axis=0), axis=1)))
        cadence = 1.0 / float(np.mean(np.diff(times)))  # strides a second
        assert stride * cadence == pytest.approx(speed, rel=0.05)
        assert 0.3 * ANN.height < stride < 1.6 * ANN.height  # a stride a person can take


def test_a_walk_moves_within_one_shot_to_the_blocked_place() -> None:
    scene = _walk(1.4)
    frames, views = _render(scene, "Ben", 6.0, 25, "pose")
    seen = []
    for index in (0, 24):
        time = 6.0 + index / 24
        neck = skeleton(scene.subjects_at(time, "Ben")[0])["neck"]  # Ann's, walking
        expected = views[index].project(neck[None])[0]
        mask = np.all(frames[index] == COLOURS[INDEX["neck"]], axis=2).astype(np.uint8)
        _, _, _, centres = cv2.connectedComponentsWithStats(mask)
        found = min(centres[1:] + 0.5, key=lambda c: np.linalg.norm(c - expected))
        assert np.linalg.norm(found - expected) < 2.0, index
        seen.append(found)
    assert seen[1][0] - seen[0][0] > 20  # she walked a metre and more across the frame
    assert scene.subjects_at(7.0, "Ben")[0].x - scene.subjects_at(6.0, "Ben")[0].x == \
        pytest.approx(1.4)


def test_a_head_turns_to_its_look_at_target() -> None:
    scene = _scene([{"character": ANN.id, "time": 0.0, "x": 0.0, "z": 0.0, "facing": 0.0,
                     "look_at": BEN.id},
                    {"character": BEN.id, "time": 0.0, "x": 2.0, "z": -1.5}])
    ann = scene.subjects_at(0.0, "Ann")[0]
    bones = skeleton(ann)
    gaze = bones["nose"] - bones["head"]
    target = heading_of(2.0, -1.5)  # 53° to her left, toward the camera's right
    assert heading_of(gaze[0], gaze[2]) == pytest.approx(target, abs=0.5)
    assert ann.facing == pytest.approx(0.0)  # her body stays on its mark's facing
    shoulders = bones["l_shoulder"] - bones["r_shoulder"]
    assert shoulders[2] == pytest.approx(0.0, abs=1e-9)  # square to the camera still


def test_a_walker_looks_at_someone_over_the_shoulder_as_far_as_a_neck_turns() -> None:
    scene = _scene([{"character": ANN.id, "time": 0.0, "x": -5.0, "z": 0.0},
                    {"character": ANN.id, "time": 0.0, "x": 5.0, "z": 0.0, "look_at": BEN.id},
                    {"character": BEN.id, "time": 0.0, "x": -8.0, "z": 0.0}])
    ann = scene.subjects_at(1.0, "Ann")[0]  # walking along +x, Ben right behind her
    bones = skeleton(ann)
    gaze = bones["nose"] - bones["head"]
    turned = math.remainder(heading_of(gaze[0], gaze[2]) - ann.facing, 360.0)
    assert abs(turned) == pytest.approx(80.0, abs=0.5)


def test_a_head_turns_across_the_front_as_the_body_turns_past_its_target() -> None:
    """Ann faces the camera with Ben behind her right shoulder, then sets off away from him
    and watches him as she goes: her body turns left past the line to him. Her head comes
    round from straight ahead to over her left shoulder while the body turns, never through
    the back of her neck: before, it flipped from one shoulder to the other in one frame."""
    scene = _scene([
        {"character": ANN.id, "time": 0.0, "x": 0.0, "z": 0.0, "facing": 0.0},
        {"character": ANN.id, "time": 1.0, "x": -1.5, "z": 4.0, "speed": 1.5,
         "look_at": BEN.id},
        {"character": BEN.id, "time": 0.0, "x": 2.4, "z": 2.4},
    ])
    gazes, turns = [], []
    for n in range(48):
        ann = scene.subjects_at(0.9 + n / 24, "Ann")[0]
        bones = skeleton(ann)
        gaze = bones["nose"] - bones["head"]
        gazes.append(heading_of(gaze[0], gaze[2]))
        turns.append(math.remainder(gazes[-1] - ann.facing, 360.0))
    assert max(abs(turn) for turn in turns) <= 80.0 + 1e-6
    steps = [abs(math.remainder(b - a, 360.0)) for a, b in itertools.pairwise(gazes)]
    assert max(steps) < 40.0, max(steps)  # her body turns 28° a frame at the most
    assert max(abs(b - a) for a, b in itertools.pairwise(turns)) < 30.0
    assert turns[0] == pytest.approx(0.0) and turns[-1] < -60.0  # over her left shoulder


def test_nobody_jumps_into_a_new_pose() -> None:
    """Ann faces the camera, sets off along +x at 1.4 m/s, stops, sits and gets up again: from
    one frame to the next no joint moves further than a brisk walk's swinging foot does (15
    cm), not as she sets off, stops, sits down or gets up. Before, each of those was a jump of
    35 to 39 cm in one frame."""
    scene = _scene([
        {"character": ANN.id, "time": 0.0, "x": 0.0, "z": 0.0},
        {"character": ANN.id, "time": 1.0, "x": 4.2, "z": 0.0, "speed": 1.4},
        {"character": ANN.id, "time": 5.0, "x": 4.2, "z": 0.0, "pose": "sit"},
        {"character": ANN.id, "time": 7.0, "x": 4.2, "z": 0.0, "pose": "stand"},
    ])
    frames = [skeleton(scene.subjects_at(n / 24, "Ann")[0]).joints for n in range(9 * 24)]
    moves = [float(np.linalg.norm(b - a, axis=1).max()) for a, b in itertools.pairwise(frames)]
    assert max(moves) <= 0.2, [(n / 24, round(m, 3)) for n, m in enumerate(moves) if m > 0.2]
    seated = skeleton(scene.subjects_at(6.0, "Ann")[0])["pelvis"][1]
    standing = skeleton(scene.subjects_at(4.5, "Ann")[0])["pelvis"][1]
    halfway = skeleton(scene.subjects_at(5.4, "Ann")[0])["pelvis"][1]  # half of 0.8 s
    assert halfway == pytest.approx((seated + standing) / 2)
    # Her bones keep their lengths all the way down and up: a thigh or a forearm does not
    # shrink (the swung arm's forearm and the hanging one's differ by 2.4 mm).
    lengths = [[float(np.linalg.norm(bones[INDEX[f"{side}_{b}"]] - bones[INDEX[f"{side}_{a}"]]))
                for side in "lr" for a, b in (("hip", "knee"), ("knee", "ankle"),
                                              ("shoulder", "elbow"), ("elbow", "wrist"))]
               for bones in frames]
    assert np.ptp(np.array(lengths), axis=0).max() < 0.005


def test_people_posed_together_are_each_posed_as_alone() -> None:
    """A frame poses everyone at once: walkers of different heights, strides and phases
    among people standing, seated, pointing, lying, looking aside, stopping, setting off and
    getting up each get their own feet, arms and head, as when posed alone."""
    crowd = [Subject(f"P{number}", "person", 1.5 + 0.1 * number, number - 3.0, 0.5 * number,
                     30.0 * number - 90.0, number == 0, pose=pose, speed=speed,
                     walked=1.7 * number, look=look,
                     build=("slight", "average", "broad")[number % 3])
             for number, (pose, speed, look) in enumerate([
                 ("walk", 1.4, None), ("sit", 0.0, None), ("run", 3.5, 40.0),
                 ("walk", 0.9, -70.0), ("point", 0.0, 20.0), ("lie", 0.0, None),
                 ("walk", 1.2, None), ("stand", 0.0, 100.0)])]
    crowd += [replace(crowd[0], name="Stopping", pose="stand", speed=0.0, pose_from="walk",
                      from_speed=1.4, pose_share=0.4),
              replace(crowd[6], name="Setting off", pose_from="stand", pose_share=0.7),
              replace(crowd[1], name="Getting up", pose="stand", pose_from="sit",
                      pose_share=0.2)]
    together = skeletons(crowd)
    for subject, bones in zip(crowd, together, strict=True):
        assert np.array_equal(bones.joints, skeleton(subject).joints), subject.name


def _eye_line(frame: np.ndarray) -> float:
    """The row through the eyes: the middle of the two largest dark warm patches."""
    pixels = frame.astype(int)
    eyes = (pixels.sum(axis=2) < 195) & (pixels[:, :, 0] > pixels[:, :, 2] + 5)
    count, _, stats, _ = cv2.connectedComponentsWithStats(eyes.astype(np.uint8))
    assert count > 1, "no eyes in the picture"
    largest = stats[1:][np.argsort(stats[1:, cv2.CC_STAT_AREA])[::-1][:2]]
    return float(np.mean(largest[:, cv2.CC_STAT_TOP] + largest[:, cv2.CC_STAT_HEIGHT] / 2))


@pytest.mark.parametrize("who", ["child", "seated"])
@pytest.mark.parametrize("size", ["close_up", "medium_close_up"])
def test_child_and_seated_figures_are_framed_by_their_own_eyes(who: str, size: str) -> None:
    subject = (Subject("Dot", height=1.1, figure="child", main=True) if who == "child"
               else Subject("Cy", height=1.75, pose="sit", main=True))
    path = camera_path(ShotCamera(subject, size, "eye", 50.0, "super35", W, H), (), 1)
    request = RenderRequest(prompt="", width=W, height=H, frame_count=1, fps=Fraction(24),
                            seed=0, camera=path, subjects=(subject,))
    frame = next(DraftBackend().generate(request, lambda *_: None, CancelToken()))
    assert abs(_eye_line(frame) / H - 1 / 3) < 0.02
    if who == "seated":  # the camera comes down to the seated eye line, not a standing one
        assert path.pose(0).position[1] < 0.75 * 1.75


def _piece_view(piece: SetPiece) -> tuple[np.ndarray, View]:
    scene = _scene([], (piece,), cast=())
    frames, views = _render(scene, piece.name, 0.0, 1, "layout", size="full", lens=35.0)
    return frames[0], views[0]


def test_a_lamp_post_is_a_pole_not_a_slab() -> None:
    post = SetPiece.of_kind("lamp_post", "lamp post")
    frame, view = _piece_view(post)
    drawn = np.abs(frame.astype(int) - (64, 64, 64)).max(axis=2) > 30
    drawn &= frame.any(axis=2)  # not the sky
    row = int(view.project(np.array([[0.0, 2.0, 0.0]]))[0, 1])
    width = np.count_nonzero(drawn[row])
    depth = view.to_camera(np.array([[0.0, 2.0, 0.0]]))[0, 2]
    pole = 0.35 * post.width * view.K[0, 0] / depth
    assert width == pytest.approx(pole, abs=2.0)  # the pole's width, not the 0.25 m base's
    lamp = int(view.project(np.array([[0.42, post.height - 0.32, 0.0]]))[0, 1])
    assert np.count_nonzero(drawn[lamp]) > 3 * pole  # the lamp hangs out from the pole


def test_a_car_has_wheels_and_glass() -> None:
    car = SetPiece.of_kind("car", "car", rotation=90.0)
    frame, _ = _piece_view(car)
    colours = {tuple(c) for c in frame.reshape(-1, 3)[::7]}
    preview_frames, _ = _render(_scene([], (car,), cast=()), "car", 0.0, 1, "preview",
                                size="full", lens=35.0)
    tyre = np.abs(preview_frames[0].astype(int) - (18, 18, 20)).max(axis=2) < 16
    assert tyre.sum() > 200  # dark wheels under the body
    assert len(colours) > 2


def test_a_night_exterior_is_dark_but_for_its_lamps() -> None:
    pieces = (SetPiece.of_kind("lamp_post", "lamp", x=0.0, z=4.0),
              SetPiece.of_kind("lamp_post", "far lamp", x=9.0, z=14.0))
    scene = _scene([{"character": ANN.id, "time": 0.0, "x": -3.0, "z": 0.0},
                    {"character": BEN.id, "time": 0.0, "x": 3.0, "z": 6.0}], pieces, "night")
    frames, views = _render(scene, "Ann", 0.0, 1, "preview", size="wide", lens=18.0,
                            width=960, height=540)
    frame, view = frames[0], views[0]
    ground = _ground_points(view)
    near = np.full(ground.shape[:2], np.inf)
    for piece in pieces:
        lamp_height = piece.height - 0.32
        distance = np.linalg.norm(ground - np.array([piece.x, piece.z]), axis=2)
        near = np.minimum(near, distance / lamp_height)
    brightness = frame.astype(float).mean(axis=2)
    inside, outside = near < 0.5, near > 1.5  # within half the lamp's height of its foot
    assert inside.sum() > 2000 and outside.sum() > 0.5 * frame.shape[0] * frame.shape[1]
    dark = brightness[outside].mean()
    assert dark < 0.15 * 255
    assert brightness[inside].mean() > 2 * dark


def test_a_face_cut_at_the_lens_keeps_its_own_colour_and_subject() -> None:
    """A camera stands beside a wall, looking along it past Ann: the wall's near side and
    top reach behind the lens and are cut at the near plane. Each face the camera sees, whole
    or cut, comes with the colour and subject of the face whose outline it is."""
    wall = SetPiece.of_kind("wall", x=0.9, z=0.0, rotation=0.0, width=0.3, depth=8.0,
                            height=1.2)
    location = Location("8a4a1d2e-0000-4c8a-9a0f-3f6a1d2b7c98", "Yard", set_pieces=(wall,))
    piece = SceneValue("1", "", location, "day", (), parse_blocking([])).subjects_at(0.0)[0]
    subjects = [Subject("Ann", "person", 1.7, 0.0, 3.0, 180.0, True), piece]
    view = _wall_view()
    solids = DraftRenderer(scene_for(_still_request(subjects), view), 640, 360)._solids
    seen = solids.seen_by(view)
    table = solids._faces
    whole = _whole(table, view)
    outlines = [_cut_outline(corners, view) for corners in table.corners]
    cut = 0
    for points, colour, subject in zip(seen.points, seen.colours, seen.subjects, strict=True):
        if len(points) > 6 or (len(points) == 4 and any(  # a ball's outline, a whole face
                np.array_equal(points, own) for own in whole)):
            continue
        cut += 1  # find which face it is a cut of: its outline at the near plane
        rows = [row for row, outline in enumerate(outlines)
                if outline is not None and np.array_equal(outline, points)]
        assert len(rows) == 1
        assert colour == table.colours[rows[0]].tolist()
        assert subject == int(table.subjects[rows[0]])
    assert cut >= 2  # the wall's near side and its top


def _still_request(subjects: list[Subject]) -> RenderRequest:
    return RenderRequest(prompt="", width=640, height=360, frame_count=1, fps=Fraction(24),
                         seed=0, subjects=tuple(subjects))


def _wall_view() -> View:
    """At eye height beside the wall (which runs from z = -4 to 4), looking down +z."""
    rotation = np.diag([1.0, -1.0, 1.0])  # x right, y down, z forward
    world_to_camera = np.hstack([rotation, -rotation @ np.array([[0.0], [1.6], [-3.0]])])
    return View(np.array([[400.0, 0.0, 320.0], [0.0, 400.0, 180.0], [0.0, 0.0, 1.0]]),
                world_to_camera, 640, 360)


def _whole(table: _FaceTable, view: View) -> list[np.ndarray]:
    return [cv_points(view.project(corners)) for corners in table.corners
            if (view.to_camera(corners)[:, 2] >= NEAR).all()]


def _cut_outline(corners: np.ndarray, view: View) -> np.ndarray | None:
    camera = view.to_camera(corners)
    if (camera[:, 2] >= NEAR).all() or (camera[:, 2] <= NEAR).all():
        return None
    polygon = clip_near(camera)
    return cv_points(view.to_pixels(polygon)) if len(polygon) >= 3 else None


def test_a_lamps_pool_falls_off_without_bands() -> None:
    # Seen from straight above, a lamp's pool on the night ground brightens smoothly toward
    # its foot: no step between neighbouring pixels is more than a few grey levels (six rings
    # drew bands 9 to 28 levels apart), and the light never rises away from the foot.
    lamp = Practical(np.array([0.0, 3.68, 0.0]), np.array([1.0, 0.88, 0.64]), 1.0)
    lighting = Lighting(np.full(3, 0.1), np.full(3, 0.12), np.array([0.0, 1.0, 0.0]),
                        (lamp,), lamps_on=True)
    rotation = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])  # looking down
    world_to_camera = np.hstack([rotation, -rotation @ np.array([[0.0], [8.0], [0.0]])])
    view = View(np.array([[200.0, 0.0, 320.0], [0.0, 200.0, 240.0], [0.0, 0.0, 1.0]]),
                world_to_camera, 640, 480)
    ground = (18, 20, 26)
    frame = np.empty((480, 640, 3), np.uint8)
    frame[:] = ground
    lighting.draw_pools(frame, view, ground)
    pixels = frame.astype(int)
    assert np.abs(np.diff(pixels, axis=1)).max() <= 6
    assert np.abs(np.diff(pixels, axis=0)).max() <= 6
    row = pixels[240].sum(axis=1)  # through the foot, out to beyond the pool's edge
    assert (np.diff(row[320:]) <= 0).all() and (np.diff(row[:321]) >= 0).all()
    assert row[320] > 2 * sum(ground) and row[0] == sum(ground)


def test_a_camera_standing_in_a_lamps_pool_sees_the_pool_around_its_feet() -> None:
    # The camera stands a metre from a lamp's foot, at eye height, looking along the ground:
    # the pool's outer bands reach behind the lens and are cut at the near plane, and the
    # ground at the bottom of the frame (a couple of metres ahead) is lit, smoothly, and
    # brighter nearer the lamp.
    lamp = Practical(np.array([0.0, 3.68, 1.0]), np.array([1.0, 0.88, 0.64]), 1.0)
    lighting = Lighting(np.full(3, 0.1), np.full(3, 0.12), np.array([0.0, 1.0, 0.0]),
                        (lamp,), lamps_on=True)
    tilt = math.radians(-20.0)  # down a little: x right, y down, z forward
    rotation = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(tilt), math.sin(tilt)],
                         [0.0, -math.sin(tilt), math.cos(tilt)]]) @ np.diag([1.0, -1.0, 1.0])
    world_to_camera = np.hstack([rotation, -rotation @ np.array([[0.0], [1.6], [0.0]])])
    view = View(np.array([[300.0, 0.0, 320.0], [0.0, 300.0, 240.0], [0.0, 0.0, 1.0]]),
                world_to_camera, 640, 480)
    assert abs(view.project(np.array([[0.0, 0.0, 1.0]]))[0, 0] - 320) < 1e-6  # the lamp's foot
    ground = (18, 20, 26)
    frame = np.empty((480, 640, 3), np.uint8)
    frame[:] = ground
    lighting.draw_pools(frame, view, ground)
    brightness = frame.astype(int).sum(axis=2)
    assert brightness[479, 320] > 3 * sum(ground)  # the ground at the bottom of the frame
    assert brightness[479, 320] > brightness[479, 0]  # farther from the foot: darker
    assert np.abs(np.diff(brightness[479])).max() <= 18  # no band's edge is a step


def _ground_points(view: View) -> np.ndarray:
    """Where each pixel's ray meets the ground (x, z); infinitely far for rays above it."""
    rows, columns = np.mgrid[0:view.height, 0:view.width]
    pixels = np.stack([columns + 0.5, rows + 0.5, np.ones_like(rows, float)], axis=2)
    rays = pixels @ np.linalg.inv(view.K).T @ view.rotation  # world directions
    origin = view.position
    scale = np.where(rays[..., 1] < -1e-9, -origin[1] / np.minimum(rays[..., 1], -1e-9),
                     np.inf)
    points = origin + rays * scale[..., None]
    return np.where(np.isfinite(scale)[..., None], points[..., [0, 2]], np.inf)


def test_a_lamps_light_falls_on_the_grid_and_on_another_lamps_pool() -> None:
    # Pools were opaque discs under the grid, which was drawn over them in absolute colours:
    # every line across a pool was a dark stripe (at night the dense far lines hid most of
    # the pool), and where two pools met the second's bands covered the first's light. The
    # light now adds to what is there: a painted line under the lamp stays brighter than the
    # lit ground beside it, by what it was brighter in the dark, and two lamps add up.
    rotation = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])  # looking down
    world_to_camera = np.hstack([rotation, -rotation @ np.array([[0.0], [8.0], [0.0]])])
    view = View(np.array([[200.0, 0.0, 320.0], [0.0, 200.0, 240.0], [0.0, 0.0, 1.0]]),
                world_to_camera, 640, 480)
    ground, line = (18, 20, 26), (34, 38, 50)

    def pools(*feet: float, painted: bool = True) -> np.ndarray:
        lamps = tuple(Practical(np.array([x, 3.68, 0.0]), np.array([1.0, 0.88, 0.64]), 1.0)
                      for x in feet)
        lighting = Lighting(np.full(3, 0.1), np.full(3, 0.12), np.array([0.0, 1.0, 0.0]),
                            lamps, lamps_on=True)
        frame = np.empty((480, 640, 3), np.uint8)
        frame[:] = ground
        if painted:
            frame[:, 300] = line  # a grid line 0.8 m beside the first lamp's foot
        lighting.draw_pools(frame, view, ground)
        return frame.astype(int)

    lit, bare = pools(0.0), pools(0.0, painted=False)
    assert bare[240, 320].sum() > 2 * sum(ground)  # in the pool
    for row in (150, 240, 330):  # across the pool: the line as much above the lit ground
        assert (lit[row, 300] - bare[row, 300] == np.subtract(line, ground)).all()
    both = pools(0.0, 2.0, painted=False)
    for column in (340, 420, 520):  # where the second lamp's pool lies on the first's
        assert (both[240, column] > pools(2.0, painted=False)[240, column]).all()


@pytest.mark.parametrize("mode", ["preview", "depth", "pose"])
def test_people_built_ahead_draw_the_frames_built_one_at_a_time(mode: str) -> None:
    # A render builds and lights the people of its next frames at once
    # (``DraftRenderer.prepare``); the frames must be those of a renderer that builds each
    # frame's people as it comes (the live view's), a walk, a stop and a sitting down (each
    # a change of pose over several frames), and a lamp at night included.
    scene = _scene([{"character": ANN.id, "time": 0.0, "x": -3.0, "z": 0.5},
                    {"character": ANN.id, "time": 0.0, "x": 3.0, "z": 0.5, "speed": 1.4},
                    {"character": BEN.id, "time": 0.0, "x": 2.0, "z": 3.0},
                    {"character": BEN.id, "time": 0.0, "x": 1.2, "z": 2.6, "speed": 1.0},
                    {"character": BEN.id, "time": 1.0, "x": 1.2, "z": 2.6, "pose": "sit"}],
                   pieces=(SetPiece.of_kind("lamp_post", x=1.0, z=2.5),
                           SetPiece.of_kind("bench", x=-1.5, z=3.0)), time_of_day="night")
    frames, views = _render(scene, "Ann", 0.2, 30, mode, width=320, height=180)
    subjects = scene.subjects_at(0.2, "Ann")
    framed = next(subject for subject in subjects if subject.main)
    path = camera_path(ShotCamera(framed, "wide", "eye", 24.0, "super35", 320, 180), (), 30)
    request = RenderRequest(prompt="", width=320, height=180, frame_count=30,
                            fps=Fraction(24), seed=0, camera=path, subjects=subjects,
                            mode=mode, scene=scene, scene_time=0.2)
    ben = [scene.state(BEN, 0.2 + index / 24) for index in range(30)]
    assert {state.pose_from for state in ben} == {"", "walk", "stand"}  # settles, then sits
    renderer = DraftRenderer(scene_for(request, views[0]), 320, 180)
    for index, (frame, view) in enumerate(zip(frames, views, strict=True)):
        assert np.array_equal(renderer.render(view, index / 24, 29 / 24), frame), index


@pytest.mark.parametrize("mode", ["preview", "layout", "depth"])
def test_frames_found_ahead_draw_the_frames_found_one_at_a_time(mode: str) -> None:
    # A render finds what its next frames' cameras see at once (``DraftRenderer.prepare``):
    # the grid's lines, the lamps' pools, the people's and set pieces' faces and heads. The
    # frames must be those of a renderer that finds each frame's as it comes. The camera
    # dollies 6 m past a lamp at night and pans while Ann walks: the grid around it moves on
    # within one batch, and the lamp's pool reaches behind the lens.
    scene = _scene([{"character": ANN.id, "time": 0.0, "x": -2.0, "z": 3.0},
                    {"character": ANN.id, "time": 0.0, "x": 2.0, "z": 3.0, "speed": 1.4},
                    {"character": BEN.id, "time": 0.0, "x": 1.5, "z": 6.0}],
                   pieces=(SetPiece.of_kind("lamp_post", x=-1.0, z=-6.0),
                           SetPiece.of_kind("bench", x=-1.5, z=3.0)), time_of_day="night")
    subjects = scene.subjects_at(0.0, "Ann")
    framed = next(subject for subject in subjects if subject.main)
    moves = (MoveValue("dolly", 6.0, 0.0, 1.0, "linear"), MoveValue("pan", 20.0, 0.2, 0.8))
    path = camera_path(ShotCamera(framed, "wide", "eye", 24.0, "super35", 320, 180), moves, 30)
    request = RenderRequest(prompt="", width=320, height=180, frame_count=30,
                            fps=Fraction(24), seed=0, camera=path, subjects=subjects,
                            mode=mode, scene=scene, scene_time=0.0)
    views = [View(path.K[i], path.world_to_camera[i], 320, 180) for i in range(30)]
    cells = {tuple(np.round(view.position[[0, 2]] / 5.0)) for view in views[:24]}
    assert len(cells) > 1  # the grid is found around two places in the first batch
    frames = list(DraftBackend().generate(request, lambda *_: None, CancelToken()))
    renderer = DraftRenderer(scene_for(request, views[0]), 320, 180)
    rings = renderer.lighting._pools(renderer.scene.palette.ground)[0]
    assert (views[0].to_camera(rings.reshape(-1, 3))[:, 2] < 0).any()  # a pool behind it
    for index, (frame, view) in enumerate(zip(frames, views, strict=True)):
        assert np.array_equal(renderer.render(view, index / 24, 29 / 24), frame), index


def test_a_recast_renderer_lets_go_of_the_people_it_prepared() -> None:
    # Someone drags a walker's mark in the live view after a render prepared the old
    # walk's frames: the next frame shows the new walk, as a renderer made for it does.
    before = _walk(1.4)
    after = _scene([{"character": ANN.id, "time": 0.0, "x": -2.0, "z": 3.0},
                    {"character": ANN.id, "time": 0.0, "x": 4.0, "z": 3.0, "speed": 1.0},
                    {"character": BEN.id, "time": 0.0, "x": 0.0, "z": 4.0}])
    _, views = _render(before, "Ann", 0.0, 2, "preview", width=320, height=180)

    def renderer_for(scene: SceneValue) -> DraftRenderer:
        subjects = scene.subjects_at(0.0, "Ann")
        request = RenderRequest(prompt="", width=320, height=180, frame_count=2,
                                fps=Fraction(24), seed=0, subjects=subjects, mode="preview",
                                scene=scene, scene_time=0.0,
                                camera=camera_path(ShotCamera(subjects[0], "wide", "eye", 24.0,
                                                              "super35", 320, 180), (), 2))
        return DraftRenderer(scene_for(request, views[0]), 320, 180)

    kept = renderer_for(before)
    kept.prepare([0.0, 1 / 24])
    fresh = renderer_for(after)
    kept.recast(fresh.scene)
    assert np.array_equal(kept.render(views[1], 1 / 24, 1 / 24),
                          fresh.render(views[1], 1 / 24, 1 / 24))
