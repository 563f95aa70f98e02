"""LTX-Video through LTXConditionPipeline: detection, conditions, pipeline arguments."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from previz.backends.diffusers.families.base import (
    EVERYTHING,
    Detected,
    Family,
    common_arguments,
    pil_image,
    shifted_scheduler,
)
from previz.engine.backend import Constraints, RenderRequest

if TYPE_CHECKING:
    from previz.backends.diffusers.inputs import FramePlan

LTX = Constraints(frame_multiple=8, size_multiple=32, native_fps=Fraction(24), max_frames=257)
LTX_PIPELINES = ("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline")
#: The negative prompt of the diffusers LTX-Video docs and the LTX-Video repository's examples.
NEGATIVE = "worst quality, inconsistent motion, blurry, jittery, distorted"
#: The timestep-aware VAE's decode settings (LTX-Video 0.9.1+), from the diffusers docs.
TIMESTEP_VAE = {"decode_timestep": 0.05, "decode_noise_scale": 0.025,
                "image_cond_noise_scale": 0.025}

LTX_VIDEO = Family("ltx", "LTX-Video (conditions at any frame)", "LTXConditionPipeline", "ltx",
                   EVERYTHING - {"control_video", "reference_images"}, LTX, sequence_length=256,
                   float32_vae=False, context_multiple=8, guidance=3.0, negative=NEGATIVE)
FAMILIES = (LTX_VIDEO,)


def detect(pipeline: str, model_index: Mapping[str, Any], transformer: Mapping[str, Any],
           vae: Mapping[str, Any]) -> Detected | None:
    """An LTX-Video folder (any of its pipelines renders through LTXConditionPipeline)."""
    if pipeline in LTX_PIPELINES:
        return Detected(LTX_VIDEO, "LTX-Video 0.9.1+" if vae.get("timestep_conditioning")
                        else "LTX-Video 0.9.0")
    return None


@dataclass(frozen=True)
class LtxCondition:
    """One LTX condition: an image (one frame) or a video (8k+1 frames) at a frame index."""

    frames: tuple[np.ndarray, ...]
    index: int
    strength: float = 1.0


def ltx_conditions(plan: FramePlan) -> list[LtxCondition]:
    """The kept frames as a video condition at frame 0, then each pin as an image condition."""
    conditions = [LtxCondition(plan.context, 0)] if plan.context else []
    conditions += [LtxCondition((pin.image,), pin.index, pin.strength) for pin in plan.pins]
    return conditions


def schedule(pipe: Any, published: Mapping[str, Any], family: Family, request: RenderRequest,
             frames: int) -> dict[str, Any]:
    """LTXConditionPipeline hands the scheduler its own timesteps and never ``mu``, while the
    published LTX-Video scheduler shifts by resolution (``use_dynamic_shifting``) and so
    refuses to run without it. The shift it would take for this many latent tokens is
    worked out as LTXPipeline does and set as a fixed shift: ``exp(mu)`` for the exponential
    time shift (``shift·t / (1 + (shift − 1)·t)`` is then the same curve), ``mu`` for the
    linear one."""
    if not published.get("use_dynamic_shifting"):
        return {}
    temporal = int(getattr(pipe, "vae_temporal_compression_ratio", 8))
    spatial = int(getattr(pipe, "vae_spatial_compression_ratio", 32))
    tokens = ((frames - 1) // temporal + 1) * (request.height // spatial) * (
        request.width // spatial)
    mu = dynamic_mu(tokens, published)
    exponential = published.get("time_shift_type", "exponential") == "exponential"
    shift = math.exp(mu) if exponential else mu
    shifted_scheduler(pipe, published, use_dynamic_shifting=False, shift=shift)
    return {"shift": round(shift, 4)}


def dynamic_mu(tokens: int, config: Mapping[str, Any]) -> float:
    """``mu`` for ``tokens`` latent tokens, by the scheduler config's line (``calculate_shift``
    of the diffusers LTX and Flux pipelines)."""
    base_len = float(config.get("base_image_seq_len", 256))
    max_len = float(config.get("max_image_seq_len", 4096))
    base_shift = float(config.get("base_shift", 0.5))
    max_shift = float(config.get("max_shift", 1.15))
    slope = (max_shift - base_shift) / (max_len - base_len)
    return tokens * slope + base_shift - slope * base_len


def arguments(pipe: Any, family: Family, request: RenderRequest,
              plan: FramePlan) -> dict[str, Any]:
    """LTX's pipeline arguments: the rate its RoPE scales by, conditions, VAE decode noise."""
    found = common_arguments(family, request, plan.frames)
    found["frame_rate"] = float(request.fps)
    found["conditions"] = _conditions(plan) or None
    if getattr(pipe.vae.config, "timestep_conditioning", False):
        found.update(TIMESTEP_VAE)
    return found


def _conditions(plan: FramePlan) -> list[Any]:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    conditions = []
    for condition in ltx_conditions(plan):
        frames = [pil_image(frame) for frame in condition.frames]
        if len(frames) == 1:
            conditions.append(LTXVideoCondition(image=frames[0], frame_index=condition.index,
                                                strength=condition.strength))
        else:
            conditions.append(LTXVideoCondition(video=frames, frame_index=condition.index,
                                                strength=condition.strength))
    return conditions
