"""The model library: diffusers folders and single-file checkpoints found in the model folders."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from previz.backends.diffusers.families import Family, detect
from previz.backends.diffusers.files import (
    ModelFileError,
    check_component,
    component_kind,
    fingerprint_files,
    folder_size,
    model_files,
    read_json,
)
from previz.backends.diffusers.loras import Lora, find_loras, fits, is_lora, transformer_config
from previz.backends.diffusers.single_file import (
    PACKAGED_CONFIGS,
    Experts,
    FamilyConfig,
    matching_config,
    packaged_configs,
    pair_experts,
    read_shape,
)
from previz.engine.backend import ModelInfo

#: Families whose text encoder, VAE and image encoder can serve a single-file transformer.
BASES = {"wan-t2v": ("wan-t2v", "wan-vace", "wan-i2v-fl", "wan-ti2v"),
         "wan-vace": ("wan-t2v", "wan-vace", "wan-ti2v"),
         "wan-i2v": ("wan-i2v", "wan-flf2v"), "wan-flf2v": ("wan-flf2v", "wan-i2v"),
         "wan-i2v-fl": ("wan-i2v-fl",), "wan-ti2v": ("wan-ti2v",), "ltx": ("ltx",)}


@dataclass(frozen=True)
class LibraryModel:
    """One model in the library: where it is, its family, size, fingerprint, and whether it
    loads (``problem`` says why not). A single-file transformer borrows the rest of its
    pipeline from ``base``, a diffusers folder of a fitting family."""

    id: str
    path: Path
    family: Family | None
    variant: str
    size_bytes: int
    fingerprint: str
    problem: str = ""
    config: FamilyConfig | None = None
    base: LibraryModel | None = None
    components: frozenset[str] = frozenset()
    latent_channels: int = 0
    expert: Path | None = None

    @property
    def experts(self) -> bool:
        """Whether the model denoises with two experts (Wan 2.2 A14B)."""
        return "transformer_2" in self.components or self.expert is not None

    @property
    def loads(self) -> bool:
        """Whether every file the pipeline needs is here."""
        return not self.problem and self.family is not None

    @property
    def capabilities(self) -> frozenset[str]:
        """What the model can do (nothing when it does not load)."""
        return self.family.capabilities if self.family and self.loads else frozenset()

    def info(self) -> ModelInfo:
        """The model as the engine sees it."""
        note = self.problem or self.variant
        if self.base is not None and not self.problem:
            note = f"{self.variant}; text encoder and VAE from {self.base.id}"
        return ModelInfo(self.id, self.family.id if self.family else "unknown", self.fingerprint,
                         self.capabilities, self.loads, note)


class ModelLibrary:
    """Model folders and checkpoints under the library folders, scanned on demand without torch.

    Fingerprints are cached by each file's size and modification time, so scanning again
    costs a directory walk.
    """

    def __init__(self, folders: Sequence[Path], configs: Path = PACKAGED_CONFIGS) -> None:
        self.folders = [Path(folder) for folder in folders]
        self.configs = configs
        self._fingerprints: dict[tuple[Any, ...], str] = {}

    def models(self) -> list[LibraryModel]:
        """Every model found, folders first; the first of two with one id wins."""
        folders, files, _ = self._entries()
        found: dict[str, LibraryModel] = {}
        for path in folders:
            found.setdefault(path.name, self._folder_model(path))
        bases = [model for model in found.values() if model.loads]
        plain, pairs = pair_experts([path for path in files if not is_lora(path)])
        for path in plain:
            found.setdefault(path.stem, self._file_model(path, bases))
        for pair in pairs:
            found.setdefault(pair.id, self._experts_model(pair, bases))
        return list(found.values())

    def get(self, model_id: str) -> LibraryModel | None:
        """The model called ``model_id``, if the library has it."""
        return next((model for model in self.models() if model.id == model_id), None)

    def loras(self) -> list[Lora]:
        """Every Wan LoRA in the library folders (files, and folders of LoRA files only)."""
        _, files, others = self._entries()
        try:
            return find_loras(files, others)
        except ModelFileError:
            return []

    def distill_lora(self, model: LibraryModel,
                     loras: Sequence[Lora] | None = None) -> Lora | None:
        """A published step-distillation LoRA (of ``loras``, by default the library's) that
        fits ``model``'s transformer, if any."""
        if model.family is None or model.family.kind not in ("wan", "vace"):
            return None
        shape = transformer_config(model.path, model.config.transformer if model.config
                                   else None)
        image = bool(shape.get("image_dim"))
        return next((lora for lora in (self.loras() if loras is None else loras)
                     if lora.distills_steps
                     and fits(lora, shape, model.experts, image)), None)

    def _entries(self) -> tuple[list[Path], list[Path], list[Path]]:
        folders: list[Path] = []
        files: list[Path] = []
        others: list[Path] = []
        for root in self.folders:
            if (root / "model_index.json").is_file():
                folders.append(root)
                continue
            if not root.is_dir():
                continue
            for path in sorted(root.iterdir()):
                if path.is_dir() and (path / "model_index.json").is_file():
                    folders.append(path)
                elif path.is_file() and path.suffix == ".safetensors":
                    files.append(path)
                elif path.is_dir():
                    others.append(path)
        return folders, files, others

    def _folder_model(self, path: Path) -> LibraryModel:
        family, variant, problem, components = None, "", "", frozenset[str]()
        try:
            index = read_json(path / "model_index.json")
            components = frozenset(_components(index))
            detected = detect(index, _config(path, "transformer"), _config(path, "vae"))
            family, variant, problem = detected.family, detected.variant, detected.problem
            if not problem:
                for name, class_name in sorted(_components(index).items()):
                    check_component(path, name, component_kind(name, class_name))
        except ModelFileError as error:
            problem = str(error)
        vae = _config(path, "vae")
        return LibraryModel(path.name, path, family, variant, folder_size(path),
                            self._fingerprint(path, model_files(path)), problem,
                            components=components,
                            latent_channels=int(vae.get("z_dim") or vae.get("latent_channels")
                                                or 0))

    def _file_model(self, path: Path, bases: Sequence[LibraryModel],
                    expert: Path | None = None, model_id: str = "") -> LibraryModel:
        size = path.stat().st_size + (expert.stat().st_size if expert else 0)
        model_id = model_id or path.stem
        try:
            shape = read_shape(path)
            config = matching_config(shape, packaged_configs(self.configs), expert is not None)
        except ModelFileError as error:
            digest = hashlib.sha256(f"{path.name}\0{size}".encode()).hexdigest()[:16]
            return LibraryModel(model_id, path, None, "", size, digest, str(error))
        base = next((model for model in bases if _serves(model, config)), None)
        problem = "" if base else _no_base(config, bases)
        files = [*model_files(config.path), path, *([expert] if expert else [])]
        fingerprint = self._fingerprint(config.path, files, base.fingerprint if base else "")
        return LibraryModel(model_id, path, config.family, config.variant, size, fingerprint,
                            problem, config, base, expert=expert)

    def _experts_model(self, pair: Experts, bases: Sequence[LibraryModel]) -> LibraryModel:
        """Wan 2.2 A14B as two single files: one model of two experts."""
        if pair.low is None:
            present = pair.high
            twin = (present.name.replace("high_noise", "low_noise") if "high_noise" in
                    present.name else present.name.replace("low_noise", "high_noise"))
            return LibraryModel(pair.id, present, None, "", present.stat().st_size, "",
                                f"a Wan 2.2 expert without its twin: {twin} is missing")
        return self._file_model(pair.high, bases, expert=pair.low, model_id=pair.id)

    def _fingerprint(self, root: Path, files: list[Path], extra: str = "") -> str:
        stats = tuple(sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))
        key = (str(root), extra, stats)
        if key not in self._fingerprints:
            self._fingerprints[key] = fingerprint_files(root, files, extra)
        return self._fingerprints[key]


def _serves(base: LibraryModel, config: FamilyConfig) -> bool:
    """Whether ``base``'s text encoder and VAE fit a single-file transformer: a fitting family,
    one transformer, and a VAE with the latent channels the transformer makes (the TI2V-5B's
    48-channel VAE cannot decode a 16-channel transformer's latents)."""
    return bool(base.family and base.family.id in BASES[config.family.id]
                and not base.experts
                and base.latent_channels in (0, config.latent_channels))


def _no_base(config: FamilyConfig, bases: Sequence[LibraryModel]) -> str:
    wrong = [base for base in bases if base.family and base.family.id in BASES[config.family.id]
             and base.latent_channels not in (0, config.latent_channels)]
    if wrong:
        return (f"a single-file {config.family.name} transformer needs a diffusers-format folder"
                f" of the same family whose VAE has {config.latent_channels} latent channels;"
                f" {wrong[0].id}'s VAE has {wrong[0].latent_channels}")
    return (f"a single-file {config.family.name} transformer needs a diffusers-format folder of"
            " the same family in the library for its text encoder and VAE")


def _config(path: Path, component: str) -> dict[str, Any]:
    config = path / component / "config.json"
    return read_json(config) if config.is_file() else {}


def _components(index: dict[str, Any]) -> dict[str, str]:
    """The pipeline's components in ``model_index.json`` (name to class), unset ones left out."""
    found = {}
    for name, entry in index.items():
        if name.startswith("_") or not isinstance(entry, list) or len(entry) != 2:
            continue
        if entry[0] is not None and entry[1] is not None:
            found[name] = str(entry[1])
    return found
