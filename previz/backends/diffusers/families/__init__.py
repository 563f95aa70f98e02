"""Model families, one module each (Wan, Wan VACE, LTX-Video): which a folder is, and its call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from previz.backends.diffusers.families import ltx, vace, wan
from previz.backends.diffusers.families.base import (
    EVERYTHING,
    Detected,
    Family,
    Fit,
    fit,
    needs,
)
from previz.backends.diffusers.families.ltx import LTX_VIDEO
from previz.backends.diffusers.families.vace import WAN_VACE
from previz.backends.diffusers.families.wan import (
    WAN_FLF2V,
    WAN_I2V,
    WAN_I2V_FL,
    WAN_T2V,
    WAN_TI2V,
    starts_on_image,
)
from previz.engine.backend import RenderRequest

if TYPE_CHECKING:
    from previz.backends.diffusers.inputs import FramePlan

__all__ = ["EVERYTHING", "FAMILIES", "LTX_VIDEO", "SUGGESTIONS", "WAN_FLF2V", "WAN_I2V",
           "WAN_I2V_FL", "WAN_T2V", "WAN_TI2V", "WAN_VACE", "Detected", "Family", "Fit",
           "arguments", "detect", "fit", "needs", "schedule", "starts_on_image"]

MODULES = {"wan": wan, "vace": vace, "ltx": ltx}
FAMILIES = {family.id: family for module in MODULES.values() for family in module.FAMILIES}

#: Which family to suggest, by capability, when no model in the library can do a thing.
SUGGESTIONS = {
    "text_to_video": "Wan text-to-video (Wan2.1-T2V-1.3B, Wan2.2-TI2V-5B), Wan VACE or LTX-Video",
    "first_frame": "Wan image-to-video (Wan2.2-TI2V-5B, Wan2.1-I2V-14B-480P), Wan VACE or"
                   " LTX-Video",
    "last_frame": "Wan first-last-frame (Wan2.1-FLF2V-14B-720P), Wan VACE or LTX-Video",
    "keyframes": "Wan VACE (Wan2.1-VACE-1.3B) or LTX-Video",
    "extend": "Wan VACE (Wan2.1-VACE-1.3B), Wan2.2-TI2V-5B or LTX-Video",
    "control_video": "Wan VACE (Wan2.1-VACE-1.3B)",
    "reference_images": "Wan VACE (Wan2.1-VACE-1.3B)",
}


def detect(model_index: Mapping[str, Any], transformer: Mapping[str, Any],
           vae: Mapping[str, Any]) -> Detected:
    """The family of a diffusers folder from ``model_index.json`` and its component configs."""
    pipeline = str(model_index.get("_class_name", ""))
    for module in MODULES.values():
        found = module.detect(pipeline, model_index, transformer, vae)
        if found is not None:
            return found
    return Detected(None, problem=f"pipeline {pipeline or '(none)'} is not a family Previz"
                                  " renders with (Wan, Wan VACE, LTX-Video)")


def schedule(pipe: Any, published: Mapping[str, Any], family: Family, request: RenderRequest,
             frames: int) -> dict[str, Any]:
    """Set ``pipe``'s scheduler for this render from its ``published`` config (the shift
    that fits the resolution); what was set, for the clip's provenance."""
    return dict(MODULES[family.kind].schedule(pipe, published, family, request, frames))


def arguments(pipe: Any, family: Family, request: RenderRequest,
              plan: FramePlan) -> dict[str, Any]:
    """Everything the family's pipeline is called with, but the generator and callback."""
    return MODULES[family.kind].arguments(pipe, family, request, plan)
