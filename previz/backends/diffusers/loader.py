"""Loading a library model into a diffusers pipeline: offline, safetensors only, no pickles."""

from __future__ import annotations

import os
from typing import Any

from previz.backends.diffusers.library import LibraryModel
from previz.backends.diffusers.loras import Lora
from previz.backends.diffusers.runtime import RuntimePolicy, component_dtypes, place

OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
           "DIFFUSERS_VERBOSITY": "error", "TRANSFORMERS_VERBOSITY": "error"}


class ModelLoadError(Exception):
    """A model that the library lists but diffusers could not load; the message says why."""


def go_offline() -> None:
    """Forbid every Hugging Face library from reaching the network, before any is imported
    (and, should one already be, in its constants too)."""
    os.environ.update(OFFLINE)
    import huggingface_hub.constants

    huggingface_hub.constants.HF_HUB_OFFLINE = True


def load_pipeline(model: LibraryModel, policy: RuntimePolicy, lora: Lora | None = None) -> Any:
    """The model's pipeline, on its device with the policy's memory options applied; with
    ``lora`` fused into its transformer(s) first."""
    if model.family is None or not model.loads:
        raise ModelLoadError(f"model {model.id} does not load: {model.problem}")
    go_offline()
    import diffusers
    import transformers

    for library in (diffusers, transformers):
        library.utils.logging.set_verbosity_error()
        library.utils.logging.disable_progress_bar()
    pipeline_class = getattr(diffusers, model.family.pipeline)
    options: dict[str, Any] = {"local_files_only": True, "use_safetensors": True,
                               "dtype": component_dtypes(policy, model.family)}
    try:
        if model.config is not None and model.base is not None:
            options["transformer"] = _single_file_transformer(model, model.path, policy)
            if model.expert is not None:  # Wan 2.2 A14B: the low-noise expert, and the split
                options["transformer_2"] = _single_file_transformer(model, model.expert, policy)
                options["boundary_ratio"] = model.config.boundary_ratio
            pipe = pipeline_class.from_pretrained(str(model.base.path), **options)
        else:
            pipe = pipeline_class.from_pretrained(str(model.path), **options)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelLoadError(f"model {model.id} does not load: {_first_line(error)}") from error
    pipe.set_progress_bar_config(disable=True)
    try:
        if lora is not None:
            fuse_lora(pipe, lora)
        place(pipe, policy)
    except BaseException:
        del pipe  # the traceback keeps this frame: without this, its weights stay on the GPU
        raise
    return pipe


def fuse_lora(pipe: Any, lora: Lora) -> None:
    """Load ``lora`` (the published file as it is: diffusers converts ComfyUI/lightx2v key
    names) into the transformer, its low-noise twin into ``transformer_2``, and fuse them, so
    that offloading and compilation see plain weights."""
    try:
        pipe.load_lora_weights(str(lora.path), adapter_name="preview")
        components = ["transformer"]
        if lora.low is not None:
            pipe.load_lora_weights(str(lora.low), adapter_name="preview_low",
                                   load_into_transformer_2=True)
            components.append("transformer_2")
        pipe.fuse_lora(components=components, lora_scale=1.0)
        pipe.unload_lora_weights()
    except ImportError as error:
        raise ModelLoadError(f"the LoRA {lora.id} needs peft (pip install 'previz[models]'):"
                             f" {error}") from error
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ModelLoadError(f"the LoRA {lora.id} does not load: {_first_line(error)}") from error


def _single_file_transformer(model: LibraryModel, path: Any, policy: RuntimePolicy) -> Any:
    """A ComfyUI-style transformer file, read with the family config kept in the package (no
    hub look-up: ``config`` names a local folder)."""
    import diffusers
    import torch

    assert model.config is not None
    transformer_class = getattr(diffusers, str(model.config.transformer["_class_name"]))
    return transformer_class.from_single_file(
        str(path), config=str(model.config.path), subfolder="transformer",
        local_files_only=True, torch_dtype=getattr(torch, policy.dtype))


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
