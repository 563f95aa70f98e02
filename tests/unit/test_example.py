"""The example project, as a new user meets it: ``previz render`` on a cold cache writes one
H.264 MP4 per timeline entry, each as long as its node asks and at exactly the project rate."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from previz.core.project import PortRef, Project
from previz.core.registry import default_registry
from previz.io import load_project
from previz.media import probe
from previz_nodes import NODES

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
PREVIZ = Path(sys.executable).with_name("previz")


def _halves_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _rate(project: Project, node_id: str) -> Fraction:
    """The rate a node's clip comes out at."""
    node = project.nodes[node_id]
    if node.type == "previz.shot":
        return Fraction(node.params.get("fps") or project.settings.rate)
    if node.type == "previz.retime":
        return Fraction(node.params["target_fps"])
    if node.type in ("previz.extend", "previz.interpolate"):
        port = "clip" if node.type == "previz.extend" else "clip_a"
        return _rate(project, _source(project, node_id, port))
    return project.settings.rate


def _source(project: Project, node_id: str, port: str) -> str:
    link = project.link_into(PortRef(node_id, port))
    assert link is not None, (node_id, port)
    return link.source.node


def _frames(project: Project, node_id: str) -> int:
    """How many frames a node's clip should have, from its params (DESIGN §5 and §6)."""
    node = project.nodes[node_id]
    params, rate = node.params, _rate(project, node_id)
    if node.type == "previz.still":
        return _halves_up(Fraction(str(params["duration"])) * rate)
    if node.type == "previz.shot":
        return _halves_up(Fraction(str(params["duration"])) * rate)
    if node.type == "previz.extend":
        added = _halves_up(Fraction(str(params["added_duration"])) * rate)
        return _frames(project, _source(project, node_id, "clip")) + added
    if node.type == "previz.interpolate":
        return _halves_up(Fraction(str(params["bridge_duration"])) * rate)
    if node.type == "previz.retime":
        source = _source(project, node_id, "clip")
        return _halves_up(_frames(project, source) * rate / _rate(project, source))
    raise AssertionError(f"no rule for {node.type}")


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(EXAMPLE, registry=default_registry())


def test_the_example_uses_every_node_type_and_no_shot_is_under_two_seconds(
        project: Project) -> None:
    builtin = {node_type.spec.id for node_type in NODES}
    assert len(builtin) == 9
    assert {node.type for node in project.nodes.values()} >= builtin
    for entry in project.timeline:
        seconds = Fraction(_frames(project, entry.node)) / _rate(project, entry.node)
        assert seconds >= 2, project.nodes[entry.node].params.get("name")


def test_the_example_validates(tmp_path: Path) -> None:
    done = subprocess.run([str(PREVIZ), "validate", str(EXAMPLE)], capture_output=True,
                          text=True, env={**os.environ, "PREVIZ_CACHE": str(tmp_path)},
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "no problems"


def test_render_out_writes_every_timeline_entry(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([str(PREVIZ), "render", str(EXAMPLE), "--out", str(out)],
                          capture_output=True, text=True,
                          env={**os.environ, "PREVIZ_CACHE": str(tmp_path / "cache")},
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    movies = sorted(out.glob("*.mp4"))
    assert len(movies) == len(project.timeline) == 13
    expected = [_frames(project, entry.node) for entry in project.timeline]
    # The cut as the example's notes describe it: a 2 s title, the 4 s wide, the 3 s medium
    # extended by 2 s, the 3 s close-up, a 2 s bridge, the 3 s postcard, 3 s at 16 fps at 24;
    # then the meeting's coverage: a 3 s two-shot, two 2.5 s over-the-shoulders, two 2 s
    # singles and a 2 s insert.
    assert expected == [48, 96, 72 + 48, 72, 48, 72, 72, 72, 60, 60, 48, 48, 48]
    for movie, frames in zip(movies, expected, strict=True):
        info = probe(movie)
        assert (info.codec, info.pix_fmt) == ("h264", "yuv420p"), movie.name
        assert (info.width, info.height) == (1280, 720), movie.name
        assert info.frame_count == frames, movie.name
        assert info.rate == project.settings.rate == 24, movie.name
        assert set(info.durations) == {info.durations[0]}, movie.name
        assert info.durations[0] * info.time_base == Fraction(1, 24), movie.name
        assert info.duration == Fraction(frames, 24), movie.name
    _export_reuses_the_renders(project, tmp_path)


def _export_reuses_the_renders(project: Project, tmp_path: Path) -> None:
    """``previz export`` on the same cache renders nothing again and hands editors the cut."""
    import opentimelineio as otio
    from pypdf import PdfReader

    out = tmp_path / "export"
    done = subprocess.run([str(PREVIZ), "export", str(EXAMPLE), "--out", str(out),
                           "--format", "otio,csv,pdf"], capture_output=True, text=True,
                          env={**os.environ, "PREVIZ_CACHE": str(tmp_path / "cache")},
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "done" not in done.stderr  # every take came from the store: nothing re-rendered
    timeline = otio.adapters.read_from_file(str(next(out.glob("*.otio"))))
    clips = list(timeline.find_clips())
    assert len(clips) == len(project.timeline)
    assert timeline.global_start_time.to_timecode() == "01:00:00:00"
    board = PdfReader(next(out.glob("*_storyboard.pdf")))
    assert len(board.pages) == math.ceil(len(project.timeline) / 6)
    with open(next(out.glob("*.csv")), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    # One row per shot: the title card is none, the bridge shares the lamp's row.
    assert [row["Shot"] for row in rows] == [f"{n:04d}" for n in range(10, 120, 10)]
