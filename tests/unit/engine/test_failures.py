"""A failing node fails its descendants only, with a message naming it; nothing half-written
is kept; independent branches render."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from engine_pack import FAIL, SOURCE, TRANSFORM, Studio, add, cut, source_frame, transform_frame
from engine_pack import wire as link

from previz.api import NodeType
from previz.core.project import Project
from previz.engine.events import Done, Failed, Started


def test_a_failing_branch_does_not_stop_an_independent_one(studio: Studio) -> None:
    project = Project()
    reg = studio.registry
    boom = add(project, reg, FAIL, name="boom", frames=6)
    after = add(project, reg, TRANSFORM, name="after boom")
    later = add(project, reg, TRANSFORM, name="later")
    fine = add(project, reg, SOURCE, value=60, seed=2, frames=4)
    graded = add(project, reg, TRANSFORM, offset=3)
    link(project, boom, after, "clip")
    link(project, after, later, "clip")
    link(project, fine, graded, "clip")
    cut(project, later)
    cut(project, graded)

    run = studio.render(project)

    assert not run.result.ok
    [failed] = run.of(boom, Failed)
    assert failed.message == "the test asked this node to fail"
    for node in (after, later):
        [descendant] = run.of(node, Failed)
        assert "Fail 'boom'" in descendant.message
        assert "the test asked this node to fail" in descendant.message
        assert not run.of(node, Started)
    assert set(run.result.failed) == {boom.id, after.id, later.id}
    assert set(studio.counter.runs) == {boom.id, fine.id, graded.id}
    assert run.of(fine, Done) and run.of(graded, Done)
    frames = studio.frames(run.result.outputs[graded.id])
    want = [transform_frame(source_frame(32, 24, 60, 2, index), 3, False) for index in range(4)]
    assert all(np.array_equal(got, expected) for got, expected in zip(frames, want, strict=True))
    assert not studio.store.has(run.plan.nodes[boom.id].key)
    assert studio.incoming() == []
    assert {entry.key for entry in studio.store.entries()} == {
        run.plan.nodes[fine.id].key, run.plan.nodes[graded.id].key}

    project.set_param(boom.id, "fail", False)
    fixed = studio.render(project)
    assert fixed.result.ok
    assert set(studio.counter.runs) == {boom.id, after.id, later.id}


def test_a_node_that_returns_something_else_than_its_clip_fails_with_a_message(
    studio: Studio,
) -> None:
    source_type = studio.registry.get(SOURCE)
    assert source_type is not None
    liar = NodeType(replace(source_type.spec, id="test.liar"), lambda ctx, **_: "not a clip")
    studio.registry.register(liar)
    project = Project()
    node = add(project, studio.registry, "test.liar")
    cut(project, node)
    run = studio.render(project)
    [failed] = run.of(node, Failed)
    assert failed.message == "test.liar returned str, not the clip it was asked to write"
