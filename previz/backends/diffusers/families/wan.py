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
    shifted_scheduler,
)
from previz.engine.backend import Constraints, RenderRequest

if TYPE_CHECKING:
    from previz.backends.diffusers.inputs import FramePlan

WAN = Constraints(frame_multiple=4, size_multiple=16, native_fps=Fraction(16), max_frames=81)
WAN_5B = Constraints(frame_multiple=4, size_multiple=32, native_fps=Fraction(24),
                     max_frames=121)

#: ``sample_neg_prompt`` of Wan2.1 and Wan2.2 (``wan/configs/shared_config.py``): the models
#: were tuned with it as the unconditional prompt.
NEGATIVE = ("色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，"
            "整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，多余的手指，"
            "画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，"
            "静止不动的画面，杂乱的背景，三条腿，背景人很多，倒着走")
#: Wan2.2 A14B's guidance for the high-noise and the low-noise expert (``wan/configs/``).
EXPERT_GUIDANCE = {"WanPipeline": (4.0, 3.0), "WanImageToVideoPipeline": (3.5, 3.5)}
#: Flow shift: 3.0 at 480p, 5.0 at 720p (the diffusers Wan docs and the convert script);
#: the first-last-frame checkpoint keeps its published 16.
LOW_SHIFT, HIGH_SHIFT, HIGH_PIXELS = 3.0, 5.0, 1280 * 720 * 3 // 4

WAN_T2V = Family("wan-t2v", "Wan text-to-video", "WanPipeline", "wan",
                 frozenset({"text_to_video"}), WAN, negative=NEGATIVE)
WAN_I2V = Family("wan-i2v", "Wan image-to-video", "WanImageToVideoPipeline", "wan",
                 frozenset({"first_frame", "extend"}), WAN, requires=frozenset({"first_frame"}),
                 negative=NEGATIVE)
WAN_FLF2V = Family("wan-flf2v", "Wan first-last-frame", "WanImageToVideoPipeline", "wan",
                   frozenset({"first_frame", "last_frame"}), WAN,
                   requires=frozenset({"first_frame", "last_frame"}), pins_end=True,
                   negative=NEGATIVE)
WAN_I2V_FL = Family("wan-i2v-fl", "Wan 2.2 image-to-video (first and last frame)",
                    "WanImageToVideoPipeline", "wan",
                    frozenset({"first_frame", "last_frame", "extend"}), WAN,
                    requires=frozenset({"first_frame"}), pins_end=True, negative=NEGATIVE)
WAN_TI2V = Family("wan-ti2v", "Wan 2.2 text- and image-to-video (TI2V-5B)", "WanPipeline", "wan",
                  frozenset({"text_to_video", "first_frame", "extend"}), WAN_5B,
                  negative=NEGATIVE, image_pipeline="WanImageToVideoPipeline")
FAMILIES = (WAN_T2V, WAN_I2V, WAN_FLF2V, WAN_I2V_FL, WAN_TI2V)
SIZES = {(1536, 30): "1.3B", (5120, 40): "14B", (3072, 30): "5B"}


def detect(pipeline: str, model_index: Mapping[str, Any], transformer: Mapping[str, Any],
           vae: Mapping[str, Any]) -> Detected | None:
    """The Wan family of a diffusers folder, or None if it is not a Wan T2V or I2V folder."""
    if pipeline == "WanImageToVideoPipeline":
        return _detect_i2v(transformer, model_index)
    if pipeline == "WanPipeline":
        if vae.get("z_dim") == 48:  # the 48-channel VAE: text and image to video at 24 fps
            return Detected(WAN_TI2V, "Wan2.2 TI2V-5B")
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


def starts_on_image(family: Family, plan: FramePlan) -> bool:
    """Whether a text-and-image model renders this plan from its first-frame image."""
    return bool(family.image_pipeline) and any(pin.index == 0 for pin in plan.pins)


def guidance(family: Family, request: RenderRequest, experts: bool) -> tuple[float, float | None]:
    """The guidance scale, and for a two-expert model the low-noise expert's: the shot's
    (0: the published one), the second in the published proportion to the first."""
    if not experts:
        return request.guidance or family.guidance, None
    high, low = EXPERT_GUIDANCE[family.pipeline]
    first = request.guidance or high
    return first, first * low / high


def flow_shift(family: Family, published: Mapping[str, Any], width: int, height: int) -> float:
    """The scheduler's flow shift for a render at ``width`` x ``height``."""
    if family.id == "wan-flf2v":
        return float(published.get("flow_shift", published.get("shift", 16.0)))
    return HIGH_SHIFT if width * height >= HIGH_PIXELS else LOW_SHIFT


def schedule(pipe: Any, published: Mapping[str, Any], family: Family, request: RenderRequest,
             frames: int) -> dict[str, Any]:
    """Set the flow shift for this resolution; what was set, for the clip's provenance."""
    shift = flow_shift(family, published, request.width, request.height)
    name = "flow_shift" if "flow_shift" in published else "shift"
    shifted_scheduler(pipe, published, **{name: shift})
    return {"flow_shift": shift}


def arguments(pipe: Any, family: Family, request: RenderRequest,
              plan: FramePlan) -> dict[str, Any]:
    """Wan's pipeline arguments: the common ones, both experts' guidance, and the first and
    last images for I2V."""
    found = common_arguments(family, request, plan.frames)
    first, second = guidance(family, request, getattr(pipe, "transformer_2", None) is not None)
    found["guidance_scale"] = first
    if second is not None:
        found["guidance_scale_2"] = second
    if family.pipeline == "WanImageToVideoPipeline" or starts_on_image(family, plan):
        images = wan_images(plan)
        found["image"] = pil_image(images.first)
        if images.last is not None:
            found["last_image"] = pil_image(images.last)
    return found
