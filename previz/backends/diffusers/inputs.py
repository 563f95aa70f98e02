"""What each pipeline is given for a request, as plain data: kept frames, pinned images, masks.

A ``FramePlan`` says how many frames the pipeline renders, which of them the request gets,
which leading frames are kept from the clip being continued, and which images are pinned at
which frame. Each family's module turns it into VACE video and masks, LTX conditions or Wan
first and last images. Nothing here imports torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from previz.engine.backend import RenderRequest

if TYPE_CHECKING:
    from previz.backends.diffusers.families import Family


@dataclass(frozen=True)
class Pin:
    """An image the render must pass through at frame ``index``."""

    index: int
    image: np.ndarray
    strength: float = 1.0


@dataclass(frozen=True)
class FramePlan:
    """The pipeline's frame count, the frames the request gets (``keep``, in order), the
    leading frames kept from a clip being continued, pinned images, references, and control
    frames for ``control_start`` onwards."""

    frames: int
    keep: tuple[int, ...]
    context: tuple[np.ndarray, ...] = ()
    pins: tuple[Pin, ...] = ()
    references: tuple[np.ndarray, ...] = ()
    control: tuple[np.ndarray, ...] = ()
    control_start: int = 0


def legal_count(frames: int, multiple: int) -> int:
    """The smallest frame count of the form ``multiple·k + 1`` that holds ``frames``."""
    return multiple * max(math.ceil((frames - 1) / multiple), 0) + 1


def cover(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to fill width x height and centre-cropped: no bars for a model to copy."""
    scale = max(width / image.shape[1], height / image.shape[0])
    size = (max(math.ceil(image.shape[1] * scale), width),
            max(math.ceil(image.shape[0] * scale), height))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(np.ascontiguousarray(image[..., :3]), size, interpolation=interpolation)
    left, top = (size[0] - width) // 2, (size[1] - height) // 2
    return np.ascontiguousarray(scaled[top:top + height, left:left + width])


def plan_frames(request: RenderRequest, family: Family,
                control: Sequence[np.ndarray] = ()) -> FramePlan:
    """How ``family`` renders ``request``: a bridge, a continuation or a shot."""
    if request.bridge:
        return _bridge(request, family)
    if request.source_clip is not None:
        return _continuation(request, family, control)
    return _shot(request, family, control)


def _images(request: RenderRequest, role: str) -> list[tuple[np.ndarray, float, float]]:
    found = []
    for item in request.conditioning:
        image = request.images.get(item.asset)
        if item.role == role and image is not None:
            found.append((cover(image, request.width, request.height), item.strength, item.time))
    return found


def _shot(request: RenderRequest, family: Family, control: Sequence[np.ndarray]) -> FramePlan:
    count = request.frame_count
    total = legal_count(count, family.constraints.frame_multiple)
    pins = [Pin(0, image, strength) for image, strength, _ in _images(request, "first_frame")]
    for image, strength, time in _images(request, "keyframe"):
        index = min(max(round(time * float(request.fps)), 0), count - 1)
        pins.append(Pin(index, image, strength))
    last = total - 1 if family.pins_end else count - 1
    pins += [Pin(last, image, strength) for image, strength, _ in _images(request, "last_frame")]
    references = tuple(request.images[item.asset] for item in request.conditioning
                       if item.role == "reference" and item.asset in request.images)
    return FramePlan(total, tuple(range(count)), pins=tuple(sorted(pins, key=_index)),
                     references=references, control=tuple(control[:total]))


def _continuation(request: RenderRequest, family: Family,
                  control: Sequence[np.ndarray]) -> FramePlan:
    return continuation_plan(_context(request, family), request.frame_count, family, control)


def continuation_plan(context: Sequence[np.ndarray], count: int, family: Family,
                      control: Sequence[np.ndarray] = ()) -> FramePlan:
    """``count`` new frames after ``context`` (the last frames of what is continued): an
    image-to-video model starts on the last of them, the others keep them all."""
    context = tuple(context)
    kept = len(context)
    total = legal_count(kept + count, family.constraints.frame_multiple)
    keep = tuple(range(kept, kept + count))
    if "keyframes" not in family.capabilities:  # image-to-video: the clip's last frame starts it
        return FramePlan(total, keep, pins=(Pin(0, context[-1]),))
    return FramePlan(total, keep, context=context, control=tuple(control[:total - kept]),
                     control_start=kept)


def _context(request: RenderRequest, family: Family) -> tuple[np.ndarray, ...]:
    """The last frames of the clip, as many as the family can keep: LTX 8k+1 of them, an
    image-to-video model only the very last."""
    frames = tuple(cover(frame, request.width, request.height)
                   for frame in request.context_frames)
    if not frames:  # a backend-agnostic continuation: the clip's last frame as an image
        frames = tuple(image for image, _, _ in _images(request, "first_frame"))
    if not frames:
        raise ValueError("a continuation needs the clip's last frames")
    if "keyframes" not in family.capabilities:
        return frames[-1:]
    if family.context_multiple:
        multiple = family.context_multiple
        frames = frames[-((len(frames) - 1) // multiple * multiple + 1):]
    return frames


def _bridge(request: RenderRequest, family: Family) -> FramePlan:
    """In-betweens: the first image just before them and the last image just after."""
    firsts, lasts = _images(request, "first_frame"), _images(request, "last_frame")
    if not firsts or not lasts:
        raise ValueError("a bridge needs both a first-frame and a last-frame image")
    count = request.frame_count
    total = legal_count(count + 2, family.constraints.frame_multiple)
    if family.pins_end and total != count + 2:
        end = total - 1
        keep = tuple(round(x) for x in np.linspace(1, end - 1, count))
    else:
        end = count + 1
        keep = tuple(range(1, count + 1))
    pins = (Pin(0, firsts[0][0], firsts[0][1]), Pin(end, lasts[0][0], lasts[0][1]))
    return FramePlan(total, keep, pins=pins)


def _index(pin: Pin) -> int:
    return pin.index
