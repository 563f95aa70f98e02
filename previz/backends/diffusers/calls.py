"""One pipeline call: a frame plan turned into the family's arguments, run step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

from previz.backends.diffusers.families import Family
from previz.backends.diffusers.inputs import (
    FramePlan,
    ltx_conditions,
    vace_inputs,
    wan_images,
)
from previz.backends.draft.backend import DraftBackend
from previz.engine.backend import CancelToken, RenderRequest

LTX_TIMESTEP_VAE = {"decode_timestep": 0.05, "decode_noise_scale": 0.025,
                    "image_cond_noise_scale": 0.025}

Step = Callable[[int, int], None]


def control_frames(request: RenderRequest, mode: str,
                   cancel: CancelToken) -> tuple[np.ndarray, ...]:
    """The shot's camera path as the draft's caption-free control render (depth or layout):
    block the shot, and the model shoots it."""
    if request.control_video is not None:
        return tuple(request.control_video)
    path = request.camera
    if path is None or request.bridge:
        return ()
    control = RenderRequest(prompt=request.prompt, width=request.width, height=request.height,
                            frame_count=path.frame_count, fps=request.fps, seed=0, camera=path,
                            subjects=request.subjects, mode=mode)
    return tuple(DraftBackend().generate(control, lambda index, total: None, cancel))


def call_arguments(pipe: Any, family: Family, request: RenderRequest,
                   plan: FramePlan) -> dict[str, Any]:
    """Everything the family's pipeline is called with, but the generator and callback."""
    arguments: dict[str, Any] = {
        "prompt": request.prompt, "negative_prompt": request.negative or None,
        "height": request.height, "width": request.width, "num_frames": plan.frames,
        "num_inference_steps": request.steps, "guidance_scale": request.guidance,
        "max_sequence_length": family.sequence_length, "output_type": "np",
    }
    if family.id == "ltx":
        arguments["frame_rate"] = float(request.fps)
        arguments["conditions"] = _ltx(plan) or None
        if getattr(pipe.vae.config, "timestep_conditioning", False):
            arguments.update(LTX_TIMESTEP_VAE)
    elif family.id == "wan-vace":
        inputs = vace_inputs(plan, request.width, request.height)
        arguments["video"] = [_image(frame) for frame in inputs.video]
        arguments["mask"] = [Image.fromarray(mask, "L") for mask in inputs.mask]
        arguments["reference_images"] = [_image(ref) for ref in inputs.references] or None
    elif family.pipeline == "WanImageToVideoPipeline":
        images = wan_images(plan)
        arguments["image"] = _image(images.first)
        if images.last is not None:
            arguments["last_image"] = _image(images.last)
    return arguments


def _ltx(plan: FramePlan) -> list[Any]:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    conditions = []
    for condition in ltx_conditions(plan):
        frames = [_image(frame) for frame in condition.frames]
        if len(frames) == 1:
            conditions.append(LTXVideoCondition(image=frames[0], frame_index=condition.index,
                                                strength=condition.strength))
        else:
            conditions.append(LTXVideoCondition(video=frames, frame_index=condition.index,
                                                strength=condition.strength))
    return conditions


def _image(frame: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(frame), "RGB")


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
