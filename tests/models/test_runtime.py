"""Device, dtype and memory policy, and every memory and speed option run on the tiny models."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from models.conftest import TinyLibrary

from previz.backends.diffusers.loader import load_pipeline
from previz.backends.diffusers.runtime import (
    Accelerators,
    RuntimePolicy,
    RuntimeSetupError,
    choose_policy,
    place,
)
from previz.engine.backend import CancelToken, RenderRequest
from previz.settings import Settings

CUDA = Accelerators(cuda=True, cuda_bf16=True, name="H100")


@pytest.mark.parametrize(("settings", "found", "expected"), [
    (Settings(), CUDA, ("cuda", "bfloat16", "float32", "auto")),
    (Settings(), Accelerators(cuda=True), ("cuda", "float16", "float32", "auto")),
    (Settings(), Accelerators(mps=True), ("mps", "bfloat16", "float32", "auto")),
    (Settings(), Accelerators(), ("cpu", "float32", "float32", "none")),
    (Settings(offload="model"), CUDA, ("cuda", "bfloat16", "float32", "model")),
    (Settings(offload="sequential"), Accelerators(), ("cpu", "float32", "float32", "none")),
    (Settings(offload="group"), Accelerators(), ("cpu", "float32", "float32", "group")),
    (Settings(device="cpu", dtype="bfloat16"), CUDA, ("cpu", "bfloat16", "float32", "none")),
])
def test_policy(settings: Settings, found: Accelerators, expected: tuple[str, ...]) -> None:
    policy = choose_policy(settings, found)
    assert (policy.device, policy.dtype, policy.vae_dtype, policy.offload) == expected


def test_offload_to_the_cpu_needs_an_accelerator_and_says_so() -> None:
    policy = choose_policy(Settings(offload="model"), Accelerators())
    assert policy.notes == ("model offload needs an accelerator: off on the CPU",)


def test_asking_for_a_device_that_is_not_here() -> None:
    with pytest.raises(RuntimeSetupError, match="no CUDA device"):
        choose_policy(Settings(device="cuda"), Accelerators())


def request(model: str) -> RenderRequest:
    return RenderRequest(prompt="a dog runs", width=64, height=64, frame_count=9,
                         fps=Fraction(16), seed=0, steps=3, model=model)


@pytest.mark.parametrize("model", ["wan-t2v-tiny", "ltx-tiny"])
def test_memory_and_speed_options_render(tiny: TinyLibrary, model: str) -> None:
    """Group offload, VAE tiling, the step cache and a bfloat16 transformer with a float32
    VAE (the CUDA policy) all run here on the CPU."""
    plain = tiny.backend()
    tuned = tiny.backend(offload="group", vae_tiling=True, step_cache=0.1, dtype="bfloat16")
    reference = np.stack(list(plain.generate(request(model), lambda i, n: None, CancelToken())))
    frames = np.stack(list(tuned.generate(request(model), lambda i, n: None, CancelToken())))
    pipe = tuned.warm_pipeline()
    vae = torch.float32 if model.startswith("wan") else torch.bfloat16
    assert pipe.transformer.dtype == torch.bfloat16 and pipe.vae.dtype == vae
    assert pipe.vae.use_tiling
    assert frames.shape == reference.shape
    assert tuned.describe(request(model))["step_cache"] == 0.1


def test_compiling_the_repeated_blocks_is_set_up_lazily(tiny: TinyLibrary) -> None:
    backend = tiny.backend()
    model = backend.library.get("wan-t2v-tiny")
    assert model is not None
    pipe = load_pipeline(model, RuntimePolicy())
    place(pipe, RuntimePolicy(compile=True))
    assert all(block._compiled_call_impl is not None for block in pipe.transformer.blocks)
