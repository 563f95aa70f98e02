"""Camera moves over shot time: easing, each move's progress, and what it does to the camera."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from previz.core.camera.pose import WORLD_UP, CameraPose, axis_rotation, look_at_rotation
from previz.core.values import MoveValue

EASINGS = ("linear", "ease-in", "ease-out", "ease-in-out")


def ease(name: str, t: float | np.ndarray) -> float | np.ndarray:
    """Eased progress of linear progress ``t`` in [0, 1]: cubic in, out or both; exactly 0 at
    0 and 1 at 1."""
    s = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    if name == "linear":
        eased = s
    elif name == "ease-in":
        eased = s**3
    elif name == "ease-out":
        eased = 1 - (1 - s) ** 3
    elif name == "ease-in-out":
        eased = np.where(s < 0.5, 4 * s**3, 1 - (2 - 2 * s) ** 3 / 2)
    else:
        raise ValueError(f"unknown easing {name!r}: one of {', '.join(EASINGS)}")
    return eased if eased.ndim else float(eased)


def move_progress(move: MoveValue, t: float | np.ndarray) -> float | np.ndarray:
    """How much of ``move`` is done at shot time ``t``: 0 up to its start, 1 from its end, eased
    between (a move that ends where it starts is a cut at that time)."""
    t = np.asarray(t, dtype=float)
    if move.end <= move.start:
        progress = np.where(t >= move.start, 1.0, 0.0)
        return progress if progress.ndim else float(progress)
    return ease(move.easing, (t - move.start) / (move.end - move.start))


@dataclass(frozen=True, eq=False)
class Rig:
    """The camera of every frame at once as the moves act on it: centres (N,3), camera-to-world
    rotations (N,3,3) and focal lengths (N,), with the base pose whose axes dolly, truck and
    pedestal follow and the aim point that orbits, cranes and dolly-zooms keep."""

    position: np.ndarray
    orientation: np.ndarray
    focal_mm: np.ndarray
    base: CameraPose

    @classmethod
    def at(cls, base: CameraPose, frame_count: int) -> Rig:
        """Every frame at the base pose."""
        return cls(np.repeat(base.position[None], frame_count, axis=0),
                   np.repeat(base.rotation.T[None], frame_count, axis=0),
                   np.full(frame_count, float(base.focal_mm)), base)

    def depth_of_aim(self, position: np.ndarray) -> np.ndarray:
        """How far in front of cameras at ``position`` the aim point lies, along their view."""
        return np.einsum("ni,ni->n", self.base.look_at - position, self.orientation[:, :, 2])


def apply_move(rig: Rig, move: MoveValue, t: np.ndarray) -> Rig:
    """``rig`` after ``move`` at shot times ``t``; frames where it has not begun keep their bits."""
    if move.move not in _MOVERS:
        raise ValueError(f"unknown move {move.move!r}: one of {', '.join(MOVES)}")
    amount = move.amount * move_progress(move, t)
    moved = _MOVERS[move.move](rig, amount)
    still = amount == 0
    return replace(
        rig,
        position=np.where(still[:, None], rig.position, moved.position),
        orientation=np.where(still[:, None, None], rig.orientation, moved.orientation),
        focal_mm=np.where(still, rig.focal_mm, moved.focal_mm),
    )


def _turn(axis: int) -> Callable[[Rig, np.ndarray], Rig]:
    def turn(rig: Rig, degrees: np.ndarray) -> Rig:
        return replace(rig, orientation=rig.orientation @ axis_rotation(axis, np.radians(degrees)))
    return turn


def _slide(axis: int, sign: float) -> Callable[[Rig, np.ndarray], Rig]:
    def slide(rig: Rig, metres: np.ndarray) -> Rig:
        step = sign * metres[:, None] * rig.base.rotation[axis]
        return replace(rig, position=rig.position + step)
    return slide


def _zoom(rig: Rig, mm: np.ndarray) -> Rig:
    return replace(rig, focal_mm=rig.focal_mm + mm)


def _crane(rig: Rig, metres: np.ndarray) -> Rig:
    # Re-aim by the turn that keeps the aim point's bearing, so earlier pans and tilts stay.
    position = rig.position + metres[:, None] * np.array(WORLD_UP)
    before = look_at_rotation(rig.position, rig.base.look_at)
    after = look_at_rotation(position, rig.base.look_at)
    turn = after @ np.swapaxes(before, -1, -2)
    return replace(rig, position=position, orientation=turn @ rig.orientation)


def _orbit(rig: Rig, degrees: np.ndarray) -> Rig:
    # Positive carries the camera to its right: counter-clockwise seen from above.
    turn = axis_rotation(1, -np.radians(degrees))
    pivot = rig.base.look_at
    position = pivot + np.einsum("nij,nj->ni", turn, rig.position - pivot)
    return replace(rig, position=position, orientation=turn @ rig.orientation)


def _dolly_zoom(rig: Rig, metres: np.ndarray) -> Rig:
    position = rig.position + metres[:, None] * rig.base.forward
    before, after = rig.depth_of_aim(rig.position), rig.depth_of_aim(position)
    if np.any(before <= 0) or np.any(after <= 0):
        raise ValueError("a dolly-zoom must keep its subject in front of the camera")
    return replace(rig, position=position, focal_mm=rig.focal_mm * after / before)


_MOVERS: dict[str, Callable[[Rig, np.ndarray], Rig]] = {
    "static": lambda rig, _amount: rig,
    "pan": _turn(1),
    "tilt": _turn(0),
    "roll": _turn(2),
    "dolly": _slide(2, 1.0),
    "truck": _slide(0, 1.0),
    "pedestal": _slide(1, -1.0),
    "crane": _crane,
    "zoom": _zoom,
    "orbit": _orbit,
    "dolly_zoom": _dolly_zoom,
}
MOVES = tuple(_MOVERS)
