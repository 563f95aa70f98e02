"""A node pack that raises on import and a backend that raises when made are named and
skipped; the built-in ones load and render."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from plugin_folder import broken_plugins, plugin_folder

from previz.core.registry import NodeRegistry
from previz.engine.session import EngineSession, load_backends
from previz.settings import Settings

TESTS = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = broken_plugins(tmp_path / "site")
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_a_node_pack_that_raises_is_reported_and_the_rest_load(broken: Path) -> None:
    registry = NodeRegistry()
    problems = registry.load_entry_points()
    assert [(problem.kind, problem.name) for problem in problems] == [
        ("node pack", "broken_pack")]
    assert "ImportError: this pack needs a library" in str(problems[0])
    assert "previz.shot" in registry and registry.pack_of("previz.shot") == "builtin"
    assert registry.problems == problems


def test_a_pack_with_a_taken_id_registers_none_of_its_types(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = ("from previz.api import NodeSpec, NodeType\n"
              "NODES = [NodeType(NodeSpec('thief.new', 1, 'New', 'Thief')),\n"
              "         NodeType(NodeSpec('previz.shot', 1, 'Stolen', 'Thief'))]\n")
    monkeypatch.syspath_prepend(str(plugin_folder(tmp_path, "thief", "previz.nodes", "thief",
                                                  source)))
    registry = NodeRegistry()
    problems = registry.load_entry_points()
    assert [problem.name for problem in problems] == ["thief"]
    assert "'previz.shot'" in problems[0].message and "thief.new" not in registry
    assert registry.get("previz.shot").spec.display_name != "Stolen"


def test_a_backend_that_raises_when_made_is_reported_and_the_rest_load(broken: Path) -> None:
    loaded = load_backends(Settings())
    assert [backend.id for backend in loaded.backends] == ["draft", "diffusers"]
    assert [(problem.kind, problem.name) for problem in loaded.problems] == [
        ("backend", "broken_backend")]
    assert "RuntimeError: no licence server" in str(loaded.problems[0])


def test_the_session_keeps_every_plugin_problem(broken: Path, tmp_path: Path) -> None:
    with EngineSession.open(Settings(cache_dir=tmp_path / "clips")) as session:
        assert sorted(problem.name for problem in session.problems) == [
            "broken_backend", "broken_pack"]
        assert session.backends.ids() == ["draft", "diffusers"]


def _previz(args: list[str], plugins: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugins), str(TESTS)]),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
           "PREVIZ_CACHE": str(home / "clips")}
    return subprocess.run([sys.executable, "-m", "previz", *args], env=env, text=True,
                          capture_output=True, timeout=240, check=False)


def test_previz_render_names_the_broken_plugins_and_renders_with_the_rest(
        tmp_path: Path) -> None:
    from tiny_cut import save_tiny

    plugins = broken_plugins(tmp_path / "site")
    project = save_tiny(tmp_path / "tiny.previz")
    done = _previz(["render", str(project), "--out", str(tmp_path / "out")], plugins, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "node pack 'broken_pack'" in done.stderr
    assert "backend 'broken_backend'" in done.stderr
    assert len(list((tmp_path / "out").glob("*.mp4"))) == 3
    doctor = _previz(["doctor"], plugins, tmp_path)
    assert "BROKEN node pack 'broken_pack'" in doctor.stdout
    assert "backends: draft, diffusers" in doctor.stdout
