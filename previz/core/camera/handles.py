"""A shot's camera path with handles: frames before its first and after its last, for editors.

A camera on set rolls before "action" and after "cut"; an editor extends a cut into those
frames. So the handles carry the camera on as it was going at each end (the rigid motion and
the zoom of the first or last frame, repeated): a linear dolly keeps dollying, an eased move
that starts and ends at rest stands still, a static camera stays. The path between the
handles is the shot's own, frame for frame.
"""

from __future__ import annotations

import numpy as np

from previz.core.camera.path import CameraPath, continue_path


def with_handles(path: CameraPath, head: int, tail: int) -> CameraPath:
    """``path`` with ``head`` frames before its first and ``tail`` after its last."""
    if head < 0 or tail < 0:
        raise ValueError(f"handles must be 0 frames or more, not {head} and {tail}")
    before = _reversed(_carried_on(_reversed(path), head))
    after = _carried_on(path, tail)
    return CameraPath(path.width, path.height, path.sensor,
                      np.concatenate([before.focal_mm, path.focal_mm, after.focal_mm]),
                      np.concatenate([before.rotation, path.rotation, after.rotation]),
                      np.concatenate([before.position, path.position, after.position]),
                      path.look_at.copy())


def _carried_on(path: CameraPath, frames: int) -> CameraPath:
    """``frames`` frames after ``path``'s last, moving as its last frame moved; a zoom that
    would reach zero millimetres holds the last frame's lens instead."""
    try:
        carried = continue_path(path, (), frames + 1)
    except ValueError:
        carried = continue_path(_held_lens(path), (), frames + 1)
    return _sliced(carried, slice(1, None))


def _held_lens(path: CameraPath) -> CameraPath:
    focal = path.focal_mm.copy()
    focal[-1:] = focal[-2:-1] if len(focal) > 1 else focal[-1:]
    return CameraPath(path.width, path.height, path.sensor, focal, path.rotation,
                      path.position, path.look_at)


def _reversed(path: CameraPath) -> CameraPath:
    return _sliced(path, slice(None, None, -1))


def _sliced(path: CameraPath, frames: slice) -> CameraPath:
    return CameraPath(path.width, path.height, path.sensor, path.focal_mm[frames].copy(),
                      path.rotation[frames].copy(), path.position[frames].copy(),
                      path.look_at.copy())
