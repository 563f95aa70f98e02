"""The memory planner: offload and VAE tiling picked from free GPU memory and the model's parts.

Component sizes come from the safetensors headers (parameter counts times the bytes of the
dtype each part runs in), so planning reads no weights and imports no torch. The working
memory of denoising and decoding is an estimate, calibrated on the published figures (Wan 2.1
1.3B at 480p in 8.19 GB with its text encoder off the GPU; Wan 14B in about 13 GB with group
offload; LTX-Video in about 10 GB with group offload and fp8 weights). Candidates run from the
fastest to the most frugal, and the first whose predicted peak fits in the free memory, with
headroom, is chosen: more memory never picks a slower mode.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from previz.backends.diffusers.files import safetensors_header

GB = 1024**3
HEADROOM = 0.9  # of the free memory: the allocator's fragmentation and the CUDA context
OOM_MARGIN = 1.25  # after an out-of-memory, advice must fit even if the estimate was this low
DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2, "F32": 4, "BF16": 2, "F16": 2,
               "F8_E4M3": 1, "F8_E5M2": 1, "I8": 1, "U8": 1, "F64": 8, "I64": 8, "I32": 4}
#: (offload, VAE tiling), fastest first.
CANDIDATES = (("none", False), ("none", True), ("model", False), ("model", True),
              ("group", False), ("group", True), ("sequential", True))
WORDS = {"none": "everything on the GPU", "model": "model offload (one part on the GPU at a"
         " time)", "group": "group offload (transformer blocks streamed to the GPU)",
         "sequential": "sequential offload (layer by layer, slowest)"}


@dataclass(frozen=True)
class Parts:
    """Parameters of a model's parts: each denoiser (one, or two experts), the text encoder,
    the VAE and any image encoder; ``blocks`` repeated blocks in a denoiser, ``width`` its
    hidden size and ``ffn`` its feed-forward size."""

    denoisers: tuple[int, ...]
    text_encoder: int
    vae: int
    image_encoder: int = 0
    blocks: int = 30
    width: int = 1536
    ffn: int = 8960


@dataclass(frozen=True)
class Shape:
    """What is rendered: size, frame count, and the VAE's compression and working bytes."""

    width: int
    height: int
    frames: int
    temporal: int = 4
    spatial: int = 8
    patch: int = 2
    vae_bytes_per_pixel: int = 7000  # a Wan-style VAE decodes frame by frame
    whole_video_vae: bool = False  # LTX-Video's VAE decodes every frame at once


@dataclass(frozen=True)
class Plan:
    """The chosen offload and tiling, the predicted peak in bytes, whether it fits, and why."""

    offload: str
    vae_tiling: bool
    peak: int
    free: int
    fits: bool
    reason: str

    @property
    def speed_rank(self) -> int:
        """0 for the fastest candidate, higher for slower ones."""
        return CANDIDATES.index((self.offload, self.vae_tiling))


def gb(value: float) -> str:
    """Bytes in GiB, one decimal."""
    return f"{value / GB:.1f} GB"


def peak(parts: Parts, shape: Shape, offload: str, tiling: bool, *, dtype_bytes: int = 2,
         vae_bytes: int = 4) -> int:
    """The predicted peak GPU memory, in bytes, of rendering ``shape`` in this mode."""
    denoisers = [count * dtype_bytes for count in parts.denoisers]
    text, image = parts.text_encoder * dtype_bytes, parts.image_encoder * 4
    vae = parts.vae * vae_bytes
    work, decode = _denoise_work(parts, shape, dtype_bytes), _decode_work(shape, tiling)
    if offload == "none":
        return sum(denoisers) + text + image + vae + max(work, decode)
    if offload == "model":
        return max(text, image, max(denoisers) + work, vae + decode)
    block = max(denoisers) // max(parts.blocks, 1)
    if offload == "group":  # one block computing, the next on its way
        return max(2 * block + work, 2 * text // 24, vae + decode)
    return max(block // 4 + work, vae // 8 + decode)  # sequential: one layer at a time


def _denoise_work(parts: Parts, shape: Shape, dtype_bytes: int) -> int:
    latent_frames = (shape.frames - 1) // shape.temporal + 1
    tokens = latent_frames * math.ceil(shape.height / (shape.spatial * shape.patch)) * math.ceil(
        shape.width / (shape.spatial * shape.patch))
    return tokens * (parts.ffn + 6 * parts.width) * dtype_bytes * 2


def _decode_work(shape: Shape, tiling: bool) -> int:
    width, height = (min(shape.width, 256), min(shape.height, 256)) if tiling else (
        shape.width, shape.height)
    frames = shape.frames if shape.whole_video_vae else 1
    return width * height * frames * shape.vae_bytes_per_pixel


def plan(parts: Parts, shape: Shape, free: int, *, dtype_bytes: int = 2,
         vae_bytes: int = 4) -> Plan:
    """The fastest candidate whose predicted peak fits ``free`` bytes (with headroom); the
    most frugal one, marked as not fitting, when none does."""
    budget = free * HEADROOM
    for offload, tiling in CANDIDATES:
        need = peak(parts, shape, offload, tiling, dtype_bytes=dtype_bytes, vae_bytes=vae_bytes)
        if need <= budget:
            return Plan(offload, tiling, need, free, True, _reason(offload, tiling, need, free))
    offload, tiling = CANDIDATES[-1]
    need = peak(parts, shape, offload, tiling, dtype_bytes=dtype_bytes, vae_bytes=vae_bytes)
    return Plan(offload, tiling, need, free, False,
                f"nothing fits {gb(free)} free: even {WORDS[offload]} with VAE tiling needs"
                f" about {gb(need)} at {shape.width}x{shape.height}, {shape.frames} frames")


def _reason(offload: str, tiling: bool, need: int, free: int) -> str:
    tiled = ", VAE tiling" if tiling else ""
    return f"{WORDS[offload]}{tiled}: about {gb(need)} of {gb(free)} free"


def advice(parts: Parts, shape: Shape, free: int, failed: Plan, *, dtype_bytes: int = 2,
           vae_bytes: int = 4) -> str:
    """What to set after ``failed`` ran out of memory: the next slower mode that would fit
    even if the estimates are ``OOM_MARGIN`` low, or a smaller render."""
    for offload, tiling in CANDIDATES[failed.speed_rank + 1:]:
        need = OOM_MARGIN * peak(parts, shape, offload, tiling, dtype_bytes=dtype_bytes,
                                 vae_bytes=vae_bytes)
        if need <= free * HEADROOM:
            return (f"set offload = {offload}{' and vae_tiling = true' if tiling else ''} in the"
                    f" settings ({WORDS[offload]}: about {gb(need)} of {gb(free)} free)")
    return (f"lower the resolution or the duration: at {shape.width}x{shape.height},"
            f" {shape.frames} frames nothing fits {gb(free)} free")


def advice_fits(parts: Parts, shape: Shape, free: int, text: str, *, dtype_bytes: int = 2,
                vae_bytes: int = 4) -> bool:
    """Whether the mode ``advice`` names is predicted to fit (for checks)."""
    for offload, tiling in CANDIDATES:
        named = f"set offload = {offload}{' and vae_tiling = true' if tiling else ''} in"
        if text.startswith(named):
            return peak(parts, shape, offload, tiling, dtype_bytes=dtype_bytes,
                        vae_bytes=vae_bytes) <= free
    return text.startswith("lower the resolution")


def parameters(files: Iterable[Path]) -> int:
    """Parameters in safetensors files, from their headers alone."""
    total = 0
    for path in files:
        for spec in safetensors_header(path).values():
            if isinstance(spec, dict) and "shape" in spec:
                total += math.prod(int(size) for size in spec["shape"])
    return total


def folder_parameters(folder: Path) -> int:
    """Parameters of one component folder (single or sharded safetensors)."""
    return parameters(sorted(folder.glob("*.safetensors"))) if folder.is_dir() else 0


def read_parts(components: Path, transformers: Sequence[Path],
               config: Mapping[str, Any]) -> Parts:
    """The parts of a model: its ``transformers`` (one file or folder each, two for a
    two-expert model) with ``config``, and the text encoder, VAE and image encoder folders
    under ``components``."""
    heads = int(config.get("num_attention_heads") or 12)
    width = heads * int(config.get("attention_head_dim") or 128)
    denoisers = tuple(folder_parameters(path) if path.is_dir() else parameters([path])
                      for path in transformers)
    return Parts(denoisers, folder_parameters(components / "text_encoder"),
                 folder_parameters(components / "vae"),
                 folder_parameters(components / "image_encoder"),
                 int(config.get("num_layers") or 30), width,
                 int(config.get("ffn_dim") or 4 * width))
