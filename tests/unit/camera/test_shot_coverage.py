"""The Shot node's over-the-shoulder params reach the camera it renders with: whose shoulder
(``over``) and which side of the line (the sign of ``side``), measured on the clip's camera."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from project_builders import entry, link, make_node

from previz.backends.draft.backend import DraftBackend
from previz.core.camera import CameraPath
from previz.core.project import Project, Settings
from previz.core.registry import default_registry
from previz.core.values import Clip
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor, RunResult
from previz.engine.plan import compile_plan
from previz.engine.store import ClipStore

BEA = {"name": "Bea", "kind": "person", "height": 1.7, "x": 0.0, "z": 3.0, "facing": 90.0,
       "main": True}
AL = {"name": "Al", "kind": "person", "height": 1.8, "x": 1.2, "z": 3.0, "facing": -90.0,
      "main": False}
CY = {"name": "Cy", "kind": "person", "height": 1.6, "x": -2.0, "z": 3.0, "facing": 90.0,
      "main": False}
WIDTH, HEIGHT = 320, 180


def render_shot(tmp_path: Path, **params: object) -> RunResult:
    registry = default_registry()
    project = Project(Settings(rate=Fraction(24), width=WIDTH, height=HEIGHT))
    prompt = make_node(registry, "previz.prompt", text="Bea and Al at the bar.")
    shot = make_node(registry, "previz.shot", duration=0.125, shot_size="close_up",
                     lens=50.0, framing="over_the_shoulder", subjects=[BEA, AL, CY], **params)
    project.add_node(prompt)
    project.add_node(shot)
    project.add_link(link(prompt, "prompt", shot, "prompt"))
    project.insert_entry(0, entry(shot))
    store = ClipStore(tmp_path, 1 << 30)
    backends = BackendSet([DraftBackend()])
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    assert plan.ok, [str(problem) for problem in plan.problems]
    executor = Executor(store, backends)
    try:
        return asyncio.run(executor.run(plan, project, []))
    finally:
        executor.close()


def head_columns(clip: Clip) -> dict[str, float]:
    """Each person's head centre on the first frame, as a fraction of the frame's width."""
    path = CameraPath.from_json(clip.camera)
    people = (BEA, AL, CY)
    heads = np.array([[p["x"], 0.9335 * p["height"], p["z"]] for p in people])
    pixels = path.project(0, heads).pixels
    return {p["name"]: float(pixels[i][0]) / WIDTH for i, p in enumerate(people)}


def camera_floor(clip: Clip) -> np.ndarray:
    return np.asarray(CameraPath.from_json(clip.camera).pose(0).position)[[0, 2]]


@pytest.mark.parametrize(("side", "al_on_the_right"), [(0.0, True), (40.0, True),
                                                        (-40.0, False)])
def test_the_shots_side_picks_the_side_of_the_line(tmp_path: Path, side: float,
                                                   al_on_the_right: bool) -> None:
    result = render_shot(tmp_path, side=side)
    assert result.ok, result.failed
    [clip] = [out for out in result.outputs.values() if isinstance(out, Clip)]
    columns = head_columns(clip)
    # Bea faces Al along +x, so her right is -z, the audience's side (the default).
    assert (camera_floor(clip)[1] < 3.0) == al_on_the_right
    assert (columns["Al"] > 2 / 3) if al_on_the_right else (columns["Al"] < 1 / 3)
    assert columns["Bea"] == pytest.approx(1 / 3 if al_on_the_right else 2 / 3, abs=0.03)


def test_the_shot_looks_over_the_shoulder_it_names(tmp_path: Path) -> None:
    result = render_shot(tmp_path, over="Cy")
    assert result.ok, result.failed
    [clip] = [out for out in result.outputs.values() if isinstance(out, Clip)]
    floor = camera_floor(clip)
    nearest = min((BEA, AL, CY), key=lambda p: np.hypot(floor[0] - p["x"], floor[1] - p["z"]))
    assert nearest["name"] == "Cy"
    columns = head_columns(clip)
    assert columns["Cy"] < 1 / 3 and columns["Bea"] == pytest.approx(2 / 3, abs=0.03)


def test_a_shoulder_nobody_has_is_a_clear_error(tmp_path: Path) -> None:
    result = render_shot(tmp_path, over="Di")
    assert not result.ok
    assert "no other subject named 'Di'" in str(result.failed)
