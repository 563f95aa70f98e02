"""The cut as exports see it: names, trims, editorial timing; the example project end to end."""

from __future__ import annotations

import argparse
import asyncio
import csv
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Link, Node, PortRef, Project, Settings, TimelineEntry
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet
from previz.engine.executor import Executor
from previz.engine.plan import compile_plan
from previz.engine.session import EngineSession
from previz.engine.store import ClipStore
from previz.export import ExportError, build_cut, command
from previz.export.timecode import parse_rate, rate_label
from previz.io import load_project
from previz.settings import Settings as AppSettings

EXAMPLE = Path(__file__).resolve().parents[3] / "resources" / "examples" / "lighthouse.previz"


def add(project: Project, registry: NodeRegistry, type_id: str, **params) -> Node:
    node = Node(new_id(), type_id, {**registry.get(type_id).spec.defaults(), **params})
    project.add_node(node)
    return node


def wire(project: Project, source: Node, port: str, target: Node, target_port: str) -> None:
    project.add_link(Link(new_id(), PortRef(source.id, port), PortRef(target.id, target_port)))


def derived_project(registry: NodeRegistry) -> Project:
    """A shot, its extension, a bridge between two shots, a 16 fps shot retimed, twice."""
    project = Project(Settings(Fraction(24), 64, 64))
    prompt = add(project, registry, "previz.prompt", text="a quay")
    shots = [add(project, registry, "previz.shot", shot=f"00{n}0", duration=0.25,
                 **({"fps": "16"} if n == 3 else {})) for n in (1, 2, 3)]
    for shot in shots:
        wire(project, prompt, "prompt", shot, "prompt")
    extend = add(project, registry, "previz.extend", added_duration=0.25)
    bridge = add(project, registry, "previz.interpolate", bridge_duration=0.25)
    retime = add(project, registry, "previz.retime", target_fps="24")
    wire(project, shots[0], "clip", extend, "clip")
    wire(project, shots[0], "clip", bridge, "clip_a")
    wire(project, shots[1], "clip", bridge, "clip_b")
    wire(project, shots[2], "clip", retime, "clip")
    for node in (shots[0], extend, bridge, retime, shots[0], shots[2]):
        project.insert_entry(len(project.timeline), TimelineEntry(new_id(), node.id))
    return project


def test_entries_are_named_after_their_shots(registry, tmp_path):
    project = derived_project(registry)
    backends = BackendSet([DraftBackend()])
    store = ClipStore(tmp_path, 1 << 30)
    plan = compile_plan(project, None, registry=registry, catalog=backends.catalog(),
                        is_cached=store.has)
    with pytest.raises(ExportError, match="not rendered yet: Shot 010_0010"):
        build_cut(project, plan, store)
    executor = Executor(store, backends)
    try:
        assert asyncio.run(executor.run(plan, project)).ok
    finally:
        executor.close()
    cut = build_cut(project, plan, store)
    assert [entry.name for entry in cut.entries] == [
        "010_0010", "010_0010_EXT", "010_0010_BRIDGE", "010_0030_RT", "010_0010_2",
        "010_0030"]
    assert [entry.stem for entry in cut.entries][:2] == ["01_010_0010", "02_010_0010_EXT"]
    moves = [entry.info.move_label for entry in cut.entries]
    assert moves == ["static"] * 6
    assert [entry.retimed for entry in cut.entries] == [False] * 5 + [True]
    assert [entry.record_in for entry in cut.entries] == [0, 6, 18, 24, 30, 36]
    assert cut.entries[-1].frame_count == 6  # 4 frames at 16 fps are 6 at 24
    assert cut.notes == ("010_0030: retimed from 16 fps to 24 fps by optical flow"
                         " (4 frames became 6)",)
    # Shots render their handles; what is made from them (an extension, a bridge, a retime)
    # does not, and the export says which handle frames it holds.
    assert [entry.handles.held for entry in cut.entries] == [0, 24, 24, 24, 0, 0]
    assert cut.held_note.startswith("handle frames that repeat the first or last frame, the"
                                    " render having none there: 010_0010_EXT (24 of 24),"
                                    " 010_0010_BRIDGE (24 of 24), 010_0030_RT (24 of 24);")
    assert cut.entries[1].info.derived and not cut.entries[0].info.derived


def test_rates():
    assert parse_rate("24000/1001") == parse_rate("23.976") == Fraction(24000, 1001)
    assert parse_rate(" 30 ") == 30
    with pytest.raises(ValueError, match="one of 24000/1001, 24, 25, 30000/1001, 30"):
        parse_rate("16")
    assert [rate_label(Fraction(r)) for r in ("24000/1001", "25", "30000/1001", "16")] == [
        "23.976 fps", "25 fps", "29.97 fps", "16 fps"]


@pytest.mark.slow
def test_the_example_renders_and_exports_its_boards(registry, tmp_path, capsys):
    project = load_project(EXAMPLE, registry=registry)
    # A quarter of its 1280x720 keeps the test quick; every shot inherits the project's size.
    project.settings = Settings(project.settings.rate, 320, 180)
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["export", str(EXAMPLE), "--out", str(tmp_path / "out"),
                              "--format", "pdf,contact,csv"])
    wired = EngineSession(registry, BackendSet([DraftBackend()]),
                     AppSettings(cache_dir=tmp_path / "cache"))
    assert command.run(args, wired, project) == 0
    out = tmp_path / "out"
    with open(out / "lighthouse_shotlist.csv", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    # One row per slate: no title card; the bridge shares the lamp's row; the extension and
    # the retime stand for shots the cut only has through them.
    assert [(row["Shot"], row["Description"].split(":")[0], row["Movement"])
            for row in rows] == [
        ("0010", "Establishing", "dolly in 2 m"),
        ("0020", "Keeper walks", "tilt up 10°"),
        ("0030", "The lamp", "dolly-zoom in 1.2 m"),
        ("0040", "Postcard", "truck right 1 m"),
        ("0050", "Gulls at 16", "static"),
        ("0060", "Two-shot", "static"),
        ("0070", "Over him onto her", "static"),
        ("0080", "Over her onto him", "static"),
        ("0090", "Her single", "static"),
        ("0100", "His single", "static"),
        ("0110", "The lamp lit", "static"),
    ]
    assert {row["Scene"] for row in rows} == {"010"}
    assert rows[0]["INT/EXT"] == "EXT" and rows[0]["DAY/NIGHT"] == "DUSK"
    assert rows[3]["Equipment"] == "slider"  # a truck of up to 1 m
    reader = PdfReader(out / "lighthouse_storyboard.pdf")
    assert len(reader.pages) == 3
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for name in ("STILL_01", "010_0010", "010_0020_EXT", "010_0030_BRIDGE", "010_0050_RT"):
        assert name in text
    assert "EXT. LIGHTHOUSE CLIFF - DUSK. A white lighthouse on a grassy cliff" in text
    assert (out / "lighthouse_contact.png").is_file()
