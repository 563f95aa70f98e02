"""A screenplay imported, validated, rendered on the draft and exported; the editor's cut
(OTIO, FCP 7 XML, EDL, each edited) conformed back onto the timeline."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from pypdf import PdfReader

from previz import cli
from previz.backends.draft.backend import DraftBackend
from previz.core.registry import NodeRegistry, default_registry
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession
from previz.io import load_project, save_project
from previz.media.probe import probe
from previz.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "screenplay"
FORMATS = "otio,fcp7,edl,aaf,pdf,shots"


@dataclass
class Exported:
    """The imported script's project, its session, and the export folder."""

    path: Path
    registry: NodeRegistry
    session: EngineSession
    out: Path
    folder: Path


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Exported:
    folder = tmp_path_factory.mktemp("screenplay")
    registry = default_registry()
    engine = EngineSession(registry, BackendSet([DraftBackend()]),
                           Settings(cache_dir=folder / "cache"))
    path = folder / "keepers_night.previz"
    source = FIXTURES / "keepers_night.fountain"
    assert cli.main(["import", str(source), "--out", str(path)], session=engine) == 0
    project = load_project(path, registry=registry)
    project.settings.width, project.settings.height = 160, 96  # small: the test renders it all
    save_project(project, path)
    out = folder / "export"
    assert cli.main(["export", str(path), "--out", str(out), "--format", FORMATS],
                    session=engine) == 0
    return Exported(path, registry, engine, out, folder)


def cut_of(path: Path, registry: NodeRegistry) -> list[tuple[str, int, int | None]]:
    project = load_project(path, registry=registry)
    return [(project.nodes[e.node].params["shot"], e.in_frame, e.out_frame)
            for e in project.timeline]


def summary(path: Path, registry: NodeRegistry) -> dict:
    """The project without its ids: what the script made of it."""
    project = load_project(path, registry=registry)
    cast = {c.id: c.name for c in project.cast.values()}
    places = {loc.id: (loc.setting, loc.name) for loc in project.locations.values()}
    scenes = sorted((n.params["number"], n.params["heading"], places[n.params["location"]],
               n.params["time_of_day"], [cast[c] for c in n.params["cast"]],
               n.params["script"], n.params["action"])
                    for n in project.nodes.values() if n.type == "previz.scene")
    shots = sorted((n.params["shot"], n.params["name"], n.params["scene_in"],
                    n.params["duration"], n.params["side"], n.params["subject"],
                    n.params["dialogue"])
                   for n in project.nodes.values() if n.type == "previz.shot")
    return {"cast": sorted(cast.values()), "locations": sorted(places.values()),
            "scenes": scenes, "shots": shots, "cut": cut_of(path, registry)}


def test_the_script_makes_three_scenes_two_locations_and_four_characters(exported):
    made = summary(exported.path, exported.registry)
    assert made["cast"] == ["Ellis", "June", "Mara", "Tom"]
    assert made["locations"] == [("EXT", "Cliff Path"), ("INT", "Lighthouse Kitchen")]
    assert [(s[0], s[2][1], s[3]) for s in made["scenes"]] == [
        ("1", "Lighthouse Kitchen", "night"), ("2", "Cliff Path", "dawn"),
        ("3", "Lighthouse Kitchen", "day")]
    first = made["scenes"][0][5].splitlines()
    assert first[1] == "[5.2] Note: Keep the kettle lit: it is the only practical."
    assert first[2].startswith("[5.2-7.8] TOM (shaking off his coat): The boat")
    assert "JUNE ^: It's winter." in made["scenes"][1][5]
    assert len(made["shots"]) == 18 and len(made["cut"]) >= 9
    assert [shot for shot, _, _ in made["cut"]][:2] == ["1A", "1C"]  # script order


def test_the_fdx_of_the_same_script_makes_the_same_project(exported, tmp_path):
    path = tmp_path / "from_fdx.previz"
    argv = ["import", str(FIXTURES / "keepers_night.fdx"), "--out", str(path)]
    assert cli.main(argv, session=exported.session) == 0
    fountain_made = summary(exported.path, exported.registry)
    assert summary(path, exported.registry) == fountain_made
    assert cli.main(argv, session=exported.session) == 1  # never over an existing file


def test_the_imported_project_validates_and_exports(exported, capsys):
    assert cli.main(["validate", str(exported.path)], session=exported.session) == 0
    out = capsys.readouterr().out
    assert "no problems" in out and "warning" not in out
    entries = len(load_project(exported.path, registry=exported.registry).timeline)
    name = exported.path.stem
    with open(exported.out / f"{name}.edl", encoding="ascii") as handle:
        assert len(list(pycmx.parse_cmx3600(handle).events)) == entries
    timeline = otio.adapters.read_from_file(str(exported.out / f"{name}.otio"))
    assert [clip.name for clip in timeline.find_clips()][:2] == ["1_1A", "1_1C"]
    aaf = otio.adapters.read_from_file(str(exported.out / f"{name}.aaf"))
    assert len(list(aaf.find_clips())) == entries
    pages = PdfReader(exported.out / f"{name}_storyboard.pdf").pages
    assert "1A" in "".join(page.extract_text() for page in pages)
    movies = sorted((exported.out / "shots").glob("*.mp4"))
    assert len(movies) == entries
    assert probe(movies[0]).frame_count == 125 + 2 * 12  # the master's cut and its handles


def edit(track: otio.schema.Track, rate: float) -> None:
    """What the editor did: swapped the second and third clips, trimmed six frames off the
    fourth's head and four off its tail, took out the sixth, and used the first again."""
    second = track[2]
    track.remove(second)
    track.insert(1, second)
    fourth = track[3]
    head, tail = otio.opentime.RationalTime(6, rate), otio.opentime.RationalTime(4, rate)
    fourth.source_range = otio.opentime.TimeRange(fourth.source_range.start_time + head,
                                                  fourth.source_range.duration - head - tail)
    del track[5]
    track.append(track[0].deepcopy())


def expected(cut: list[tuple[str, int, int | None]]) -> list[tuple[str, int, int | None]]:
    wanted = list(cut)
    wanted[1], wanted[2] = wanted[2], wanted[1]
    shot, first, last = wanted[3]
    wanted[3] = (shot, first + 6, last - 4)
    del wanted[5]
    return [*wanted, wanted[0]]


@pytest.mark.parametrize(("suffix", "adapter"), [(".otio", "otio_json"), (".xml", "fcp_xml"),
                                                 (".edl", "cmx_3600")])
def test_the_editors_cut_conforms_the_timeline(exported, tmp_path, capsys, suffix, adapter):
    project_path = tmp_path / "conformed.previz"
    shutil.copy(exported.path, project_path)
    before = cut_of(project_path, exported.registry)
    options = {"rate": 24} if adapter == "cmx_3600" else {}
    timeline = otio.adapters.read_from_file(str(exported.out / f"{exported.path.stem}{suffix}"),
                                            adapter_name=adapter, **options)
    edit(timeline.video_tracks()[0], 24)
    edited = tmp_path / f"edited{suffix}"
    otio.adapters.write_to_file(timeline, str(edited), adapter_name=adapter)
    assert cli.main(["conform", str(project_path), str(edited)], session=exported.session) == 0
    assert cut_of(project_path, exported.registry) == expected(before)
    out = capsys.readouterr().out
    assert f"{len(before)} clips matched" in out
    assert f"removed by the editor: 1_{before[5][0]}" in out
    assert "used again: 1_1A" in out


def test_clips_from_elsewhere_are_reported_and_nothing_matched_fails(exported, tmp_path,
                                                                      capsys):
    project_path = tmp_path / "conformed.previz"
    shutil.copy(exported.path, project_path)
    before = cut_of(project_path, exported.registry)
    timeline = otio.adapters.read_from_file(str(exported.out / f"{exported.path.stem}.otio"))
    track = timeline.video_tracks()[0]
    stranger = otio.schema.Clip(name="B_ROLL_7", source_range=track[0].source_range)
    track.insert(1, stranger)
    edited = tmp_path / "with_b_roll.otio"
    otio.adapters.write_to_file(timeline, str(edited))
    assert cli.main(["conform", str(project_path), str(edited)], session=exported.session) == 0
    assert "not matched: clip 2 B_ROLL_7 names no shot of this project" in capsys.readouterr().out
    assert cut_of(project_path, exported.registry) == before
    only_stranger = tmp_path / "only_b_roll.otio"
    timeline.tracks[0][:] = [stranger.deepcopy()]
    otio.adapters.write_to_file(timeline, str(only_stranger))
    argv = ["conform", str(project_path), str(only_stranger)]
    assert cli.main(argv, session=exported.session) == 1
    assert cut_of(project_path, exported.registry) == before
