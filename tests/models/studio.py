"""A project of built-in nodes rendered by the real executor with the diffusers backend."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from project_builders import link, make_node

from previz.backends.diffusers.backend import DiffusersBackend
from previz.backends.draft.backend import DraftBackend
from previz.core.project import Asset, Node, Project, Settings
from previz.core.registry import NodeRegistry
from previz.core.values import Clip
from previz.engine.backend import BackendSet, CancelToken
from previz.engine.events import Listener
from previz.engine.executor import Executor, RunResult
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.store import ClipStore
from previz.media.images import encode_png

RATE = Fraction(16)
SIZE = 64
SHORT = 0.5  # seconds: 8 frames at 16 fps, which every family snaps to 9


class ModelStudio:
    """One project, one clip store, the draft and diffusers backends."""

    def __init__(self, registry: NodeRegistry, backend: DiffusersBackend, store: Path) -> None:
        self.registry = registry
        self.backend = backend
        self.store = ClipStore(store, 2 * 1024**3, 64 * 1024**2)
        self.backends = BackendSet([DraftBackend(), backend])
        self.project = Project(Settings(rate=RATE, width=SIZE, height=SIZE))

    def node(self, type_id: str, **params: Any) -> Node:
        """A built-in node with some params set, added to the project."""
        node = make_node(self.registry, type_id, **params)
        self.project.add_node(node)
        return node

    def wire(self, source: Node, target: Node, port: str, source_port: str = "") -> None:
        """Link ``source``'s (only) output to ``target``'s ``port``."""
        out = source_port or self.registry.get(source.type).spec.outputs[0].name
        self.project.add_link(link(source, out, target, port))

    def prompt(self, text: str = "a keeper walks to the lighthouse at night") -> Node:
        """A Prompt node."""
        return self.node("previz.prompt", text=text)

    def shot(self, model: str, prompt: Node | None = None, **params: Any) -> Node:
        """A Shot of 8 frames at 64x64 rendered by ``model`` in 2 steps, wired to a prompt."""
        settings = {"backend": "diffusers", "model": model, "steps": 2, "duration": SHORT,
                    "lens": 24.0, "shot_size": "full", **params}
        shot = self.node("previz.shot", **settings)
        self.wire(prompt or self.prompt(), shot, "prompt")
        return shot

    def image(self, rgb: np.ndarray, role: str = "first_frame", **params: Any) -> Node:
        """An Image node holding ``rgb`` as a project asset."""
        data = encode_png(rgb)
        asset = Asset.from_bytes(data, f"{role}.png", "png")
        if asset.sha256 not in self.project.assets:
            self.project.add_asset(asset)
        return self.node("previz.image", image=asset.sha256, role=role, **params)

    def plan(self, *nodes: Node) -> ExecutionPlan:
        """The plan rendering ``nodes``."""
        return compile_plan(self.project, [node.id for node in nodes], registry=self.registry,
                            catalog=self.backends.catalog(), is_cached=self.store.has,
                            default_backend="draft")

    def render(self, *nodes: Node, listeners: Iterable[Listener] = (),
               cancel: CancelToken | None = None) -> RunResult:
        """Render ``nodes`` (their plan must have no problems)."""
        return self.run(self.plan(*nodes), listeners, cancel)

    def run(self, plan: ExecutionPlan, listeners: Iterable[Listener] = (),
            cancel: CancelToken | None = None) -> RunResult:
        """Render a plan compiled earlier."""
        assert plan.ok, [str(problem) for problem in plan.problems]
        executor = Executor(self.store, self.backends)
        try:
            return asyncio.run(executor.run(plan, self.project, list(listeners), cancel))
        finally:
            executor.close()

    def frames(self, clip: Clip) -> np.ndarray:
        """Every frame of a clip, as one array."""
        return np.stack(list(self.store.frames(clip)))

    def rendered(self, node: Node) -> np.ndarray:
        """Render ``node`` alone and return its frames."""
        result = self.render(node)
        assert result.ok, result.failed
        return self.frames(result.outputs[node.id])


def solid(red: int, green: int, blue: int, size: int = SIZE) -> np.ndarray:
    """A picture with a diagonal gradient over a colour (so models see structure)."""
    ramp = np.add.outer(np.arange(size), np.arange(size)).astype(np.int32) // 2
    rgb = np.stack([np.full((size, size), c, np.int32) + ramp for c in (red, green, blue)], -1)
    return np.clip(rgb, 0, 255).astype(np.uint8)
