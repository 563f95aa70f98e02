"""The planner applied to a library model and a render: its parts, its shape, the advice."""

from __future__ import annotations

from previz.backends.diffusers.files import ModelFileError, read_json
from previz.backends.diffusers.library import LibraryModel
from previz.backends.diffusers.planner import (
    DTYPE_BYTES,
    Parts,
    Plan,
    Shape,
    advice,
    peak,
    plan,
    read_parts,
)
from previz.backends.diffusers.runtime import RuntimePolicy, gpu_free_memory
from previz.engine.backend import RenderRequest

#: A reference render for `previz doctor`: five seconds at 480p.
REFERENCE = {"wan": (832, 480, 81), "vace": (832, 480, 81), "ltx": (768, 512, 121)}


def model_parts(model: LibraryModel) -> Parts:
    """The parameters of ``model``'s parts, from safetensors headers."""
    if model.config is not None and model.base is not None:
        files = [model.path, *([model.expert] if model.expert else [])]
        return read_parts(model.base.path, files, model.config.transformer)
    names = ("transformer", "transformer_2") if model.experts else ("transformer",)
    try:
        config = read_json(model.path / "transformer" / "config.json")
    except ModelFileError:
        config = {}
    return read_parts(model.path, [model.path / name for name in names], config)


def render_shape(model: LibraryModel, width: int, height: int, frames: int) -> Shape:
    """What the planner needs of a render on ``model``'s family."""
    if model.family is not None and model.family.kind == "ltx":
        return Shape(width, height, frames, temporal=8, spatial=32, patch=1,
                     vae_bytes_per_pixel=60, whole_video_vae=True)
    if model.latent_channels == 48:  # Wan 2.2 TI2V-5B: 16x spatial, a larger decoder
        return Shape(width, height, frames, temporal=4, spatial=16, patch=2,
                     vae_bytes_per_pixel=9000)
    return Shape(width, height, frames)


def _bytes(policy: RuntimePolicy) -> tuple[int, int]:
    return DTYPE_BYTES.get(policy.dtype, 2), DTYPE_BYTES.get(policy.vae_dtype, 4)


def memory_plan(model: LibraryModel, policy: RuntimePolicy, request: RenderRequest,
                frames: int, free: int) -> Plan:
    """The planner's offload and tiling for rendering ``request`` on ``model``."""
    compute, vae = _bytes(policy)
    return plan(model_parts(model), render_shape(model, request.width, request.height, frames),
                free, dtype_bytes=compute, vae_bytes=vae)


def oom_advice(model: LibraryModel, policy: RuntimePolicy | None, request: RenderRequest,
               frames: int, failed: Plan | None) -> str:
    """Advice after running out of memory that would fit this GPU's free memory."""
    policy = policy or RuntimePolicy(device="cuda", dtype="bfloat16")
    compute, vae = _bytes(policy)
    parts = model_parts(model)
    shape = render_shape(model, request.width, request.height, frames)
    free = failed.free if failed is not None else gpu_free_memory(policy.device)
    if failed is None:
        offload = policy.offload if policy.offload != "auto" else "none"
        need = peak(parts, shape, offload, policy.vae_tiling, dtype_bytes=compute,
                    vae_bytes=vae)
        failed = Plan(offload, policy.vae_tiling if offload != "sequential" else True, need,
                      free, False, "")
    return advice(parts, shape, free, failed, dtype_bytes=compute, vae_bytes=vae)


def doctor_lines(model: LibraryModel, policy: RuntimePolicy, free: int) -> list[str]:
    """What the planner would choose for a reference render of ``model`` with ``free`` bytes."""
    if model.family is None or not model.loads:
        return []
    width, height, frames = REFERENCE.get(model.family.kind, (832, 480, 81))
    chosen = memory_plan(model, policy, RenderRequest("", width, height, frames, 0, 0),
                         frames, free)
    verdict = chosen.reason if chosen.fits else f"does not fit: {chosen.reason}"
    return [f"    memory at {width}x{height}, {frames} frames: {verdict}"]
