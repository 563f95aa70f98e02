"""Takes and the cut, read through the engine session without Qt: what is stored, what is not."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tiny_cut import tiny_project

from previz.app.cut import build_cut
from previz.app.takes import is_clip_node, node_takes
from previz.backends.draft.backend import DraftBackend
from previz.core.registry import default_registry
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession
from previz.settings import Settings


class EveryTakeDraft(DraftBackend):
    """The draft standing in for a backend that renders each take anew, as a model does (the
    draft itself renders one take, its pictures being the same for every seed)."""

    deterministic = False


def test_takes_and_the_cut_follow_the_store(tmp_path: Path) -> None:
    registry = default_registry()
    project = tiny_project(registry, takes=2)
    session = EngineSession(registry, BackendSet([EveryTakeDraft()]),
                            Settings(cache_dir=tmp_path / "clips"))
    entries = [entry.node for entry in project.timeline]
    prompts = [node.id for node in project.nodes.values() if node.type == "previz.prompt"]
    assert all(is_clip_node(project, registry, node_id) for node_id in entries)
    assert not any(is_clip_node(project, registry, node_id) for node_id in prompts)
    with session:
        before = node_takes(project, session, [*entries, *prompts])
        assert set(before) == set(entries)  # prompts make no takes
        rope = before[entries[1]]
        assert len(rope.keys) == 2 and rope.seeds == (rope.seeds[0], rope.seeds[0] + 1)
        assert rope.clips == (None, None) and rope.circled_clip is None
        assert all(shot.clip is None for shot in build_cut(project, session).shots)
        asyncio.run(session.run(session.compile(project), project))
        after = node_takes(project, session, entries)
        assert all(clip is not None for clip in after[entries[1]].clips)  # both takes
        cut = build_cut(project, session)
        assert [shot.clip for shot in cut.shots] == [after[node].circled_clip
                                                    for node in entries]
        assert all(shot.clip is not None for shot in cut.shots)
        assert cut.shots[1].start == cut.shots[0].length


def test_the_draft_plans_one_take_where_two_are_asked(tmp_path: Path) -> None:
    registry = default_registry()
    project = tiny_project(registry, takes=2)
    entries = [entry.node for entry in project.timeline]
    with EngineSession(registry, BackendSet([DraftBackend()]),
                       Settings(cache_dir=tmp_path / "clips")) as session:
        rope = node_takes(project, session, entries)[entries[1]]
        assert len(rope.keys) == 1 and rope.clips == (None,)
