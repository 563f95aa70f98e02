"""Conditioning images in the draft: plates on a plane the camera moves over, and dissolves.

A first-frame or keyframe image becomes a plate: a plane at the main subject's distance,
facing the base camera, its middle exactly filling that frame and overscanned round it, so
each frame's camera sees it through the homography its move implies. A last-frame image
dissolves in over the end of the shot, under the labels; the next shot's first frame, at the
end of a bridge into it (``dissolve_to``), over everything, so that the cut meets it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from previz.backends.draft.geometry import NEAR, SHIFT, View, cv_points

DISSOLVE_SECONDS = 0.5
OVERSCAN = 1  # frames of edge-drawn picture a plate reaches past its camera's frame, each side


@dataclass(frozen=True)
class Plate:
    """An image on a world plane (corners top-left, top-right, bottom-right, bottom-left), or
    a full-frame overlay when ``corners`` is ``None``; ``role`` decides when it shows (a
    ``dissolve_to`` is fully in at ``time``, the frame after the shot's last)."""

    image: np.ndarray
    role: str
    time: float = 0.0
    strength: float = 1.0
    corners: np.ndarray | None = None

    def opacity(self, time: float, end: float) -> float:
        """How much of the plate shows at ``time`` seconds into a shot whose last frame is at
        ``end`` seconds (a last-frame image is fully in on that frame)."""
        if self.role == "first_frame":
            level = 1.0
        elif self.role == "keyframe":
            level = max(0.0, 1.0 - abs(time - self.time) / DISSOLVE_SECONDS)
        elif self.role == "last_frame":
            start = max(end - DISSOLVE_SECONDS, 0.0)
            level = 1.0 if end <= 0 else min(max((time - start) / (end - start), 0.0), 1.0)
        elif self.role == "dissolve_to":
            start = max(self.time - DISSOLVE_SECONDS, 0.0)
            level = min(max((time - start) / (self.time - start), 0.0), 1.0)
        else:
            level = 0.0
        return level * self.strength


def plate_on_plane(image: np.ndarray, role: str, base: View, distance: float, *,
                   time: float = 0.0, strength: float = 1.0) -> Plate:
    """A plate on the plane ``distance`` metres in front of ``base`` whose middle fills that
    camera's frame exactly, overscanned by OVERSCAN frames each side with its edge pixels
    drawn out, so a move that looks past the frame's edge finds picture there, never the grid."""
    resized = cv2.resize(image, (base.width, base.height), interpolation=cv2.INTER_AREA)
    across, down = base.width * OVERSCAN, base.height * OVERSCAN
    padded = cv2.copyMakeBorder(resized, down, down, across, across, cv2.BORDER_REPLICATE)
    left, top = -across, -down
    right, bottom = base.width + across, base.height + down
    pixels = np.array([[left, top, 1], [right, top, 1], [right, bottom, 1], [left, bottom, 1]],
                      float)
    camera = (pixels @ np.linalg.inv(base.K).T) * distance
    world = (camera - base.world_to_camera[:3, 3]) @ base.rotation
    return Plate(padded, role, time, strength, world)


def draw_plate(frame: np.ndarray, plate: Plate, view: View, opacity: float) -> None:
    """Draw ``plate`` as ``view`` sees it, mixed in at ``opacity``."""
    if opacity <= 0:
        return
    if plate.corners is None:
        _mix(frame, plate.image, None, opacity)
        return
    camera = view.to_camera(plate.corners)
    if np.any(camera[:, 2] <= NEAR):
        return  # the plane reaches behind the lens: no single homography shows it
    height, width = plate.image.shape[:2]
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], float)
    target = view.to_pixels(camera)
    # Both sides in OpenCV's convention, where integer i is pixel i's centre.
    homography = cv2.getPerspectiveTransform((source - 0.5).astype(np.float32),
                                             (target - 0.5).astype(np.float32))
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpPerspective(plate.image, homography, size, flags=cv2.INTER_LINEAR)
    mask = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, cv_points(target), 255, cv2.LINE_8, SHIFT)
    _mix(frame, warped, mask, opacity)


def _mix(frame: np.ndarray, image: np.ndarray, mask: np.ndarray | None, opacity: float) -> None:
    if mask is None and opacity >= 1.0:
        frame[:] = image
        return
    weight = np.full(frame.shape[:2], opacity, np.float32) if mask is None else (
        mask.astype(np.float32) * (opacity / 255.0))
    weight = weight[:, :, None]
    frame[:] = (frame * (1.0 - weight) + image * weight + 0.5).astype(np.uint8)
