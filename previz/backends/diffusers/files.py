"""Model files on disk, read without torch: folder checks, safetensors headers, fingerprints."""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

PICKLES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
MAX_HEADER = 100 * 1024 * 1024
HASHED_SUFFIXES = (".json",)
SIZED_SUFFIXES = (".safetensors", ".model")


class ModelFileError(Exception):
    """A model file or folder that cannot be used; the message names the file."""


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; a clear error naming the file otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelFileError(f"missing {path.name}") from error
    except (OSError, ValueError) as error:
        raise ModelFileError(f"{path.name} is unreadable: {error}") from error
    if not isinstance(data, dict):
        raise ModelFileError(f"{path.name} is not a JSON object")
    return data


def safetensors_header(path: Path) -> dict[str, Any]:
    """The tensor table of a safetensors file (names, dtypes, shapes), checked against its size:
    a truncated download is an error here, and no tensor data is read."""
    try:
        with path.open("rb") as file:
            (length,) = struct.unpack("<Q", file.read(8))
            if not 2 <= length <= MAX_HEADER:
                raise ModelFileError(f"{path.name} is not a safetensors file")
            header = json.loads(file.read(length))
        size = path.stat().st_size
    except (OSError, struct.error, ValueError) as error:
        raise ModelFileError(f"{path.name} is not a readable safetensors file") from error
    if not isinstance(header, dict):
        raise ModelFileError(f"{path.name} is not a safetensors file")
    tensors = {name: spec for name, spec in header.items() if name != "__metadata__"}
    end = max((int(spec["data_offsets"][1]) for spec in tensors.values()
               if isinstance(spec, dict) and "data_offsets" in spec), default=0)
    if 8 + length + end > size:
        raise ModelFileError(f"{path.name} is truncated ({size} of {8 + length + end} bytes):"
                             " a partial download? Pull it again")
    return tensors


def check_component(folder: Path, name: str, kind: str) -> None:
    """Raise naming the first file a pipeline component's folder lacks."""
    where = folder / name
    if not where.is_dir():
        raise ModelFileError(f"missing folder {name}/")
    if kind == "scheduler":
        _require(where, name, ("scheduler_config.json",))
    elif kind == "tokenizer":
        _require(where, name, ("tokenizer.json", "spiece.model", "vocab.json"))
    elif kind == "processor":
        _require(where, name, ("preprocessor_config.json",))
    else:
        _require(where, name, ("config.json",))
        check_weights(where, name)


def component_kind(name: str, class_name: str) -> str:
    """Whether a component is a scheduler, tokenizer, image processor or a model with weights."""
    if name == "scheduler" or class_name.endswith("Scheduler"):
        return "scheduler"
    if "Tokenizer" in class_name or name.startswith("tokenizer"):
        return "tokenizer"
    if "Processor" in class_name or "FeatureExtractor" in class_name:
        return "processor"
    return "model"


def _require(where: Path, name: str, any_of: Iterable[str]) -> None:
    options = list(any_of)
    if not any((where / option).is_file() for option in options):
        raise ModelFileError(f"missing {name}/{options[0]}")


def check_weights(where: Path, name: str) -> None:
    """A component's weights are safetensors (single or sharded), complete; never pickles."""
    indexes = sorted(where.glob("*.safetensors.index.json"))
    singles = sorted(where.glob("*.safetensors"))
    if not indexes and not singles:
        pickles = sorted(p.name for p in where.iterdir() if p.suffix in PICKLES)
        if pickles:
            raise ModelFileError(f"{name}/ has only pickle weights ({pickles[0]}); Previz loads"
                                 " safetensors only")
        expected = ("diffusion_pytorch_model" if name.startswith(("transformer", "vae"))
                    else "model")
        raise ModelFileError(f"missing {name}/{expected}.safetensors")
    for index in indexes:
        shards = read_json(index).get("weight_map", {})
        for shard in sorted(set(shards.values()) if isinstance(shards, Mapping) else ()):
            if not (where / shard).is_file():
                raise ModelFileError(f"missing {name}/{shard} (listed in {index.name})")
    for single in singles:
        try:
            safetensors_header(single)
        except ModelFileError as error:
            raise ModelFileError(f"{name}/{error}") from error


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def fingerprint_files(root: Path, paths: Iterable[Path], extra: str = "") -> str:
    """A hash of the config files' contents and the weight files' names and sizes."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        if relative.startswith("."):
            continue  # download caches and the like are not part of the model
        if path.suffix in HASHED_SUFFIXES:
            digest.update(f"{relative}\0".encode() + path.read_bytes() + b"\0")
        elif path.suffix in SIZED_SUFFIXES:
            digest.update(f"{relative}\0{path.stat().st_size}\0".encode())
    return digest.hexdigest()[:16]


def model_files(folder: Path) -> list[Path]:
    """The files of a model folder that its fingerprint covers."""
    return [path for path in folder.rglob("*") if path.is_file()
            and path.suffix in HASHED_SUFFIXES + SIZED_SUFFIXES
            and not any(part.startswith(".") for part in path.relative_to(folder).parts)]
