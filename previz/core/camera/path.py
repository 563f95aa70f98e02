"""Camera paths: per-frame intrinsics and extrinsics of a shot, projection, JSON, control rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from previz.core.camera.coverage import base_framing
from previz.core.camera.framing import ShotCamera
from previz.core.camera.lens import Sensor, intrinsics
from previz.core.camera.moves import Rig, apply_move
from previz.core.camera.pose import MIRROR, CameraPose, world_to_camera
from previz.core.values import MoveValue

SCHEMA = "CameraPath.1"
# How a continuation plays a move's easing: it is already moving at the seam.
CONTINUED_EASING = {"ease-in": "linear", "ease-in-out": "linear"}


@dataclass(frozen=True, eq=False)
class ProjectedPoints:
    """Points seen by one frame: pixels (M,2) in continuous coordinates (NaN on or behind the
    camera plane) and depth (M,) in metres along the view."""

    pixels: np.ndarray
    depth: np.ndarray


@dataclass(frozen=True, eq=False)
class CameraPath:
    """The camera of every frame of a clip: focal lengths (N,), world-to-camera matrices R
    (N,3,3; rotations times MIRROR) and centres (N,3), with the image size, the sensor and the
    aim point (3,) that orbits and cranes pivot on."""

    width: int
    height: int
    sensor: Sensor
    focal_mm: np.ndarray
    rotation: np.ndarray
    position: np.ndarray
    look_at: np.ndarray

    @property
    def frame_count(self) -> int:
        """How many frames the path covers."""
        return len(self.focal_mm)

    @cached_property
    def K(self) -> np.ndarray:  # noqa: N802 (the name every camera text and OpenCV use)
        """Per-frame pinhole matrices, (N,3,3)."""
        return intrinsics(self.focal_mm, self.sensor, self.width, self.height)

    @cached_property
    def world_to_camera(self) -> np.ndarray:
        """Per-frame extrinsics, (N,4,4): X_cam = R·X_world + t, OpenCV camera axes. The world
        is left-handed, so R is a rotation times a mirror of y (determinant -1)."""
        return world_to_camera(self.rotation, self.position)

    def pose(self, index: int) -> CameraPose:
        """The camera of frame ``index`` (negative counts from the end)."""
        return CameraPose(self.rotation[index].copy(), self.position[index].copy(),
                          float(self.focal_mm[index]), self.look_at.copy())

    def project(self, index: int, points: np.ndarray) -> ProjectedPoints:
        """Where world points (M,3) land in frame ``index``."""
        camera = np.asarray(points, dtype=float) @ self.rotation[index].T
        camera = camera + self.world_to_camera[index, :3, 3]
        depth = camera[:, 2]
        image = camera @ self.K[index].T
        with np.errstate(divide="ignore", invalid="ignore"):
            pixels = np.where(depth[:, None] > 0, image[:, :2] / depth[:, None], np.nan)
        return ProjectedPoints(pixels, depth)

    def control_rows(self) -> np.ndarray:
        """Rows of the RealEstate10K / CameraCtrl pose format, (N,18): fx/W, fy/H, cx/W, cy/H,
        0, 0, then the 3x4 world-to-camera matrix row by row (timestamps left to the writer).

        These matrices see the world mirrored in y (x right, y down, z away, right-handed like
        the SfM poses those models learnt from), so their rotations are proper; the camera's
        motion relative to itself is the same."""
        k = self.K
        mirrored = self.world_to_camera[:, :3, :].copy()
        mirrored[:, :, :3] = mirrored[:, :, :3] @ MIRROR
        rows = np.zeros((self.frame_count, 18))
        rows[:, 0] = k[:, 0, 0] / self.width
        rows[:, 1] = k[:, 1, 1] / self.height
        rows[:, 2] = k[:, 0, 2] / self.width
        rows[:, 3] = k[:, 1, 2] / self.height
        rows[:, 6:] = mirrored.reshape(self.frame_count, 12)
        return rows

    def to_json(self) -> dict[str, Any]:
        """The stored form: plain JSON numbers that read back to the same bits."""
        return {
            "schema": SCHEMA,
            "width": self.width,
            "height": self.height,
            "sensor": self.sensor.to_json(),
            "focal_mm": self.focal_mm.tolist(),
            "rotation": self.rotation.tolist(),
            "position": self.position.tolist(),
            "look_at": self.look_at.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CameraPath:
        """A path from its stored form; a ValueError says what is malformed."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA}: {data.get('schema')!r}")
        try:
            focal = np.asarray(data["focal_mm"], dtype=float).reshape(-1)
            n = len(focal)
            path = cls(int(data["width"]), int(data["height"]), Sensor.from_json(data["sensor"]),
                       focal, np.asarray(data["rotation"], dtype=float).reshape(n, 3, 3),
                       np.asarray(data["position"], dtype=float).reshape(n, 3),
                       np.asarray(data["look_at"], dtype=float).reshape(3))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"malformed {SCHEMA}: {error}") from None
        arrays = (focal, path.rotation, path.position, path.look_at)
        if n < 1 or not all(np.isfinite(array).all() for array in arrays):
            raise ValueError("a camera path needs at least one frame of finite numbers")
        return path

    @classmethod
    def from_poses(cls, poses: Sequence[CameraPose], width: int, height: int,
                   sensor: Sensor) -> CameraPath:
        """A path through ``poses``, one a frame (the aim point is the first pose's)."""
        return cls(width, height, sensor, np.array([pose.focal_mm for pose in poses]),
                   np.stack([pose.rotation for pose in poses]),
                   np.stack([pose.position for pose in poses]), poses[0].look_at.copy())


def frame_times(frame_count: int) -> np.ndarray:
    """Normalized shot time of each frame: i/(N-1), so the last frame is at 1 (0 for N = 1)."""
    if frame_count < 1:
        raise ValueError("a camera path needs at least one frame")
    if frame_count == 1:
        return np.zeros(1)
    return np.arange(frame_count) / (frame_count - 1)


def camera_path(shot: ShotCamera, moves: Sequence[MoveValue], frame_count: int,
                start: CameraPose | None = None) -> CameraPath:
    """The shot's camera over ``frame_count`` frames: the base framing (or ``start``, to carry
    on from an earlier clip's last pose) with ``moves`` applied in chain order."""
    base = start if start is not None else base_framing(shot).pose()
    return _moved(base, moves, frame_count, width=shot.width, height=shot.height,
                  sensor=shot.sensor_spec)


def continue_path(previous: CameraPath, moves: Sequence[MoveValue],
                  frame_count: int) -> CameraPath:
    """A path on ``previous``'s image size and sensor that starts exactly at its last pose, for
    an Extend. With no moves the camera carries on as it was going, less what changed the
    subject's size: pans, tilts, trucks, pedestals, cranes and orbits keep their speed, while a
    push-in, a pull-back or a zoom has landed on its framing and holds it (see ``_carried``).
    Moves are relative to the last pose. Where the camera was moving at the seam they do not
    start from rest: an ease-in or ease-in-out plays at constant speed (only an ease-out, asked
    for, slows to a stop at the end); where it had come to rest, they ease in as asked."""
    if any(move.move != "static" for move in moves):
        played = [carried_on(move) for move in moves] if _moving_at_end(previous) else moves
        return _moved(previous.pose(-1), played, frame_count, width=previous.width,
                      height=previous.height, sensor=previous.sensor)
    return _carried(previous, frame_count)


def _moving_at_end(previous: CameraPath) -> bool:
    """Whether the camera's last step moved it by a millimetre, turned it by a hundredth of a
    degree or zoomed it by a hundredth of a millimetre (an eased-out move ends below all three:
    a 2 m dolly over 4 s at 24 fps ends on 0.7 mm, a 12° pan over 3 s on 0.007°)."""
    if previous.frame_count < 2:
        return False
    moved = float(np.linalg.norm(previous.position[-1] - previous.position[-2]))
    turn = previous.rotation[-2].T @ previous.rotation[-1]
    turned = np.degrees(np.arccos(np.clip((np.trace(turn) - 1) / 2, -1.0, 1.0)))
    zoomed = abs(float(previous.focal_mm[-1] - previous.focal_mm[-2]))
    return moved >= 1e-3 or turned >= 0.01 or zoomed >= 0.01


def carried_on(move: MoveValue) -> MoveValue:
    """A move as a continuation plays it: never easing in from rest."""
    easing = CONTINUED_EASING.get(move.easing, move.easing)
    return move if easing == move.easing else replace(move, easing=easing)


def _carried(previous: CameraPath, frame_count: int) -> CameraPath:
    """``frame_count`` frames from ``previous``'s last pose, each moved as its last frame was
    (E_k = E_last·(E_prev⁻¹·E_last)^k), but at the size it ended on.

    A move toward or away from the subject (a push-in, a pull-back, a dolly-zoom) or a zoom is
    a move onto a framing, and an operator stops on that mark: carried on, a push-in would go
    through the actor's face. So the last step's change of distance to the aim point (the
    subject's framing point) and its zoom stop at the seam; what the step does at that
    distance (pan, tilt, roll, truck, pedestal, crane, orbit) goes on at the same speed.
    """
    last = previous.world_to_camera[-1]
    step = np.linalg.inv(_at_last_distance(previous)) @ last if (
        previous.frame_count > 1) else np.eye(4)
    extrinsics = [last]
    for _ in range(1, frame_count):
        extrinsics.append(extrinsics[-1] @ step)
    matrices = np.stack(extrinsics)
    rotation = matrices[:, :3, :3].copy()
    position = -np.einsum("nji,nj->ni", rotation, matrices[:, :3, 3])
    position[0] = previous.position[-1]  # the seam's pose exactly, not through a round trip
    rotation[0] = previous.rotation[-1]
    focal = np.full(frame_count, previous.focal_mm[-1])
    return CameraPath(previous.width, previous.height, previous.sensor, focal, rotation,
                      position, previous.look_at.copy())


def _at_last_distance(previous: CameraPath) -> np.ndarray:
    """The extrinsics of ``previous``'s next-to-last frame, its centre moved along its line to
    the aim point so that it stands as far from that point as the last frame does."""
    aim = previous.look_at
    before = previous.position[-2] - aim
    reach = float(np.linalg.norm(before))
    if reach < 1e-9:
        return previous.world_to_camera[-2]
    moved = aim + before * (float(np.linalg.norm(previous.position[-1] - aim)) / reach)
    return world_to_camera(previous.rotation[-2:-1], moved[None])[0]


def _moved(base: CameraPose, moves: Sequence[MoveValue], frame_count: int, *, width: int,
           height: int, sensor: Sensor) -> CameraPath:
    t = frame_times(frame_count)
    rig = Rig.at(base, frame_count)
    for move in moves:
        rig = apply_move(rig, move, t)
    if np.any(rig.focal_mm <= 0):
        raise ValueError("the moves take the focal length to zero or below")
    return CameraPath(width, height, sensor, rig.focal_mm,
                      np.swapaxes(rig.orientation, -1, -2).copy(), rig.position,
                      base.look_at.copy())
