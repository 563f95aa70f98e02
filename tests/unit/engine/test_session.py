"""The engine session: one place compiles plans, one executor per session, each take handed
to the session's runner."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

from engine_pack import PROMPT, SOURCE, Studio, add, cut, wire

from previz.core.project import Project
from previz.engine.runner import LocalRunner, TakeJob
from previz.engine.session import EngineSession
from previz.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def _calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and (
        getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)]


def test_compile_plan_is_called_from_one_place() -> None:
    sites = {f"{path.relative_to(ROOT)}:{line}"
             for folder in ("previz", "nodes") for path in sorted((ROOT / folder).rglob("*.py"))
             for line in _calls(path, "compile_plan")}
    assert len(sites) == 1, sites
    assert next(iter(sites)).startswith("previz/engine/session.py:")


def test_no_front_end_builds_a_store_or_an_executor() -> None:
    builders = {f"{path.relative_to(ROOT)}" for folder in ("previz", "nodes")
                for path in sorted((ROOT / folder).rglob("*.py"))
                if _calls(path, "Executor") or _calls(path, "ClipStore")}
    assert builders == {"previz/engine/session.py"}


class RecordingRunner(LocalRunner):
    """The local runner, noting each job it is handed."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[TakeJob] = []

    async def run(self, job: TakeJob) -> Any:
        self.jobs.append(job)
        return await super().run(job)


def test_the_executor_hands_each_take_to_the_sessions_runner(tmp_path: Path) -> None:
    studio = Studio(tmp_path / "unused")
    runner = RecordingRunner()
    session = EngineSession(studio.registry, studio.backends,
                            Settings(cache_dir=tmp_path / "clips"), runner=runner)
    project = Project()
    prompt = add(project, studio.registry, PROMPT)
    source = add(project, studio.registry, SOURCE, takes=2)
    wire(project, prompt, source, "prompt")
    cut(project, source)
    with session:
        plan = session.compile(project)
        result = asyncio.run(session.run(plan, project))
        assert result.ok
        assert sorted((job.planned.node_id, job.take) for job in runner.jobs) == sorted(
            [(prompt.id, 0), (source.id, 0), (source.id, 1)])
        assert all(job.device == "cpu" for job in runner.jobs)
        assert all(session.store.has(key) for key in plan.nodes[source.id].keys)
        again = session.compile(project)  # everything cached: nothing more is handed over
        asyncio.run(session.run(again, project))
        assert len(runner.jobs) == 3
