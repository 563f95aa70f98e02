"""Preview quality on Wan: a published 4-step distillation LoRA found in the model library is
fused into the transformer (both experts' for Wan 2.2 A14B) through the production loader, with
the network blocked, and the preview renders in 4 steps at guidance 1; without one the step
cache serves. The LoRA is part of the preview's key, never of the final's."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from models.conftest import TinyLibrary
from safetensors.torch import save_file

from previz.backends.diffusers import backend as diffusers_backend
from previz.backends.diffusers.backend import DiffusersBackend
from previz.backends.diffusers.calls import run_pipeline
from previz.backends.diffusers.library import ModelLibrary
from previz.engine.backend import CancelToken, RenderRequest
from previz.settings import Settings

WIDTH, FFN, RANK, ALPHA = 24, 32, 4, 2.0  # the tiny Wan transformer's width and ffn_dim


def published_lora(path: Path, seed: int, layers: int = 2, width: int = WIDTH) -> Path:
    """A Wan LoRA in the published files' naming (lightx2v / Wan2.2-Lightning as ComfyUI loads
    them): ``diffusion_model.blocks.N.self_attn.q.lora_down.weight``, ``lora_up``, ``alpha``."""
    generator = torch.Generator().manual_seed(seed)
    tensors: dict[str, torch.Tensor] = {}

    def pair(name: str, fan_in: int, fan_out: int) -> None:
        tensors[f"diffusion_model.{name}.lora_down.weight"] = torch.randn(
            RANK, fan_in, generator=generator) * 0.5
        tensors[f"diffusion_model.{name}.lora_up.weight"] = torch.randn(
            fan_out, RANK, generator=generator) * 0.5
        tensors[f"diffusion_model.{name}.alpha"] = torch.tensor(ALPHA)

    for block in range(layers):
        for attention in ("self_attn", "cross_attn"):
            for projection in "qkvo":
                pair(f"blocks.{block}.{attention}.{projection}", width, width)
        pair(f"blocks.{block}.ffn.0", width, FFN)
        pair(f"blocks.{block}.ffn.2", FFN, width)
    save_file(tensors, str(path))
    return path


def lora_delta(path: Path, name: str) -> torch.Tensor:
    """What fusing the file adds to one weight: alpha / rank * up @ down."""
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    down = tensors[f"diffusion_model.{name}.lora_down.weight"]
    up = tensors[f"diffusion_model.{name}.lora_up.weight"]
    return ALPHA / RANK * up @ down


def request(model: str, steps: int = 6) -> RenderRequest:
    return RenderRequest(prompt="a dog runs", width=32, height=32, frame_count=9,
                         fps=Fraction(16), seed=0, steps=steps, model=model)


def spy_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def spy(pipe: Any, arguments: dict[str, Any], *rest: Any) -> np.ndarray:
        calls.append(arguments)
        return run_pipeline(pipe, arguments, *rest)

    monkeypatch.setattr(diffusers_backend, "run_pipeline", spy)
    return calls


def backend(root: Path, **settings: Any) -> DiffusersBackend:
    return DiffusersBackend(Settings(models_dir=root, **settings), library=ModelLibrary([root]))


def render(backend: DiffusersBackend, asked: RenderRequest) -> list[np.ndarray]:
    return list(backend.generate(asked, lambda index, total: None, CancelToken()))


def test_a_preview_fuses_the_4_step_lora(tiny: TinyLibrary, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "models"
    shutil.copytree(tiny.folders["wan-t2v-tiny"], root / "wan-t2v-tiny")
    lora = published_lora(root / "Wan21_T2V_tiny_lightx2v_cfg_step_distill_lora_rank4.safetensors",
                          seed=1)
    published_lora(root / "film_grain_style_lora.safetensors", seed=2)  # not a distillation
    calls = spy_calls(monkeypatch)

    final = backend(root)
    assert len(render(final, request("wan-t2v-tiny"))) == 9
    plain = final.warm_pipeline().transformer.blocks[0].attn1.to_q.weight.detach().clone()
    assert (calls[-1]["num_inference_steps"], calls[-1]["guidance_scale"]) == (6, 5.0)

    preview = backend(root, quality="preview")
    asked = request("wan-t2v-tiny")
    assert len(render(preview, asked)) == 9
    assert (calls[-1]["num_inference_steps"], calls[-1]["guidance_scale"]) == (4, 1.0)
    fused = preview.warm_pipeline().transformer
    assert torch.allclose(fused.blocks[0].attn1.to_q.weight, plain + lora_delta(
        lora, "blocks.0.self_attn.q"), atol=1e-5)
    assert not any("lora" in name for name, _ in fused.named_parameters())  # fused, unloaded
    assert preview.policy().step_cache == 0.1 and not fused.is_cache_enabled  # 4 steps: no cache
    record = preview.describe(asked)
    assert record["lora"] == lora.stem and record["step_cache"] == 0.0
    assert record["quality"] == (f"preview with the step-distillation LoRA {lora.stem}, at most"
                                 " 4 steps, guidance 1")
    # the LoRA is no model, and keys the preview apart from the final and a LoRA-less preview
    assert {m.id for m in ModelLibrary([root]).models()} == {"wan-t2v-tiny"}
    fingerprints = {
        name: next(m.fingerprint for m in b.available_models() if m.id == "wan-t2v-tiny")
        for name, b in (("final", final), ("preview", preview))}
    lora.unlink()
    fingerprints["preview without"] = next(
        m.fingerprint for m in backend(root, quality="preview").available_models())
    assert fingerprints["preview"] not in (fingerprints["final"], fingerprints["preview without"])
    assert fingerprints["preview without"] == fingerprints["final"]  # the model's own files
    assert preview.version != final.version  # which keys every preview apart from the final


def test_wan22_lightning_pair_goes_into_both_experts(tiny: TinyLibrary, tmp_path: Path) -> None:
    root = tmp_path / "models"
    shutil.copytree(tiny.folders["wan-a14b-tiny"], root / "wan-a14b-tiny")
    high = published_lora(root / "Wan2.2-Lightning_T2V-tiny-4steps-lora_HIGH_fp16.safetensors",
                          seed=3)
    low = published_lora(root / "Wan2.2-Lightning_T2V-tiny-4steps-lora_LOW_fp16.safetensors",
                         seed=4)
    base = backend(root)
    render(base, request("wan-a14b-tiny", steps=4))
    plain = [t.blocks[1].ffn.net[2].weight.detach().clone()
             for t in (base.warm_pipeline().transformer, base.warm_pipeline().transformer_2)]
    preview = backend(root, quality="preview")
    asked = request("wan-a14b-tiny")
    render(preview, asked)
    pipe = preview.warm_pipeline()
    assert torch.allclose(pipe.transformer.blocks[1].ffn.net[2].weight,
                          plain[0] + lora_delta(high, "blocks.1.ffn.2"), atol=1e-5)
    assert torch.allclose(pipe.transformer_2.blocks[1].ffn.net[2].weight,
                          plain[1] + lora_delta(low, "blocks.1.ffn.2"), atol=1e-5)
    assert preview.describe(asked)["lora"] == (
        "Wan2.2-Lightning_T2V-tiny-4steps-lora_fp16")


def test_a_lora_of_another_size_leaves_the_step_cache(tiny: TinyLibrary, tmp_path: Path) -> None:
    """A 14B LoRA beside a 1.3B model (here: a wider one beside the tiny) is not loaded."""
    root = tmp_path / "models"
    shutil.copytree(tiny.folders["wan-t2v-tiny"], root / "wan-t2v-tiny")
    published_lora(root / "lightx2v_T2V_wide_cfg_step_distill_lora_rank4.safetensors", seed=5,
                   width=48)
    preview = backend(root, quality="preview")
    asked = request("wan-t2v-tiny", steps=2)
    render(preview, asked)
    assert preview.describe(asked)["quality"].startswith("preview with the step cache (0.1)")
    assert preview.warm_pipeline().transformer.is_cache_enabled


def test_lightx2v_folder_of_expert_files_is_one_lora(tmp_path: Path) -> None:
    """lightx2v/Wan2.2-Lightning publishes each LoRA as a folder of two files."""
    root = tmp_path / "models"
    folder = root / "Wan2.2-T2V-A14B-4steps-lora-rank64-Seko-V1.1"
    folder.mkdir(parents=True)
    published_lora(folder / "high_noise_model.safetensors", seed=6)
    published_lora(folder / "low_noise_model.safetensors", seed=7)
    library = ModelLibrary([root])
    (lora,) = library.loras()
    assert (lora.id, lora.path.name, lora.low.name if lora.low else None) == (
        folder.name, "high_noise_model.safetensors", "low_noise_model.safetensors")
    assert (lora.width, lora.layers, lora.distills_steps) == (WIDTH, 2, True)
    assert library.models() == []


def test_a_lora_of_another_family_hides_no_wan_lora(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    save_file({"transformer.transformer_blocks.0.attn1.to_q.lora_A.weight": torch.zeros(4, 8),
               "transformer.transformer_blocks.0.attn1.to_q.lora_B.weight": torch.zeros(8, 4)},
              str(root / "ltxv-13b-0.9.7-distilled-lora128.safetensors"))
    published_lora(root / "Wan21_T2V_tiny_lightx2v_cfg_step_distill_lora_rank4.safetensors",
                   seed=8)
    assert [lora.id for lora in ModelLibrary([root]).loras()] == [
        "Wan21_T2V_tiny_lightx2v_cfg_step_distill_lora_rank4"]
