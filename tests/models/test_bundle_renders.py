"""Save for Sharing with a real (tiny) model: a bundle holding a draft shot and a shot rendered
by tiny Wan, opened from another folder with an empty clip store and no model library, plays
bit-identical frames without running a backend and reports the missing model."""

from __future__ import annotations

import asyncio
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
from models.studio import SIZE, ModelStudio

from previz.backends.diffusers.backend import DiffusersBackend
from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Settings as ProjectSettings
from previz.core.project import TimelineEntry
from previz.engine.backend import BackendSet
from previz.engine.events import Done, Started
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.store import ClipStore
from previz.io import import_renders, load_project, missing_models, save_for_sharing
from previz.settings import Settings


def test_a_tiny_wan_bundle_plays_where_the_model_is_absent(studio: ModelStudio,
                                                           tmp_path: Path) -> None:
    # A project file's rate is an editorial one; the Wan shot keeps the model's 16 fps.
    studio.project.settings = ProjectSettings(Fraction(24), SIZE, SIZE)
    prompt = studio.prompt()
    wan = studio.shot("wan-t2v-tiny", prompt, seed=5, name="Wan", fps="16")
    draft = studio.shot("", prompt, backend="draft", name="Draft", shot="0020")
    for node in (wan, draft):
        studio.project.insert_entry(len(studio.project.timeline),
                                    TimelineEntry(new_id(), node.id))
    sent_plan = studio.plan(wan, draft)
    assert studio.run(sent_plan).ok
    sent = tmp_path / "sender" / "scene.previz"
    sent.parent.mkdir()
    timeline_plan = compile_plan(studio.project, None, registry=studio.registry,
                                 catalog=studio.backends.catalog(), is_cached=studio.store.has)
    report = save_for_sharing(studio.project, sent, studio.store, timeline_plan)
    assert "wan-t2v-tiny" in report.models and len(report.renders) == 2

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(sent, elsewhere / "scene.previz")
    empty_library = elsewhere / "models"
    empty_library.mkdir()
    backend = DiffusersBackend(Settings(models_dir=empty_library))
    assert backend.available_models() == []
    backends = BackendSet([DraftBackend(), backend])
    store = ClipStore(elsewhere / "cache", 1 << 30, 32 << 20)
    project = load_project(elsewhere / "scene.previz", registry=studio.registry)
    assert import_renders(elsewhere / "scene.previz", store) == sorted(report.renders)

    plan = compile_plan(project, None, registry=studio.registry, catalog=backends.catalog(),
                        is_cached=store.has)
    assert plan.ok, [str(problem) for problem in plan.problems]
    [missing] = missing_models(plan, backends.catalog(), store.has)
    assert (missing.model, missing.rendered) == ("wan-t2v-tiny", True)
    events: list = []
    executor = Executor(store, backends)
    try:
        assert asyncio.run(executor.run(plan, project, [events.append])).ok
    finally:
        executor.close()
    assert not [event for event in events if isinstance(event, Started | Done)]
    for node in (wan, draft):
        ours = np.stack(list(store.frames(store.clip(plan.nodes[node.id].key))))
        theirs = studio.frames(studio.store.clip(timeline_plan.nodes[node.id].key))
        assert np.array_equal(ours, theirs)
