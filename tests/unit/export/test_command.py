"""``previz export`` as the CLI runs it: render what is stale, export, exit status."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from engine_pack import FAIL

from previz.backends.draft.backend import DraftBackend
from previz.core.ids import new_id
from previz.core.project import Node, Project, TimelineEntry
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession
from previz.export import command
from previz.settings import Settings


class CountingDraft(DraftBackend):
    """The draft backend, counting the takes it renders."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def generate(self, request, progress, cancel):
        self.calls += 1
        return super().generate(request, progress, cancel)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="previz")
    command.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def services(registry: NodeRegistry, tmp_path: Path) -> tuple[EngineSession, CountingDraft]:
    draft = CountingDraft()
    settings = Settings(cache_dir=tmp_path / "cache")
    return EngineSession(registry, BackendSet([draft]), settings), draft


def test_export_renders_what_is_stale_then_reuses_it(fresh_harbour, tmp_path, capsys):
    project, _, registry = fresh_harbour
    wired, draft = services(registry, tmp_path)
    argv = ["export", "harbour night.previz", "--out", str(tmp_path / "out"), "--format",
            "csv,pdf,edl", "--paper", "letter", "--rate", "25"]
    args = parse(argv)
    assert command.run(args, wired, project) == 0
    assert draft.calls == 3  # fog, deck and lamp: the still and the source need no backend
    out = capsys.readouterr().out
    for name in ("harbour_night.edl", "harbour_night_storyboard.pdf",
                 "harbour_night_shotlist.csv", "shots/01_020_0010.mp4"):
        assert str(tmp_path / "out" / name) in out
        assert (tmp_path / "out" / name).is_file()
    assert "note: 020_0010: retimed from 23.976 fps to 25 fps" in out
    assert "note: shot movies written too" in out
    assert command.run(parse(argv), wired, project) == 0
    assert draft.calls == 3  # everything came from the store


def test_problems_are_listed_and_nothing_is_exported(registry, tmp_path, capsys):
    project = Project()
    shot = Node(new_id(), "previz.shot", registry.get("previz.shot").spec.defaults())
    project.add_node(shot)
    project.insert_entry(0, TimelineEntry(new_id(), shot.id))
    wired, draft = services(registry, tmp_path)
    args = parse(["export", "p.previz", "--out", str(tmp_path / "out")])
    assert command.run(args, wired, project) == 1
    err = capsys.readouterr().err
    assert "prompt: missing input" in err
    assert "nothing exported" in err
    assert not (tmp_path / "out").exists()
    assert draft.calls == 0


def test_a_failed_render_fails_the_export(fresh_harbour, tmp_path, capsys):
    project, _, registry = fresh_harbour
    failing = Node(new_id(), FAIL, registry.get(FAIL).spec.defaults())
    project.add_node(failing)
    project.insert_entry(0, TimelineEntry(new_id(), failing.id))
    wired, _ = services(registry, tmp_path)
    args = parse(["export", "p.previz", "--out", str(tmp_path / "out"), "--format", "csv"])
    assert command.run(args, wired, project) == 1
    assert "the test asked this node to fail" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_empty_timeline_exports_nothing(registry, tmp_path, capsys):
    wired, _ = services(registry, tmp_path)
    assert command.run(parse(["export", "p.previz", "--out", str(tmp_path)]), wired,
                       Project()) == 1
    assert "timeline is empty" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--format", "mov"], ["--rate", "23.976x"],
                                  ["--rate", "16"], ["--paper", "a3"], [],
                                  ["--timecode", "drop"], ["--handles", "-1"],
                                  ["--handles", "twelve"], ["--audio", "tone"]])
def test_bad_arguments_are_usage_errors(argv, capsys):
    base = ["export", "p.previz"] + (["--out", "o"] if argv else [])
    with pytest.raises(SystemExit) as stop:
        parse([*base, *argv])
    assert stop.value.code == 2


def test_formats_and_rates_parse():
    args = parse(["export", "p.previz", "--out", "o", "--format", "CSV, pdf", "--rate",
                  "29.97", "--burn-in"])
    assert args.format == frozenset({"csv", "pdf"})
    assert str(args.rate) == "30000/1001"
    assert args.burn_in
    defaults = parse(["export", "p.previz", "--out", "o"])
    assert len(defaults.format) == 11 and "aaf" in defaults.format
    assert defaults.paper == "a4" and defaults.rate is None
    assert (defaults.timecode, defaults.handles, defaults.audio) == ("df", 12, "none")
    assert not defaults.relative_paths
    editorial = parse(["export", "p.previz", "--out", "o", "--timecode", "ndf", "--handles",
                       "0", "--audio", "silent", "--relative-paths"])
    assert (editorial.timecode, editorial.handles, editorial.audio) == ("ndf", 0, "silent")
    assert editorial.relative_paths
