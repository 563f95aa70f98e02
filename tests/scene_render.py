"""Rendering a scene project on the draft, and reading world positions back out of the frames."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from previz.backends.draft.backend import DraftBackend
from previz.core.camera.path import CameraPath
from previz.core.project import Project
from previz.core.registry import default_registry
from previz.core.subjects import parse_subjects
from previz.core.values import Clip
from previz.engine.backend import BackendSet, CancelToken, RenderRequest
from previz.engine.executor import Executor, RunResult
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.store import ClipStore


def plan_of(project: Project, store: ClipStore) -> ExecutionPlan:
    """The plan that renders the project's cut on the draft."""
    backends = BackendSet([DraftBackend()])
    return compile_plan(project, None, registry=default_registry(),
                        catalog=backends.catalog(), is_cached=store.has)


def render(project: Project, folder: Path) -> RunResult:
    """Render the cut on the draft into a store in ``folder``."""
    store = ClipStore(folder, 1 << 30)
    plan = plan_of(project, store)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, BackendSet([DraftBackend()]))
    try:
        result = asyncio.run(executor.run(plan, project, []))
    finally:
        executor.close()
    assert result.ok, result.failed
    return result


def layout_frame(clip: Clip, index: int = 0) -> np.ndarray:
    """The layout control frame (a flat colour per subject) of a clip's camera and blocking."""
    path = CameraPath.from_json(clip.camera)
    request = RenderRequest(prompt="", width=clip.width, height=clip.height,
                            frame_count=path.frame_count, fps=clip.fps, seed=0, camera=path,
                            subjects=tuple(parse_subjects(clip.provenance["subjects"])),
                            mode="layout")
    frames = list(DraftBackend().generate(request, lambda done, total: None, CancelToken()))
    return frames[index]


def feet_on_ground(frame: np.ndarray, colour: tuple[int, int, int], clip: Clip,
                   index: int = 0) -> np.ndarray:
    """Where the lowest pixels of ``colour`` lie on the ground (y = 0), back through the camera."""
    mask = (np.abs(frame.astype(int) - colour).max(axis=2) <= 3)
    rows, columns = np.nonzero(mask)
    assert rows.size > 20, "the subject is not in the frame"
    bottom = rows.max()
    u = columns[rows >= bottom - 1].mean() + 0.5
    v = bottom + 1.0
    path = CameraPath.from_json(clip.camera)
    ray = np.linalg.inv(path.K[index]) @ np.array([u, v, 1.0])
    direction = np.linalg.inv(path.rotation[index]) @ ray
    centre = path.position[index]
    return centre - direction * (centre[1] / direction[1])
