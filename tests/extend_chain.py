"""A Shot extended again and again through the real nodes, executor and store: the chain the
seam test and the Extend benchmark both render."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from project_builders import entry, link, make_node

from previz.backends.draft.backend import DraftBackend
from previz.core.project import Project, Settings
from previz.core.registry import default_registry
from previz.core.values import Clip
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.store import ClipStore


@dataclass
class Chain:
    """The last clip of a chain, the frames it plays and where its seams are."""

    clip: Clip
    frames: list[np.ndarray]
    seams: list[int]  # the index of each piece's first frame after the first piece


def render_chain(store_dir: Path, *, pieces: int, seconds: float, width: int, height: int,
                 easing: str = "ease-in-out", move: bool = True,
                 shot_move: str = "dolly") -> Chain:
    """A ``seconds``-long Shot moving 0.1 m a second (``shot_move``: a dolly toward its
    subject, or a truck), then ``pieces - 1`` Extends of as long, each fed the same move
    (``easing`` on all) when ``move``, else none."""
    registry = default_registry()
    project = Project(Settings(rate=Fraction(24), width=width, height=height))
    prompt = make_node(registry, "previz.prompt", text="A long walk down the pier.")
    dolly = make_node(registry, "previz.camera_move", move=shot_move, amount=0.1 * seconds,
                      unit="m", easing="linear")
    shot = make_node(registry, "previz.shot", duration=seconds, shot_size="full")
    nodes = [prompt, dolly, shot]
    links = [(prompt, "prompt", shot, "prompt"), (dolly, "moves", shot, "camera")]
    onward = make_node(registry, "previz.camera_move", move=shot_move, amount=0.1 * seconds,
                       unit="m", easing=easing)
    nodes.append(onward)
    last = shot
    for _ in range(pieces - 1):
        extend = make_node(registry, "previz.extend", added_duration=seconds)
        nodes.append(extend)
        links.append((last, "clip", extend, "clip"))
        if move:
            links.append((onward, "moves", extend, "camera"))
        last = extend
    for node in nodes:
        project.add_node(node)
    for source, port, target, target_port in links:
        project.add_link(link(source, port, target, target_port))
    project.insert_entry(0, entry(last))
    store = ClipStore(store_dir, 1 << 34)
    backends = BackendSet([DraftBackend()])
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, backends)
    try:
        result = asyncio.run(executor.run(plan, project, []))
    finally:
        executor.close()
    assert result.ok, result.failed
    clip = result.outputs[last.id]
    piece = round(seconds * 24)
    return Chain(clip, list(store.frames(clip)), [piece * k for k in range(1, pieces)])


def repeated_at_seams(chain: Chain, reach: int = 3) -> int:
    """How many pairs of neighbouring frames within ``reach`` of a seam are identical."""
    count = 0
    for seam in chain.seams:
        for index in range(max(seam - reach, 1), min(seam + reach, len(chain.frames))):
            count += int(np.array_equal(chain.frames[index - 1], chain.frames[index]))
    return count
