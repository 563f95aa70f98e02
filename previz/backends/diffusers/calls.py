"""One pipeline call: the control video it follows, then the pipeline run step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from previz.backends.draft.backend import DraftBackend
from previz.engine.backend import CancelToken, RenderRequest

Step = Callable[[int, int], None]


def control_frames(request: RenderRequest, mode: str,
                   cancel: CancelToken) -> tuple[np.ndarray, ...]:
    """The shot's camera path through its blocking (the scene's, moving in scene time) as the
    draft's caption-free control render: ``depth``, ``layout``, ``pose`` (OpenPose skeletons)
    or ``depth+pose`` (the skeletons drawn over the depth): block the shot, and the model
    shoots it."""
    if request.control_video is not None:
        return tuple(request.control_video)
    path = request.camera
    if path is None or request.bridge:
        return ()
    if mode == "depth+pose":
        return tuple(over(pose, depth) for depth, pose in zip(
            control_frames(request, "depth", cancel), control_frames(request, "pose", cancel),
            strict=True))
    control = RenderRequest(prompt=request.prompt, width=request.width, height=request.height,
                            frame_count=path.frame_count, fps=request.fps, seed=0, camera=path,
                            subjects=request.subjects, mode=mode, scene=request.scene,
                            scene_time=request.scene_time, scene_end=request.scene_end,
                            handles=request.handles)
    return tuple(DraftBackend().generate(control, lambda index, total: None, cancel))


def over(pose: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """The pose render's skeletons (its non-black pixels) over the depth render."""
    drawn = pose.any(axis=2, keepdims=True)
    return np.where(drawn, pose, depth)


def run_pipeline(pipe: Any, arguments: dict[str, Any], seed: int, step: Step,
                 cancel: CancelToken) -> np.ndarray:
    """Render and return the frames as uint8 RGB (F, H, W, 3). ``step`` hears of every
    denoising step; a cancellation raises from the step callback, so the pipeline stops within
    one step and decodes nothing."""
    import torch

    def on_step_end(pipeline: Any, index: int, timestep: Any,
                    tensors: dict[str, Any]) -> dict[str, Any]:
        cancel.check()
        step(index + 1, int(getattr(pipeline, "num_timesteps", 0) or arguments[
            "num_inference_steps"]))
        cancel.check()
        return tensors

    generator = torch.Generator("cpu").manual_seed(seed)
    output = pipe(**arguments, generator=generator, callback_on_step_end=on_step_end)
    frames = np.asarray(output.frames[0], dtype=np.float32)
    return np.clip(np.rint(frames * 255.0), 0, 255).astype(np.uint8)
