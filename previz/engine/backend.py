"""The backend protocol (DESIGN §7): requests, capabilities, constraints and snapping, models."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

import numpy as np

from previz.core.subjects import Subject
from previz.core.values import Clip, ConditioningImage

CAPABILITIES = ("text_to_video", "first_frame", "last_frame", "keyframes", "extend",
                "control_video", "reference_images", "handles")


@dataclass(frozen=True)
class Constraints:
    """What a model can render: frame counts ``multiple·k + 1`` (multiple 1: any), sizes
    divisible by ``size_multiple``, at its ``native_fps`` (``None``: any rate), at most
    ``max_frames`` a call (``None``: no cap). A backend renders a shot at another rate at its
    native rate and retimes it, so then the frame count is the shot's own."""

    frame_multiple: int = 1
    size_multiple: int = 2
    native_fps: Fraction | None = None
    max_frames: int | None = None

    def snap(self, frames: int, width: int, height: int,
             fps: Fraction | None = None) -> Snapped:
        """The nearest request this model renders, with a note for every adjustment; a shot
        at ``fps`` other than the model's native rate keeps its frame count (it is retimed)."""
        retimed = fps is not None and self.native_fps is not None and fps != self.native_fps
        snapped_frames = max(frames, 1) if retimed else _snap_frames(frames, self.frame_multiple)
        snapped_width = _snap_size(width, self.size_multiple)
        snapped_height = _snap_size(height, self.size_multiple)
        notes = []
        if snapped_frames != frames:
            rule = f"{self.frame_multiple}k+1" if self.frame_multiple > 1 else "that count"
            notes.append(f"{snapped_frames} frames, not {frames}: this model renders {rule}")
        if retimed:
            notes.append(f"rendered at the model's {self.native_fps} fps and retimed to {fps}")
        if (snapped_width, snapped_height) != (width, height):
            notes.append(f"{snapped_width}x{snapped_height}, not {width}x{height}: sizes are"
                         f" multiples of {self.size_multiple}")
        return Snapped(snapped_frames, snapped_width, snapped_height, tuple(notes))


@dataclass(frozen=True)
class Snapped:
    """A request's frame count and size after snapping, and what changed, in words."""

    frames: int
    width: int
    height: int
    notes: tuple[str, ...] = ()


def _snap_frames(frames: int, multiple: int) -> int:
    if multiple <= 1:
        return max(frames, 1)
    return multiple * max(math.ceil((frames - 1) / multiple), 0) + 1


def _snap_size(size: int, multiple: int) -> int:
    lower = (size // multiple) * multiple
    upper = lower + multiple
    nearest = upper if size - lower >= upper - size else lower  # ties round up
    return max(nearest, multiple)


@dataclass(frozen=True)
class ModelInfo:
    """A model a backend can render with, and the fingerprint of its files."""

    id: str
    family: str
    fingerprint: str
    capabilities: frozenset[str] = frozenset()
    loads: bool = True
    note: str = ""


@dataclass(frozen=True)
class RenderRequest:
    """Everything a backend needs to render one take.

    ``camera`` is the shot's ``CameraPath``; ``subjects`` its blocking; ``slate`` the caption
    lines a preview may show; ``images`` the decoded conditioning images by asset hash;
    ``mode`` is ``preview`` or, for control videos, ``depth`` or ``layout``. A ``bridge``
    asks for the in-betweens from the ``first_frame`` image to the ``last_frame`` image (the
    frames themselves are in the clips on either side). ``context_frames`` are the last frames
    of ``source_clip`` that a continuation sees (a sequence that may read them only when a
    backend asks).

    A backend may also offer ``describe(request) -> Mapping`` (what a clip it rendered should
    record: family, resolved model, dtype, …); nodes add it to the clip's provenance.
    """

    prompt: str
    width: int
    height: int
    frame_count: int
    fps: Fraction
    seed: int
    negative: str = ""
    steps: int = 30
    guidance: float = 0.0
    model: str = ""
    camera: Any = None
    conditioning: tuple[ConditioningImage, ...] = ()
    images: Mapping[str, np.ndarray] = field(default_factory=dict)
    source_clip: Clip | None = None
    context_frames: Sequence[np.ndarray] = ()
    control_video: Sequence[np.ndarray] | None = None
    subjects: tuple[Subject, ...] = ()
    slate: tuple[str, ...] = ()
    mode: str = "preview"
    bridge: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Frames before and after the shot proper (its handles, for editors): the shot's time 0
    # is frame ``handles[0]``; a backend with the ``handles`` capability times the shot and
    # pins its images from there.
    handles: tuple[int, int] = (0, 0)
    scene: Any = None  # the SceneValue a shot on a scene looks into (blocking, cast, light)
    scene_time: float = 0.0  # the scene time of the shot's time 0 (frame ``handles[0]``)
    scene_end: float | None = None  # of the last frame, when it is not the clip's own rate's
    # A bridge on a scene into a shot that opens on a plate (a painting, a photograph): its
    # ``last_frame`` image is not the scene as drawn, so the draft dissolves into it at the end.
    ends_on_plate: bool = False


Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """The user cancelled the render; raised within one step of asking."""


class CancelToken:
    """Set from any thread; checked by the render loop once per frame or denoising step."""

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        """Ask every render holding this token to stop."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked for."""
        return self._cancelled

    def check(self) -> None:
        """Raise ``Cancelled`` if cancellation was asked for."""
        if self._cancelled:
            raise Cancelled("cancelled")


@runtime_checkable
class Backend(Protocol):
    """Turns a render request into frames, streamed one at a time."""

    id: str
    version: str
    device: str

    def available_models(self) -> Sequence[ModelInfo]:
        """The models this backend can render with here."""
        ...

    def capabilities(self, model: str) -> frozenset[str]:
        """What ``model`` can do, as names from ``CAPABILITIES``."""
        ...

    def constraints(self, model: str) -> Constraints:
        """Frame-count, size and rate rules of ``model``."""
        ...

    def generate(self, request: RenderRequest, progress: Progress,
                 cancel: CancelToken) -> Iterator[np.ndarray]:
        """Yield ``request.frame_count`` RGB frames, checking ``cancel`` every step."""
        ...


@dataclass(frozen=True)
class BackendInfo:
    """What the compiler needs to know of one backend: its version, its models, and the model
    a shot naming none renders with (``""`` for a backend without models)."""

    id: str
    version: str
    models: Mapping[str, ModelInfo] = field(default_factory=dict)
    default_model: str = ""
    deterministic: bool = False  # the same request always makes the same pixels

    def takes_note(self, asked: int) -> str:
        """Why only one of ``asked`` takes is rendered, or ``""`` when each is."""
        if not self.deterministic or asked <= 1:
            return ""
        return (f"the {self.id} backend draws the same picture for every seed: 1 take is"
                f" rendered, not {asked}")


@dataclass(frozen=True)
class Catalog:
    """A snapshot of the backends here and their models, so compiling does no I/O."""

    backends: Mapping[str, BackendInfo] = field(default_factory=dict)

    def get(self, backend_id: str) -> BackendInfo | None:
        """The backend called ``backend_id``, if it is here."""
        return self.backends.get(backend_id)


class BackendSet:
    """The backends wired into an executor, by id."""

    def __init__(self, backends: Sequence[Backend] = ()) -> None:
        self._backends = {backend.id: backend for backend in backends}

    def get(self, backend_id: str) -> Backend | None:
        """The backend called ``backend_id``, if it is here."""
        return self._backends.get(backend_id)

    def ids(self) -> list[str]:
        """Every backend's id."""
        return list(self._backends)

    def catalog(self) -> Catalog:
        """What the backends are and which models each has, as of now."""
        return Catalog({
            backend_id: BackendInfo(backend_id, backend.version,
                                    {model.id: model for model in backend.available_models()},
                                    _default_model(backend),
                                    bool(getattr(backend, "deterministic", False)))
            for backend_id, backend in self._backends.items()
        })


def _default_model(backend: Backend) -> str:
    """A backend's default model, for backends that have one (an optional method)."""
    choose = getattr(backend, "default_model", None)
    return str(choose()) if callable(choose) else ""
