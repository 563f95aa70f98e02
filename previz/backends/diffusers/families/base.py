"""What every model family is: its pipeline, capabilities and rules, and how a request fits it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from previz.engine.backend import Constraints, RenderRequest

EVERYTHING = frozenset({"text_to_video", "first_frame", "last_frame", "keyframes", "extend",
                        "control_video", "reference_images"})


@dataclass(frozen=True)
class Family:
    """A kind of model: the diffusers pipeline that runs it, its capabilities and rules.

    ``kind`` names the module that builds its pipeline calls (``wan``, ``vace``, ``ltx``).
    ``requires`` are capabilities every request must use (an image-to-video model starts
    from an image); ``pins_end`` says the last frame is always the last rendered frame.
    ``sequence_length`` is the text encoder's token budget. ``float32_vae``: the VAE decodes
    in float32 whatever the compute dtype (Wan's advice; LTXConditionPipeline hands its VAE
    latents in the transformer's dtype, so its VAE runs in that dtype). ``context_multiple``:
    a continuation keeps ``multiple·k + 1`` frames of the clip it continues (0: any number).
    ``image_pipeline``: the pipeline a request starting on an image renders through, where
    the model does both from one folder (Wan 2.2 TI2V-5B). ``guidance`` and ``negative`` are
    the pipeline's recommended guidance scale and the checkpoint's published negative prompt,
    used where a shot leaves them unset.
    """

    id: str
    name: str
    pipeline: str
    kind: str
    capabilities: frozenset[str]
    constraints: Constraints
    requires: frozenset[str] = frozenset()
    pins_end: bool = False
    sequence_length: int = 512
    float32_vae: bool = True
    context_multiple: int = 0
    guidance: float = 5.0
    negative: str = ""
    image_pipeline: str = ""

    @property
    def max_frames(self) -> int:
        """The most frames one call renders (what the model was trained on)."""
        return self.constraints.max_frames or 81

    @property
    def takes_control(self) -> bool:
        """Whether the camera reaches this family as a control video rather than words."""
        return "control_video" in self.capabilities


@dataclass(frozen=True)
class Detected:
    """The family of a model folder and its variant in words, or why it has none."""

    family: Family | None
    variant: str = ""
    problem: str = ""


def component(model_index: Mapping[str, Any], name: str) -> bool:
    """Whether ``model_index.json`` sets the pipeline component ``name``."""
    entry = model_index.get(name)
    return isinstance(entry, list) and len(entry) == 2 and entry[0] is not None


def common_arguments(family: Family, request: RenderRequest, frames: int) -> dict[str, Any]:
    """What every family's pipeline is called with, but the generator and callback: a shot
    that leaves guidance (0) or the negative prompt unset gets the family's own."""
    return {
        "prompt": request.prompt, "negative_prompt": request.negative or family.negative or None,
        "height": request.height, "width": request.width, "num_frames": frames,
        "num_inference_steps": request.steps,
        "guidance_scale": request.guidance or family.guidance,
        "max_sequence_length": family.sequence_length, "output_type": "np",
    }


def shifted_scheduler(pipe: Any, published: Mapping[str, Any], **changes: Any) -> None:
    """Give ``pipe`` a fresh scheduler of its own class: the published config with
    ``changes`` (each render sets its own shift, so nothing carries over from the last)."""
    pipe.scheduler = type(pipe.scheduler).from_config(dict(published), **changes)


def pil_image(frame: np.ndarray) -> Any:
    """An RGB frame as the PIL image the pipelines take."""
    from PIL import Image

    return Image.fromarray(np.ascontiguousarray(frame), "RGB")


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
