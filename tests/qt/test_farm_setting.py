"""The render farm in the app: Render ▸ Render Farm… names the cluster (a saved setting that
gives the session a Ray runner), and the render queue shows which worker runs each take."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog
from rendered_example import render_small

from previz._qt.qt_main_window import QtMainWindow
from previz._qt.qt_render_queue import NODE, WORKER
from previz.core.project import Settings as ProjectSettings
from previz.engine.events import Started
from previz.engine.runner import LocalRunner, TakeJob
from previz.farm.runner import RayRunner


class NamingRunner(LocalRunner):
    """Runs jobs here, as the farm's runner would report them: naming a worker first."""

    async def run(self, job: TakeJob) -> Any:
        job.emit(Started(job.planned.node_id, job.take, f"render-node-{job.take + 7} pid 4242"))
        return await super().run(job)


def _workers(window: QtMainWindow) -> dict[str, str]:
    tree = window.queue.tree
    return {tree.topLevelItem(i).text(NODE): tree.topLevelItem(i).text(WORKER)
            for i in range(tree.topLevelItemCount())}


def test_render_farm_names_the_cluster_saves_it_and_gives_the_session_a_ray_runner(
        window: QtMainWindow, own_folders: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    menu = next(action.menu() for action in window.menuBar().actions()
                if action.text() == "&Render")
    assert window.action_by_id["render.farm"] in menu.actions()
    answers = iter([("  gpu-head:6379 ", True), ("", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: next(answers))
    window.action_by_id["render.farm"].trigger()
    runner = window.session.executor.runner
    assert isinstance(runner, RayRunner) and runner.address == "gpu-head:6379"
    saved = json.loads((own_folders["config"] / "previz" / "settings.json").read_text())
    assert saved["ray_address"] == "gpu-head:6379"
    window.action_by_id["render.farm"].trigger()  # empty: back to this machine
    assert type(window.session.executor.runner) is LocalRunner
    saved = json.loads((own_folders["config"] / "previz" / "settings.json").read_text())
    assert saved["ray_address"] == ""


@pytest.mark.slow
def test_the_queue_shows_which_worker_runs_each_take(example_window: QtMainWindow,
                                                     run: Any) -> None:
    window = example_window
    render_small(window, run)
    assert set(_workers(window).values()) - {""} == {"this machine"}
    window.session.executor.runner = NamingRunner()
    project = window.document.project  # another size, so that it renders again
    project.set_settings(ProjectSettings(project.settings.rate, 160, 90))
    window.queue.render()
    assert run(window.queue.wait(), timeout=300).ok
    shots = {label: worker for label, worker in _workers(window).items() if worker}
    assert shots and set(shots.values()) == {"render-node-7 pid 4242"}
