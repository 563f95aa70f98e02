"""Engine benchmarks (DESIGN §13): each prints its figure against its target, asserts no time.

Run with ``python -m pytest -m benchmark -s tests/benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from engine_pack import PROMPT, SOURCE, Studio, add, cut, wire
from project_builders import entry, link, make_node

from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.engine.events import Done, RenderEvent
from previz.io import load_project, save_project

pytestmark = pytest.mark.benchmark

WIDTH, HEIGHT, FRAMES = 320, 180, 48  # 2 s at 24 fps


def shots_project(studio: Studio, count: int) -> tuple[Project, list[str]]:
    """``count`` shots, each a prompt feeding a source clip of 2 s at 320x180, all on the cut."""
    project = Project()
    shots = []
    for index in range(count):
        prompt = add(project, studio.registry, PROMPT, text=f"shot {index}: the harbour at dawn")
        shot = add(project, studio.registry, SOURCE, frames=FRAMES, width=WIDTH, height=HEIGHT,
                   value=index * 7 % 256, seed=index, name=f"shot {index}")
        wire(project, prompt, shot, "prompt")
        cut(project, shot)
        shots.append(shot.id)
    return project, shots


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def test_edit_one_shot_of_24(tmp_path: Path) -> None:
    studio = Studio(tmp_path / "store")
    try:
        project, shots = shots_project(studio, 24)
        full = timed(lambda: studio.render(project))
        full_runs = studio.counter.total()
        project.set_param(shots[11], "value", 1)
        edit = timed(lambda: studio.render(project))
        edit_runs = dict(studio.counter.runs)
        nothing = timed(lambda: studio.render(project))
    finally:
        studio.close()
    print(f"\nedit one shot of 24 ({FRAMES} frames at {WIDTH}x{HEIGHT} each):"
          f" full render {full:.2f} s ({full_runs} node runs);"
          f" after one edit {edit:.3f} s, nodes run {len(edit_runs)}"
          f" ({'only the edited shot' if set(edit_runs) == {shots[11]} else edit_runs});"
          f" ratio 1/{full / edit:.1f} (target: only that shot, at most 1/10);"
          f" unchanged re-render {nothing * 1000:.0f} ms")


def built_in_project(registry: NodeRegistry, count: int) -> Project:
    """``count`` shots of built-in nodes: a Prompt and a Shot each, every Shot on the cut."""
    project = Project()
    for index in range(count):
        prompt = make_node(registry, "previz.prompt", text=f"Shot {index}: rain on the quay,"
                           " a figure under a lamp, sodium light")
        shot = make_node(registry, "previz.shot", scene=f"{index // 10 + 1:03d}0",
                         shot=f"{index % 10 + 1:03d}0", name=f"Quay {index}", lens=35.0 + index % 5,
                         notes="hold on the lamp", seed=index)
        project.add_node(prompt)
        project.add_node(shot)
        project.add_link(link(prompt, "prompt", shot, "prompt"))
        project.insert_entry(index, entry(shot))
    return project


def test_open_and_save_200_shots(registry: NodeRegistry, tmp_path: Path) -> None:
    project = built_in_project(registry, 200)
    path = tmp_path / "sequence.previz"
    save_project(project, path)  # warm up
    saves = [timed(lambda: save_project(project, path)) for _ in range(5)]
    opens = [timed(lambda: load_project(path, registry=registry)) for _ in range(5)]
    loaded = load_project(path, registry=registry)
    assert len(loaded.nodes) == 400 and len(loaded.timeline) == 200
    print(f"\n200-shot project ({path.stat().st_size / 1024:.0f} kB): save median"
          f" {statistics.median(saves) * 1000:.0f} ms, open median"
          f" {statistics.median(opens) * 1000:.0f} ms (target: under 500 ms each)")


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_memory_across_100_shots(tmp_path: Path) -> None:
    studio = Studio(tmp_path / "store")
    project, shots = shots_project(studio, 100)
    shot_ids = set(shots)
    samples: dict[int, tuple[float, float, float]] = {}
    done = 0

    def sample(event: RenderEvent) -> None:
        nonlocal done
        if isinstance(event, Done) and event.node_id in shot_ids:
            done += 1
            if done in (1, 10, 50, 100):
                current, peak = tracemalloc.get_traced_memory()
                samples[done] = (current / 2**20, peak / 2**20, rss_mib())

    tracemalloc.start()
    try:
        start = time.perf_counter()
        run = studio.render(project, listeners=[sample])
        seconds = time.perf_counter() - start
    finally:
        tracemalloc.stop()
        studio.close()
    assert run.result.ok
    lines = [f"  after {count:3d} shots: Python heap {current:6.1f} MiB (peak {peak:6.1f}),"
             f" RSS {rss:6.1f} MiB" for count, (current, peak, rss) in sorted(samples.items())]
    print(f"\nmemory across a 100-shot render ({FRAMES} frames at {WIDTH}x{HEIGHT} each,"
          f" {seconds:.1f} s; target: flat, clips spill to the store):\n" + "\n".join(lines))


