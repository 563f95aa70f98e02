"""The open-model backend: Wan and LTX-Video pipelines from the local model library."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from previz.backends.diffusers.calls import control_frames, run_pipeline
from previz.backends.diffusers.families import SUGGESTIONS, Family, Fit, arguments, fit, needs
from previz.backends.diffusers.inputs import FramePlan, plan_frames
from previz.backends.diffusers.library import LibraryModel, ModelLibrary
from previz.backends.diffusers.runtime import (
    RuntimePolicy,
    RuntimeSetupError,
    choose_policy,
    free_memory,
    is_out_of_memory,
    likely_device,
    probe_accelerators,
    vae_dtype,
)
from previz.engine.backend import (
    Cancelled,
    CancelToken,
    Constraints,
    ModelInfo,
    Progress,
    RenderRequest,
)
from previz.engine.context import NodeError
from previz.settings import Settings

WORDS = {"text_to_video": "render from text alone", "first_frame": "start on an image",
         "last_frame": "end on an image", "keyframes": "pass through keyframes",
         "extend": "continue a clip", "control_video": "follow a control video",
         "reference_images": "hold a subject by a reference image"}
NEEDED = {"first_frame": "a first-frame image", "last_frame": "a last-frame image"}


@dataclass
class _Warm:
    key: tuple[str, str, RuntimePolicy]
    pipe: Any


class DiffusersBackend:
    """Renders with open video models found in the model library; torch and diffusers are
    imported only when a model first renders. One pipeline is kept warm between renders of
    the same model and dropped when another is asked for."""

    id = "diffusers"
    version = "1"

    def __init__(self, settings: Settings | None = None,
                 library: ModelLibrary | None = None) -> None:
        self.settings = settings or Settings()
        self.library = library or ModelLibrary(self.settings.model_folders())
        self.device = likely_device(self.settings)
        self._policy: RuntimePolicy | None = None
        self._warm: _Warm | None = None
        self._lock = threading.Lock()

    def available_models(self) -> Sequence[ModelInfo]:
        """Every model in the library, with whether it loads."""
        return [model.info() for model in self.library.models()]

    def capabilities(self, model: str) -> frozenset[str]:
        """What ``model`` (empty: the default model) can do; nothing if it is not here."""
        found = self._model(model)
        return found.capabilities if found else frozenset()

    def constraints(self, model: str) -> Constraints:
        """The frame-count, size and rate rules of ``model``'s family."""
        found = self._model(model)
        if found is None or found.family is None:
            return Constraints(frame_multiple=1, size_multiple=16)
        return found.family.constraints

    def default_model(self) -> str:
        """The model a shot naming none renders with: the settings' choice, else the first
        model (by id) that loads and renders from text, else the first that loads."""
        models = sorted((m for m in self.library.models() if m.loads), key=lambda m: m.id)
        chosen = self.settings.default_model
        if chosen:
            return chosen
        text = [m for m in models if "text_to_video" in m.capabilities]
        return (text or models)[0].id if (text or models) else ""

    def _model(self, model: str) -> LibraryModel | None:
        return self.library.get(model or self.default_model())

    def generate(self, request: RenderRequest, progress: Progress,
                 cancel: CancelToken) -> Iterator[np.ndarray]:
        """Yield the request's frames, rendered by its model; every denoising step reports
        progress and checks ``cancel``."""
        model = self.resolve(request)
        assert model.family is not None
        control: tuple[np.ndarray, ...] = ()
        if model.family.takes_control:
            control = control_frames(request, self.settings.control, cancel)
        try:
            plan = plan_frames(request, model.family, control)
        except ValueError as error:
            raise NodeError(str(error)) from error
        frames = self._render(model, request, plan, progress, cancel)
        for index in plan.keep:
            yield frames[index]

    def resolve(self, request: RenderRequest) -> LibraryModel:
        """The model that renders ``request``, checked to load and to do what it asks."""
        name = request.model or self.default_model()
        model = self.library.get(name) if name else None
        if model is None:
            where = ", ".join(str(folder) for folder in self.library.folders)
            raise NodeError(
                f"model {name!r} is not in the model library ({where}); `previz models list`"
                " shows what is there" if name else
                f"the model library ({where}) has no model that loads; add one with `previz"
                " models pull` or `previz models scan`")
        if not model.loads or model.family is None:
            raise NodeError(f"model {model.id} does not load: {model.problem}")
        self._check(model, model.family, request)
        return model

    def _check(self, model: LibraryModel, family: Family, request: RenderRequest) -> None:
        wanted = needs(frozenset(item.role for item in request.conditioning),
                       extend=request.source_clip is not None, bridge=request.bridge,
                       control=request.control_video is not None)
        found = fit(family, wanted)
        if found.ok:
            return
        able = [other.id for other in self.library.models()
                if other.loads and other.family and fit(other.family, wanted).ok]
        raise NodeError(f"{model.id} ({family.name}) {_shortfall(found)}: {_advice(able, found)}")

    def _render(self, model: LibraryModel, request: RenderRequest, plan: FramePlan,
                progress: Progress, cancel: CancelToken) -> np.ndarray:
        assert model.family is not None
        with self._lock:
            try:
                pipe = self._pipeline(model)
                cancel.check()  # loading a large model takes a while: asked to stop meanwhile?
                call = arguments(pipe, model.family, request, plan)
                return run_pipeline(pipe, call, request.seed, progress, cancel)
            except (Cancelled, NodeError):
                raise
            except Exception as error:
                if is_out_of_memory(error):
                    self.release()
                    raise NodeError(_out_of_memory(model, request, plan)) from error
                raise

    def _pipeline(self, model: LibraryModel) -> Any:
        from previz.backends.diffusers import loader

        policy = self.policy()
        key = (model.id, model.fingerprint, policy)
        if self._warm is not None and self._warm.key == key:
            return self._warm.pipe
        self.release()
        try:
            pipe = loader.load_pipeline(model, policy)
        except loader.ModelLoadError as error:
            raise NodeError(str(error)) from error
        except ImportError as error:
            raise NodeError(_stack_missing(error)) from error
        self._warm = _Warm(key, pipe)
        return pipe

    def policy(self) -> RuntimePolicy:
        """Device, dtype and memory options for this machine (probes torch once)."""
        if self._policy is None:
            try:
                self._policy = choose_policy(self.settings, probe_accelerators())
            except RuntimeSetupError as error:
                raise NodeError(str(error)) from error
            except ImportError as error:
                raise NodeError(_stack_missing(error)) from error
        return self._policy

    def warm_model(self) -> str:
        """The id of the model whose pipeline is loaded, if any."""
        return self._warm.key[0] if self._warm else ""

    def warm_pipeline(self) -> Any:
        """The loaded pipeline, if any (for inspection; renders go through ``generate``)."""
        return self._warm.pipe if self._warm else None

    def release(self) -> None:
        """Drop the warm pipeline and give its memory back."""
        if self._warm is not None:
            self._warm = None
            free_memory()

    def describe(self, request: RenderRequest) -> Mapping[str, Any]:
        """What a clip rendered for ``request`` records, so the same request reproduces it."""
        model = self._model(request.model)
        family = model.family if model else None
        policy = self._policy or RuntimePolicy()
        return {
            "family": family.id if family else "", "model": model.id if model else "",
            "variant": model.variant if model else "",
            "model_fingerprint": model.fingerprint if model else "",
            "dtype": policy.dtype,
            "vae_dtype": vae_dtype(policy, family) if family else policy.vae_dtype,
            "device": policy.device,
            "offload": policy.offload, "step_cache": policy.step_cache,
            "steps": request.steps, "guidance": request.guidance, "seed": request.seed,
            "camera": (f"control video ({self.settings.control})"
                       if family and family.takes_control and request.camera is not None
                       and not request.bridge else "prompt"),
        }


def _stack_missing(error: ImportError) -> str:
    return (f"the model backend needs torch, diffusers and transformers (pip install"
            f" 'previz[models]'): {error}")


def _shortfall(found: Fit) -> str:
    if found.lacking:
        return "cannot " + " and ".join(WORDS[cap] for cap in sorted(found.lacking))
    return "needs " + " and ".join(NEEDED.get(cap, cap) for cap in sorted(found.unmet))


def _advice(able: Sequence[str], found: Fit) -> str:
    if found.unmet and not found.lacking:
        given = "connect " + " and ".join(NEEDED.get(cap, cap) for cap in sorted(found.unmet))
        return f"{given}, or use {able[0]}" if able else given
    if able:
        return f"use {able[0]}, which can (the node's model param)"
    return "no model in the library can; " + "; ".join(
        f"to {WORDS[cap]}: {SUGGESTIONS[cap]}" for cap in sorted(found.lacking))


def _out_of_memory(model: LibraryModel, request: RenderRequest, plan: FramePlan) -> str:
    return (f"out of memory rendering {plan.frames} frames at {request.width}x{request.height}"
            f" with {model.id}: lower the resolution or the duration, or turn on offloading"
            " (settings: offload = model, group or sequential; vae_tiling = true)")
