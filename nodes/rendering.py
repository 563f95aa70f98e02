"""What the rendering nodes share: their backend, frame counts, slates and clip writing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, overload

import numpy as np

from previz.api import (
    Backend,
    Clip,
    Constraints,
    ExecuteContext,
    MediaServices,
    MoveValue,
    NodeError,
    PromptValue,
    RenderRequest,
    Snapped,
    describe_moves,
    frames_in,
    moves_label,
)

SIZE_LABELS = {
    "extreme_close_up": "ECU", "close_up": "CU", "medium_close_up": "MCU", "medium": "MS",
    "medium_wide": "MWS", "full": "FS", "wide": "WS", "extreme_wide": "EWS",
}
HANDLES_FILE = "handles.mkv"
ANGLE_LABELS = {"eye": "", "high": "high angle", "low": "low angle", "birds_eye": "bird's eye",
                "worms_eye": "worm's eye"}


def backend_of(ctx: ExecuteContext) -> Backend:
    """The backend this node renders with; a clear error when none is wired in."""
    if ctx.backend is None:
        raise NodeError(f"{ctx.label} has no backend to render with")
    return ctx.backend


def frame_count(seconds: float, fps: Fraction) -> int:
    """Frames in ``seconds`` at ``fps``, halves rounding up, at least one."""
    return frames_in(seconds, fps)


def handle_frames(constraints: Constraints, snapped: Snapped, wanted: int,
                  fps: Fraction) -> int:
    """Frames of handles either side of a shot of ``snapped`` frames: ``wanted``, or fewer
    where the model renders only some frame counts (4k+1) or at most so many a call."""
    for handles in range(max(wanted, 0), 0, -1):
        total = snapped.frames + 2 * handles
        fits = constraints.max_frames is None or total <= constraints.max_frames
        if fits and constraints.snap(total, snapped.width, snapped.height, fps).frames == total:
            return handles
    return 0


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


def camera_words(backend: Backend, model: str, moves: Sequence[MoveValue]) -> str:
    """The move in film language for a prompt, where the model takes the camera path no other
    way (it renders no control video); empty where it does."""
    if "control_video" in backend.capabilities(model):
        return ""
    return describe_moves(moves)


def with_camera(prompt: str, words: str) -> str:
    """The prompt with the camera move described after it."""
    return f"{prompt.rstrip()} {words}".strip() if words else prompt


def camera_note(words: str) -> dict[str, str]:
    """Provenance saying how the camera reached the model, when it went as words."""
    if not words:
        return {}
    return {"camera_prompt": f"the model takes no control video, so the move is described in"
                             f" the prompt: {words}"}


def render_settings(clip: Clip) -> dict[str, Any]:
    """Steps and guidance of the render that made ``clip``, for a continuation to match."""
    record = clip.provenance.get("render")
    if not isinstance(record, Mapping):
        return {}
    return {name: record[name] for name in ("steps", "guidance")
            if isinstance(record.get(name), int | float) and not isinstance(record[name], bool)}


class ClipTail(Sequence[np.ndarray]):
    """The last ``count`` frames of a clip, read from the store only if a backend looks."""

    def __init__(self, media: MediaServices, clip: Clip, count: int) -> None:
        self._media, self._clip = media, clip
        self._count = max(min(count, clip.frame_count), 0)
        self._frames: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[np.ndarray]: ...

    def __getitem__(self, index: int | slice) -> np.ndarray | Sequence[np.ndarray]:
        return self._read()[index]

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(self._read())

    def _read(self) -> list[np.ndarray]:
        if self._frames is None:
            start = self._clip.frame_count - self._count
            self._frames = list(self._media.frames(self._clip, start)) if self._count else []
        return self._frames


def write_clip(ctx: ExecuteContext, request: RenderRequest, *, head: Clip | None = None,
               camera: Any = None, provenance: Mapping[str, Any] | None = None,
               prompt: str | None = None, handles: tuple[int, int] = (0, 0)) -> Clip:
    """This take's clip: ``head`` (a source clip whose frames it begins with: the store keeps
    them once, not copied), then the backend's frames; the backend must give exactly the
    frames asked for. The clip records ``prompt`` (default: the request's) and what the
    backend says of the render.

    ``handles`` (before, after) are the backend's first and last frames that are the shot's
    handles rather than the shot: they go to the entry's ``handles.mkv`` (before first), not
    to the clip, and the clip's provenance says so under ``handles``.
    """
    backend = backend_of(ctx)
    before, after = handles
    body = request.frame_count - before - after
    with ctx.new_clip(request.width, request.height, request.fps, head=head) as clip:
        extra = clip.extra_frames(HANDLES_FILE) if before or after else None
        made = 0
        for frame in backend.generate(request, ctx.progress, ctx.cancel):
            target = clip if before <= made < before + body or extra is None else extra
            target.write(_checked(frame, request))
            made += 1
        if made != request.frame_count:
            raise NodeError(f"backend {backend.id} gave {made} frames, not"
                            f" {request.frame_count}")
        record = dict(provenance or {})
        if extra is not None:
            record["handles"] = {"before": before, "after": after, "file": HANDLES_FILE}
        describe = getattr(backend, "describe", None)
        if callable(describe):
            record["render"] = dict(describe(request))
        return clip.finish(prompt=request.prompt if prompt is None else prompt, camera=camera,
                           provenance=record)


def _checked(frame: np.ndarray, request: RenderRequest) -> np.ndarray:
    if frame.shape != (request.height, request.width, 3):
        raise NodeError(f"backend frame is {frame.shape[1]}x{frame.shape[0]}, not"
                        f" {request.width}x{request.height}")
    return frame
