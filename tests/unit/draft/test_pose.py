"""The pose control render: OpenPose's 18 keypoints in their colours, each within 2 px of the
pinhole projection of the character's joint, for standing, walking, seated, child and turned
figures; and the draft's pose mode beside depth and layout."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from unit.draft.pictures import shoot

from previz.backends.draft.geometry import View
from previz.backends.draft.pose import COLOURS, LIMB_SHARE, RADIUS, render_pose
from previz.backends.draft.skeleton import INDEX, OPENPOSE, skeleton
from previz.core.camera import ShotCamera, camera_path
from previz.core.camera.composition import proportions_of
from previz.core.subjects import Subject

W, H = 1280, 720
FIGURES = {
    "standing": Subject("Ann", height=1.75, facing=20.0, main=True),
    "walking": Subject("Ben", height=1.85, facing=60.0, main=True, pose="walk", speed=1.4,
                       walked=0.9, build="broad"),
    "seated": Subject("Cy", height=1.7, facing=-25.0, main=True, pose="sit"),
    "child": Subject("Dot", height=1.1, facing=10.0, main=True, figure="child"),
    "looking": Subject("Eve", height=1.65, facing=0.0, main=True, look=50.0),
    "phoning": Subject("Fay", height=1.7, facing=15.0, main=True, pose="phone"),
}


def _view(subject: Subject, size: str) -> View:
    path = camera_path(ShotCamera(subject, size, "eye", 35.0, "super35", W, H), (), 1)
    return View(path.K[0], path.world_to_camera[0], W, H)


def _pinhole(points: np.ndarray, view: View) -> np.ndarray:
    """u = K (R X + t), written out: the projection the render must agree with."""
    camera = np.einsum("ij,nj->ni", view.world_to_camera[:3, :3], points)
    camera += view.world_to_camera[:3, 3]
    image = np.einsum("ij,nj->ni", view.K, camera)
    return image[:, :2] / image[:, 2:3]


def _found(frame: np.ndarray, index: int) -> np.ndarray | None:
    """The middle of keypoint ``index``'s disc: the pixels of exactly its colour."""
    rows, columns = np.nonzero(np.all(frame == COLOURS[index], axis=2))
    if not len(rows):
        return None
    return np.array([columns.mean() + 0.5, rows.mean() + 0.5])  # pixel i covers [i, i+1)


@pytest.mark.parametrize("name", list(FIGURES))
@pytest.mark.parametrize("size", ["full", "medium_close_up"])
def test_each_keypoint_lies_within_two_pixels_of_its_joint(name: str, size: str) -> None:
    subject = FIGURES[name]
    view = _view(subject, size)
    joints = skeleton(subject).keypoints()
    frame = render_pose([skeleton(subject)], view)
    expected = _pinhole(joints, view)
    radius = RADIUS * H / 512
    checked = 0
    for index, point in enumerate(expected):
        inside = 0 <= point[0] < W and 0 <= point[1] < H
        others = np.delete(expected, index, axis=0)
        crowded = np.any(np.linalg.norm(others - point, axis=1) < 2 * radius + 2)
        found = _found(frame, index)
        if not inside:
            assert found is None, f"{OPENPOSE[index]} is outside the frame but drawn"
            continue
        if crowded:  # a later disc covers part of this one: its middle is not measurable
            continue
        assert found is not None, f"{OPENPOSE[index]} is missing"
        assert np.linalg.norm(found - point) < 2.0, OPENPOSE[index]
        checked += 1
    assert checked >= (6 if size == "full" else 4)


def test_limbs_are_drawn_at_sixty_percent_in_openpose_order() -> None:
    subject = FIGURES["standing"]
    view = _view(subject, "full")
    frame = render_pose([skeleton(subject)], view)
    # The right upper arm (neck-right shoulder is limb 1, shoulder-elbow limb 3) in its colour.
    dim = tuple(int(c * LIMB_SHARE) for c in COLOURS[2])
    assert np.all(frame == dim, axis=2).sum() > 20
    assert np.count_nonzero(frame.any(axis=2)) < 0.1 * W * H  # black elsewhere


def test_the_skeleton_has_the_figures_proportions() -> None:
    for subject in (FIGURES["standing"], FIGURES["child"], FIGURES["seated"]):
        fig = proportions_of(subject)
        bones = skeleton(subject)
        h = subject.height
        assert bones["neck"][1] == pytest.approx(fig.shoulders * h)
        assert bones["r_eye"][1] == pytest.approx(fig.eyes * h)
        assert bones["l_hip"][1] == pytest.approx(fig.hips * h)
        width = np.linalg.norm(bones["l_shoulder"] - bones["r_shoulder"])
        assert width == pytest.approx(fig.shoulder_width * h)
    child = proportions_of(FIGURES["child"])
    assert 1 / child.head == pytest.approx(5.0)  # a child is five heads tall
    seated = proportions_of(FIGURES["seated"])
    assert seated.eyes == pytest.approx(0.935 - (0.5 - 0.28))  # the upper body onto the seat


def test_a_keypoint_behind_the_camera_is_left_out() -> None:
    subject = FIGURES["standing"]
    view = _view(subject, "full")
    behind = skeleton(subject).keypoints().copy()
    behind[INDEX["nose"]] = view.position - 1.0 * view.rotation[2]  # a metre behind the lens
    frame = render_pose([behind], view)
    assert _found(frame, INDEX["nose"]) is None
    assert _found(frame, INDEX["r_hip"]) is not None


def test_a_pose_needs_eighteen_keypoints() -> None:
    view = _view(FIGURES["standing"], "full")
    with pytest.raises(ValueError, match="18 keypoints"):
        render_pose([np.zeros((17, 3))], view)


def test_the_draft_renders_a_pose_control_video_beside_depth_and_layout() -> None:
    people = [Subject("Ann", x=-0.6, main=True), Subject("Ben", x=0.6, facing=-30.0),
              Subject("Crate", "prop", 1.0, 2.0, 2.0)]
    take = shoot(people, size="full", mode="pose", width=640, height=360, frames=2)
    frame = take.frames[0]
    for index in (INDEX["neck"], INDEX["r_hip"], INDEX["l_ankle"]):
        mask = np.all(frame == COLOURS[index], axis=2).astype(np.uint8)
        count, _ = cv2.connectedComponents(mask)
        assert count - 1 == 2, OPENPOSE[index]  # one on each person, none on the crate
    assert frame.shape == (360, 640, 3)
    layout = take.again(mode="layout").frames[0]
    assert layout.shape == frame.shape
