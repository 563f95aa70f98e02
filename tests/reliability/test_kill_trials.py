"""Kill trials: SIGKILLs during ``previz render`` and ``previz export`` leave nothing behind
once the next run has opened the store or the export folder, and no damaged output."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tiny_cut import tiny_project

from previz.engine.store import INCOMING, SHARED, ClipStore
from previz.export.incremental import MANIFEST
from previz.io import save_project
from previz.media import probe

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]
RENDER_KILLS = int(os.environ.get("PREVIZ_RENDER_KILLS", "50"))
EXPORT_KILLS = int(os.environ.get("PREVIZ_EXPORT_KILLS", "20"))
PREVIZ = [sys.executable, "-m", "previz"]


def killed_after(command: list[str], env: dict[str, str], seconds: float) -> int | None:
    """Run ``command``, SIGKILL it after ``seconds`` unless it ended; its status if it ended."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PREVIZ_CACHE": str(tmp_path / "store"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}


def save_take(path: Path, seed: int) -> None:
    """The tiny cut with its shots at ``seed``, so each trial has something to render."""
    project = tiny_project()
    for node in project.nodes.values():
        if node.type == "previz.shot":
            node.params["seed"] = seed
    save_project(project, path)


def assert_store_clean(root: Path) -> None:
    store = ClipStore(root, 1 << 40)  # opening it removes dead processes' leftovers
    incoming = root / INCOMING
    assert not incoming.exists() or list(incoming.iterdir()) == []
    for entry in store.entries():
        assert SHARED not in entry.path.parts
        assert store.has(entry.key), f"{entry.key[:12]} is damaged"


def test_kills_during_render_leave_no_leftovers_and_no_damage(tmp_path: Path) -> None:
    env, project = environment(tmp_path), tmp_path / "p.previz"
    chance = random.Random(11)
    ended = 0
    for trial in range(RENDER_KILLS):
        save_take(project, trial % 7)
        status = killed_after([*PREVIZ, "render", str(project)], env,
                              chance.uniform(0.2, 3.0))
        ended += status is not None
    save_take(project, 3)
    finished = subprocess.run([*PREVIZ, "render", str(project), "--out", str(tmp_path / "out")],
                              check=False, env=env, capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert_store_clean(tmp_path / "store")
    movies = sorted((tmp_path / "out").glob("*.mp4"))
    assert [probe(movie).frame_count for movie in movies] == [12, 12, 6]
    print(f"{RENDER_KILLS} render trials, {RENDER_KILLS - ended} killed mid-run")


def test_kills_during_export_leave_no_leftovers_and_no_damage(tmp_path: Path) -> None:
    env, project, out = environment(tmp_path), tmp_path / "p.previz", tmp_path / "out"
    save_take(project, 0)
    chance = random.Random(12)
    for _ in range(EXPORT_KILLS):
        killed_after([*PREVIZ, "export", str(project), "--out", str(out)], env,
                     chance.uniform(0.2, 4.0))
    started = time.time()
    finished = subprocess.run([*PREVIZ, "export", str(project), "--out", str(out)],
                              check=False, env=env, capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stderr
    leftovers = [path for path in out.rglob("*") if ".partial" in path.name]
    assert leftovers == []
    # Each movie was written by this export, or kept from a trial that ran to its end (the
    # only kind that saves the manifest, so the manifest vouches for exactly what it wrote):
    # a killed trial's half movie is never kept.
    vouched = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    for path in out.rglob("*.mp4"):
        stat = path.stat()
        if stat.st_mtime < started - 1:
            assert vouched[path.relative_to(out).as_posix()]["stamp"] == [
                stat.st_size, stat.st_mtime_ns], f"{path.name} is a killed trial's"
        assert probe(path).frame_count > 0
    assert probe(out / "p_cut.mp4").frame_count == 30
    assert_store_clean(tmp_path / "store")
