"""A scene shot's characters' reference images, as the model's family can take them."""

from __future__ import annotations

from dataclasses import replace

from previz.backends.diffusers.families import Family
from previz.core.identity import EXTRA_KEY, Identity
from previz.core.values import ConditioningImage
from previz.engine.backend import RenderRequest


def with_identity(request: RenderRequest, family: Family) -> tuple[RenderRequest, str]:
    """``request`` with its characters' reference images as conditioning the family takes:
    VACE's reference images, or, for a model that only renders from an image (image-to-video
    without text-to-video), the framed character's first reference as the first frame where
    the shot has none. Also what became of them, in words, for the clip's provenance."""
    found: tuple[Identity, ...] = tuple(
        item for item in request.extra.get(EXTRA_KEY, ()) if item.asset in request.images)
    if not found:
        return request, ""
    names = ", ".join(dict.fromkeys(item.character for item in found))
    capabilities = family.capabilities
    if "reference_images" in capabilities:
        references = tuple(ConditioningImage(item.asset, "reference", subject=item.character)
                           for item in found)
        return (replace(request, conditioning=(*request.conditioning, *references)),
                f"{len(found)} reference image(s) of {names} as the model's reference images")
    starts = any(item.role == "first_frame" for item in request.conditioning)
    if ("text_to_video" not in capabilities and "first_frame" in capabilities and not starts
            and request.source_clip is None and not request.bridge):
        first = ConditioningImage(found[0].asset, "first_frame", subject=found[0].character)
        return (replace(request, conditioning=(*request.conditioning, first)),
                f"{found[0].character}'s reference image as the first frame ({family.name}"
                " takes no reference images)")
    return request, (f"not given to the model: {family.name} takes no reference images; the"
                     f" prompt describes {names}")
