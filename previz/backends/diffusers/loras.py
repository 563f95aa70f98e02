"""Step-distillation LoRAs in the model library (Wan's published 4-step LoRAs), without torch."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from previz.backends.diffusers.files import ModelFileError, read_json, safetensors_header

#: What the published few-step LoRAs' file names say of them: lightx2v's CFG+step distillation
#: (``lightx2v_T2V_14B_cfg_step_distill_v2_lora_rank64_bf16``), Wan2.2-Lightning
#: (``Wan2.2-Lightning_T2V-A14B-4steps-lora_HIGH_fp16``, ``...-4steps-lora-rank64-Seko-V1.1``)
#: and CausVid. A LoRA named otherwise (a style, a character) never stands in for a preview.
DISTILL_MARKS = ("lightx2v", "lightning", "step_distill", "stepdistill", "4step", "4-step",
                 "causvid")
STEPS = 4  # the 4-step LoRAs are distilled for 4 steps without classifier-free guidance
PREFIXES = ("diffusion_model.", "model.diffusion_model.", "transformer.")
#: How a Wan 2.2 A14B LoRA pair names the expert each file is for.
HIGH_MARKS, LOW_MARKS = ("high_noise", "_high_", "_high.", "-high"), ("low_noise", "_low_",
                                                                        "_low.", "-low")


@dataclass(frozen=True)
class Lora:
    """A Wan LoRA in the library: which transformer it fits (width, blocks, image inputs) and
    its file, or its high-noise and low-noise files for a two-expert model."""

    id: str
    path: Path
    width: int
    layers: int
    fingerprint: str
    low: Path | None = None
    image: bool = False  # trained on an image-to-video transformer (k_img/v_img keys)

    @property
    def distills_steps(self) -> bool:
        """Whether its name marks it as a published step distillation."""
        name = f"{self.id} {self.path.name}".lower()
        return any(mark in name for mark in DISTILL_MARKS)

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file it loads from."""
        return (self.path, self.low) if self.low else (self.path,)


def is_lora(path: Path) -> bool:
    """Whether a safetensors file holds LoRA weights rather than a model (its header alone)."""
    try:
        names = safetensors_header(path)
    except ModelFileError:
        return False
    return any(_low_rank(name) for name in names)


def read_lora(path: Path, low: Path | None = None, lora_id: str = "") -> Lora:
    """A LoRA file (with its low-noise twin for Wan 2.2 A14B): the width and depth of the
    Wan transformer it was trained on, from its tensor shapes."""
    tensors = {_strip(name): spec for name, spec in safetensors_header(path).items()}
    down = [spec for name, spec in tensors.items() if _low_rank(name) in ("lora_down", "lora_A")
            and ".self_attn.q." in name]
    blocks = {name.split(".")[1] for name in tensors if name.startswith("blocks.")}
    if not down or not blocks:
        raise ModelFileError(f"{path.name} is not a LoRA of a Wan transformer (no self-attention"
                             " low-rank weights)")
    files = [path, *([low] if low else [])]
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.name}\0{file.stat().st_size}\0".encode())
    return Lora(lora_id or path.stem, path, int(down[0]["shape"][1]), len(blocks),
                digest.hexdigest()[:16], low, any(".k_img." in name for name in tensors))


def find_loras(paths: Sequence[Path], folders: Sequence[Path] = ()) -> list[Lora]:
    """The LoRAs among library files, and in folders holding only LoRA files (lightx2v's
    ``...-4steps-lora-rank64-Seko-V1.1/high_noise_model.safetensors`` and its low-noise twin);
    a high-noise file is paired with its low-noise twin."""
    found: list[Lora] = []
    for folder in folders:
        files = sorted(folder.glob("*.safetensors"))
        if files and all(is_lora(file) for file in files):
            found.extend(_paired(files, folder.name))
    found.extend(_paired([path for path in paths if is_lora(path)], ""))
    return found


def _paired(files: list[Path], folder_id: str) -> list[Lora]:
    """The LoRAs of Wan transformers among ``files`` (others, an LTX-Video LoRA say, skipped)."""
    highs = [file for file in files if _expert(file) == "high"]
    lows = [file for file in files if _expert(file) == "low"]
    found = []
    for high in highs:
        twin = next((low for low in lows if _twin(high, low)), None)
        if twin is not None:
            lows.remove(twin)
            found.extend(_readable(high, twin, folder_id or _pair_id(high)))
    for file in files:
        if _expert(file) is None:
            found.extend(_readable(file, None, f"{folder_id}/{file.stem}" if folder_id
                                   else file.stem))
    return found


def _readable(path: Path, low: Path | None, lora_id: str) -> list[Lora]:
    try:
        return [read_lora(path, low, lora_id)]
    except ModelFileError:
        return []


def fits(lora: Lora, model_transformer: Mapping[str, Any], experts: bool,
         image_inputs: bool) -> bool:
    """Whether ``lora`` was trained on a transformer of this shape (and expert layout)."""
    width = int(model_transformer.get("num_attention_heads", 0)) * int(
        model_transformer.get("attention_head_dim", 0))
    return (lora.width == width and lora.layers == int(model_transformer.get("num_layers", 0))
            and (lora.low is not None) == experts and (not lora.image or image_inputs))


def transformer_config(model_path: Path, packaged: Mapping[str, Any] | None) -> dict[str, Any]:
    """A library model's transformer config: its folder's, or the packaged one of a single file."""
    if packaged is not None:
        return dict(packaged)
    config = model_path / "transformer" / "config.json"
    return read_json(config) if config.is_file() else {}


def _expert(path: Path) -> str | None:
    name = path.name.lower()
    if any(mark in name for mark in HIGH_MARKS):
        return "high"
    if any(mark in name for mark in LOW_MARKS):
        return "low"
    return None


def _twin(high: Path, low: Path) -> bool:
    name = high.name.lower()
    for high_mark, low_mark in zip(HIGH_MARKS, LOW_MARKS, strict=True):
        if high_mark in name and name.replace(high_mark, low_mark) == low.name.lower():
            return True
    return False


def _pair_id(high: Path) -> str:
    stem = high.stem
    for mark in ("_HIGH", "_high", "-HIGH", "-high", "high_noise_", "_high_noise"):
        stem = stem.replace(mark, "")
    return stem


def _low_rank(name: str) -> str:
    for part in ("lora_down", "lora_up", "lora_A", "lora_B"):
        if f".{part}." in name:
            return part
    return ""


def _strip(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name
