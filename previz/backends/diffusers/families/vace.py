"""Wan VACE (control video, masks, reference images): detection and pipeline arguments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from previz.backends.diffusers.families.base import (
    EVERYTHING,
    Detected,
    Family,
    common_arguments,
    pil_image,
)
from previz.backends.diffusers.families.wan import NEGATIVE, WAN, schedule, wan_variant
from previz.engine.backend import RenderRequest

if TYPE_CHECKING:
    from previz.backends.diffusers.inputs import FramePlan

KEEP, GENERATE = 0, 255  # VACE masks: black keeps the pixel as given, white generates it
GRAY = 128  # VACE video where nothing is given (zero after the pipeline's [-1, 1] scaling)

WAN_VACE = Family("wan-vace", "Wan VACE (control, masks, references)", "WanVACEPipeline",
                  "vace", EVERYTHING, WAN, negative=NEGATIVE)
FAMILIES = (WAN_VACE,)
__all__ = ["FAMILIES", "WAN_VACE", "arguments", "detect", "schedule", "vace_inputs"]


def detect(pipeline: str, model_index: Mapping[str, Any], transformer: Mapping[str, Any],
           vae: Mapping[str, Any]) -> Detected | None:
    """A VACE folder's family and variant, or None if it is not one."""
    if pipeline == "WanVACEPipeline":
        return Detected(WAN_VACE, wan_variant(transformer, model_index))
    return None


@dataclass(frozen=True)
class VaceInputs:
    """VACE's ``video`` and ``mask`` (one HxW mask per frame) and its reference images."""

    video: list[np.ndarray]
    mask: list[np.ndarray]
    references: list[np.ndarray]


def vace_inputs(plan: FramePlan, width: int, height: int) -> VaceInputs:
    """Kept frames and pins as given (mask black), control frames or gray elsewhere (white)."""
    gray = np.full((height, width, 3), GRAY, np.uint8)
    video = [gray] * plan.frames
    mask = [np.full((height, width), GENERATE, np.uint8)] * plan.frames
    for index, frame in enumerate(plan.control):
        if plan.control_start + index < plan.frames:
            video[plan.control_start + index] = frame
    for index, frame in enumerate(plan.context):
        video[index], mask[index] = frame, np.full((height, width), KEEP, np.uint8)
    for pin in plan.pins:
        video[pin.index] = pin.image
        mask[pin.index] = np.full((height, width), round(GENERATE * (1 - pin.strength)), np.uint8)
    return VaceInputs(video, mask, list(plan.references))


def arguments(pipe: Any, family: Family, request: RenderRequest,
              plan: FramePlan) -> dict[str, Any]:
    """VACE's pipeline arguments: video, masks and reference images."""
    from PIL import Image

    found = common_arguments(family, request, plan.frames)
    inputs = vace_inputs(plan, request.width, request.height)
    found["video"] = [pil_image(frame) for frame in inputs.video]
    found["mask"] = [Image.fromarray(mask, "L") for mask in inputs.mask]
    found["reference_images"] = [pil_image(ref) for ref in inputs.references] or None
    return found
