"""One test per way the published checkpoints broke the backend (issue 18), each on a tiny
model carrying the published configs' flags: LTX-Video's resolution-dependent shift, Wan's
shift by resolution, negative prompts, guidance per family and per expert, compile with the
step cache and group offload, Wan 2.2 experts as single files, the 48-channel VAE, and the
control mode in the key."""

from __future__ import annotations

import json
import math
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift
from models.conftest import TinyLibrary
from models.tiny_pipelines import family_config, single_file
from safetensors.torch import load_file

from previz.backends.diffusers import backend as diffusers_backend
from previz.backends.diffusers.calls import run_pipeline
from previz.backends.diffusers.families import WAN_FLF2V, WAN_T2V, schedule
from previz.backends.diffusers.families import ltx as ltx_family
from previz.backends.diffusers.families import wan as wan_family
from previz.backends.diffusers.families.wan import flow_shift
from previz.backends.diffusers.library import ModelLibrary
from previz.core.registry import NodeRegistry
from previz.core.values import ConditioningImage
from previz.engine.backend import BackendSet, CancelToken, RenderRequest
from previz.engine.keys import KeyBasis, take_key

Calls = list[dict[str, Any]]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Every pipeline call's arguments, as the pipeline receives them."""
    seen: Calls = []

    def spy(pipe: Any, arguments: dict[str, Any], *rest: Any) -> np.ndarray:
        seen.append(arguments)
        return run_pipeline(pipe, arguments, *rest)

    monkeypatch.setattr(diffusers_backend, "run_pipeline", spy)
    return seen


def request(model: str, fps: int = 16, **changes: Any) -> RenderRequest:
    base: dict[str, Any] = {"prompt": "a dog runs", "width": 64, "height": 64,
                            "frame_count": 9, "fps": Fraction(fps), "seed": 0, "steps": 2,
                            "model": model}
    return RenderRequest(**{**base, **changes})


def render(backend: diffusers_backend.DiffusersBackend, asked: RenderRequest) -> np.ndarray:
    return np.stack(list(backend.generate(asked, lambda index, total: None, CancelToken())))


def test_ltx_dynamic_shifting(tiny: TinyLibrary, calls: Calls) -> None:
    """The published LTX-Video scheduler shifts by resolution; LTXConditionPipeline passes
    no ``mu``, so it raised. It renders, with the shift LTXPipeline would take."""
    published = json.loads((tiny.folders["ltx-tiny"] / "scheduler" /
                            "scheduler_config.json").read_text())
    assert published["use_dynamic_shifting"] is True
    backend = tiny.backend()
    frames = render(backend, request("ltx-tiny", fps=24, frame_count=17))
    assert frames.shape == (17, 64, 64, 3)
    pipe = backend.warm_pipeline()
    tokens = ((calls[0]["num_frames"] - 1) // pipe.vae_temporal_compression_ratio + 1) * (
        64 // pipe.vae_spatial_compression_ratio) ** 2
    mu = calculate_shift(tokens, published["base_image_seq_len"],
                         published["max_image_seq_len"], published["base_shift"],
                         published["max_shift"])
    assert pipe.scheduler.config.shift == pytest.approx(math.exp(mu))
    assert pipe.scheduler.config.shift_terminal == published["shift_terminal"]


def test_negative_prompts_are_the_published_ones(tiny: TinyLibrary, calls: Calls) -> None:
    backend = tiny.backend()
    render(backend, request("wan-t2v-tiny"))
    render(backend, request("ltx-tiny", fps=24))
    render(backend, request("wan-t2v-tiny", negative="daylight"))
    assert [call["negative_prompt"] for call in calls] == [
        wan_family.NEGATIVE, ltx_family.NEGATIVE, "daylight"]
    assert "过曝" in wan_family.NEGATIVE  # Wan's own sample_neg_prompt, in Chinese


def test_guidance_is_each_pipelines_own(tiny: TinyLibrary, calls: Calls) -> None:
    """LTX-Video's pipeline recommends 3, Wan 5; a shot's own guidance wins."""
    backend = tiny.backend()
    render(backend, request("ltx-tiny", fps=24))
    render(backend, request("wan-t2v-tiny"))
    render(backend, request("ltx-tiny", fps=24, guidance=7.0))
    assert [call["guidance_scale"] for call in calls] == [3.0, 5.0, 7.0]
    assert all("guidance_scale_2" not in call for call in calls)


def test_two_experts_get_guidance_scale_2(tiny: TinyLibrary, calls: Calls) -> None:
    """Wan 2.2 T2V-A14B's experts guide at 4 (high noise) and 3 (low noise)."""
    backend = tiny.backend()
    render(backend, request("wan-a14b-tiny"))
    render(backend, request("wan-a14b-tiny", guidance=8.0))
    assert [(call["guidance_scale"], call["guidance_scale_2"]) for call in calls] == [
        (4.0, 3.0), (8.0, 6.0)]


def test_flow_shift_follows_the_resolution(tiny: TinyLibrary) -> None:
    published = {"flow_shift": 3.0}
    assert flow_shift(WAN_T2V, published, 832, 480) == 3.0
    assert flow_shift(WAN_T2V, published, 1280, 720) == 5.0
    assert flow_shift(WAN_FLF2V, {"flow_shift": 16.0}, 1280, 720) == 16.0
    backend = tiny.backend()
    small = request("wan-t2v-tiny")
    render(backend, small)
    pipe = backend.warm_pipeline()
    assert pipe.scheduler.config.flow_shift == 3.0
    assert backend.describe(small)["flow_shift"] == 3.0
    record = schedule(pipe, dict(pipe.scheduler.config), WAN_T2V,
                      request("wan-t2v-tiny", width=1280, height=720), 81)
    assert record == {"flow_shift": 5.0} and pipe.scheduler.config.flow_shift == 5.0


def test_compile_with_the_step_cache_and_group_offload_renders(tiny: TinyLibrary) -> None:
    """Compiling the repeated blocks with full graphs failed at trace time under the step
    cache's and the offload hooks; it renders now (the first call compiles: slow on a CPU)."""
    backend = tiny.backend(compile=True, step_cache=0.1, offload="group")
    frames = render(backend, request("wan-t2v-tiny", width=32, height=32, frame_count=5))
    assert frames.shape == (5, 32, 32, 3)
    blocks = backend.warm_pipeline().transformer.blocks
    assert all(block._compiled_call_impl is not None for block in blocks)


def test_wan22_experts_as_single_files_are_one_two_expert_model(tiny: TinyLibrary,
                                                               tmp_path: Path) -> None:
    """ComfyUI ships Wan 2.2 A14B as a high-noise and a low-noise file with Wan 2.1 14B's
    shapes: they were two Wan 2.1 models, each rendering alone."""
    root, configs = tmp_path / "models", tmp_path / "configs"
    shutil.copytree(tiny.folders["wan-t2v-tiny"], root / "wan-t2v-tiny")
    source = tiny.folders["wan-a14b-tiny"]
    single_file(source / "transformer", root / "wan22_t2v_high_noise_tiny.safetensors")
    single_file(source / "transformer_2", root / "wan22_t2v_low_noise_tiny.safetensors")
    family_config(tiny.folders["wan-t2v-tiny"], configs, "tiny-wan-t2v",
                  {"family": "wan-t2v", "variant": "tiny Wan T2V"})
    family_config(source, configs, "tiny-wan22-a14b",
                  {"family": "wan-t2v", "variant": "tiny Wan2.2 A14B",
                   "experts": {"boundary_ratio": 0.875}})
    library = ModelLibrary([root], configs=configs)
    models = {model.id: model for model in library.models()}
    assert sorted(models) == ["wan-t2v-tiny", "wan22_t2v_tiny"]
    pair = models["wan22_t2v_tiny"]
    assert pair.loads and pair.experts and pair.variant == "tiny Wan2.2 A14B"
    backend = diffusers_backend.DiffusersBackend(tiny.backend().settings, library=library)
    assert render(backend, request("wan22_t2v_tiny")).shape == (9, 64, 64, 3)
    pipe = backend.warm_pipeline()
    assert pipe.config.boundary_ratio == 0.875
    low = load_file(str(root / "wan22_t2v_low_noise_tiny.safetensors"))
    assert torch.equal(pipe.transformer_2.proj_out.weight,
                       low["model.diffusion_model.head.head.weight"])


def test_a_48_channel_vae_is_not_borrowed_by_a_16_channel_model(tiny: TinyLibrary,
                                                               tmp_path: Path) -> None:
    """A single-file Wan transformer borrows a folder's text encoder and VAE: the TI2V-5B's
    48-channel VAE cannot decode its 16-channel latents."""
    root, configs = tmp_path / "models", tmp_path / "configs"
    shutil.copytree(tiny.folders["wan-ti2v-tiny"], root / "wan-ti2v-tiny")
    single_file(tiny.folders["wan-t2v-tiny"] / "transformer", root / "wan-single.safetensors")
    family_config(tiny.folders["wan-t2v-tiny"], configs, "tiny-wan-t2v",
                  {"family": "wan-t2v", "variant": "tiny Wan T2V"})
    single = ModelLibrary([root], configs=configs).get("wan-single")
    assert single is not None and not single.loads
    assert single.problem.endswith("whose VAE has 16 latent channels; wan-ti2v-tiny's VAE"
                                   " has 48")


def test_the_control_mode_is_in_the_key(tiny: TinyLibrary, registry: NodeRegistry) -> None:
    """Depth and layout control videos make different pictures: they must not share a key."""
    keys = set()
    for control in ("depth", "layout"):
        backend = tiny.backend(control=control)
        info = BackendSet([backend]).catalog().get("diffusers")
        shot = registry.get("previz.shot")
        assert info is not None and shot is not None
        basis = KeyBasis(shot.spec, {"seed": 0}, info.id, info.version,
                         "wan-vace-tiny", "f", {})
        keys.add(take_key(basis, 0))
    assert len(keys) == 2


def test_ti2v_5b_renders_text_and_image_to_video(tiny: TinyLibrary, calls: Calls) -> None:
    """Wan 2.2 TI2V-5B is one folder (WanPipeline, 48-channel VAE) that also starts on an
    image: the image request goes through WanImageToVideoPipeline on the same components."""
    backend = tiny.backend()
    assert backend.capabilities("wan-ti2v-tiny") == {"text_to_video", "first_frame", "extend"}
    text = render(backend, request("wan-ti2v-tiny", fps=24))
    picture = np.zeros((64, 64, 3), np.uint8)
    picture[:, :32] = 220
    started = render(backend, request("wan-ti2v-tiny", fps=24, conditioning=(
        ConditioningImage("start", "first_frame"),), images={"start": picture}))
    assert text.shape == started.shape == (9, 64, 64, 3)
    assert "image" not in calls[0] and np.array_equal(np.asarray(calls[1]["image"]), picture)
    warm = backend._warm
    assert warm is not None and type(warm.image_pipe).__name__ == "WanImageToVideoPipeline"
    assert warm.image_pipe.transformer is warm.pipe.transformer  # the same weights, loaded once
