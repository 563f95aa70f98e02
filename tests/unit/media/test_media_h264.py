"""H.264 MP4 delivery files: yuv420p, Rec.709, exact fractional rates, faststart."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.media import ffmpeg_exe, open_reader, open_writer, probe

ClipMaker = Callable[..., Path]


@pytest.mark.parametrize(
    "fps", [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(16)]
)
def test_rate_and_frame_count_are_exact(make_clip: ClipMaker, fps: Fraction) -> None:
    info = probe(make_clip("shot.mp4", 10, fps=fps, codec="h264", preset="ultrafast"))
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (info.width, info.height) == (64, 48)
    assert info.frame_count == 10
    assert info.rate == fps
    assert all(duration * info.time_base == 1 / fps for duration in info.durations)
    assert info.frame_times == tuple(range(0, 10 * info.durations[0], info.durations[0]))


@pytest.mark.parametrize("fps", [Fraction(24000, 1001), Fraction(30000, 1001)])
def test_ntsc_rates_keep_their_time_base(make_clip: ClipMaker, fps: Fraction) -> None:
    info = probe(make_clip("ntsc.mp4", 8, fps=fps, codec="h264", preset="ultrafast"))
    assert info.time_base == Fraction(1, fps.numerator)
    assert set(info.durations) == {1001}


def test_2398_is_a_rate_of_its_own(make_clip: ClipMaker) -> None:
    # ffmpeg -i prints "23.98 fps" for this and for 24000/1001 alike.
    info = probe(make_clip("odd.mp4", 8, fps=Fraction(2398, 100), codec="h264"))
    assert info.rate == Fraction(2398, 100)
    assert info.rate != Fraction(24000, 1001)
    assert info.time_base == Fraction(1, 19184)
    assert set(info.durations) == {800}


def test_stream_is_tagged_rec709_limited_range(make_clip: ClipMaker) -> None:
    color = probe(make_clip("tags.mp4", 3, codec="h264")).color
    assert (color.range, color.space, color.primaries, color.transfer) == (
        "tv", "bt709", "bt709", "bt709",
    )  # fmt: skip


def test_rgb_is_converted_with_the_rec709_matrix(tmp_path: Path) -> None:
    path = tmp_path / "red.mp4"
    red = np.zeros((48, 64, 3), np.uint8)
    red[..., 0] = 255
    with open_writer(path, 64, 48, 24, "h264") as writer:
        for _ in range(3):
            writer.write(red)
    yuv = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    luma, cb, cr = yuv[64 * 24], yuv[64 * 48 + 8], yuv[64 * 48 + 32 * 24 + 8]
    # Rec.709 limited range red is (63, 102, 240); Rec.601 would give (81, 90, 240).
    assert abs(luma - 63) <= 2 and abs(cb - 102) <= 2 and abs(cr - 240) <= 2
    with open_reader(path) as reader:
        back = next(reader)
    assert np.abs(back[24, 32].astype(int) - (255, 0, 0)).max() <= 6


def test_index_is_at_the_front_for_streaming(make_clip: ClipMaker) -> None:
    data = make_clip("fast.mp4", 3, codec="h264").read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")


@pytest.mark.parametrize(("width", "height"), [(63, 48), (64, 47)])
def test_odd_sizes_are_refused(tmp_path: Path, width: int, height: int) -> None:
    with pytest.raises(ValueError, match="even width and height"):
        open_writer(tmp_path / "odd.mp4", width, height, 24, "h264")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("option", "value"), [("crf", 52), ("crf", -1), ("preset", "warp")])
def test_bad_encoder_settings_are_refused(tmp_path: Path, option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        open_writer(tmp_path / "x.mp4", 64, 48, 24, "h264", **{option: value})  # type: ignore[arg-type]
