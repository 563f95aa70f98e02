"""Tiny random-weight pipelines of every family, saved as safetensors into a model library.

Sizes follow ``shared/reference/tiny_wan_offline.py`` (the diffusers tests' tiny configs, with
the text side built locally); everything is built offline on the CPU in a second or two.
"""

from __future__ import annotations

import os

os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                   "HF_HUB_DISABLE_TELEMETRY": "1", "DIFFUSERS_VERBOSITY": "error",
                   "TRANSFORMERS_VERBOSITY": "error"})

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from diffusers import (
    AutoencoderKLLTXVideo,
    AutoencoderKLWan,
    FlowMatchEulerDiscreteScheduler,
    LTXConditionPipeline,
    LTXVideoTransformer3DModel,
    UniPCMultistepScheduler,
    WanImageToVideoPipeline,
    WanPipeline,
    WanTransformer3DModel,
    WanVACEPipeline,
    WanVACETransformer3DModel,
)
from safetensors.torch import save_file
from tokenizers import (
    Tokenizer,
    decoders,
    normalizers,
    pre_tokenizers,
    processors,
)
from tokenizers import models as token_models
from transformers import (
    CLIPImageProcessor,
    CLIPVisionConfig,
    CLIPVisionModel,
    PreTrainedTokenizerFast,
    T5Config,
    T5EncoderModel,
    UMT5Config,
    UMT5EncoderModel,
)

TEXT_DIM = 32
WORDS = ('a', 'the', 'of', 'in', 'on', 'at', 'to', 'and', 'with', 'camera', 'dolly', 'pan',
         'tilt', 'zoom', 'push', 'pull', 'track', 'crane', 'orbit', 'shot', 'wide', 'medium',
         'close', 'up', 'slow', 'fast', 'cat', 'dog', 'man', 'woman', 'car', 'street', 'night',
         'day', 'rain', 'walks', 'runs', 'lighthouse', 'keeper', 'sea', 'storm')


def tokenizer() -> PreTrainedTokenizerFast:
    """A T5-style tokenizer (Unigram, Metaspace, ``</s>`` appended) built in memory."""
    vocab = ([("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
             + [("\u2581" + word, -1.0) for word in WORDS]
             + [(char, -5.0) for char in "abcdefghijklmnopqrstuvwxyz0123456789.,!?'-:;"])
    model = Tokenizer(token_models.Unigram(vocab, unk_id=2, byte_fallback=False))
    model.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    model.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    model.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    model.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=model, pad_token="<pad>", eos_token="</s>",
                                   unk_token="<unk>", model_max_length=512)


def _t5(vocab: int) -> dict[str, Any]:
    return {"vocab_size": vocab, "d_model": TEXT_DIM, "d_kv": 8, "d_ff": 37, "num_layers": 2,
            "num_heads": 4, "relative_attention_num_buckets": 8,
            "feed_forward_proj": "gated-gelu", "dropout_rate": 0.0, "pad_token_id": 0,
            "eos_token_id": 1, "decoder_start_token_id": 0}


def _wan_text() -> dict[str, Any]:
    tok = tokenizer()
    return {"tokenizer": tok,
            "text_encoder": UMT5EncoderModel(UMT5Config(**_t5(len(tok)))).eval()}


def _wan_vae() -> AutoencoderKLWan:
    return AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                            temperal_downsample=[False, True, True]).eval()


def wan_transformer_config(**overrides: Any) -> dict[str, Any]:
    """The tiny Wan transformer's config."""
    config = {"patch_size": (1, 2, 2), "num_attention_heads": 2, "attention_head_dim": 12,
              "in_channels": 16, "out_channels": 16, "text_dim": TEXT_DIM, "freq_dim": 256,
              "ffn_dim": 32, "num_layers": 2, "cross_attn_norm": True,
              "qk_norm": "rms_norm_across_heads", "rope_max_seq_len": 32}
    return {**config, **overrides}


#: Config folders packaged with Previz, copied from the published checkpoints (each
#: ``previz.json`` says from where): the tiny models take their flags from these files.
PACKAGED = Path(__file__).resolve().parents[2] / "previz" / "backends" / "diffusers" / "configs"


def published(folder: str, name: str) -> dict[str, Any]:
    """A packaged copy of a published config file, without diffusers' bookkeeping keys."""
    config = json.loads((PACKAGED / folder / name).read_text())
    return {key: value for key, value in config.items() if not key.startswith("_")}


def _unipc(flow_shift: float | None = None) -> UniPCMultistepScheduler:
    """The scheduler the published Wan diffusers folders ship (Wan-AI/Wan2.1-VACE-14B-diffusers'
    ``scheduler_config.json``: flow shift 3.0); ``flow_shift`` as the convert script sets it for
    the first-last-frame checkpoint (16.0) and TI2V-5B (5.0)."""
    config = published("wan2.1-vace-14b", "scheduler/scheduler_config.json")
    if flow_shift is not None:
        config["flow_shift"] = flow_shift
    return UniPCMultistepScheduler.from_config(config)


#: ``scheduler/scheduler_config.json`` of Lightricks/LTX-Video (packaged, with its revision):
#: the shift depends on the resolution, so the scheduler needs ``mu``.
LTX_SCHEDULER = published("ltx-video-0.9", "scheduler/scheduler_config.json")

#: Wan 2.2 T2V-A14B's expert boundary, as packaged.
A14B_BOUNDARY = float(json.loads((PACKAGED / "wan2.2-t2v-a14b" / "previz.json").read_text())
                      ["experts"]["boundary_ratio"])


def wan_t2v() -> WanPipeline:
    """Wan 2.1-style text-to-video."""
    torch.manual_seed(0)
    return WanPipeline(**_wan_text(), vae=_wan_vae(), scheduler=_unipc(),
                       transformer=WanTransformer3DModel(**wan_transformer_config()).eval())


def wan_two_experts() -> WanPipeline:
    """Wan 2.2 A14B-style: a high-noise and a low-noise expert split at a boundary ratio."""
    torch.manual_seed(1)
    return WanPipeline(**_wan_text(), vae=_wan_vae(), scheduler=_unipc(),
                       transformer=WanTransformer3DModel(**wan_transformer_config()).eval(),
                       transformer_2=WanTransformer3DModel(**wan_transformer_config()).eval(),
                       boundary_ratio=A14B_BOUNDARY)


def wan_ti2v() -> WanPipeline:
    """Wan 2.2 TI2V-5B layout: the 48-channel VAE (patch 2, 16x spatial), per-token
    timesteps, flow shift 5.0, as ``scripts/convert_wan_to_diffusers.py`` builds it."""
    torch.manual_seed(5)
    vae = AutoencoderKLWan(base_dim=3, z_dim=48, in_channels=12, out_channels=12,
                           is_residual=True, patch_size=2, latents_mean=[0.0] * 48,
                           latents_std=[1.0] * 48, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           scale_factor_spatial=16, scale_factor_temporal=4,
                           temperal_downsample=[False, True, True]).eval()
    transformer = WanTransformer3DModel(**wan_transformer_config(in_channels=48,
                                                                 out_channels=48)).eval()
    return WanPipeline(**_wan_text(), vae=vae, scheduler=_unipc(5.0), transformer=transformer,
                       expand_timesteps=True)


def wan_i2v(flf2v: bool = False) -> WanImageToVideoPipeline:
    """Wan 2.1 I2V layout (a CLIP image encoder); ``flf2v``: the first-last-frame layout."""
    torch.manual_seed(2)
    clip = CLIPVisionModel(CLIPVisionConfig(
        hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2,
        image_size=4, intermediate_size=16, patch_size=1)).eval()
    transformer = WanTransformer3DModel(**wan_transformer_config(
        in_channels=36, image_dim=4, pos_embed_seq_len=2 * 17 if flf2v else None)).eval()
    return WanImageToVideoPipeline(**_wan_text(), vae=_wan_vae(), transformer=transformer,
                                   scheduler=_unipc(16.0 if flf2v else None),
                                   image_encoder=clip,
                                   image_processor=CLIPImageProcessor(crop_size=4, size=4))


def wan_vace() -> WanVACEPipeline:
    """Wan VACE: control video, masks and reference images."""
    torch.manual_seed(3)
    transformer = WanVACETransformer3DModel(**wan_transformer_config(
        num_layers=3, vace_layers=[0, 2], vace_in_channels=96)).eval()
    return WanVACEPipeline(**_wan_text(), vae=_wan_vae(), transformer=transformer,
                           scheduler=_unipc())


def ltx() -> LTXConditionPipeline:
    """LTX-Video through LTXConditionPipeline."""
    torch.manual_seed(4)
    tok = tokenizer()
    transformer = LTXVideoTransformer3DModel(
        in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4,
        attention_head_dim=8, cross_attention_dim=32, num_layers=2,
        caption_channels=TEXT_DIM).eval()
    vae = AutoencoderKLLTXVideo(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False), upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False, patch_size=1, patch_size_t=1, encoder_causal=True,
        decoder_causal=False).eval()
    return LTXConditionPipeline(scheduler=FlowMatchEulerDiscreteScheduler(**LTX_SCHEDULER),
                                vae=vae,
                                text_encoder=T5EncoderModel(T5Config(**_t5(len(tok)))).eval(),
                                tokenizer=tok, transformer=transformer)


BUILDERS: dict[str, Callable[[], Any]] = {
    "wan-t2v-tiny": wan_t2v, "wan-a14b-tiny": wan_two_experts, "wan-i2v-tiny": wan_i2v,
    "wan-flf2v-tiny": lambda: wan_i2v(flf2v=True), "wan-vace-tiny": wan_vace,
    "ltx-tiny": ltx, "wan-ti2v-tiny": wan_ti2v,
}


def build_library(root: Path) -> dict[str, Path]:
    """Every tiny model saved under ``root``, plus a broken copy missing its VAE weights."""
    folders = {}
    for name, build in BUILDERS.items():
        build().save_pretrained(root / name, safe_serialization=True)
        folders[name] = root / name
    broken = root / "wan-broken"
    shutil.copytree(root / "wan-t2v-tiny", broken)
    (broken / "vae" / "diffusion_pytorch_model.safetensors").unlink()
    folders["wan-broken"] = broken
    return folders


ORIGINAL_NAMES = [
    ("condition_embedder.time_embedder.linear_1", "time_embedding.0"),
    ("condition_embedder.time_embedder.linear_2", "time_embedding.2"),
    ("condition_embedder.text_embedder.linear_1", "text_embedding.0"),
    ("condition_embedder.text_embedder.linear_2", "text_embedding.2"),
    ("condition_embedder.time_proj", "time_projection.1"),
    (".attn1.", ".self_attn."), (".attn2.", ".cross_attn."), (".to_out.0.", ".o."),
    (".to_q.", ".q."), (".to_k.", ".k."), (".to_v.", ".v."),
    ("ffn.net.0.proj", "ffn.0"), ("ffn.net.2", "ffn.2"), (".norm2.", ".norm3."),
    (".scale_shift_table", ".modulation"), ("proj_out", "head.head"),
]


def original_wan_name(name: str) -> str:
    """A diffusers Wan transformer tensor name as the original (ComfyUI) checkpoints spell it."""
    for diffusers_name, original in ORIGINAL_NAMES:
        name = name.replace(diffusers_name, original)
    return "head.modulation" if name == "scale_shift_table" else name


def single_file(transformer_folder: Path, target: Path) -> None:
    """A diffusers Wan transformer folder saved as a ComfyUI-style single file at ``target``."""
    transformer = WanTransformer3DModel.from_pretrained(transformer_folder)
    state = {f"model.diffusion_model.{original_wan_name(name)}": tensor.contiguous()
             for name, tensor in transformer.state_dict().items()}
    save_file(state, str(target))


def family_config(source: Path, configs: Path, name: str, about: dict[str, Any]) -> Path:
    """A family config folder under ``configs`` (as the package keeps for the real sizes),
    with the transformer config of the model folder ``source``."""
    folder = configs / name
    (folder / "transformer").mkdir(parents=True)
    shutil.copy(source / "transformer" / "config.json", folder / "transformer" / "config.json")
    (folder / "previz.json").write_text(json.dumps(about))
    return folder


def single_file_checkpoint(source: Path, target: Path, configs: Path) -> None:
    """A tiny Wan T2V transformer as a ComfyUI-style single file at ``target``, and a family
    config folder for it under ``configs``."""
    single_file(source / "transformer", target)
    family_config(source, configs, "tiny-wan-t2v", {"family": "wan-t2v",
                                                    "variant": "tiny Wan T2V"})
