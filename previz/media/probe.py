"""Probe a video stream: codec, size, colour tags and exact timing from ffmpeg's framemd5."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from previz.media.ffmpeg import error_for, run_ffmpeg

_TIME_BASE = re.compile(r"^#tb 0: (\d+)/(\d+)\s*$", re.MULTILINE)
_PACKET = re.compile(r"^0,\s*(-?\d+),\s*(-?\d+),\s*(-?\d+),", re.MULTILINE)
_VIDEO_STREAM = re.compile(r"^\s*Stream #\d+:\d+\S*: Video: (.*)$", re.MULTILINE)
_PIX_FMT = re.compile(r"(?P<name>[a-z0-9_]+)(?: \(\d+ bpc\))?(?:\((?P<tags>.*)\))?")
_SIZE = re.compile(r"(\d+)x(\d+)\b")
_RANGES = frozenset({"tv", "pc"})


@dataclass(frozen=True)
class ColorTags:
    """The colour description a stream carries ("unknown" where it carries none)."""

    range: str = "unknown"
    space: str = "unknown"
    primaries: str = "unknown"
    transfer: str = "unknown"


@dataclass(frozen=True)
class StreamInfo:
    """What `probe` learns about the first video stream of a file.

    `frame_times` and `durations` are per frame, in presentation order, in `time_base` units.
    `rate` is exact: 1 / (duration * time_base) when every frame has the same duration and
    follows the previous one by exactly that; otherwise None (e.g. Matroska stores times in
    whole milliseconds, so 24000/1001 alternates 41 and 42).
    """

    path: str
    codec: str
    pix_fmt: str
    width: int
    height: int
    color: ColorTags
    time_base: Fraction
    frame_times: tuple[int, ...]
    durations: tuple[int, ...]
    rate: Fraction | None

    @property
    def frame_count(self) -> int:
        """Number of frames (packets) in the stream."""
        return len(self.frame_times)

    @property
    def duration(self) -> Fraction:
        """Sum of the frame durations, in seconds."""
        return sum(self.durations, 0) * self.time_base


def probe(path: str | os.PathLike[str]) -> StreamInfo:
    """Describe the first video stream of `path`; raise MediaError if it has none.

    One ffmpeg run copies the stream's packets into framemd5 (no decoding) for the timing and
    prints the input's description on stderr for codec, pixel format, size and colour tags.
    """
    result = run_ffmpeg(
        ["-i", os.fspath(path), "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-"],
        path=path,
        what="not a readable video file",
        loglevel="info",
    )
    stream = _VIDEO_STREAM.search(result.stderr)
    framemd5 = result.stdout.decode("ascii", errors="replace")
    time_base = _TIME_BASE.search(framemd5)
    if stream is None or time_base is None:
        raise error_for(path, "ffmpeg described no video stream", result.stderr)
    try:
        description = parse_stream_description(stream.group(1))
    except ValueError as exc:
        raise error_for(path, str(exc), result.stderr) from exc
    timing = parse_packets(framemd5)
    tb = Fraction(int(time_base.group(1)), int(time_base.group(2)))
    return StreamInfo(
        path=os.fspath(path),
        codec=description.codec,
        pix_fmt=description.pix_fmt,
        width=description.width,
        height=description.height,
        color=description.color,
        time_base=tb,
        frame_times=timing.frame_times,
        durations=timing.durations,
        rate=exact_rate(timing, tb),
    )


@dataclass(frozen=True)
class StreamDescription:
    """The parts of ffmpeg's one-line stream description that `probe` uses."""

    codec: str
    pix_fmt: str
    width: int
    height: int
    color: ColorTags


def parse_stream_description(text: str) -> StreamDescription:
    """Parse what follows "Video: " in ffmpeg's stream line.

    E.g. "h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 64x48 [SAR 1:1
    DAR 4:3], 29 kb/s, 23.98 fps, 23.98 tbr, 24k tbn (default)".
    """
    fields = _split_top_level(text)
    sizes = [size for size in map(_SIZE.match, fields[1:]) if size is not None]
    if not sizes:
        raise ValueError(f"no frame size in stream description {text!r}")
    pix_fmt, color = "unknown", ColorTags()
    if len(fields) > 1 and not _SIZE.match(fields[1]):
        pix_match = _PIX_FMT.fullmatch(fields[1])
        if pix_match is not None:
            pix_fmt, color = pix_match["name"], parse_color_tags(pix_match["tags"] or "")
    codec = fields[0].split(" ", 1)[0]
    return StreamDescription(codec, pix_fmt, int(sizes[0][1]), int(sizes[0][2]), color)


def parse_color_tags(text: str) -> ColorTags:
    """Parse the parenthesised tags after a pixel format, e.g. "tv, bt709/unknown/unknown"."""
    color_range, space, primaries, transfer = "unknown", "unknown", "unknown", "unknown"
    for token in (t.strip() for t in _split_top_level(text)):
        if token in _RANGES:
            color_range = token
        elif token.count("/") == 2:
            space, primaries, transfer = token.split("/")
        elif token != "progressive" and "first" not in token and re.fullmatch(r"[\w-]+", token):
            space = primaries = transfer = token
    return ColorTags(color_range, space, primaries, transfer)


@dataclass(frozen=True)
class PacketTiming:
    """Presentation times and durations of a stream's frames, in time-base units."""

    frame_times: tuple[int, ...]
    durations: tuple[int, ...]


def parse_packets(framemd5: str) -> PacketTiming:
    """Read (pts, duration) of every stream-0 packet of framemd5 output, in presentation order.

    Packets come in decode order; with B-frames that differs from the order they are shown in.
    """
    packets = sorted((int(pts), int(duration)) for _, pts, duration in _PACKET.findall(framemd5))
    return PacketTiming(
        frame_times=tuple(pts for pts, _ in packets),
        durations=tuple(duration for _, duration in packets),
    )


def exact_rate(timing: PacketTiming, time_base: Fraction) -> Fraction | None:
    """The frame rate if every frame lasts the same and follows the last one by exactly that."""
    if not timing.durations or timing.durations[0] <= 0:
        return None
    step = timing.durations[0]
    if any(d != step for d in timing.durations):
        return None
    if any(b - a != step for a, b in pairwise(timing.frame_times)):
        return None
    return 1 / (step * time_base)


def _split_top_level(text: str) -> list[str]:
    """Split on ", " except inside (), [] — ffmpeg nests commas in its descriptions."""
    fields, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            fields.append(text[start:i].strip())
            start = i + 1
    fields.append(text[start:].strip())
    return fields
