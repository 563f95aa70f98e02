"""Wan 2.1 / 2.2 text- and image-to-video: detection, frame rules, pipeline arguments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from previz.backends.diffusers.families.base import (
    Detected,
    Family,
    common_arguments,
    component,
    pil_image,
)
from previz.engine.backend import Constraints, RenderRequest

if TYPE_CHECKING:
    from previz.backends.diffusers.inputs import FramePlan

WAN = Constraints(frame_multiple=4, size_multiple=16, native_fps=Fraction(16))
WAN_5B = Constraints(frame_multiple=4, size_multiple=32, native_fps=Fraction(24))

WAN_T2V = Family("wan-t2v", "Wan text-to-video", "WanPipeline", "wan",
                 frozenset({"text_to_video"}), WAN)
WAN_I2V = Family("wan-i2v", "Wan image-to-video", "WanImageToVideoPipeline", "wan",
                 frozenset({"first_frame", "extend"}), WAN, requires=frozenset({"first_frame"}))
WAN_FLF2V = Family("wan-flf2v", "Wan first-last-frame", "WanImageToVideoPipeline", "wan",
                   frozenset({"first_frame", "last_frame"}), WAN,
                   requires=frozenset({"first_frame", "last_frame"}), pins_end=True)
WAN_I2V_FL = Family("wan-i2v-fl", "Wan 2.2 image-to-video (first and last frame)",
                    "WanImageToVideoPipeline", "wan",
                    frozenset({"first_frame", "last_frame", "extend"}), WAN,
                    requires=frozenset({"first_frame"}), pins_end=True)
FAMILIES = (WAN_T2V, WAN_I2V, WAN_FLF2V, WAN_I2V_FL)
SIZES = {(1536, 30): "1.3B", (5120, 40): "14B", (3072, 30): "5B"}


def detect(pipeline: str, model_index: Mapping[str, Any], transformer: Mapping[str, Any],
           vae: Mapping[str, Any]) -> Detected | None:
    """The Wan family of a diffusers folder, or None if it is not a Wan T2V or I2V folder."""
    if pipeline == "WanImageToVideoPipeline":
        return _detect_i2v(transformer, model_index)
    if pipeline == "WanPipeline":
        if vae.get("z_dim") == 48:
            wan_5b = Family("wan-t2v", WAN_T2V.name, "WanPipeline", "wan",
                            WAN_T2V.capabilities, WAN_5B, max_frames=121)
            return Detected(wan_5b, "Wan2.2 TI2V-5B")
        return Detected(WAN_T2V, wan_variant(transformer, model_index))
    return None


def _detect_i2v(transformer: Mapping[str, Any], model_index: Mapping[str, Any]) -> Detected:
    variant = wan_variant(transformer, model_index)
    if transformer.get("pos_embed_seq_len"):
        return Detected(WAN_FLF2V, variant)
    if transformer.get("image_dim") is None:
        return Detected(WAN_I2V_FL, variant)
    return Detected(WAN_I2V, variant)


def wan_variant(transformer: Mapping[str, Any], model_index: Mapping[str, Any]) -> str:
    """Size and generation of a Wan transformer, in words (e.g. ``Wan2.1 1.3B``)."""
    heads = int(transformer.get("num_attention_heads") or 0)
    width = heads * int(transformer.get("attention_head_dim") or 0)
    layers = int(transformer.get("num_layers") or 0)
    size = SIZES.get((width, layers), f"custom ({width} wide, {layers} layers)")
    if component(model_index, "transformer_2"):
        ratio = model_index.get("boundary_ratio")
        return f"Wan2.2 A14B, two experts (boundary {ratio})" if size == "14B" else (
            f"two experts {size} (boundary {ratio})")
    return f"Wan {size}"


@dataclass(frozen=True)
class WanImages:
    """Wan image-to-video's first image and, for first-last-frame models, its last image."""

    first: np.ndarray
    last: np.ndarray | None = None


def wan_images(plan: FramePlan) -> WanImages:
    """The pin at frame 0 starts the video; a pin at the last rendered frame ends it."""
    first = next((pin.image for pin in plan.pins if pin.index == 0), None)
    if first is None:
        raise ValueError("an image-to-video model needs a first-frame image")
    last = next((pin.image for pin in plan.pins if pin.index == plan.frames - 1), None)
    return WanImages(first, last)


def arguments(pipe: Any, family: Family, request: RenderRequest,
              plan: FramePlan) -> dict[str, Any]:
    """Wan's pipeline arguments: the common ones, and the first and last images for I2V."""
    found = common_arguments(family, request, plan.frames)
    if family.pipeline == "WanImageToVideoPipeline":
        images = wan_images(plan)
        found["image"] = pil_image(images.first)
        if images.last is not None:
            found["last_image"] = pil_image(images.last)
    return found
