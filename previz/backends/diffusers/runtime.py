"""Device, dtype and memory policy: chosen from the settings and what torch finds, then applied."""

from __future__ import annotations

import platform
import shutil
import sys
from dataclasses import dataclass
from typing import Any

from previz.backends.diffusers.families import Family
from previz.settings import Settings

ACCELERATED_OFFLOAD = ("model", "sequential")
PREVIEW_CACHE = 0.1  # the FirstBlockCache threshold of a preview without a distilled model


class RuntimeSetupError(Exception):
    """The settings ask for a device or mode this machine does not have."""


@dataclass(frozen=True)
class Accelerators:
    """What torch finds here: a CUDA device (and whether it computes in bfloat16), Apple MPS."""

    cuda: bool = False
    cuda_bf16: bool = False
    mps: bool = False
    name: str = ""


@dataclass(frozen=True)
class RuntimePolicy:
    """Where and how a pipeline runs: device, compute dtype (the VAE decodes in ``vae_dtype``),
    offloading, VAE tiling, the step cache threshold and compilation; ``notes`` say what was
    turned down and why."""

    device: str = "cpu"
    dtype: str = "float32"
    vae_dtype: str = "float32"
    offload: str = "none"
    vae_tiling: bool = False
    step_cache: float = 0.0
    compile: bool = False
    notes: tuple[str, ...] = ()


def choose_policy(settings: Settings, found: Accelerators) -> RuntimePolicy:
    """The policy for these settings on this machine (``auto``: CUDA in bfloat16 with a float32
    VAE, else MPS, else the CPU in float32; CPU offload only where there is an accelerator)."""
    device = _device(settings.device, found)
    dtype = settings.dtype
    if dtype == "auto":
        dtype = {"cuda": "bfloat16" if found.cuda_bf16 else "float16",
                 "mps": "bfloat16"}.get(device, "float32")
    offload, notes = settings.offload, []
    if offload == "auto" and device == "cpu":
        offload = "none"  # the planner sizes GPU memory; on the CPU everything is in RAM
    if offload in ACCELERATED_OFFLOAD and device == "cpu":
        notes.append(f"{offload} offload needs an accelerator: off on the CPU")
        offload = "none"
    return RuntimePolicy(device, dtype, "float32", offload, settings.vae_tiling,
                         settings.step_cache or (PREVIEW_CACHE if settings.quality == "preview"
                                                 else 0.0), settings.compile, tuple(notes))


def _device(wanted: str, found: Accelerators) -> str:
    if wanted == "auto":
        return "cuda" if found.cuda else "mps" if found.mps else "cpu"
    if wanted == "cuda" and not found.cuda:
        raise RuntimeSetupError("the settings ask for CUDA, but torch finds no CUDA device")
    if wanted == "mps" and not found.mps:
        raise RuntimeSetupError("the settings ask for Apple MPS, but torch finds none")
    return wanted


def likely_device(settings: Settings) -> str:
    """The device renders will probably use, guessed without importing torch (it names the
    executor's worker; the policy decides for real once a model loads)."""
    if settings.device != "auto":
        return settings.device
    if shutil.which("nvidia-smi"):
        return "cuda"
    if sys.platform == "darwin" and platform.machine() == "arm64":
        return "mps"
    return "cpu"


def probe_accelerators() -> Accelerators:
    """What torch finds here (imports torch)."""
    import torch

    if torch.cuda.is_available():
        return Accelerators(cuda=True, cuda_bf16=torch.cuda.is_bf16_supported(),
                            name=torch.cuda.get_device_name(0))
    mps = getattr(torch.backends, "mps", None)
    return Accelerators(mps=bool(mps and mps.is_available()))


def gpu_free_memory(device: str) -> int:
    """Free bytes on ``device`` as torch sees it (0 where it cannot tell)."""
    import torch

    if device == "cuda" and torch.cuda.is_available():
        return int(torch.cuda.mem_get_info()[0])
    if device == "mps" and getattr(torch, "mps", None) is not None:
        return int(torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory())
    return 0


def vae_dtype(policy: RuntimePolicy, family: Family) -> str:
    """The dtype the family's VAE decodes in under ``policy``."""
    return policy.vae_dtype if family.float32_vae else policy.dtype


def component_dtypes(policy: RuntimePolicy, family: Family) -> dict[str, Any]:
    """``dtype`` for ``from_pretrained``: the compute dtype, with the VAE as the family wants
    it and Wan's CLIP image encoder in float32."""
    import torch

    compute, vae = getattr(torch, policy.dtype), getattr(torch, vae_dtype(policy, family))
    return {"default": compute, "vae": vae, "image_encoder": torch.float32}


def place(pipe: Any, policy: RuntimePolicy) -> None:
    """Move ``pipe`` to its device or set up offloading, then tiling, step cache, compile."""
    import torch

    device = torch.device(policy.device)
    if policy.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif policy.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif policy.offload == "group":
        pipe.enable_group_offload(onload_device=device, offload_device=torch.device("cpu"),
                                  offload_type="block_level", num_blocks_per_group=1,
                                  use_stream=device.type == "cuda")
    else:
        pipe.to(device)
    if policy.vae_tiling:
        pipe.vae.enable_tiling()
    hooked = policy.step_cache > 0 or policy.offload not in ("none", "auto")
    for transformer in transformers_of(pipe):
        if policy.step_cache > 0:
            from diffusers import FirstBlockCacheConfig

            transformer.enable_cache(FirstBlockCacheConfig(threshold=policy.step_cache))
        if policy.compile:
            # The step cache's and the offload hooks' Python (hasattr calls, functions kept
            # out of compilation) cannot be traced into one graph: compile around them.
            transformer.compile_repeated_blocks(fullgraph=not hooked)


def transformers_of(pipe: Any) -> list[Any]:
    """The denoising transformers of a pipeline (two for Wan 2.2's two-expert models)."""
    found = [getattr(pipe, name, None) for name in ("transformer", "transformer_2")]
    return [module for module in found if module is not None]


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is the device (or the host) running out of memory."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(error, torch.OutOfMemoryError):
        return True
    return isinstance(error, MemoryError) or (
        isinstance(error, RuntimeError) and "out of memory" in str(error).lower())


def free_memory() -> None:
    """Give cached accelerator memory back after a pipeline is dropped."""
    import gc

    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()
    elif torch is not None and getattr(torch.backends, "mps", None) and (
            torch.backends.mps.is_available()):
        torch.mps.empty_cache()
