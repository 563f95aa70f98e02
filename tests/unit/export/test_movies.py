"""Shot and cut movies, read back through the same ffmpeg: codec, pixels, count, exact rate."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from previz.engine.backend import Cancelled, CancelToken
from previz.export import ExportOptions, build_cut, export_project
from previz.export.burnin import BurnIn, band_height, burn_in
from previz.media import open_reader, probe, read_metadata


def test_every_movie_is_h264_yuv420p_rec709_at_the_exact_rate(exported):
    cut = build_cut(exported.scene.project, exported.scene.plan, exported.scene.store)
    movies = [exported.out / "shots" / f"{entry.stem}.mp4" for entry in cut.entries]
    counts = [entry.movie_frame_count for entry in cut.entries]
    movies.append(exported.out / "harbour_cut.mp4")
    counts.append(cut.frame_count)
    for movie, count in zip(movies, counts, strict=True):
        info = probe(movie)
        assert (info.codec, info.pix_fmt) == ("h264", "yuv420p"), movie
        assert (info.color.space, info.color.primaries, info.color.transfer) == (
            "bt709", "bt709", "bt709")
        assert info.frame_count == count, movie
        assert info.rate == Fraction(24000, 1001), movie
        assert info.time_base == Fraction(1, 24000)
        assert set(info.durations) == {1001}


def test_trims_and_retimes_give_the_cut_its_frame_counts(exported):
    counts = [probe(exported.out / "shots" / name).frame_count for name in (
        "01_020_0010.mp4", "02_020_0020.mp4", "03_020_0030.mp4", "04_STILL_04.mp4",
        "05_SOURCE_05.mp4", "06_020_0010_2.mp4", "07_020_0020_2.mp4")]
    # 24 frames; 16 at 16 fps retimed to 24; in 4 out 20; 0.5 s; in 5 out 15; out 6; retimed;
    # each with 12 frames of handles either side.
    assert counts == [count + 24 for count in [24, 24, 16, 12, 10, 6, 24]]
    notes = exported.report.notes
    assert any("020_0020: retimed from 16 fps to 23.976 fps" in note for note in notes)
    assert any("16 frames became 24" in note for note in notes)
    assert probe(exported.out / "harbour_cut.mp4").frame_count == sum(counts) - 7 * 24


def test_a_trimmed_movie_holds_its_handles_around_its_in_point(exported):
    scene = exported.scene
    source = scene.plan.nodes[scene.nodes["source"].id]
    clip = scene.store.clip(source.key)
    frames = list(scene.store.frames(clip))
    with open_reader(exported.out / "shots" / "05_SOURCE_05.mp4") as reader:
        movie = list(reader)
    # In 5, out 15 of 20 frames: 12 head frames are 7 held copies of frame 0, then frames
    # 0-4 as rendered; the cut's in point is the movie's frame 12; the tail has frames 15-19,
    # then frame 19 held.
    assert len(movie) == 10 + 24

    def nearest(picture: np.ndarray) -> int:
        errors = [float(np.abs(picture[:72].astype(int) - frame.astype(int)).mean())
                  for frame in frames]
        return int(np.argmin(errors))

    assert [nearest(movie[index]) for index in (0, 6, 7, 11, 12, 21, 22, 26, 27, 33)] == [
        0, 0, 0, 4, 5, 14, 15, 19, 19, 19]
    sequence = sorted((exported.out / "png" / "05_SOURCE_05").glob("*.png"))
    assert [path.name for path in sequence[:2]] == ["05_SOURCE_05.0001.png",
                                                    "05_SOURCE_05.0002.png"]
    pngs = [np.asarray(Image.open(path).convert("RGB")) for path in sequence]
    assert len(pngs) == 10
    assert all(np.array_equal(png, frames[5 + index]) for index, png in enumerate(pngs))


def test_the_cut_is_the_project_size_and_burnt_in(exported):
    info = probe(exported.out / "harbour_cut.mp4")
    # The project's 128x72 picture and, under it, the burn-in band.
    assert (info.width, info.height) == (128, 72 + band_height(128, 72))
    tags = read_metadata(exported.out / "harbour_cut.mp4")
    assert tags["title"] == "harbour"
    assert "previz_recipe" in tags


def test_burn_in_adds_a_band_under_the_picture_and_hides_none_of_it():
    frame = np.full((720, 1280, 3), 200, np.uint8)
    frame.flags.writeable = False  # store frames are read-only: the burn-in copies
    burnt = burn_in(frame, BurnIn("010_0010", "01:00:00:00", 1001))
    assert burnt.shape == (720 + band_height(1280, 720), 1280, 3)
    assert np.array_equal(burnt[:720], frame)
    band = burnt[720:]
    assert (band > 128).all(axis=2).sum() > 1000  # white print on the dark band
    assert (frame == 200).all()


def test_a_clip_of_another_size_is_fitted_into_the_cut(exported, tmp_path):
    scene = exported.scene
    project = scene.project
    settings = project.settings
    project.settings = type(settings)(settings.rate, 160, 72)
    try:
        report = export_project(project, scene.plan, scene.store, tmp_path,
                                ExportOptions(formats=frozenset({"cut"}), title="wide"))
    finally:
        project.settings = settings
    assert report.files == (tmp_path / "wide_cut.mp4",)
    info = probe(tmp_path / "wide_cut.mp4")
    assert (info.width, info.height, info.frame_count) == (160, 72, 116)


@pytest.mark.parametrize("rate", [Fraction(25), Fraction(30000, 1001)])
def test_another_editorial_rate_retimes_everything_and_says_so(exported, tmp_path,
                                                               rate):
    scene = exported.scene
    cut = build_cut(scene.project, scene.plan, scene.store, rate=rate)
    assert all(entry.retimed for entry in cut.entries)
    report = export_project(scene.project, scene.plan, scene.store, tmp_path,
                            ExportOptions(formats=frozenset({"cut"}), rate=rate, title="r"))
    assert len(report.notes) == len(cut.entries)
    info = probe(tmp_path / "r_cut.mp4")
    assert info.rate == rate
    assert info.frame_count == cut.frame_count


def test_a_cancelled_export_leaves_no_half_file(exported, tmp_path):
    scene = exported.scene
    token = CancelToken()
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 60:
            token.cancel()

    with pytest.raises(Cancelled):
        export_project(scene.project, scene.plan, scene.store, tmp_path,
                       ExportOptions(formats=frozenset({"cut", "shots"}), title="c"),
                       progress=progress, cancel=token)
    assert seen[-1] == (60, 116 + 7 * 24)  # the shot movies' handles are frames too
    left = sorted(path.name for path in tmp_path.rglob("*"))
    assert left == ["01_020_0010.mp4", "shots"]  # the finished shot stays, nothing half done


def test_unknown_formats_and_papers_are_refused():
    with pytest.raises(ValueError, match="unknown export format 'mov'"):
        ExportOptions(formats=frozenset({"mov"}))
    with pytest.raises(ValueError, match="paper 'a3'"):
        ExportOptions(paper="a3")
