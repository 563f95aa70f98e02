"""A shot longer than its model's cap, rendered as a chain of continuations (the Extend path)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from previz.backends.diffusers.families import Family
from previz.backends.diffusers.inputs import (
    FramePlan,
    Pin,
    continuation_plan,
    legal_count,
    plan_frames,
)
from previz.backends.diffusers.timing import CHAIN_OVERLAP, Timing, cross_fade, match_colour
from previz.engine.backend import RenderRequest

#: Renders one call: its request, plan and index in the chain; returns every rendered frame.
Call = Callable[[RenderRequest, FramePlan, int], np.ndarray]


def late_conditioning(request: RenderRequest, timing: Timing) -> list[str]:
    """What a chained render cannot carry past its first call, in words: an end image, a
    keyframe after the first call's frames, a bridge's two ends."""
    if len(timing.chunks) < 2:
        return []
    found = ["a bridge between two frames"] if request.bridge else []
    first_seconds = float(timing.chunks[0] / timing.native_fps)
    for item in request.conditioning:
        if item.role == "last_frame":
            found.append("a last-frame image")
        elif item.role == "keyframe" and item.time >= first_seconds:
            found.append(f"a keyframe at {item.time:g} s (past the first {first_seconds:g} s)")
    return found


def render_chain(family: Family, native: RenderRequest, timing: Timing,
                 control: Sequence[np.ndarray], call: Call) -> list[np.ndarray]:
    """Every new frame of a chained render at the model's rate: the first call as the request
    asks, then each re-rendering the last ``CHAIN_OVERLAP`` frames made so far (kept as
    context, or started from) and going on; its colour is matched to them and the overlap
    cross-faded."""
    first = replace(native, frame_count=timing.chunks[0])
    plan = plan_frames(first, family, control)
    frames = call(first, plan, 0)
    made = [frames[index] for index in plan.keep]
    for number, count in enumerate(timing.chunks[1:], 1):
        overlap = made[-CHAIN_OVERLAP:]
        plan = overlap_plan(family, overlap, count, control[len(made):])
        frames = call(replace(native, frame_count=count), plan, number)
        frames = match_colour(frames, frames[:len(overlap)], np.stack(overlap))
        made[-len(overlap):] = cross_fade(overlap, frames)
        made += [frames[index] for index in plan.keep]
    return made


def overlap_plan(family: Family, overlap: Sequence[np.ndarray], count: int,
                 control: Sequence[np.ndarray]) -> FramePlan:
    """A call rendering ``overlap`` again and ``count`` new frames after it."""
    if "keyframes" in family.capabilities:
        return continuation_plan(overlap, count, family, control)
    total = legal_count(len(overlap) + count, family.constraints.frame_multiple)
    return FramePlan(total, tuple(range(len(overlap), len(overlap) + count)),
                     pins=(Pin(0, overlap[0]),))
