"""Single-file (ComfyUI-style) transformer checkpoints: which family config in the package fits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from previz.backends.diffusers.families import FAMILIES, Family
from previz.backends.diffusers.files import ModelFileError, read_json, safetensors_header

PACKAGED_CONFIGS = Path(__file__).with_name("configs")
PREFIXES = ("model.diffusion_model.", "diffusion_model.")
#: How ComfyUI names Wan 2.2 A14B's experts: ``wan2.2_t2v_high_noise_14B_fp16.safetensors``.
HIGH, LOW = "high_noise", "low_noise"


@dataclass(frozen=True)
class Shape:
    """What a transformer's tensors say about it: kind, width, input channels, depth."""

    family: str
    width: int
    in_channels: int
    layers: int


@dataclass(frozen=True)
class FamilyConfig:
    """A family's diffusers config folder kept in the package, as ``from_single_file`` needs;
    ``boundary_ratio`` is set for a two-expert model (Wan 2.2 A14B), whose experts share the
    shapes of one Wan 2.1 14B transformer."""

    name: str
    path: Path
    family: Family
    variant: str
    transformer: Mapping[str, Any]
    boundary_ratio: float | None = None

    @property
    def latent_channels(self) -> int:
        """The latent channels the transformer makes: its VAE must have as many."""
        return int(self.transformer.get("out_channels") or 16)


@dataclass(frozen=True)
class Experts:
    """A Wan 2.2 A14B pair of single files: the high-noise and the low-noise expert."""

    id: str
    high: Path
    low: Path | None


def pair_experts(paths: list[Path]) -> tuple[list[Path], list[Experts]]:
    """The files that are no expert, and the expert files paired by name (``high_noise``
    with its ``low_noise`` twin; a lone low-noise file pairs with nothing)."""
    plain = [path for path in paths if HIGH not in path.stem and LOW not in path.stem]
    pairs = []
    for path in paths:
        if HIGH in path.stem:
            low = path.with_name(path.name.replace(HIGH, LOW))
            name = path.stem.replace(f"_{HIGH}", "").replace(f"{HIGH}_", "")
            pairs.append(Experts(name, path, low if low in paths else None))
        elif LOW in path.stem and path.with_name(path.name.replace(LOW, HIGH)) not in paths:
            pairs.append(Experts(path.stem, path, None))
    return plain, pairs


def read_shape(path: Path) -> Shape:
    """The family and size of a single-file transformer, from its safetensors header alone."""
    tensors = {_strip(name): spec for name, spec in safetensors_header(path).items()}
    if "head.modulation" in tensors and "patch_embedding.weight" in tensors:
        return _wan_shape(tensors)
    if "patchify_proj.weight" in tensors:
        width, in_channels = tensors["patchify_proj.weight"]["shape"][:2]
        return Shape("ltx", width, in_channels, _count(tensors, "transformer_blocks."))
    raise ModelFileError(f"{path.name} is not a Wan or LTX-Video transformer checkpoint")


def _wan_shape(tensors: Mapping[str, Any]) -> Shape:
    width, in_channels = tensors["patch_embedding.weight"]["shape"][:2]
    layers = _count(tensors, "blocks.")
    if any(name.startswith("vace_blocks.") for name in tensors):
        family = "wan-vace"
    elif "img_emb.emb_pos" in tensors:
        family = "wan-flf2v"
    elif any(name.startswith("img_emb.") for name in tensors):
        family = "wan-i2v"
    elif in_channels == 36:
        family = "wan-i2v-fl"
    else:
        family = "wan-t2v"
    return Shape(family, width, in_channels, layers)


def _strip(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _count(tensors: Mapping[str, Any], prefix: str) -> int:
    indices = {name[len(prefix):].split(".", 1)[0] for name in tensors if name.startswith(prefix)}
    return len([index for index in indices if index.isdigit()])


def packaged_configs(root: Path = PACKAGED_CONFIGS) -> list[FamilyConfig]:
    """Every family config folder under ``root`` (each with ``previz.json`` naming its family)."""
    found = []
    for folder in sorted(p for p in root.iterdir() if (p / "previz.json").is_file()):
        about = read_json(folder / "previz.json")
        family = FAMILIES.get(str(about.get("family")))
        if family is not None:
            transformer = read_json(folder / "transformer" / "config.json")
            experts = about.get("experts")
            ratio = float(experts["boundary_ratio"]) if isinstance(experts, dict) else None
            found.append(FamilyConfig(folder.name, folder, family, str(about.get("variant", "")),
                                      transformer, ratio))
    return found


def matching_config(shape: Shape, configs: list[FamilyConfig],
                    experts: bool = False) -> FamilyConfig:
    """The packaged config whose family and sizes match the checkpoint's tensors: a two-expert
    one for a Wan 2.2 expert pair (the shapes alone cannot tell it from Wan 2.1 14B)."""
    for config in configs:
        if config.family.id == shape.family and _sizes(config.transformer) == (
                shape.width, shape.in_channels, shape.layers) and (
                (config.boundary_ratio is not None) == experts):
            return config
    raise ModelFileError(
        f"no family config in Previz fits this {shape.family} transformer ({shape.width} wide,"
        f" {shape.in_channels} input channels, {shape.layers} blocks); use a diffusers-format"
        " folder instead")


def _sizes(config: Mapping[str, Any]) -> tuple[int, int, int]:
    width = int(config.get("num_attention_heads", 0)) * int(config.get("attention_head_dim", 0))
    return width, int(config.get("in_channels", 0)), int(config.get("num_layers", 0))
