"""A node pack for engine tests: nodes that count their executions and draw known frames.

``make_pack()`` returns fresh node types bound to a fresh ``Counter``, so no count is shared
between tests. The frames are a function of the params, the take's seed and the frame index
(``source_frame``, ``transform_frame``), so a test can say exactly what it should read back.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter as Tally
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from previz.api import (
    CancelToken,
    Clip,
    Constraints,
    ExecuteContext,
    Input,
    NodeError,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamKind,
    PortType,
    PromptValue,
    RenderRequest,
    parse_fraction,
)
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, TimelineEntry
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet, ModelInfo
from previz.engine.events import (
    Cached,
    CancelledEvent,
    Done,
    Failed,
    Listener,
    RenderEvent,
)
from previz.engine.executor import Executor, RunResult
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.store import INCOMING, ClipStore

PROMPT = "test.prompt"
SOURCE = "test.source"
TRANSFORM = "test.transform"
FAIL = "test.fail"
SLOW = "test.slow"
GENERATE = "test.generate"


@dataclass
class Counter:
    """Executions by node id, and by node id and take, counted on the worker threads."""

    runs: Tally[str] = field(default_factory=Tally)
    takes: Tally[tuple[str, int]] = field(default_factory=Tally)
    steps: Tally[str] = field(default_factory=Tally)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, ctx: ExecuteContext) -> None:
        """Count one execution of one take."""
        with self._lock:
            self.runs[ctx.node_id] += 1
            self.takes[ctx.node_id, ctx.take] += 1

    def step(self, ctx: ExecuteContext) -> None:
        """Count one step (a frame) made by a node."""
        with self._lock:
            self.steps[ctx.node_id] += 1

    def total(self) -> int:
        """Executions of every node together."""
        return sum(self.runs.values())

    def reset(self) -> None:
        """Start counting again."""
        with self._lock:
            self.runs.clear()
            self.takes.clear()
            self.steps.clear()


def source_frame(width: int, height: int, value: int, seed: int, index: int) -> np.ndarray:
    """Frame ``index`` of a source clip: smooth gradients moving with the frame, set by
    ``value`` and ``seed`` (so any change to them shows)."""
    ys, xs = np.mgrid[0:height, 0:width]
    shift = (seed * 37 + index * 5) % 256
    red = (xs * 3 + shift) % 256
    green = (ys * 4 + value) % 256
    blue = (xs + ys + value + seed * 11 + index) % 256
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)


def transform_frame(frame: np.ndarray, offset: int, invert: bool) -> np.ndarray:
    """What the transform node makes of one input frame."""
    shifted = (frame.astype(np.int32) + offset) % 256
    return (255 - shifted if invert else shifted).astype(np.uint8)


def _int(name: str, default: int, low: int, high: int, **extra: Any) -> Param:
    return Param(name, ParamKind.INT, default, minimum=low, maximum=high, **extra)


def _clip_params(frames: int = 6) -> tuple[Param, ...]:
    return (
        _int("frames", frames, 1, 2000),
        _int("width", 32, 2, 4096),
        _int("height", 24, 2, 4096),
        Param("fps", ParamKind.FRACTION, None, minimum=1, maximum=120, inherit="rate"),
        _int("seed", 0, 0, 2**31 - 1),
        _int("takes", 1, 1, 16, affects_render=False),
        Param("notes", ParamKind.TEXT, "", affects_render=False),
    )


def _write_source(ctx: ExecuteContext, value: int, counter: Counter,
                  delay: float = 0.0) -> Clip:
    params = ctx.params
    frames, width, height = params["frames"], params["width"], params["height"]
    writer = ctx.new_clip(width, height, parse_fraction(params["fps"]))
    for index in range(frames):
        if delay:
            time.sleep(delay)
        writer.write(source_frame(width, height, value, ctx.seed or 0, index))
        counter.step(ctx)
        ctx.progress(index + 1, frames)
    return writer.finish(prompt=str(params.get("text", "")))


def _prompt_type(counter: Counter) -> NodeType:
    spec = NodeSpec(
        id=PROMPT, version=1, display_name="Test Prompt", category="Test",
        params=(Param("text", ParamKind.TEXT, ""),),
        outputs=(Output("prompt", PortType.PROMPT),),
    )

    def execute(ctx: ExecuteContext) -> PromptValue:
        counter.hit(ctx)
        return PromptValue(ctx.params["text"])

    return NodeType(spec, execute)


def _source_type(counter: Counter) -> NodeType:
    spec = NodeSpec(
        id=SOURCE, version=1, display_name="Source", category="Test",
        inputs=(Input("prompt", PortType.PROMPT, optional=True),),
        params=(*_clip_params(), _int("value", 100, 0, 255), Param("name", ParamKind.STRING, "")),
        outputs=(Output("clip", PortType.CLIP),), is_output=True,
    )

    def execute(ctx: ExecuteContext, prompt: PromptValue | None = None) -> Clip:
        counter.hit(ctx)
        value = ctx.params["value"] + (len(prompt.text) if prompt else 0)
        return _write_source(ctx, value % 256, counter)

    return NodeType(spec, execute)


def _transform_type(counter: Counter) -> NodeType:
    spec = NodeSpec(
        id=TRANSFORM, version=1, display_name="Transform", category="Test",
        inputs=(Input("clip", PortType.CLIP),),
        params=(_int("offset", 10, -255, 255), Param("invert", ParamKind.BOOL, False),
                Param("name", ParamKind.STRING, "")),
        outputs=(Output("clip", PortType.CLIP),), is_output=True,
    )

    def execute(ctx: ExecuteContext, clip: Clip) -> Clip:
        counter.hit(ctx)
        writer = ctx.new_clip(clip.width, clip.height, clip.fps)
        for index, frame in enumerate(ctx.media.frames(clip)):
            writer.write(transform_frame(frame, ctx.params["offset"], ctx.params["invert"]))
            counter.step(ctx)
            ctx.progress(index + 1, clip.frame_count)
        return writer.finish(prompt=clip.prompt)

    return NodeType(spec, execute)


def _fail_type(counter: Counter) -> NodeType:
    spec = NodeSpec(
        id=FAIL, version=1, display_name="Fail", category="Test",
        inputs=(Input("clip", PortType.CLIP, optional=True),),
        params=(*_clip_params(), Param("fail", ParamKind.BOOL, True),
                Param("name", ParamKind.STRING, "")),
        outputs=(Output("clip", PortType.CLIP),), is_output=True,
    )

    def execute(ctx: ExecuteContext, clip: Clip | None = None) -> Clip:
        counter.hit(ctx)
        params = ctx.params
        writer = ctx.new_clip(params["width"], params["height"], parse_fraction(params["fps"]))
        for index in range(params["frames"]):
            if params["fail"] and index == params["frames"] // 2:
                raise NodeError("the test asked this node to fail")  # mid-clip, writer open
            writer.write(source_frame(params["width"], params["height"], 7, 0, index))
            ctx.progress(index + 1, params["frames"])
        return writer.finish()

    return NodeType(spec, execute)


def _slow_type(counter: Counter) -> NodeType:
    spec = NodeSpec(
        id=SLOW, version=1, display_name="Slow", category="Test",
        params=(*_clip_params(frames=40), Param("delay", ParamKind.FLOAT, 0.05, minimum=0.0,
                                                 maximum=10.0, affects_render=False),
                Param("name", ParamKind.STRING, "")),
        outputs=(Output("clip", PortType.CLIP),), is_output=True,
    )

    def execute(ctx: ExecuteContext) -> Clip:
        counter.hit(ctx)
        return _write_source(ctx, 50, counter, delay=ctx.params["delay"])

    return NodeType(spec, execute)


def _generate_type(counter: Counter) -> NodeType:
    spec = NodeSpec(
        id=GENERATE, version=1, display_name="Generate", category="Test",
        inputs=(Input("prompt", PortType.PROMPT, optional=True),),
        params=(*_clip_params(), Param("backend", ParamKind.STRING, "fake"),
                Param("model", ParamKind.STRING, "tiny"), Param("name", ParamKind.STRING, "")),
        outputs=(Output("clip", PortType.CLIP),), is_output=True, renders=True,
    )

    def execute(ctx: ExecuteContext, prompt: PromptValue | None = None) -> Clip:
        counter.hit(ctx)
        if ctx.backend is None:
            raise NodeError(f"backend {ctx.params['backend']!r} is not available")
        params = ctx.params
        request = RenderRequest(prompt.text if prompt else "", params["width"], params["height"],
                                params["frames"], parse_fraction(params["fps"]), ctx.seed or 0,
                                model=ctx.model)
        writer = ctx.new_clip(request.width, request.height, request.fps)
        for frame in ctx.backend.generate(request, ctx.progress, ctx.cancel):
            writer.write(frame)
        return writer.finish(prompt=request.prompt)

    return NodeType(spec, execute)


@dataclass
class Pack:
    """The node types of one test, sharing one counter."""

    counter: Counter
    NODES: list[NodeType]

    def registry(self) -> NodeRegistry:
        """A registry with this pack only."""
        registry = NodeRegistry()
        registry.register_pack(self, name="engine-tests")
        return registry


def make_pack() -> Pack:
    """Fresh node types with a fresh counter."""
    counter = Counter()
    makers = (_prompt_type, _source_type, _transform_type, _fail_type, _slow_type,
              _generate_type)
    return Pack(counter, [make(counter) for make in makers])


class FakeBackend:
    """A backend after the protocol: deterministic frames from the seed, its models listed."""

    def __init__(self, backend_id: str = "fake", version: str = "1.0",
                 models: Sequence[ModelInfo] = (ModelInfo("tiny", "test", "fp-tiny"),),
                 device: str = "cpu") -> None:
        self.id, self.version, self.device = backend_id, version, device
        self.models = list(models)
        self.calls = 0

    def available_models(self) -> Sequence[ModelInfo]:
        return self.models

    def capabilities(self, model: str) -> frozenset[str]:
        return frozenset({"text_to_video"})

    def constraints(self, model: str) -> Constraints:
        return Constraints()

    def generate(self, request: RenderRequest, progress: Any,
                 cancel: CancelToken) -> Iterator[np.ndarray]:
        self.calls += 1
        for index in range(request.frame_count):
            cancel.check()
            yield source_frame(request.width, request.height, 200, request.seed, index)
            progress(index + 1, request.frame_count)


# Building projects out of this pack.


def add(project: Project, registry: NodeRegistry, type_id: str,
        position: tuple[float, float] = (0.0, 0.0), **params: Any) -> Node:
    """Add a node of ``type_id`` with its defaults, some overridden."""
    node_type = registry.get(type_id)
    defaults = node_type.spec.defaults() if node_type else {}
    node = Node(new_id(), type_id, {**defaults, **params}, position)
    project.add_node(node)
    return node


def wire(project: Project, source: Node, target: Node, port: str,
         source_port: str = "") -> Link:
    """Link ``source``'s output into ``target``'s input ``port``."""
    out = source_port or ("prompt" if source.type == PROMPT else "clip")
    link = Link(new_id(), PortRef(source.id, out), PortRef(target.id, port))
    project.add_link(link)
    return link


def cut(project: Project, node: Node, in_frame: int = 0,
        out_frame: int | None = None) -> TimelineEntry:
    """Put ``node`` at the end of the timeline."""
    entry = TimelineEntry(new_id(), node.id, in_frame, out_frame)
    project.insert_entry(len(project.timeline), entry)
    return entry


# Running projects: a real store on disk, a real executor, every event kept.


@dataclass
class Rendered:
    """One run: its plan, its result and every event in order."""

    plan: ExecutionPlan
    result: RunResult
    events: list[RenderEvent]

    def of(self, node: Node | str, kind: type[RenderEvent] = RenderEvent) -> list[RenderEvent]:
        """The events of one node, of one kind."""
        node_id = node if isinstance(node, str) else node.id
        return [event for event in self.events
                if event.node_id == node_id and isinstance(event, kind)]

    def outcomes(self) -> dict[tuple[str, int], str]:
        """How each take ended: Done, Cached, Failed or CancelledEvent, by node id and take."""
        final = (Done, Cached, Failed, CancelledEvent)
        return {(event.node_id, event.take): type(event).__name__ for event in self.events
                if isinstance(event, final)}


class Studio:
    """A registry with a fresh test pack, a clip store under ``root`` and an executor."""

    def __init__(self, root: Path, backends: Sequence[Any] = (), max_bytes: int = 1 << 30,
                 memory_bytes: int = 64 << 20) -> None:
        self.pack = make_pack()
        self.counter = self.pack.counter
        self.registry = self.pack.registry()
        self.store = ClipStore(root, max_bytes, memory_bytes)
        self.backends = BackendSet(list(backends) or [FakeBackend()])
        self.executor = Executor(self.store, self.backends)

    def compile(self, project: Project, targets: Sequence[str] | None = None) -> ExecutionPlan:
        """The plan of ``targets`` (default: the timeline)."""
        return compile_plan(project, targets, registry=self.registry,
                            catalog=self.backends.catalog(), is_cached=self.store.has)

    def render(self, project: Project, targets: Sequence[str] | None = None, *,
               cancel: CancelToken | None = None,
               listeners: Sequence[Listener] = ()) -> Rendered:
        """Compile and run, counting from zero."""
        self.counter.reset()
        plan = self.compile(project, targets)
        assert plan.ok, [str(problem) for problem in plan.problems]
        events: list[RenderEvent] = []
        result = asyncio.run(self.executor.run(plan, project, [events.append, *listeners],
                                               cancel))
        return Rendered(plan, result, events)

    def frames(self, clip: Clip) -> list[np.ndarray]:
        """Every frame of a stored clip."""
        return list(self.store.frames(clip))

    def incoming(self) -> list[Path]:
        """Whatever is left in the store's folder of half-written entries."""
        folder = self.store.root / INCOMING
        return sorted(folder.iterdir()) if folder.exists() else []

    def close(self) -> None:
        """Stop the worker threads."""
        self.executor.close()
