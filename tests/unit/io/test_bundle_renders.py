"""Save for Sharing: a .previz with its renders plays on another machine without a backend.

The model backend here is the engine test pack's Generate node on a fake backend whose
model ``tiny`` (fingerprint ``fp-tiny``) stands in for a real one: the tiny-model backend
(previz.backends.diffusers) is not in this tree yet.
"""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import tracemalloc
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from engine_pack import GENERATE, FakeBackend, make_pack
from PIL import Image

from previz.backends.draft.backend import DraftBackend
from previz.core.commands import History, Macro, SetParam
from previz.core.ids import new_id
from previz.core.project import Asset, Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import NodeRegistry, default_registry
from previz.engine.backend import BackendSet, ModelInfo
from previz.engine.events import Done, Started
from previz.engine.executor import Executor
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.problems import ProblemKind
from previz.engine.store import ClipStore
from previz.io import (
    ProjectError,
    import_renders,
    list_renders,
    load_project,
    missing_models,
    save_for_sharing,
    save_project,
)
from previz.io.archive import copy_limited

TINY = ModelInfo("tiny", "test", "fp-tiny")


@dataclass
class Machine:
    """One computer: its node packs, its backends (with or without the model), its store."""

    registry: NodeRegistry
    backends: BackendSet
    fake: FakeBackend
    store: ClipStore
    counter: object

    @classmethod
    def at(cls, root: Path, with_model: bool) -> Machine:
        pack = make_pack()
        registry = default_registry()
        registry.register_pack(pack, name="engine-tests")
        fake = FakeBackend(models=(TINY,) if with_model else ())
        return cls(registry, BackendSet([DraftBackend(), fake]), fake,
                   ClipStore(root / "cache", 1 << 30, 32 << 20), pack.counter)

    def compile(self, project: Project) -> ExecutionPlan:
        return compile_plan(project, None, registry=self.registry,
                            catalog=self.backends.catalog(), is_cached=self.store.has)

    def play(self, project: Project) -> tuple[ExecutionPlan, list]:
        """Compile and run the timeline, keeping every event."""
        plan = self.compile(project)
        assert plan.ok, [str(problem) for problem in plan.problems]
        events: list = []
        executor = Executor(self.store, self.backends)
        try:
            assert asyncio.run(executor.run(plan, project, [events.append])).ok
        finally:
            executor.close()
        return plan, events

    def frames(self, plan: ExecutionPlan, node_id: str) -> list[np.ndarray]:
        return list(self.store.frames(self.store.clip(plan.nodes[node_id].key)))


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def shared_scene(registry: NodeRegistry) -> tuple[Project, Node, Node]:
    """A draft shot, a shot rendered by the fake model, and a still of an asset."""
    project = Project(Settings(Fraction(24), 96, 64))
    asset = Asset.from_bytes(png_bytes(), "card.png", "png")
    project.add_asset(asset)

    def add(type_id: str, **params) -> Node:
        node = Node(new_id(), type_id, {**registry.get(type_id).spec.defaults(), **params})
        project.add_node(node)
        return node

    prompt = add("previz.prompt", text="a pier at dawn")
    draft = add("previz.shot", name="Pier", duration=0.25)
    model = add(GENERATE, backend="fake", model="tiny", frames=6, width=32, height=24, seed=4)
    still = add("previz.still", image=asset.sha256, duration=0.25)
    project.add_link(Link(new_id(), PortRef(prompt.id, "prompt"), PortRef(draft.id, "prompt")))
    for node in (draft, model, still):
        project.insert_entry(len(project.timeline), TimelineEntry(new_id(), node.id))
    return project, draft, model


def test_a_shared_bundle_plays_elsewhere_without_a_backend(tmp_path):
    sender = Machine.at(tmp_path / "sender", with_model=True)
    project, draft, model = shared_scene(sender.registry)
    sent_plan, _ = sender.play(project)
    report = save_for_sharing(project, tmp_path / "sender" / "pier.previz", sender.store,
                              sent_plan)
    assert project.models == {"tiny": "fp-tiny"} == report.models
    assert len(report.renders) == 3 and report.unrendered == ()

    (tmp_path / "elsewhere").mkdir()
    shutil.copy(tmp_path / "sender" / "pier.previz", tmp_path / "elsewhere" / "pier.previz")
    shutil.rmtree(tmp_path / "sender")  # nothing of the sender's is left to find
    here = Machine.at(tmp_path / "elsewhere", with_model=False)
    path = tmp_path / "elsewhere" / "pier.previz"
    opened = load_project(path, registry=here.registry)
    assert here.store.entries() == []
    assert import_renders(path, here.store) == sorted(report.renders)

    plan, events = here.play(opened)
    assert not [event for event in events if isinstance(event, Started | Done)]
    assert here.counter.total() == 0 and here.fake.calls == 0
    assert [plan.nodes[node.id].key for node in (draft, model)] == [
        sent_plan.nodes[node.id].key for node in (draft, model)]
    [missing] = missing_models(plan, here.backends.catalog(), here.store.has)
    assert (missing.backend, missing.model, missing.rendered) == ("fake", "tiny", True)
    assert "play from their stored renders" in str(missing)
    assert import_renders(path, here.store) == []  # already there


def test_bundled_frames_are_bit_identical(tmp_path):
    sender = Machine.at(tmp_path / "a", with_model=True)
    project, draft, model = shared_scene(sender.registry)
    sent_plan, _ = sender.play(project)
    save_for_sharing(project, tmp_path / "pier.previz", sender.store, sent_plan)
    here = Machine.at(tmp_path / "b", with_model=False)
    opened = load_project(tmp_path / "pier.previz", registry=here.registry)
    import_renders(tmp_path / "pier.previz", here.store)
    plan, _ = here.play(opened)
    for node in (draft, model):
        sent, played = sender.frames(sent_plan, node.id), here.frames(plan, node.id)
        assert len(sent) == len(played) > 0
        assert all(np.array_equal(a, b) for a, b in zip(sent, played, strict=True))


def test_a_shot_whose_model_is_missing_can_switch_to_draft(tmp_path):
    sender = Machine.at(tmp_path / "a", with_model=True)
    project, _, model = shared_scene(sender.registry)
    sent_plan, _ = sender.play(project)
    save_for_sharing(project, tmp_path / "p.previz", sender.store, sent_plan,
                     with_renders=False)
    here = Machine.at(tmp_path / "b", with_model=False)
    opened = load_project(tmp_path / "p.previz", registry=here.registry)
    assert import_renders(tmp_path / "p.previz", here.store) == []
    plan = here.compile(opened)
    assert [problem.kind for problem in plan.problems] == [ProblemKind.MODEL_MISSING]
    assert not missing_models(plan, here.backends.catalog(), here.store.has)[0].rendered
    History(opened).push(Macro([SetParam(model.id, "backend", "draft"),
                                SetParam(model.id, "model", "")], "Switch to draft"))
    plan = here.compile(opened)
    assert plan.ok and missing_models(plan, here.backends.catalog(), here.store.has) == []


def test_saving_with_renders_is_deterministic_and_streams(tmp_path):
    machine = Machine.at(tmp_path, with_model=True)
    project, _, _ = shared_scene(machine.registry)
    plan, _ = machine.play(project)
    first, second = tmp_path / "1.previz", tmp_path / "2.previz"
    save_for_sharing(project, first, machine.store, plan)
    save_for_sharing(project, second, machine.store, plan)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    renders = list_renders(first)
    assert {(entry.file, infos[entry.name].compress_type) for entry in renders} == {
        ("clip.json", zipfile.ZIP_DEFLATED), ("frames.mkv", zipfile.ZIP_STORED)}
    assert [entry.key for entry in renders] == sorted(entry.key for entry in renders)
    saved = json.loads(zipfile.ZipFile(first).read("project.json"))
    assert saved["models"] == {"tiny": "fp-tiny"}
    assert load_project(first).models == {"tiny": "fp-tiny"}


def real_entry(store: ClipStore, key: str, frames: int, size: int = 8,
               noise: int = 0) -> Path:
    """A real store entry of ``frames`` frames (random pixels when ``noise`` seeds them)."""
    random = np.random.default_rng(noise)
    with store.writer(key, size, size, Fraction(24)) as writer:
        for _ in range(frames):
            writer.write(random.integers(0, 256, (size, size, 3), np.uint8))
        writer.finish()
    return store.path_of(key)


def test_renders_stream_through_save_and_import(tmp_path, make_project):
    key = "a" * 64
    entry = real_entry(ClipStore(tmp_path / "store", 1 << 30), key, 48, size=256, noise=1)
    frames = (entry / "frames.mkv").read_bytes()
    assert len(frames) > 8 << 20
    tracemalloc.start()
    try:
        save_project(make_project(), tmp_path / "big.previz", renders={key: entry})
        store = ClipStore(tmp_path / "elsewhere", 1 << 30)
        assert import_renders(tmp_path / "big.previz", store) == [key]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(frames) // 4
    assert (store.shared_path_of(key, store.lane) / "frames.mkv").read_bytes() == frames
    assert store.has(key)


def sidecar(**changes) -> dict:
    return {"schema": "Clip.1", "fps": "24", "width": 8, "height": 8, "frame_count": 1,
            "prompt": "", "camera": None, "provenance": {}, "frames": "frames.mkv", **changes}


def bundle(tmp_path: Path, make_project, renders: dict[str, bytes]) -> Path:
    """A saved project with ``renders`` (archive name under renders/ to bytes) appended."""
    path = tmp_path / "p.previz"
    save_project(make_project(), path)
    with zipfile.ZipFile(path, "a") as archive:
        for name, data in renders.items():
            archive.writestr(f"renders/{name}", data)
    return path


KEY = "b" * 64
GOOD = json.dumps(sidecar()).encode()


@pytest.mark.parametrize(("renders", "message"), [
    ({"not-a-key/clip.json": GOOD, "not-a-key/frames.mkv": b"x"}, "not named by a take key"),
    ({f"{KEY}/clip.json": GOOD, f"{KEY}/frames.mkv": b"x", f"{KEY}/run.sh": b"rm"},
     "holds clip.json and frames.mkv only"),
    ({f"{KEY}/frames.mkv": b"x"}, "needs both"),
    ({f"{KEY}/clip.json": b"{oops", f"{KEY}/frames.mkv": b"x"}, "not valid JSON"),
    ({f"{KEY}/clip.json": json.dumps(sidecar(fps="0")).encode(), f"{KEY}/frames.mkv": b"x"},
     "malformed sidecar"),
    ({f"{KEY}/clip.json": json.dumps(sidecar(frames="../../x")).encode(),
      f"{KEY}/frames.mkv": b"x"}, "must name frames.mkv"),
])
def test_a_malformed_render_refuses_the_import_and_writes_nothing(tmp_path, make_project,
                                                                  renders, message):
    path = bundle(tmp_path, make_project, renders)
    store = ClipStore(tmp_path / "store", 1 << 30)
    with pytest.raises(ProjectError, match=message):
        import_renders(path, store)
    assert not (tmp_path / "store").exists()


def test_damaged_frames_leave_nothing_half_imported(tmp_path, make_project):
    path = bundle(tmp_path, make_project, {f"{KEY}/clip.json": GOOD,
                                           f"{KEY}/frames.mkv": b"frame bytes " * 1000})
    data = bytearray(path.read_bytes())
    at = data.find(b"frame bytes")
    data[at:at + 5] = b"FRAME"  # the zip's CRC no longer matches
    path.write_bytes(bytes(data))
    store = ClipStore(tmp_path / "store", 1 << 30)
    with pytest.raises(ProjectError, match="damaged entry"):
        import_renders(path, store)
    assert not store.has(KEY)
    assert list((tmp_path / "store").rglob("*.mkv")) == []


def test_keys_already_in_the_store_are_kept(tmp_path, make_project):
    theirs = real_entry(ClipStore(tmp_path / "sender", 1 << 30), KEY, 3, noise=1)
    path = tmp_path / "p.previz"
    save_project(make_project(), path, renders={KEY: theirs})
    store = ClipStore(tmp_path / "store", 1 << 30)
    mine = real_entry(store, KEY, 2, noise=2).joinpath("frames.mkv").read_bytes()
    assert import_renders(path, store) == []
    assert (store.path_of(KEY) / "frames.mkv").read_bytes() == mine


def test_a_save_whose_render_vanished_leaves_the_old_file(tmp_path, make_project):
    path = tmp_path / "p.previz"
    save_project(make_project(), path)
    before = path.read_bytes()
    with pytest.raises(OSError):
        save_project(make_project(), path, renders={KEY: tmp_path / "gone"})
    assert path.read_bytes() == before
    with pytest.raises(ProjectError, match="not a SHA-256"):
        save_project(make_project(), path, renders={"../x": tmp_path})


def test_the_copy_stops_at_the_declared_size():
    with pytest.raises(ProjectError, match="more than the 4 bytes"):
        copy_limited(io.BytesIO(b"12345"), io.BytesIO(), 4, "p.previz")
    with pytest.raises(ProjectError, match="unpacks to 3 bytes, not the 4"):
        copy_limited(io.BytesIO(b"123"), io.BytesIO(), 4, "p.previz")
