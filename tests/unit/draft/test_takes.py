"""The draft is deterministic and says so: asking it for three takes renders one, and the
plan, the CLI and the store all show it."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_builders import entry, link, make_node

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet
from previz.engine.plan import compile_plan
from previz.engine.session import EngineSession
from previz.io import save_project
from previz.settings import Settings


def _project(registry: NodeRegistry, takes: int) -> tuple[Project, str]:
    project = Project()
    prompt = make_node(registry, "previz.prompt", text="A harbour at dawn")
    shot = make_node(registry, "previz.shot", takes=takes, duration=0.25, width=128,
                     height=72)
    for node in (prompt, shot):
        project.add_node(node)
    project.add_link(link(prompt, "prompt", shot, "prompt"))
    project.insert_entry(0, entry(shot))
    return project, shot.id


def test_three_draft_takes_plan_one_and_say_why(registry: NodeRegistry) -> None:
    project, shot = _project(registry, 3)
    catalog = BackendSet([DraftBackend()]).catalog()
    planned = compile_plan(project, None, registry=registry, catalog=catalog).nodes[shot]
    assert len(planned.keys) == 1
    assert "same picture for every seed" in planned.takes_note
    assert "not 3" in planned.takes_note
    single = compile_plan(_project(registry, 1)[0], None, registry=registry,
                          catalog=catalog)
    assert all(not node.takes_note for node in single.nodes.values())


def test_the_cli_renders_one_draft_take_and_says_why(
        registry: NodeRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, _shot = _project(registry, 3)
    path = tmp_path / "harbour.previz"
    save_project(project, path)
    services = EngineSession(registry, BackendSet([DraftBackend()]),
                             Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["render", str(path)], services) == 0
    assert "1 take is rendered, not 3" in capsys.readouterr().err
    store = services.store
    assert len(store.entries()) == 1  # one take rendered, where three were asked
