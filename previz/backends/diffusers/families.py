"""Model families: which pipeline renders a model folder, what it can do, and its rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from previz.engine.backend import Constraints

EVERYTHING = frozenset({"text_to_video", "first_frame", "last_frame", "keyframes", "extend",
                        "control_video", "reference_images"})


@dataclass(frozen=True)
class Family:
    """A kind of model: the diffusers pipeline that runs it, its capabilities and rules.

    ``requires`` are capabilities every request must use (an image-to-video model starts
    from an image); ``pins_end`` says the last frame is always the last rendered frame.
    ``sequence_length`` is the text encoder's token budget. ``float32_vae``: the VAE decodes
    in float32 whatever the compute dtype (Wan's advice; LTXConditionPipeline hands its VAE
    latents in the transformer's dtype, so its VAE runs in that dtype).
    """

    id: str
    name: str
    pipeline: str
    capabilities: frozenset[str]
    constraints: Constraints
    requires: frozenset[str] = frozenset()
    pins_end: bool = False
    sequence_length: int = 512
    float32_vae: bool = True

    @property
    def takes_control(self) -> bool:
        """Whether the camera reaches this family as a control video rather than words."""
        return "control_video" in self.capabilities


WAN = Constraints(frame_multiple=4, size_multiple=16, native_fps=Fraction(16))
WAN_5B = Constraints(frame_multiple=4, size_multiple=32, native_fps=Fraction(24))
LTX = Constraints(frame_multiple=8, size_multiple=32, native_fps=Fraction(24))

WAN_T2V = Family("wan-t2v", "Wan text-to-video", "WanPipeline",
                 frozenset({"text_to_video"}), WAN)
WAN_I2V = Family("wan-i2v", "Wan image-to-video", "WanImageToVideoPipeline",
                 frozenset({"first_frame", "extend"}), WAN, requires=frozenset({"first_frame"}))
WAN_FLF2V = Family("wan-flf2v", "Wan first-last-frame", "WanImageToVideoPipeline",
                   frozenset({"first_frame", "last_frame"}), WAN,
                   requires=frozenset({"first_frame", "last_frame"}), pins_end=True)
WAN_I2V_FL = Family("wan-i2v-fl", "Wan 2.2 image-to-video (first and last frame)",
                    "WanImageToVideoPipeline", frozenset({"first_frame", "last_frame", "extend"}),
                    WAN, requires=frozenset({"first_frame"}), pins_end=True)
WAN_VACE = Family("wan-vace", "Wan VACE (control, masks, references)", "WanVACEPipeline",
                  EVERYTHING, WAN)
LTX_VIDEO = Family("ltx", "LTX-Video (conditions at any frame)", "LTXConditionPipeline",
                   EVERYTHING - {"control_video", "reference_images"}, LTX, sequence_length=256,
                   float32_vae=False)

FAMILIES = {family.id: family for family in
            (WAN_T2V, WAN_I2V, WAN_FLF2V, WAN_I2V_FL, WAN_VACE, LTX_VIDEO)}

#: Which family to suggest, by capability, when no model in the library can do a thing.
SUGGESTIONS = {
    "text_to_video": "Wan text-to-video (Wan2.1-T2V-1.3B), Wan VACE or LTX-Video",
    "first_frame": "Wan image-to-video (Wan2.1-I2V-14B-480P), Wan VACE or LTX-Video",
    "last_frame": "Wan first-last-frame (Wan2.1-FLF2V-14B-720P), Wan VACE or LTX-Video",
    "keyframes": "Wan VACE (Wan2.1-VACE-1.3B) or LTX-Video",
    "extend": "Wan VACE (Wan2.1-VACE-1.3B) or LTX-Video",
    "control_video": "Wan VACE (Wan2.1-VACE-1.3B)",
    "reference_images": "Wan VACE (Wan2.1-VACE-1.3B)",
}

_LTX_PIPELINES = ("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline")


@dataclass(frozen=True)
class Detected:
    """The family of a model folder and its variant in words, or why it has none."""

    family: Family | None
    variant: str = ""
    problem: str = ""


def detect(model_index: Mapping[str, Any], transformer: Mapping[str, Any],
           vae: Mapping[str, Any]) -> Detected:
    """The family of a diffusers folder from ``model_index.json`` and its component configs."""
    pipeline = str(model_index.get("_class_name", ""))
    if pipeline in _LTX_PIPELINES:
        return Detected(LTX_VIDEO, _ltx_variant(vae))
    if pipeline == "WanVACEPipeline":
        return Detected(WAN_VACE, wan_variant(transformer, model_index))
    if pipeline == "WanImageToVideoPipeline":
        return _detect_i2v(transformer, model_index)
    if pipeline == "WanPipeline":
        if vae.get("z_dim") == 48:
            wan_5b = Family("wan-t2v", WAN_T2V.name, "WanPipeline", WAN_T2V.capabilities, WAN_5B)
            return Detected(wan_5b, "Wan2.2 TI2V-5B")
        return Detected(WAN_T2V, wan_variant(transformer, model_index))
    return Detected(None, problem=f"pipeline {pipeline or '(none)'} is not a family Previz"
                                  " renders with (Wan, Wan VACE, LTX-Video)")


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
    size = {(1536, 30): "1.3B", (5120, 40): "14B", (3072, 30): "5B"}.get(
        (width, layers), f"custom ({width} wide, {layers} layers)")
    experts = _component(model_index, "transformer_2")
    if experts:
        ratio = model_index.get("boundary_ratio")
        return f"Wan2.2 A14B, two experts (boundary {ratio})" if size == "14B" else (
            f"two experts {size} (boundary {ratio})")
    return f"Wan {size}"


def _ltx_variant(vae: Mapping[str, Any]) -> str:
    return "LTX-Video 0.9.1+" if vae.get("timestep_conditioning") else "LTX-Video 0.9.0"


def _component(model_index: Mapping[str, Any], name: str) -> bool:
    entry = model_index.get(name)
    return isinstance(entry, list) and len(entry) == 2 and entry[0] is not None


def needs(roles: frozenset[str], *, extend: bool, bridge: bool, control: bool) -> frozenset[str]:
    """The capabilities a request uses: from its image roles, whether it continues a clip,
    bridges two frames or brings a control video; plain text when it uses nothing else.

    A continuation's own start (the clip's last frame as ``first_frame``) is part of
    ``extend``, not a separate need.
    """
    role_caps = {"first_frame": "first_frame", "last_frame": "last_frame",
                 "keyframe": "keyframes", "reference": "reference_images"}
    wanted = {role_caps[role] for role in roles if role in role_caps}
    if bridge:
        wanted |= {"first_frame", "last_frame"}
    elif extend:
        wanted.discard("first_frame")
        wanted.add("extend")
    if control:
        wanted.add("control_video")
    return frozenset(wanted or {"text_to_video"})


@dataclass(frozen=True)
class Fit:
    """How a family fits a request: what it is asked and cannot do (``lacking``), and what
    it needs that the request does not give (``unmet``: an image-to-video model's image)."""

    lacking: frozenset[str] = frozenset()
    unmet: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        """Whether the family can render the request."""
        return not self.lacking and not self.unmet


def fit(family: Family, wanted: frozenset[str]) -> Fit:
    """How ``family`` fits a request that uses ``wanted``."""
    if "extend" in wanted and "extend" in family.capabilities:
        return Fit(wanted - family.capabilities)  # a continuation starts from the clip itself
    lacking = wanted - family.capabilities
    if family.requires:
        lacking -= {"text_to_video"}  # what it lacks then is its image, said below
    return Fit(lacking, family.requires - wanted)
