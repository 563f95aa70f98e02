"""Camera poses in OpenCV axes: rotations about one axis, aiming, and slerped in-betweens."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WORLD_UP = (0.0, 1.0, 0.0)
# The world (x right, y up, z away) is left-handed, so world-to-camera matrices are rotations
# times this mirror of y; slerp and camera-control models get the rotation alone.
MIRROR = np.diag([1.0, -1.0, 1.0])
MIRROR.setflags(write=False)
_OTHER_AXES = {0: (1, 2), 1: (2, 0), 2: (0, 1)}


@dataclass(frozen=True, eq=False)
class CameraPose:
    """One camera: world-to-camera matrix R (3x3, a rotation times MIRROR), centre (3,) in world
    metres, focal length, and the point it aims at (the pivot of orbits, cranes, dolly-zooms)."""

    rotation: np.ndarray
    position: np.ndarray
    focal_mm: float
    look_at: np.ndarray

    @property
    def world_to_camera(self) -> np.ndarray:
        """The 4x4 extrinsic matrix: X_cam = R·X_world + t with t = -R·C."""
        return world_to_camera(self.rotation, self.position)

    @property
    def forward(self) -> np.ndarray:
        """The viewing direction in world axes."""
        return self.rotation[2].copy()

    @property
    def yaw_deg(self) -> float:
        """The heading: 0 looks along +z, positive turns right (toward +x)."""
        return float(np.degrees(np.arctan2(self.rotation[2, 0], self.rotation[2, 2])))

    @property
    def pitch_deg(self) -> float:
        """The tilt: 0 is level, positive looks up."""
        x, y, z = self.rotation[2]
        return float(np.degrees(np.arctan2(y, np.hypot(x, z))))


def world_to_camera(rotation: np.ndarray, position: np.ndarray) -> np.ndarray:
    """4x4 extrinsics (or (N,4,4)) from world-to-camera matrices R and camera centres C."""
    # Written out, not einsum, so a pose gives the same bits alone and inside any batch.
    t = -(rotation[..., :, 0] * position[..., None, 0] + rotation[..., :, 1]
          * position[..., None, 1] + rotation[..., :, 2] * position[..., None, 2])
    matrix = np.zeros((*rotation.shape[:-2], 4, 4))
    matrix[..., :3, :3] = rotation
    matrix[..., :3, 3] = t
    matrix[..., 3, 3] = 1.0
    return matrix


def axis_rotation(axis: int, angle_rad: float | np.ndarray) -> np.ndarray:
    """Right-handed rotation by ``angle_rad`` about axis 0 (x), 1 (y) or 2 (z); (...,3,3).

    In camera axes a positive angle tilts up (x), pans right (y) or rolls clockwise as the
    operator behind the camera sees it (z)."""
    angle = np.asarray(angle_rad, dtype=float)
    i, j = _OTHER_AXES[axis]
    matrix = np.zeros((*angle.shape, 3, 3))
    matrix[..., axis, axis] = 1.0
    matrix[..., i, i] = matrix[..., j, j] = np.cos(angle)
    matrix[..., i, j] = -np.sin(angle)
    matrix[..., j, i] = np.sin(angle)
    return matrix


def yaw_pitch_rotation(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """Camera-to-world matrix of a level camera (no roll) with this heading and tilt."""
    yaw, pitch = np.radians(yaw_deg), np.radians(pitch_deg)
    forward = np.array([np.sin(yaw) * np.cos(pitch), np.sin(pitch), np.cos(yaw) * np.cos(pitch)])
    return look_at_rotation(np.zeros(3), forward)


def look_at_rotation(position: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Camera-to-world matrices (columns: right, down, forward) of level cameras at
    ``position`` (...,3) aiming at ``target``; looking straight up or down, right is +x."""
    forward = target - position
    forward = forward / np.linalg.norm(forward, axis=-1, keepdims=True)
    right = np.cross(np.array(WORLD_UP), forward)
    norm = np.linalg.norm(right, axis=-1, keepdims=True)
    right = np.where(norm > 1e-9, right / np.maximum(norm, 1e-12), np.array([1.0, 0.0, 0.0]))
    # In this left-handed world right x forward points down.
    down = np.cross(right, forward)
    return np.stack([right, down, forward], axis=-1)


def interpolate_poses(a: CameraPose, b: CameraPose, frame_count: int) -> list[CameraPose]:
    """``frame_count`` poses from ``a`` to ``b`` inclusive: centres and aim points lerped,
    rotations slerped (the short way), focal lengths interpolated linearly."""
    if frame_count < 1:
        raise ValueError("a bridge needs at least one frame")
    if frame_count == 1:
        return [a]
    s = np.linspace(0.0, 1.0, frame_count)
    rotations = _quaternion_matrix(_slerp(_matrix_quaternion(a.rotation @ MIRROR),
                                          _matrix_quaternion(b.rotation @ MIRROR), s)) @ MIRROR
    poses = [
        CameraPose(rotations[i], (1 - s[i]) * a.position + s[i] * b.position,
                   float((1 - s[i]) * a.focal_mm + s[i] * b.focal_mm),
                   (1 - s[i]) * a.look_at + s[i] * b.look_at)
        for i in range(1, frame_count - 1)
    ]
    return [a, *poses, b]


def _matrix_quaternion(m: np.ndarray) -> np.ndarray:
    """Unit quaternion (w, x, y, z) of a rotation matrix, from its largest component."""
    trace = np.trace(m)
    candidates = np.array([trace, m[0, 0], m[1, 1], m[2, 2]])
    k = int(np.argmax(candidates))
    if k == 0:
        w = np.sqrt(1.0 + trace) / 2
        q = [w, (m[2, 1] - m[1, 2]) / (4 * w), (m[0, 2] - m[2, 0]) / (4 * w),
             (m[1, 0] - m[0, 1]) / (4 * w)]
    else:
        i, j = _OTHER_AXES[k - 1]
        v = np.sqrt(1.0 + 2 * m[k - 1, k - 1] - trace) / 2
        q = [0.0, 0.0, 0.0, 0.0]
        q[0] = (m[j, i] - m[i, j]) / (4 * v)
        q[k] = v
        q[i + 1] = (m[i, k - 1] + m[k - 1, i]) / (4 * v)
        q[j + 1] = (m[j, k - 1] + m[k - 1, j]) / (4 * v)
    return np.array(q) / np.linalg.norm(q)


def _slerp(q0: np.ndarray, q1: np.ndarray, s: np.ndarray) -> np.ndarray:
    if np.dot(q0, q1) < 0:
        q1 = -q1
    cos = min(float(np.dot(q0, q1)), 1.0)
    angle = np.arccos(cos)
    if angle < 1e-9:
        q = (1 - s)[:, None] * q0 + s[:, None] * q1
    else:
        q = (np.sin((1 - s) * angle)[:, None] * q0 + np.sin(s * angle)[:, None] * q1)
        q = q / np.sin(angle)
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def _quaternion_matrix(q: np.ndarray) -> np.ndarray:
    w, x, y, z = (q[..., n] for n in range(4))
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
    ], -2)
