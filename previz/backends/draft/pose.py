"""The pose control render: each person's 18 OpenPose keypoints in the colours VACE and
ControlNet read, limbs at 60% on black (as ``controlnet_aux``'s ``draw_bodypose`` draws them).

``render_pose`` is free of Qt and of the rest of the draft: give it the skeletons (or any
(18, 3) world keypoints) and a view; it projects each joint through the pinhole and leaves out
those behind the camera or outside the frame, as a detector would not find them.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from previz.backends.draft.geometry import NEAR, SHIFT, View, cv_length, cv_points
from previz.backends.draft.skeleton import OPENPOSE, Skeleton, skeletons
from previz.core.subjects import Subject

COLOURS: tuple[tuple[int, int, int], ...] = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0),
    (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255),
    (0, 0, 255), (85, 0, 255), (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
)
# OpenPose's limbs, 1-based keypoint numbers, each drawn in the colour of its place in the list.
LIMBS = ((2, 3), (2, 6), (3, 4), (4, 5), (6, 7), (7, 8), (2, 9), (9, 10), (10, 11), (2, 12),
         (12, 13), (13, 14), (2, 1), (1, 15), (15, 17), (1, 16), (16, 18))
STICK = 4  # half-thickness of a limb, pixels at 512 rows
RADIUS = 4  # a keypoint's radius, pixels at 512 rows
LIMB_SHARE = 0.6


def pose_keypoints(subjects: Sequence[Subject]) -> list[np.ndarray]:
    """The world keypoints (18, 3) of every person among ``subjects``."""
    return [bones.keypoints() for bones in skeletons(
        [subject for subject in subjects if subject.kind == "person"])]


def project_keypoints(keypoints: np.ndarray, view: View) -> np.ndarray:
    """Pixel positions (18, 2) of world keypoints; NaN where the camera cannot see one
    (behind the lens or outside the frame)."""
    camera = view.to_camera(np.asarray(keypoints, float))
    pixels = np.full((len(camera), 2), np.nan)
    ahead = camera[:, 2] > NEAR
    pixels[ahead] = view.to_pixels(camera[ahead])
    inside = ((pixels[:, 0] >= 0) & (pixels[:, 0] < view.width) & (pixels[:, 1] >= 0)
              & (pixels[:, 1] < view.height))
    pixels[~inside] = np.nan
    return pixels


def render_pose(people: Sequence[Skeleton | np.ndarray], view: View) -> np.ndarray:
    """The pose control frame (view.height, view.width, 3) uint8 RGB for ``people`` (their
    skeletons, or world keypoints (18, 3) in OpenPose's order)."""
    frame = np.zeros((view.height, view.width, 3), np.uint8)
    scale = max(view.height / 512.0, 0.5)
    stick, radius = STICK * scale, RADIUS * scale
    projected = [project_keypoints(_points(person), view) for person in people]
    for pixels in projected:
        for (a, b), colour in zip(LIMBS, COLOURS, strict=False):
            start, end = pixels[a - 1], pixels[b - 1]
            if np.isnan(start).any() or np.isnan(end).any():
                continue
            _limb(frame, start, end, stick, tuple(int(c * LIMB_SHARE) for c in colour))
    for pixels in projected:
        for point, colour in zip(pixels, COLOURS, strict=True):
            if not np.isnan(point).any():
                centre = cv_points(point[None])[0]
                cv2.circle(frame, (int(centre[0]), int(centre[1])), cv_length(radius), colour,
                           -1, cv2.LINE_8, SHIFT)
    return frame


def _points(person: Skeleton | np.ndarray) -> np.ndarray:
    points = person.keypoints() if isinstance(person, Skeleton) else np.asarray(person, float)
    if points.shape != (len(OPENPOSE), 3):
        raise ValueError(f"a pose needs {len(OPENPOSE)} keypoints (x, y, z), not "
                         f"{points.shape}")
    return points


def _limb(frame: np.ndarray, start: np.ndarray, end: np.ndarray, stick: float,
          colour: tuple[int, ...]) -> None:
    """A limb as the filled ellipse between two keypoints."""
    middle = (start + end) / 2
    length = float(np.linalg.norm(end - start))
    angle = float(np.degrees(np.arctan2(end[1] - start[1], end[0] - start[0])))
    steps = np.radians(np.arange(0, 360, 10))
    ring = np.stack([np.cos(steps) * length / 2, np.sin(steps) * stick], axis=1)
    turn = np.radians(angle)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    polygon = middle + ring @ rotation.T
    cv2.fillConvexPoly(frame, cv_points(polygon), colour, cv2.LINE_8, SHIFT)
