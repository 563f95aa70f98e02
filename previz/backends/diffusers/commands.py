"""``previz models list | scan | pull``: the model library from the command line, no torch."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from previz.backends.diffusers.library import LibraryModel, ModelLibrary
from previz.settings import Settings

SHORT = {"text_to_video": "text", "first_frame": "first", "last_frame": "last",
         "keyframes": "keyframes", "extend": "extend", "control_video": "control",
         "reference_images": "references"}
ORDER = tuple(SHORT)
#: What a pull fetches: configs, and the components' safetensors weights and tokenizer files
#: (a diffusers repository keeps them in component folders; single-file checkpoints at the top
#: of some repositories are tens of gigabytes a version and are left); never pickles.
PULL_PATTERNS = ["*.json", "*/*.safetensors", "*/*.model", "*/*.txt", "*/*.tiktoken"]
PULL_IGNORED = ["*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl", "*.msgpack", "*.h5", "*.onnx"]


def models_list(settings: Settings, out: TextIO) -> int:
    """Print every model in the library: family, variant, capabilities, size, whether it loads."""
    library = ModelLibrary(settings.model_folders())
    print(f"model library: {', '.join(str(folder) for folder in library.folders)}", file=out)
    models = library.models()
    if not models:
        print("no models yet: `previz models pull Wan-AI/Wan2.1-T2V-1.3B-Diffusers` fetches"
              " one, `previz models scan FOLDER` adds a folder of them", file=out)
        return 0
    print_models(models, out)
    return 0


def print_models(models: Sequence[LibraryModel], out: TextIO) -> None:
    """A table of models."""
    rows = [("MODEL", "FAMILY", "VARIANT", "CAN", "SIZE", "LOADS")]
    for model in models:
        can = ",".join(SHORT[cap] for cap in ORDER if cap in model.capabilities) or "-"
        loads = "yes" if model.loads else f"no: {model.problem}"
        if model.base is not None and model.loads:
            loads = f"yes (with {model.base.id})"
        rows.append((model.id, model.family.id if model.family else "?", model.variant or "-",
                     can, human_size(model.size_bytes), loads))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)]
        print("  ".join([*cells, row[5]]).rstrip(), file=out)


def human_size(size: int) -> str:
    """Bytes in the largest unit that keeps a number above one."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def models_scan(settings: Settings, path: Path, out: TextIO) -> Settings | None:
    """Look for models in ``path``; if there are any, the settings with it added to the library
    folders (the caller saves them), else None."""
    path = path.expanduser().resolve()
    if not path.exists():
        print(f"previz: {path} does not exist", file=out)
        return None
    models = ModelLibrary([path]).models()
    if not models:
        print(f"no models in {path}: a model is a diffusers folder (with model_index.json) or"
              " a single-file .safetensors transformer", file=out)
        return None
    print_models(models, out)
    if path in [folder.resolve() for folder in settings.model_folders()]:
        print(f"{path} is already in the model library", file=out)
        return settings
    settings.model_dirs = [*settings.model_dirs, str(path)]
    loading = sum(model.loads for model in models)
    print(f"added {path} to the model library: {len(models)} models, {loading} load", file=out)
    return settings


def models_pull(settings: Settings, repo_id: str, out: TextIO, name: str = "") -> int:
    """Fetch a diffusers-format model from the Hugging Face hub (``HF_ENDPOINT`` may name
    another) into the library: configs, safetensors and tokenizer files only. This is the one
    place Previz reaches the network, and only when the user runs it."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        print("previz: pulling needs the network, but HF_HUB_OFFLINE is set", file=out)
        return 1
    target = settings.models_dir / (name or repo_id.rstrip("/").split("/")[-1])
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        snapshot_download(repo_id=repo_id, local_dir=target, allow_patterns=PULL_PATTERNS,
                          ignore_patterns=PULL_IGNORED)
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError, ValueError) as error:
        print(f"previz: could not pull {repo_id}: {str(error).splitlines()[0]}", file=out)
        return 1
    models = ModelLibrary([target]).models()
    if not models:
        print(f"previz: {repo_id} is not a diffusers-format model (no model_index.json)",
              file=out)
        return 1
    print_models(models, out)
    return 0 if all(model.loads for model in models) else 1
