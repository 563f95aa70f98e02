"""Timecode truth: EDL, FCP 7 XML, OTIO and the movies' timecode tracks agree at every rate,
drop-frame and non-drop, read back by pycmx, lxml, OpenTimelineIO and ffmpeg."""

from __future__ import annotations

import re
import subprocess
from contextlib import contextmanager
from fractions import Fraction

import opentimelineio as otio
import pycmx
import pytest
from lxml import etree

from previz.conform import read_cut
from previz.core.project_settings import with_extras
from previz.export import ExportError, ExportOptions, build_cut, export_project
from previz.export.timecode import TimecodeClock
from previz.media.ffmpeg import ffmpeg_exe

CASES = [(Fraction(24000, 1001), "df"), (Fraction(24), "df"), (Fraction(25), "df"),
         (Fraction(30000, 1001), "df"), (Fraction(30000, 1001), "ndf")]
EDITORIAL = frozenset({"shots", "cut", "otio", "fcp7", "edl"})


def ffmpeg_info(path) -> str:
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                            capture_output=True, text=True, check=False)
    return result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("rate", "mode"), CASES, ids=lambda case: str(case).replace("/", "_"))
def test_every_export_gives_the_same_record_timecodes(scene, tmp_path, rate, mode):
    export_project(scene.project, scene.plan, scene.store, tmp_path,
                   ExportOptions(formats=EDITORIAL, rate=rate, title="h", timecode=mode,
                                 silent_audio=True))
    cut = build_cut(scene.project, scene.plan, scene.store, rate=rate, timecode=mode)
    drop = mode == "df" and rate == Fraction(30000, 1001)
    clock = TimecodeClock(rate, drop)
    separator = ";" if drop else ":"
    expected_records = [clock.label(clock.start + entry.record_in) for entry in cut.entries]
    assert expected_records[0] == f"01:00:00{separator}00"

    # The EDL, read by pycmx: FCM and separators agree; records from the sequence start.
    text = (tmp_path / "h.edl").read_text(encoding="ascii")
    assert ("FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME") in text.splitlines()[1]
    with open(tmp_path / "h.edl", encoding="ascii") as file:
        edl = pycmx.parse_cmx3600(file)
    edits = [event.edits[0] for event in edl.events]
    assert [edit.record_in for edit in edits] == expected_records
    labels = [label for edit in edits for label in (edit.source_in, edit.source_out,
                                                    edit.record_in, edit.record_out)]
    assert all(label[8] == separator for label in labels), labels
    # Locators are written non-drop (a ':' label, the only kind OTIO's reader takes) at the
    # record frame of the entry they mark.
    ndf = TimecodeClock(rate)
    locators = [ndf.frame(label) for label in re.findall(r"\* LOC: (\S+)", text)]
    assert locators and set(locators) <= {clock.start + entry.record_in for entry in cut.entries}
    # OpenTimelineIO reads the EDL back: the same records and every locator as a marker,
    # at the same frame.
    read = otio.adapters.read_from_file(str(tmp_path / "h.edl"), rate=rate)
    marks = [round(marker.marked_range.start_time.value) for clip in read.find_clips()
             for marker in clip.markers]
    assert marks == locators
    [edl_track] = read.video_tracks()
    offset = round(-edl_track.source_range.start_time.value)
    assert [clock.label(offset + round(clip.range_in_parent().start_time.value))
            for clip in read.find_clips()] == expected_records
    # Sources sit inside each movie's handles; the movie's timecode starts at 01:00:00:00.
    assert {edit.source_in for edit in edits} == {clock.label(clock.start + 12)}
    assert [edit.source for edit in edits] == [entry.reel for entry in cut.entries]

    # The OTIO: the same start and records.
    timeline = otio.adapters.read_from_file(str(tmp_path / "h.otio"))
    start = timeline.global_start_time
    assert start.value == clock.start
    assert otio.opentime.to_timecode(start, start.rate, drop) == expected_records[0]
    [track] = timeline.video_tracks()
    records = [clock.label(clock.start + round(clip.range_in_parent().start_time.value))
               for clip in track.find_clips()]
    assert records == expected_records

    # The XML (lxml): the sequence's timecode, display format, frame size and clip starts.
    xml = etree.parse(str(tmp_path / "h.xml"))
    sequence = xml.find(".//sequence")
    assert sequence.findtext("timecode/string") == expected_records[0]
    assert sequence.findtext("timecode/displayformat") == ("DF" if drop else "NDF")
    assert int(sequence.findtext("timecode/frame")) == clock.start
    assert sequence.findtext("media/video/format/samplecharacteristics/width") == "128"
    assert sequence.findtext("media/video/format/samplecharacteristics/height") == "72"
    items = sequence.findall(".//clipitem")
    assert [clock.label(clock.start + int(item.findtext("start"))) for item in items] == (
        expected_records)
    assert all(len(item.findall("rate")) == 1 for item in items)
    assert all(item.find("file/media/video/samplecharacteristics/width") is not None
               for item in items if item.find("file/pathurl") is not None)
    assert {item.findtext("in") for item in items} == {"12"}  # trimmed inside the handles
    # Clip markers sit on the first frame the cut plays, counted from the file's start.
    marked = [item for item in items if item.find("marker") is not None]
    assert marked and {marker.findtext("in") for item in marked
                       for marker in item.findall("marker")} == {"12"}

    # The movies: a timecode track, the reel and a silent 48 kHz stereo track.
    for entry in cut.entries:
        info = ffmpeg_info(tmp_path / "shots" / f"{entry.stem}.mp4")
        assert "tmcd" in info
        assert re.search(rf"timecode\s+: 01:00:00{re.escape(separator)}00", info)
        assert re.search(rf"reel_name\s+: {entry.reel}\b", info)
        assert re.search(r"Audio: aac.*48000 Hz, stereo", info)
    cut_info = ffmpeg_info(tmp_path / "h_cut.mp4")
    assert re.search(rf"timecode\s+: {re.escape(expected_records[0])}", cut_info)


def test_drop_frame_counts_as_editors_do():
    clock = TimecodeClock(Fraction(30000, 1001), drop=True)
    assert clock.start == 107892  # an hour of drop-frame labels
    assert TimecodeClock(Fraction(30000, 1001)).start == 108000
    assert clock.label(clock.start + 108) == "01:00:03;18"
    assert clock.label(1799) == "00:00:59;29"
    assert clock.label(1800) == "00:01:00;02"  # ;00 and ;01 are skipped
    assert clock.label(17982) == "00:10:00;00"  # but not at the tenth minute
    for frame in (0, 1799, 1800, 17982, 107891, 107892, 2_000_000):
        assert clock.frame(clock.label(frame)) == frame
    assert TimecodeClock.for_mode(Fraction(25), "df").drop is False  # 25 has no drop-frame
    with pytest.raises(ValueError, match="df, ndf"):
        TimecodeClock.for_mode(Fraction(24), "dropframe")


@contextmanager
def _settings(project, **values):
    """The project with these project settings (title, start timecode) for a while."""
    before = project.settings
    project.set_settings(with_extras(before, **values))
    try:
        yield
    finally:
        project.set_settings(before)


@pytest.mark.slow
def test_the_project_start_timecode_and_title_reach_every_export(scene, tmp_path):
    """Set in Project Settings, an editor's start timecode (10:00:00:00 here) and the title
    were ignored: every export began at 01:00:00:00 under the file's name. Read back by pycmx,
    OpenTimelineIO, lxml and ffmpeg, the sequence, the shot movies' timecode tracks and the
    sources inside them now start there, and the cut carries the title; conform reads the
    edited EDL back with the same start. Files keep the file title."""
    with _settings(scene.project, title="Le Phare — nuit", start_timecode="10:00:00:00"):
        export_project(scene.project, scene.plan, scene.store, tmp_path,
                       ExportOptions(formats=EDITORIAL, title="h"))
        cut = build_cut(scene.project, scene.plan, scene.store)
        edited = read_cut(tmp_path / "h.edl", scene.project.settings.rate, 12,
                          start="10:00:00:00")
    clock = cut.clock
    assert clock.start_label == "10:00:00:00" and clock.start == 10 * 3600 * 24
    records = [clock.label(clock.start + entry.record_in) for entry in cut.entries]
    assert records[0] == "10:00:00:00"

    text = (tmp_path / "h.edl").read_text(encoding="ascii")
    assert text.splitlines()[0] == "TITLE: Le Phare - nuit"
    with open(tmp_path / "h.edl", encoding="ascii") as file:
        edits = [event.edits[0] for event in pycmx.parse_cmx3600(file).events]
    assert [edit.record_in for edit in edits] == records
    assert {edit.source_in for edit in edits} == {"10:00:00:12"}  # inside the head handles
    assert [clip.movie_in for clip in edited.clips] == [12] * len(cut.entries)

    timeline = otio.adapters.read_from_file(str(tmp_path / "h.otio"))
    assert timeline.name == "Le Phare — nuit"
    assert otio.opentime.to_timecode(timeline.global_start_time) == "10:00:00:00"
    xml = etree.parse(str(tmp_path / "h.xml"))
    sequence = xml.find(".//sequence")
    assert sequence.findtext("name") == "Le Phare — nuit"
    assert sequence.findtext("timecode/string") == "10:00:00:00"

    for entry in cut.entries:
        info = ffmpeg_info(tmp_path / "shots" / f"{entry.stem}.mp4")
        assert re.search(r"timecode\s+: 10:00:00:00", info)
    cut_info = ffmpeg_info(tmp_path / "h_cut.mp4")
    assert re.search(r"timecode\s+: 10:00:00:00", cut_info)
    assert re.search(r"title\s+: Le Phare — nuit", cut_info)


def test_a_start_timecode_drop_frame_skips_is_refused_with_the_label_to_use(scene):
    """At 29.97 drop-frame the labels ;00 and ;01 of every minute but each tenth do not exist:
    a sequence cannot start on one, and the export says which label to start at instead (the
    clock took it for two frames earlier, 00:58:59;28, without a word)."""
    with _settings(scene.project, start_timecode="00:59:00:00"):
        with pytest.raises(ExportError, match=r"00:59:00:00.*drop-frame skips.*00:59:00;02"):
            build_cut(scene.project, scene.plan, scene.store, rate=Fraction(30000, 1001))
        ndf = build_cut(scene.project, scene.plan, scene.store, rate=Fraction(30000, 1001),
                        timecode="ndf")
    assert ndf.record_timecode(0) == "00:59:00:00"
