"""Parsing what ffmpeg prints about a stream, and finding the bundled ffmpeg."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import pytest

from previz.media import ColorTags, ffmpeg_exe
from previz.media.probe import (
    PacketTiming,
    exact_rate,
    parse_color_tags,
    parse_packets,
    parse_stream_description,
)

H264 = (
    "h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 64x48 [SAR 1:1 DAR 4:3],"
    " 29 kb/s, 23.98 fps, 23.98 tbr, 24k tbn (default)"
)


def test_ffmpeg_is_the_one_in_the_wheel() -> None:
    package = Path(imageio_ffmpeg.__file__).resolve().parent
    assert Path(ffmpeg_exe()).is_relative_to(package)


def test_h264_description() -> None:
    described = parse_stream_description(H264)
    assert (described.codec, described.pix_fmt) == ("h264", "yuv420p")
    assert (described.width, described.height) == (64, 48)
    assert described.color == ColorTags("tv", "bt709", "bt709", "bt709")


@pytest.mark.parametrize(
    ("text", "pix_fmt", "color"),
    [
        ("ffv1, bgr0(pc, gbr/unknown/unknown, progressive), 161x91, 23.98 fps",
         "bgr0", ColorTags("pc", "gbr", "unknown", "unknown")),
        ("rawvideo (RGB[24] / 0x18424752), rgb24, 64x48, 24 tbr", "rgb24", ColorTags()),
        ("mpeg2video (Main), yuv420p(tv, bt470bg/bt709/bt709, top coded first (swapped)), "
         "720x576 [SAR 16:15 DAR 4:3], 25 fps",
         "yuv420p", ColorTags("tv", "bt470bg", "bt709", "bt709")),
        ("prores (HQ) (apch / 0x68637061), yuv422p10le(tv, bt709, progressive), 1920x1080, "
         "23.98 fps", "yuv422p10le", ColorTags("tv", "bt709", "bt709", "bt709")),
        ("h264, 320x240, 25 fps", "unknown", ColorTags()),
    ],
)  # fmt: skip
def test_other_descriptions(text: str, pix_fmt: str, color: ColorTags) -> None:
    described = parse_stream_description(text)
    assert (described.pix_fmt, described.color) == (pix_fmt, color)


def test_description_without_size_is_an_error() -> None:
    with pytest.raises(ValueError, match="no frame size"):
        parse_stream_description("h264 (High), yuv420p")


def test_color_tags_ignore_field_order() -> None:
    assert parse_color_tags("progressive") == ColorTags()


def test_packets_come_in_presentation_order() -> None:
    framemd5 = (
        "#tb 0: 1/24000\n#stream#, dts,        pts, duration,     size, hash\n"
        "0,      -2002,          0,     1001,     2791, 106d\n"
        "0,      -1001,       3003,     1001,      100, 106d\n"
        "0,          0,       1001,     1001,      100, 106d\n"
        "0,       1001,       2002,     1001,      100, 106d\n"
    )
    timing = parse_packets(framemd5)
    assert timing.frame_times == (0, 1001, 2002, 3003)
    assert exact_rate(timing, Fraction(1, 24000)) == Fraction(24000, 1001)


@pytest.mark.parametrize(
    ("times", "durations"),
    [((0, 42, 83, 125), (41, 41, 41, 41)), ((0, 1001, 2002), (1001, 1001, 1000)), ((), ())],
)
def test_uneven_timing_has_no_exact_rate(
    times: tuple[int, ...], durations: tuple[int, ...]
) -> None:
    assert exact_rate(PacketTiming(times, durations), Fraction(1, 1000)) is None
