"""What the rendering nodes share: their backend, frame counts, slates and clip writing."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from previz.api import (
    Backend,
    Clip,
    ExecuteContext,
    MoveValue,
    NodeError,
    PromptValue,
    RenderRequest,
    moves_label,
)

SIZE_LABELS = {
    "extreme_close_up": "ECU", "close_up": "CU", "medium_close_up": "MCU", "medium": "MS",
    "medium_wide": "MWS", "full": "FS", "wide": "WS", "extreme_wide": "EWS",
}
ANGLE_LABELS = {"eye": "", "high": "high angle", "low": "low angle", "birds_eye": "bird's eye",
                "worms_eye": "worm's eye"}


def backend_of(ctx: ExecuteContext) -> Backend:
    """The backend this node renders with; a clear error when none is wired in."""
    if ctx.backend is None:
        raise NodeError(f"{ctx.label} has no backend to render with")
    return ctx.backend


def frame_count(seconds: float, fps: Fraction) -> int:
    """Frames in ``seconds`` at ``fps``, halves rounding up, at least one."""
    return max(math.floor(Fraction(str(seconds)) * fps + Fraction(1, 2)), 1)


def prompt_text(prompt: PromptValue) -> str:
    """The prompt with its style preset folded in."""
    if prompt.style in ("", "none"):
        return prompt.text
    return f"{prompt.text.rstrip('. ')}. Style: {prompt.style}."


def slate(params: Mapping[str, Any], moves: Sequence[MoveValue], prompt: str) -> tuple[str, ...]:
    """The draft's caption: scene/shot and name, size and angle, lens, move; then the prompt."""
    name = f" '{params['name']}'" if params.get("name") else ""
    parts = [f"{params['scene']}_{params['shot']}{name}", SIZE_LABELS[params["shot_size"]]]
    if ANGLE_LABELS[params["angle"]]:
        parts.append(ANGLE_LABELS[params["angle"]])
    parts += [f"{params['lens']:g} mm", moves_label(moves)]
    return ("   ".join(parts), prompt)


def write_clip(ctx: ExecuteContext, request: RenderRequest, *, head: Iterable[np.ndarray] = (),
               camera: Any = None, provenance: Mapping[str, Any] | None = None) -> Clip:
    """Write ``head`` (frames kept from a source clip), then the backend's frames, as this
    take's clip; the backend must give exactly the frames asked for."""
    backend = backend_of(ctx)
    with ctx.new_clip(request.width, request.height, request.fps) as clip:
        for frame in head:
            clip.write(frame)
        kept = clip.frames_written
        for frame in backend.generate(request, ctx.progress, ctx.cancel):
            clip.write(_checked(frame, request))
        made = clip.frames_written - kept
        if made != request.frame_count:
            raise NodeError(f"backend {backend.id} gave {made} frames, not"
                            f" {request.frame_count}")
        return clip.finish(prompt=request.prompt, camera=camera,
                           provenance=dict(provenance or {}))


def _checked(frame: np.ndarray, request: RenderRequest) -> np.ndarray:
    if frame.shape != (request.height, request.width, 3):
        raise NodeError(f"backend frame is {frame.shape[1]}x{frame.shape[0]}, not"
                        f" {request.width}x{request.height}")
    return frame
