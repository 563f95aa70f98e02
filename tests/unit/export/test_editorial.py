"""The cut for editors: .otio, .otioz, FCP 7 XML and EDL, each read back by OpenTimelineIO."""

from __future__ import annotations

import zipfile
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from previz.export.editors import EditorExportError, check_for_editors
from previz.export.otio import frame_range, otio_rate
from previz.export.timecode import timecode

RATE = Fraction(24000, 1001)
NAMES = ["020_0010", "020_0020", "020_0030", "STILL_04", "SOURCE_05", "020_0010_2",
         "020_0020_2"]
DURATIONS = [24, 24, 16, 12, 10, 6, 24]
HANDLES = 12


def clips(timeline: otio.schema.Timeline) -> list[otio.schema.Clip]:
    [track] = timeline.video_tracks()
    return list(track.find_clips())


def assert_the_cut(timeline: otio.schema.Timeline) -> None:
    found = clips(timeline)
    assert [clip.name for clip in found] == NAMES
    assert [clip.source_range.duration.value for clip in found] == DURATIONS
    assert {clip.source_range.duration.rate for clip in found} == {float(RATE)}
    assert all(otio.opentime.RationalTime.is_smpte_timecode_rate(clip.source_range.duration.rate)
               for clip in found)


def test_otio_has_the_clips_in_order_with_rate_start_and_markers(exported):
    timeline = otio.adapters.read_from_file(str(exported.out / "harbour.otio"))
    assert_the_cut(timeline)
    assert len(timeline.tracks) == 1
    start = timeline.global_start_time
    assert otio.opentime.to_timecode(start, start.rate) == "01:00:00:00"
    assert start.rate == float(RATE)
    found = clips(timeline)
    fog, deck, lamp = found[:3]
    assert [marker.name for marker in fog.markers] == [
        "Notes: Fog so thick the quay lamps only glow. Foghorn on the cut."]
    assert fog.markers[0].metadata["previz"]["text"].endswith("\nFoghorn on the cut.")
    assert [marker.name for marker in deck.markers] == [
        "Dialogue: SKIPPER: Hold her steady, she knows the way."]
    assert [marker.color for marker in lamp.markers] == ["YELLOW", "GREEN"]
    previz = fog.metadata["previz"]
    assert (previz["lens_mm"], previz["shot_size"], previz["move"]) == (24.0, "WS", "dolly in 1 m")
    assert previz["moves"][0]["move"] == "dolly"
    assert previz["camera_path"]["schema"] == "CameraPath.1"
    assert list(lamp.metadata["previz"]["source_frames"]) == [4, 20]
    assert deck.metadata["previz"]["retimed"] is True
    for clip in found:
        reference = clip.media_reference
        assert isinstance(reference, otio.schema.ExternalReference)
        assert Path(otio.url_utils.filepath_from_url(reference.target_url)).is_file()
        available = reference.available_range
        assert available.start_time == start  # each movie's own timecode starts at 01:00:00:00
        assert available.duration.value == clip.source_range.duration.value + 2 * HANDLES
        assert clip.source_range.start_time.value == start.value + HANDLES


def test_otioz_bundles_the_movies(exported):
    path = exported.out / "harbour.otioz"
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
    assert "content.otio" in names
    assert {f"media/{index:02d}_{name}.mp4" for index, name in enumerate(NAMES, 1)} <= names
    timeline = otio.adapters.read_from_file(str(path))
    assert_the_cut(timeline)
    assert clips(timeline)[0].media_reference.target_url.endswith("media/01_020_0010.mp4")


def test_fcp7_xml_reads_back_with_the_same_cut(exported):
    timeline = otio.adapters.read_from_file(str(exported.out / "harbour.xml"),
                                            adapter_name="fcp_xml")
    assert_the_cut(timeline)
    start = timeline.global_start_time
    assert otio.opentime.to_timecode(start, start.rate) == "01:00:00:00"
    assert [len(clip.markers) for clip in clips(timeline)] == [1, 1, 2, 0, 0, 1, 1]


def test_edl_reads_back_with_the_same_cut_from_one_hour(exported):
    text = (exported.out / "harbour.edl").read_text(encoding="ascii")
    assert text.startswith("TITLE: harbour\nFCM: NON-DROP FRAME\n")
    timeline = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=float(RATE))
    found = clips(timeline)
    assert [clip.name for clip in found] == NAMES
    assert [clip.source_range.duration.value for clip in found] == DURATIONS
    [track] = timeline.video_tracks()
    first_record = -track.source_range.start_time
    assert otio.opentime.to_timecode(first_record, first_record.rate) == "01:00:00:00"
    records = [clip.range_in_parent().start_time.value for clip in found]
    assert records == [sum(DURATIONS[:index]) for index in range(len(DURATIONS))]
    # Locators sit at record timecode, as Avid reads them, and come back as markers.
    assert "* LOC: 01:00:00:00 YELLOW  NOTES: FOG SO THICK" in text
    assert [len(clip.markers) for clip in found] == [1, 1, 2, 0, 0, 1, 1]
    reels = [line.split()[1] for line in text.splitlines() if line[:3].isdigit()]
    assert len(set(reels)) == len(reels) and all(len(reel) <= 8 for reel in reels)


@pytest.mark.parametrize("reference", [
    otio.schema.ImageSequenceReference(target_url_base="file:///tmp/", name_prefix="s.",
                                       name_suffix=".png", rate=24),
    otio.schema.GeneratorReference(generator_kind="SMPTEBars"),
])
def test_editors_refuse_what_the_adapters_crash_on(reference):
    timeline = otio.schema.Timeline(name="t")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    track.append(otio.schema.Clip(name="c", media_reference=reference,
                                  source_range=frame_range(0, 10, Fraction(24))))
    timeline.tracks.append(track)
    with pytest.raises(EditorExportError, match="no movie"):
        check_for_editors(timeline)


def test_rates_without_timecode_are_refused():
    with pytest.raises(ValueError, match="timecode"):
        otio_rate(Fraction(16))
    assert not otio.opentime.RationalTime.is_smpte_timecode_rate(23.976)
    assert otio_rate(RATE) == otio.opentime.RationalTime.nearest_smpte_timecode_rate(23.976)


@pytest.mark.parametrize("rate", [Fraction(24000, 1001), Fraction(24), Fraction(25),
                                  Fraction(30000, 1001), Fraction(30)])
def test_burn_in_timecode_matches_otio(rate):  # non-drop at every rate
    for frame in (0, 1, 23, 24, 1439, 86400, 86400 + 1799, 3 * 86400 + 17):
        time = otio.opentime.RationalTime(frame, otio_rate(rate))
        assert timecode(frame, rate) == otio.opentime.to_timecode(time, time.rate, False)


def test_aaf_reads_back_with_the_same_cut_from_one_hour(exported):
    timeline = otio.adapters.read_from_file(str(exported.out / "harbour.aaf"))
    found = clips(timeline)
    assert [clip.name for clip in found] == NAMES
    assert [clip.source_range.duration.value for clip in found] == DURATIONS
    records = [clip.range_in_parent().start_time.value for clip in found]
    assert records == [sum(DURATIONS[:index]) for index in range(len(DURATIONS))]
    start = timeline.global_start_time
    assert otio.opentime.to_timecode(start, start.rate) == "01:00:00:00"
    # Each source starts inside its movie's handles, as in the OTIO and the EDL.
    assert {clip.source_range.start_time.value for clip in found} == {start.value + HANDLES}


def test_relative_paths_keep_media_beside_the_timelines(scene, tmp_path):
    from lxml import etree

    from previz.export import ExportOptions, export_project

    export_project(scene.project, scene.plan, scene.store, tmp_path,
                   ExportOptions(formats=frozenset({"otio", "fcp7"}), title="r",
                                 relative_paths=True))
    timeline = otio.adapters.read_from_file(str(tmp_path / "r.otio"))
    urls = [clip.media_reference.target_url for clip in clips(timeline)]
    assert urls[0] == "shots/01_020_0010.mp4"
    assert all((tmp_path / url).is_file() for url in urls)
    paths = [element.text for element in etree.parse(str(tmp_path / "r.xml")).iter("pathurl")]
    assert paths and all(not path.startswith("file:") for path in paths)
