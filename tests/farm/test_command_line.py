"""``previz render|export … --ray ADDRESS`` against the session's cluster, and the head (the
command) killed in the middle of a render: its store reopens cleanly, keeping what came back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from farm.takes import half_written, head_session, pace, small_example, stored_keys, take_keys

from previz.core.project import Settings as ProjectSettings
from previz.engine.store import ClipStore
from previz.farm.cluster import LocalCluster
from previz.io import load_project, save_project


def _environment(tmp_path: Path, plugins: Path) -> dict[str, str]:
    return {**os.environ, "PREVIZ_CACHE": str(tmp_path / "head"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "PREVIZ_MODELS": str(tmp_path / "m"),
            "PYTHONPATH": os.pathsep.join([str(plugins), os.environ.get("PYTHONPATH", "")])}


def _previz(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "previz", *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def _wait_for_a_clip(store: Path, head: subprocess.Popen[str]) -> None:
    """Until the first clip is back in the head's store (or the head has ended)."""
    deadline = time.monotonic() + 300
    while not list(store.glob("??/*/clip.json")) and head.poll() is None:
        assert time.monotonic() < deadline, "no clip came back"
        time.sleep(0.1)


def _saved_example(tmp_path: Path, size: tuple[int, int], paced: str = "") -> Path:
    with head_session(tmp_path / "compile") as session:
        project = small_example(session)
        project.set_settings(ProjectSettings(project.settings.rate, *size))
        if paced:
            pace(project, paced, 3.0)
        path = tmp_path / "example.previz"
        save_project(project, path)
    return path


def _keys(path: Path, tmp_path: Path) -> set[str]:

    with head_session(tmp_path / "compile") as session:
        project = load_project(path, registry=session.registry)
        return set(take_keys(session.compile(project)).values())


def test_render_and_export_take_a_ray_address(cluster: LocalCluster, plugins: Path,
                                              tmp_path: Path) -> None:
    path = _saved_example(tmp_path, (240, 136))
    env = _environment(tmp_path, plugins)
    export = _previz(env, "export", str(path), "--ray", cluster.address,
                     "--out", str(tmp_path / "export"), "--format", "shots")
    assert export.returncode == 0, export.stderr[-3000:]
    entries = len(load_project(path).timeline)
    assert len(list((tmp_path / "export").rglob("*.mp4"))) == entries
    keys = _keys(path, tmp_path)
    assert keys <= stored_keys(cluster.caches[0]) | stored_keys(cluster.caches[1])
    assert stored_keys(tmp_path / "head") >= keys
    render = _previz(env, "render", str(path), "--ray", cluster.address,
                     "--out", str(tmp_path / "movies"))
    assert render.returncode == 0, render.stderr[-3000:]
    assert len(list((tmp_path / "movies").glob("*.mp4"))) == entries


def test_the_head_killed_mid_render_leaves_a_store_that_reopens_cleanly(
        cluster: LocalCluster, plugins: Path, tmp_path: Path) -> None:
    path = _saved_example(tmp_path, (224, 126), paced="The lamp")
    env = _environment(tmp_path, plugins)
    log = tmp_path / "head.log"
    with open(log, "w") as err:
        head = subprocess.Popen([sys.executable, "-m", "previz", "render", str(path), "--ray",
                                 cluster.address], env=env, stderr=err, text=True)
        try:
            _wait_for_a_clip(tmp_path / "head", head)  # the paced take is still rendering
            head.send_signal(signal.SIGKILL)
        finally:
            head.wait(timeout=60)
    root = tmp_path / "head"
    kept = stored_keys(root)
    assert kept, f"what came back before the kill is kept; the head said: {log.read_text()}"
    assert kept < _keys(path, tmp_path), "the head was killed in the middle of the render"
    ClipStore(root, 1 << 40)  # reopening sweeps what the killed head left half-written
    assert half_written(root) == []
    assert stored_keys(root) == kept
    again = _previz(env, "render", str(path))
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stderr.count(": cached") >= len(kept)


def test_a_lost_cluster_is_one_clear_error_and_what_rendered_is_kept(plugins: Path,
                                                                    tmp_path: Path) -> None:
    path = _saved_example(tmp_path, (208, 118), paced="The lamp")
    env = _environment(tmp_path, plugins)
    workers = {key: env[key] for key in ("XDG_CONFIG_HOME", "PREVIZ_MODELS", "PYTHONPATH")}
    with LocalCluster.start(1, env=workers) as doomed:
        head = subprocess.Popen([sys.executable, "-m", "previz", "render", str(path), "--ray",
                                 doomed.address], env=env, stderr=subprocess.PIPE, text=True)
        _wait_for_a_clip(tmp_path / "head", head)
        doomed.stop()  # the whole cluster goes (workers, then the head) mid-take
        rest = head.communicate(timeout=180)[1]
    assert head.returncode == 1, rest
    errors = [line for line in rest.splitlines() if "lost the connection" in line]
    assert len(errors) == 1 and errors[0].startswith("previz: "), rest
    assert "Traceback" not in rest
    root = tmp_path / "head"
    assert stored_keys(root), "what came back before the loss is kept"
    assert half_written(root) == []
