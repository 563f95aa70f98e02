"""A farm job is plain data: it survives a JSON round trip and compiles, anywhere, to its key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from farm.takes import head_session, render, small_example, take_keys

from previz.engine.runner import LocalRunner, TakeJob
from previz.farm.job import FarmJob, Resources, job_for, makes_clips


class RecordingRunner(LocalRunner):
    """Runs every job here and keeps it."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[TakeJob] = []

    async def run(self, job: TakeJob) -> Any:
        self.jobs.append(job)
        return await super().run(job)


def test_each_take_of_the_example_is_a_job_that_survives_json_and_compiles_to_its_key(
        plugins: Path, tmp_path: Path) -> None:
    runner = RecordingRunner()
    with head_session(tmp_path / "head", runner) as head:
        project = small_example(head)
        assert render(head, project).ok
        jobs = [job_for(job) for job in runner.jobs if makes_clips(job.planned)]
        expected = set(take_keys(head.compile(project)).values())
    assert len(jobs) == len(expected) > 9 and {job.key for job in jobs} == expected
    with head_session(tmp_path / "elsewhere") as elsewhere:
        for job in jobs:
            text = job.to_text()
            back = FarmJob.from_text(json.loads(json.dumps(text)))
            assert back == job and back.to_text() == text
            graph = back.project({sha256: project.assets[sha256].data for sha256 in back.assets})
            planned = elsewhere.compile(graph, [back.node_id]).nodes[back.node_id]
            assert planned.keys[back.take] == back.key
            assert back.resources == Resources(cpus=1.0, gpus=0.0)  # the draft: one CPU
    by_type = {job.graph["nodes"][job.node_id]["type"]: job for job in jobs}
    assert by_type["previz.extend"].upstream and by_type["previz.retime"].upstream
    assert len(by_type["previz.interpolate"].upstream) == 2
    assert any(job.assets for job in jobs), "the image's hash travels, not its bytes"
    assert all("data" not in json.dumps(job.graph["assets"]) for job in jobs)
