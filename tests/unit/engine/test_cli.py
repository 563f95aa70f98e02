"""``previz validate`` and ``previz render``, as a user runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from engine_pack import FAIL, PROMPT, SOURCE, TRANSFORM, Studio, add, cut, source_frame, wire
from project_builders import make_node

from previz import cli
from previz.core.ids import new_id
from previz.core.project import Node, Project
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession
from previz.io import save_project
from previz.media import open_reader, probe
from previz.settings import Settings

PROBLEMS = (
    "acme.hologram",
    "unknown node type: no installed node pack provides 'acme.hologram'",
    "Camera Move",
    "amount: bad param: 5000.0 is above the maximum 3600",
    "Shot 010_0010 'Lonely', prompt: missing input: needs a Prompt or a Scene connected",
)


def three_problems(registry: NodeRegistry, path: Path) -> Path:
    """Built-in nodes: a Shot without its prompt, a Camera Move too far, an unknown type."""
    project = Project()
    project.add_node(make_node(registry, "previz.shot", name="Lonely"))
    project.add_node(make_node(registry, "previz.camera_move", amount=5000.0))
    project.add_node(Node(new_id(), "acme.hologram", {"glow": 3}))
    save_project(project, path)
    return path


def test_validate_prints_all_three_problems_and_fails(
    registry: NodeRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = three_problems(registry, tmp_path / "scene.previz")
    services = EngineSession(registry, BackendSet(), Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["validate", str(path)], services) == 1
    out = capsys.readouterr().out
    for text in PROBLEMS:
        assert text in out


def test_validate_as_a_command(registry: NodeRegistry, tmp_path: Path) -> None:
    path = three_problems(registry, tmp_path / "scene.previz")
    previz = Path(sys.executable).with_name("previz")
    env = {**os.environ, "PREVIZ_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([str(previz), "validate", str(path)], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    for text in PROBLEMS:
        assert text in done.stdout


def test_validate_a_sound_project_and_a_broken_file(
    studio: Studio, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project()
    cut(project, add(project, studio.registry, SOURCE))
    save_project(project, tmp_path / "fine.previz")
    services = EngineSession(studio.registry, studio.backends, Settings(cache_dir=tmp_path))
    assert cli.main(["validate", str(tmp_path / "fine.previz")], services) == 0
    assert capsys.readouterr().out == "no problems\n"
    (tmp_path / "broken.previz").write_bytes(b"not a zip")
    assert cli.main(["validate", str(tmp_path / "broken.previz")], services) == 1
    assert "broken.previz" in capsys.readouterr().err


def cli_services(studio: Studio) -> EngineSession:
    return EngineSession(studio.registry, studio.backends,
                        Settings(cache_dir=studio.store.root, default_backend="fake"))


def test_render_writes_one_mp4_per_timeline_entry_trimmed_at_its_exact_rate(
    studio: Studio, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project()
    reg = studio.registry
    prompt = add(project, reg, PROMPT, text="")
    ntsc = add(project, reg, SOURCE, frames=12, fps="24000/1001", width=64, height=48,
               value=30, name="Harbour")
    pal = add(project, reg, SOURCE, frames=9, fps="25", width=64, height=48, name="Quay")
    graded = add(project, reg, TRANSFORM, name="Quay graded")
    wire(project, prompt, ntsc, "prompt")
    wire(project, pal, graded, "clip")
    cut(project, ntsc, 2, 10)
    cut(project, graded)
    cut(project, ntsc)  # the same shot again, untrimmed
    save_project(project, tmp_path / "cut.previz")

    code = cli.main(["render", str(tmp_path / "cut.previz"), "--out", str(tmp_path / "out")],
                    cli_services(studio))

    assert code == 0
    written = sorted((tmp_path / "out").iterdir())
    assert [path.name for path in written] == ["01_Source_Harbour.mp4",
                                               "02_Transform_Quay_graded.mp4",
                                               "03_Source_Harbour.mp4"]
    streams = [probe(path) for path in written]
    assert [(s.codec, s.frame_count, s.rate) for s in streams] == [
        ("h264", 8, Fraction(24000, 1001)), ("h264", 9, Fraction(25)),
        ("h264", 12, Fraction(24000, 1001))]
    with open_reader(written[0]) as reader:
        first = next(reader).astype(int)
    errors = [np.abs(first - source_frame(64, 48, 30, 0, index)).mean() for index in range(12)]
    assert int(np.argmin(errors)) == 2  # the trim starts at frame 2
    assert studio.counter.runs == {prompt.id: 1, ntsc.id: 1, pal.id: 1, graded.id: 1}
    assert str(written[0]) in capsys.readouterr().out


def test_render_fails_when_a_node_fails_and_still_renders_the_rest(
    studio: Studio, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project()
    boom = add(project, studio.registry, FAIL, name="boom")
    fine = add(project, studio.registry, SOURCE, name="fine")
    cut(project, boom)
    cut(project, fine)
    save_project(project, tmp_path / "cut.previz")

    code = cli.main(["render", str(tmp_path / "cut.previz"), "--out", str(tmp_path / "out")],
                    cli_services(studio))

    assert code == 1
    err = capsys.readouterr().err
    assert "Fail 'boom': failed: the test asked this node to fail" in err
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["02_Source_fine.mp4"]
    assert probe(tmp_path / "out" / "02_Source_fine.mp4").frame_count == 6


def test_render_named_nodes_renders_just_those(studio: Studio, tmp_path: Path) -> None:
    project = Project()
    first = add(project, studio.registry, SOURCE, name="first")
    graded = add(project, studio.registry, TRANSFORM, name="graded")
    second = add(project, studio.registry, SOURCE, name="second", value=3)
    wire(project, first, graded, "clip")
    cut(project, graded)
    cut(project, second)
    save_project(project, tmp_path / "cut.previz")

    code = cli.main(["render", str(tmp_path / "cut.previz"), "--node", first.id,
                     "--out", str(tmp_path / "out")], cli_services(studio))

    assert code == 0
    assert studio.counter.runs == {first.id: 1}
    assert not (tmp_path / "out").exists()  # --out writes the timeline, not named nodes
    plan = studio.compile(project)
    assert studio.store.has(studio.compile(project, [first.id]).nodes[first.id].key)
    assert not studio.store.has(plan.nodes[second.id].key)
    assert cli.main(["render", str(tmp_path / "cut.previz"), "--node", new_id()],
                    cli_services(studio)) == 1


RENDER_SLOWLY = """
import sys
import time
from pathlib import Path
from engine_pack import SLOW, Studio, add, cut
from previz import cli
from previz.core.project import Project
from previz.engine.session import EngineSession
from previz.io import save_project
from previz.settings import Settings

root = Path(sys.argv[1])
studio = Studio(root / "store")
project = Project()
cut(project, add(project, studio.registry, SLOW, frames=200, delay=0.05))
save_project(project, root / "slow.previz")
services = EngineSession(studio.registry, studio.backends, Settings(cache_dir=root / "store"))
sys.exit(cli.main(["render", str(root / "slow.previz")], services))
"""


def test_ctrl_c_during_a_render_stops_it_and_keeps_nothing(tmp_path: Path) -> None:
    tests = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), os.environ.get(
        "PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-c", RENDER_SLOWLY, str(tmp_path)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    incoming = tmp_path / "store" / ".incoming"
    deadline = time.monotonic() + 30
    while not (incoming.exists() and any(incoming.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a few frames in
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "cancelled" in err
    assert list(incoming.iterdir()) == []
    assert list((tmp_path / "store").glob("??/*")) == []
