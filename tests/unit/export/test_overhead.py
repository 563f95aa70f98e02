"""The storyboard's overhead diagrams: the floor plan's geometry for each shot on a scene,
where the render put the camera, and drawn on the page (read back by poppler's pdftoppm)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from previz.backends.draft.backend import DraftBackend
from previz.core.camera import CameraPath
from previz.core.project import Settings
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.store import ClipStore
from previz.export import build_cut
from previz.export.overhead import overheads
from previz.export.pictures import KeyFrames
from previz.export.storyboard import panel_box, write_storyboard
from previz.io import load_project

EXAMPLE = Path(__file__).resolve().parents[3] / "resources" / "examples" / "lighthouse.previz"

POPPLER = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    from previz.core.registry import default_registry

    registry = default_registry()
    project = load_project(EXAMPLE, registry=registry)
    project.settings = Settings(project.settings.rate, 160, 90)
    backends = BackendSet([DraftBackend()])
    store = ClipStore(tmp_path_factory.mktemp("example") / "store", 1 << 30)
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    executor = Executor(store, backends)
    try:
        assert asyncio.run(executor.run(plan, project)).ok
    finally:
        executor.close()
    return project, plan, store


@pytest.mark.slow
def test_each_shot_on_the_scene_has_its_overhead_where_the_render_put_the_camera(example):
    project, plan, store = example
    cut = build_cut(project, plan, store)
    found = overheads(project, plan, cut)
    kinds = {entry.entry_id: entry.info.kind for entry in cut.entries}
    # The title card has none; every shot, and what is made from one, has its shot's.
    assert {kinds[key] for key in found} >= {"Shot"}
    assert all(entry.entry_id in found for entry in cut.entries if entry.info.kind == "Shot")
    assert not any(kinds[key] == "Still" for key in found)
    for entry in cut.entries:
        if entry.entry_id not in found or entry.info.derived:
            continue
        overhead = found[entry.entry_id]
        path = CameraPath.from_json(entry.clip.camera)
        # The plan's camera stands where the render's first and last frames were taken.
        first, last = path.position[0], path.position[-1]
        assert overhead.camera.apex.x == pytest.approx(first[0], abs=1e-6)
        assert overhead.camera.apex.z == pytest.approx(first[2], abs=1e-6)
        assert overhead.end.apex.x == pytest.approx(last[0], abs=1e-6)
        assert overhead.end.apex.z == pytest.approx(last[2], abs=1e-6)
        assert overhead.moves == (entry.info.move_label.startswith(("dolly", "truck", "crane",
                                                                    "orbit", "pedestal")))
        assert [figure.name for figure in overhead.plan.figures] == ["Keeper", "Visitor"]


@POPPLER
@pytest.mark.slow
def test_the_storyboard_draws_the_overheads_beside_the_words(example, tmp_path):
    project, plan, store = example
    cut = build_cut(project, plan, store)
    found = overheads(project, plan, cut)
    path = tmp_path / "board.pdf"
    write_storyboard(cut, KeyFrames(store), path, "a4", found)
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(path),
                    str(tmp_path / "page")], check=True)
    page = np.asarray(Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")).astype(int)
    height = page.shape[0]

    def reddish(slot: int) -> int:
        """Pixels of the camera's wedge colour in the lower right of panel ``slot``."""
        box = panel_box(slot, (595.2756, 841.8898))
        top, bottom = round(height - box.top + box.height * 0.45), round(height - box.y)
        left, right = round(box.x + box.width * 0.6), round(box.x + box.width)
        region = page[top:bottom, left:right]
        red, green, blue = region[..., 0], region[..., 1], region[..., 2]
        return int(((red - green > 25) & (red - blue > 25)).sum())

    slots = {entry.entry_id: index for index, entry in enumerate(cut.entries[:6])}
    for entry in cut.entries[:6]:
        if entry.entry_id in found:
            assert reddish(slots[entry.entry_id]) > 200, entry.name  # the wedge, tinted
        else:
            assert reddish(slots[entry.entry_id]) < 20, entry.name
