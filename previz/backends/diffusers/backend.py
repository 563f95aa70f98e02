"""The open-model backend: Wan and LTX-Video pipelines from the local model library."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from previz.backends.diffusers.calls import control_frames, run_pipeline
from previz.backends.diffusers.chain import late_conditioning, render_chain
from previz.backends.diffusers.families import (
    SUGGESTIONS,
    Family,
    Fit,
    arguments,
    fit,
    needs,
    schedule,
    starts_on_image,
)
from previz.backends.diffusers.identity import with_identity
from previz.backends.diffusers.inputs import FramePlan, plan_frames
from previz.backends.diffusers.library import LibraryModel, ModelLibrary
from previz.backends.diffusers.loras import STEPS as LORA_STEPS
from previz.backends.diffusers.loras import Lora
from previz.backends.diffusers.memory import memory_plan, oom_advice
from previz.backends.diffusers.planner import Plan
from previz.backends.diffusers.runtime import (
    RuntimePolicy,
    RuntimeSetupError,
    choose_policy,
    free_memory,
    gpu_free_memory,
    is_out_of_memory,
    likely_device,
    probe_accelerators,
    vae_dtype,
)
from previz.backends.diffusers.timing import Timing, at_native_rate, deliver, native_timing
from previz.backends.draft.backend import DraftBackend
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
DISTILLED_STEPS = 8  # LTX-Video 0.9.7/0.9.8 distilled: 8 steps at guidance 1


@dataclass
class _Warm:
    key: tuple[str, str, RuntimePolicy]  # model id, fingerprint (with its LoRA's), policy
    pipe: Any
    scheduler: Mapping[str, Any] = field(default_factory=dict)  # as published, before shifts
    image_pipe: Any = None  # the same components as an image-to-video pipeline (TI2V-5B)
    memory: Plan | None = None  # the planner's choice, where it chose

    def for_plan(self, family: Family, plan: FramePlan) -> Any:
        """The pipeline that renders ``plan``: the image pipeline where it starts on one."""
        if not starts_on_image(family, plan):
            return self.pipe
        if self.image_pipe is None:
            import diffusers

            self.image_pipe = getattr(diffusers, family.image_pipeline).from_pipe(self.pipe)
        return self.image_pipe


class DiffusersBackend:
    """Renders with open video models found in the model library; torch and diffusers are
    imported only when a model first renders. One pipeline is kept warm between renders of
    the same model and dropped when another is asked for."""

    id = "diffusers"

    def __init__(self, settings: Settings | None = None,
                 library: ModelLibrary | None = None) -> None:
        self.settings = settings or Settings()
        self.library = library or ModelLibrary(self.settings.model_folders())
        self.device = likely_device(self.settings)
        self._policy: RuntimePolicy | None = None
        self._warm: _Warm | None = None
        self._lock = threading.Lock()
        self._record: tuple[RenderRequest, dict[str, Any]] | None = None

    @property
    def version(self) -> str:
        """Part of every key: the call rules' revision and the render settings that change
        the pictures (the control mode and the draft's control renders it follows, the step
        cache, the quality), so changing one re-renders."""
        return (f"2;control={self.settings.control}@draft{DraftBackend.control_version};"
                f"step_cache={self.settings.step_cache:g};quality={self.settings.quality}")

    def available_models(self) -> Sequence[ModelInfo]:
        """Every model in the library, with whether it loads; a preview's 4-step LoRA is part
        of its model's fingerprint, so adding or changing one re-renders the previews."""
        infos, loras = [], self.library.loras() if self.settings.quality == "preview" else []
        for model in self.library.models():
            info, lora = model.info(), self.preview_lora(model, loras)
            if lora is not None:
                info = replace(info, fingerprint=_with_lora(info.fingerprint, lora))
            infos.append(info)
        return infos

    def preview_lora(self, model: LibraryModel,
                     loras: Sequence[Lora] | None = None) -> Lora | None:
        """The published step-distillation LoRA a preview of ``model`` loads: only where the
        quality is preview and the library has no distilled model of its family."""
        if self.settings.quality != "preview" or not model.loads or (
                "distilled" in model.id.lower() or self._for_quality(model) is not model):
            return None
        return self.library.distill_lora(model, loras)

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
        """Yield the request's frames, rendered by its model at the model's own rate (in a
        chain of calls where the shot is longer than the model's cap) and retimed to the
        request's; every denoising step reports progress and checks ``cancel``."""
        model = self.resolve(request)
        family = model.family
        assert family is not None
        timing = self.timing(request)
        asked, identity = with_identity(request, family)
        native = replace(asked, frame_count=timing.frames, fps=timing.native_fps,
                         context_frames=at_native_rate(list(request.context_frames),
                                                       request.fps, timing.native_fps))
        control: tuple[np.ndarray, ...] = ()
        if family.takes_control:
            control = tuple(at_native_rate(control_frames(request, self.settings.control, cancel),
                                           request.fps, timing.native_fps))
        lora = self.preview_lora(model)
        record: dict[str, Any] = {**timing.record(), **self._quality(request, model, lora)}
        if identity:
            record["identity"] = identity
        if "distilled" in record.get("quality", ""):
            native = replace(native, steps=min(native.steps, DISTILLED_STEPS), guidance=1.0)
        if lora is not None:
            native = replace(native, steps=min(native.steps, LORA_STEPS), guidance=1.0)
        if lora is not None or "distilled" in model.id.lower():
            record["step_cache"] = self.settings.step_cache  # few steps: none to skip

        def call(chunk: RenderRequest, plan: FramePlan, number: int) -> np.ndarray:
            def step(index: int, total: int) -> None:
                progress(number * total + index, len(timing.chunks) * total)

            return self._render(model, chunk, plan, step, cancel, record=record, lora=lora)

        try:
            if len(timing.chunks) == 1:
                plan = plan_frames(native, family, control)
                rendered = call(native, plan, 0)
                frames = [rendered[index] for index in plan.keep]
            else:
                frames = render_chain(family, native, timing, control, call)
        except ValueError as error:
            raise NodeError(str(error)) from error
        self._record = (request, record)
        yield from deliver(frames, timing)

    def timing(self, request: RenderRequest) -> Timing:
        """How ``request`` renders on its model: at what rate, how many frames, how many calls."""
        model = self._model(request.model)
        if model is None or model.family is None:
            raise NodeError(f"model {request.model!r} is not in the model library")
        kept = 0
        if request.source_clip is not None:
            kept = 1 if "keyframes" not in model.family.capabilities else min(
                len(request.context_frames), model.family.max_frames // 2)
        elif request.bridge:
            kept = 2
        return native_timing(model.family, request.fps, request.frame_count, kept)

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
        model = self._for_quality(model)
        assert model.family is not None
        asked = with_identity(request, model.family)[0]
        self._check(model, model.family, asked)
        self._check_length(model, model.family, asked)
        return model

    def _quality(self, request: RenderRequest, model: LibraryModel,
                 lora: Lora | None) -> dict[str, str]:
        """What the clip records of its quality, where it is a preview."""
        if self.settings.quality != "preview":
            return {}
        if model.id != (request.model or self.default_model()):
            return {"quality": f"preview with the distilled {model.id}, at most"
                               f" {DISTILLED_STEPS} steps, guidance 1", "rendered_by": model.id}
        if lora is not None:
            return {"quality": f"preview with the step-distillation LoRA {lora.id}, at most"
                               f" {LORA_STEPS} steps, guidance 1", "lora": lora.id}
        return {"quality": f"preview with the step cache ({self.policy().step_cache:g});"
                           " no distilled model of this family in the library"}

    def _for_quality(self, model: LibraryModel) -> LibraryModel:
        """The model that renders at this quality: for a preview, a distilled model of the same
        family and generation where the library has one."""
        if self.settings.quality != "preview" or "distilled" in model.id.lower():
            return model
        return next((other for other in self.library.models() if other.loads and other.family
                     and model.family and other.family.id == model.family.id
                     and "distilled" in other.id.lower()
                     and other.latent_channels == model.latent_channels), model)

    def _check_length(self, model: LibraryModel, family: Family, request: RenderRequest) -> None:
        timing = self.timing(request)
        if len(timing.chunks) < 2:
            return
        seconds = f"{float(request.frame_count / request.fps):g} s"
        cap = (f"{family.max_frames} frames ({float(family.max_frames / timing.native_fps):g} s"
               f" at {timing.native_fps} fps)")
        if "extend" not in family.capabilities:
            able = [other.id for other in self.library.models() if other.loads and other.family
                    and "extend" in other.family.capabilities]
            which = (f"use {able[0]}, which can (the node's model param)" if able else
                     f"no model in the library can; one that can: {SUGGESTIONS['extend']}")
            raise NodeError(f"{model.id} ({family.name}) renders at most {cap} a call and"
                            f" cannot continue a clip, so it cannot make this {seconds} shot:"
                            f" {which}, or shorten the shot")
        late = late_conditioning(request, timing)
        if late:
            raise NodeError(f"this {seconds} shot renders on {model.id} as a chain of"
                            f" {len(timing.chunks)} calls of at most {cap}, which cannot carry"
                            f" {' and '.join(late)} past the first: shorten the shot, or split"
                            " it and join the parts with Extend")

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
                progress: Progress, cancel: CancelToken, *,
                record: dict[str, Any], lora: Lora | None = None) -> np.ndarray:
        assert model.family is not None
        with self._lock:
            try:
                warm = self._pipeline(model, request, plan.frames, lora)
                if warm.memory is not None:
                    record["memory"] = warm.memory.reason
                cancel.check()  # loading a large model takes a while: asked to stop meanwhile?
                pipe = warm.for_plan(model.family, plan)
                record.update(schedule(pipe, warm.scheduler, model.family, request, plan.frames))
                call = arguments(pipe, model.family, request, plan)
                record.update(guidance=call["guidance_scale"],
                              negative=call.get("negative_prompt") or "")
                if "guidance_scale_2" in call:
                    record["guidance_2"] = call["guidance_scale_2"]
                return run_pipeline(pipe, call, request.seed, progress, cancel)
            except (Cancelled, NodeError):
                raise
            except Exception as error:
                if is_out_of_memory(error):
                    memory = self._warm.memory if self._warm else None
                    self.release()
                    raise NodeError(_out_of_memory(model, request, plan, memory)) from error
                raise

    def _pipeline(self, model: LibraryModel, request: RenderRequest, frames: int,
                  lora: Lora | None = None) -> _Warm:
        from previz.backends.diffusers import loader

        policy, memory = self.policy(), None
        if lora is not None or "distilled" in model.id.lower():  # few steps: nothing to skip
            policy = replace(policy, step_cache=self.settings.step_cache)
        fingerprint = _with_lora(model.fingerprint, lora) if lora else model.fingerprint
        warm = self._warm
        if warm is not None and warm.key[:2] == (model.id, fingerprint) and (
                warm.memory is not None or warm.key[2] == policy):
            return warm  # a planned pipeline stays: free memory now leaves out its own weights
        self.release()
        if policy.offload == "auto":
            memory = memory_plan(model, policy, request, frames, gpu_free_memory(policy.device))
            policy = replace(policy, offload=memory.offload,
                             vae_tiling=policy.vae_tiling or memory.vae_tiling)
        pipe = None
        try:
            pipe = loader.load_pipeline(model, policy, lora)
        except loader.ModelLoadError as error:
            raise NodeError(str(error)) from error
        except ImportError as error:
            raise NodeError(_stack_missing(error)) from error
        except Exception as error:
            if not is_out_of_memory(error):
                raise
            error.__traceback__ = None  # its frames hold the parts that did load
        if pipe is None:
            free_memory()
            raise NodeError(f"out of memory loading {model.id}: "
                            f"{oom_advice(model, policy, request, frames, memory)}")
        self._warm = _Warm((model.id, fingerprint, policy), pipe,
                           dict(pipe.scheduler.config), memory=memory)
        return self._warm

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
        rendered = self._record[1] if self._record and self._record[0] is request else {}
        return {
            **rendered,
            "family": family.id if family else "", "model": model.id if model else "",
            "variant": model.variant if model else "",
            "model_fingerprint": model.fingerprint if model else "",
            "dtype": policy.dtype,
            "vae_dtype": vae_dtype(policy, family) if family else policy.vae_dtype,
            "device": policy.device,
            "offload": policy.offload,
            "step_cache": rendered.get("step_cache", policy.step_cache),
            "steps": request.steps, "guidance": rendered.get("guidance", request.guidance),
            "seed": request.seed,
            "camera": (f"control video ({self.settings.control})"
                       if family and family.takes_control and request.camera is not None
                       and not request.bridge else "prompt"),
        }


def _with_lora(fingerprint: str, lora: Lora) -> str:
    """A model's fingerprint with the LoRA its previews load."""
    return hashlib.sha256(f"{fingerprint}\0{lora.fingerprint}".encode()).hexdigest()[:16]


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


def _out_of_memory(model: LibraryModel, request: RenderRequest, plan: FramePlan,
                   memory: Plan | None) -> str:
    if memory is not None:
        return (f"out of memory rendering {plan.frames} frames at {request.width}x"
                f"{request.height} with {model.id} ({memory.reason}):"
                f" {oom_advice(model, None, request, plan.frames, memory)}")
    return (f"out of memory rendering {plan.frames} frames at {request.width}x{request.height}"
            f" with {model.id}: lower the resolution or the duration, or let the planner pick"
            " (settings: offload = auto), or turn on offloading (offload = group or"
            " sequential; vae_tiling = true)")
