"""Stream RGB frames into ffmpeg: the lossless clip-store format, or H.264 MP4 for delivery.

Lossless is H.264 in RGB at qp 0 (libx264rgb, High 4:4:4 Predictive; ultrafast, so CAVLC;
every frame a keyframe) in Matroska: RGB survives bit for bit, any width and height work, any
frame decodes without its neighbours (for `read_frame` and scrubbing). Damage is caught by
the store's SHA-256 seal of the whole file (engine/sidecar.py), not by the codec.

Everything that plays or exports a clip decodes it, so decoding is what the format is chosen
for. On 96 frames of a 1280x720 draft clip, decoded to rgb24 on one thread (load 3-5, 2 cores):

    FFV1 level 3, range coder      42 ms a frame,  70 kB a frame
    FFV1 level 3, Golomb-Rice      23 ms,         105 kB   (the store's format until now)
    libx264rgb qp 0, superfast     14 ms,          80 kB   (CABAC)
    libx264rgb qp 0, ultrafast      7 ms,         126 kB   (this format)
    utvideo / magicyuv              6 ms,         408 kB
    huffyuv / ffvhuff            13-15 ms,        730-760 kB

and one ffmpeg decoding the file and encoding H.264 crf 18 medium took 0-20 % more CPU time
from this format than from raw frames (FFV1 Golomb-Rice: 1.5 times as much). An export from
the store ran at 0.63x the speed of a pipe from memory with FFV1; x264 medium costs ~30-40 ms
a frame, so a decode of 7 ms instead of 23 is most of the gap. The price: 20 % more bytes
than FFV1 with the Golomb-Rice coder (16 % on the export benchmark's three draft shots; a store
of a given size holds a sixth fewer clips), 80 % more than with the range coder. Clips
written as FFV1 still read: ffmpeg finds a file's codec in it.

Matroska keeps time in whole milliseconds, so the exact rate goes into the container as
the `previz_fps` tag ("24000/1001"), which `open_reader` prefers. MP4 keeps it exactly in its
time base (1/24000 with durations of 1001 for 24000/1001).
"""

from __future__ import annotations

import os
import tempfile
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Literal

import numpy as np

from previz.media.ffmpeg import ENCODER_THREADS, FfmpegProcess
from previz.media.metadata import check_metadata, format_ffmetadata

Codec = Literal["lossless", "h264"]
FPS_TAG = "previz_fps"
X264_PRESETS = (
    "ultrafast", "superfast", "veryfast", "faster", "fast",
    "medium", "slow", "slower", "veryslow", "placebo",
)  # fmt: skip
SILENT_AUDIO = "anullsrc=channel_layout=stereo:sample_rate=48000"
_SUFFIX: dict[str, str] = {"lossless": ".mkv", "h264": ".mp4"}
_LOSSLESS_ARGS = [
    "-c:v", "libx264rgb", "-qp", "0", "-preset", "ultrafast", "-g", "1",
    "-pix_fmt", "rgb24", "-f", "matroska",
]  # fmt: skip
# Tag and convert as Rec.709 limited range; setparams also tags primaries and transfer,
# which scale alone leaves unset.
REC709_FILTER = (
    "scale=out_color_matrix=bt709:out_range=tv,"
    "setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709,setsar=1"
)


def open_writer(
    path: str | os.PathLike[str],
    width: int,
    height: int,
    fps: Fraction | int,
    codec: Codec = "lossless",
    *,
    metadata: Mapping[str, str] | None = None,
    crf: int = 18,
    preset: str = "medium",
    timecode: str | None = None,
    silent_audio: bool = False,
) -> FrameWriter:
    """Start writing a video of `width` x `height` RGB frames at `fps` to `path`.

    `codec` "lossless" writes RGB H.264 at qp 0 in Matroska (`.mkv`), "h264" writes H.264
    yuv420p MP4 (`.mp4`, Rec.709, +faststart; even sizes only). `crf` and `preset` apply to "h264".
    `metadata` keys must be lower-case identifiers; values may be any text. `timecode`
    ("01:00:00:00", or "01:00:00;00" for drop-frame) gives an MP4 a timecode track starting
    there; `silent_audio` adds a silent 48 kHz stereo AAC track as long as the picture.
    """
    target = Path(path)
    rate = check_rate(fps)
    check_request(target, width=width, height=height, codec=codec, crf=crf, preset=preset)
    tags = {**(metadata or {})}
    check_metadata(tags)
    if FPS_TAG in tags:
        raise ValueError(f"metadata key {FPS_TAG!r} is reserved: the writer sets it")
    tags[FPS_TAG] = f"{rate.numerator}/{rate.denominator}"
    return FrameWriter(
        target,
        width=width,
        height=height,
        fps=rate,
        codec=codec,
        tags=tags,
        crf=crf,
        preset=preset,
        extras=extra_args(codec, timecode, silent_audio),
    )


def extra_args(codec: str, timecode: str | None, silent_audio: bool, *,
               audio_input: int = 2) -> ExtraArgs:
    """The inputs and output options for a timecode track and silent audio; the audio is
    input number ``audio_input`` (after the picture and the tags)."""
    if codec != "h264" and (timecode or silent_audio):
        raise ValueError("timecode tracks and silent audio are for H.264 movies")
    inputs = ["-f", "lavfi", "-i", SILENT_AUDIO] if silent_audio else []
    output = (["-map", f"{audio_input}:a:0", "-c:a", "aac", "-b:a", "96k", "-shortest"]
              if silent_audio else [])
    if timecode:
        output += ["-timecode", timecode]
    return ExtraArgs(inputs, output)


@dataclass(frozen=True)
class ExtraArgs:
    """ffmpeg arguments beyond the picture: more inputs, and output options."""

    inputs: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)


class FrameWriter:
    """An ffmpeg encoding into a temporary file that becomes `path` only on a clean close.

    Use it as a context manager: an exception in the block, or `abort()`, kills ffmpeg and
    leaves nothing at the target or temporary path.
    """

    def __init__(
        self,
        path: Path,
        *,
        width: int,
        height: int,
        fps: Fraction,
        codec: Codec,
        tags: Mapping[str, str],
        crf: int,
        preset: str,
        extras: ExtraArgs | None = None,
    ) -> None:
        extras = extras or ExtraArgs()
        self.path = path
        self.width = width
        self.height = height
        self.fps = fps
        self.codec = codec
        self.frames_written = 0
        self._temp_path = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.partial")
        self._tags_path = write_tags_file(tags)
        args = [
            *_input_args(width, height, fps, self._tags_path, extras.inputs),
            *(_LOSSLESS_ARGS if codec == "lossless" else _h264_args(crf, preset)),
            *extras.output,
            "-threads", ENCODER_THREADS, "-y", str(self._temp_path),
        ]  # fmt: skip
        try:
            self._process: FfmpegProcess | None = FfmpegProcess(args, path=path, pipe_stdin=True)
        except BaseException:
            self._tags_path.unlink(missing_ok=True)
            raise
        self._finalizer = weakref.finalize(
            self, _discard, self._process, self._temp_path, self._tags_path
        )

    def write(self, frame: np.ndarray) -> None:
        """Send one HxWx3 uint8 RGB frame to the encoder."""
        process = self._require_open()
        expected = (self.height, self.width, 3)
        if not isinstance(frame, np.ndarray) or frame.shape != expected:
            got = frame.shape if isinstance(frame, np.ndarray) else type(frame).__name__
            raise ValueError(f"{self.path}: expected a frame of shape {expected}, got {got}")
        if frame.dtype != np.uint8:
            raise ValueError(f"{self.path}: expected a uint8 frame, got dtype {frame.dtype}")
        stdin = process.popen.stdin
        assert stdin is not None
        try:
            stdin.write(np.ascontiguousarray(frame).data)
        except OSError as exc:
            process.popen.wait()
            error = process.error(f"encoder stopped after {self.frames_written} frames")
            self.abort()
            raise error from exc
        self.frames_written += 1

    def close(self) -> None:
        """Finish encoding and move the file into place; raise MediaError if ffmpeg failed."""
        process = self._require_open()
        self._process = None
        try:
            if self.frames_written == 0:
                raise process.error("no frames were written")
            process.finish("encoding failed")
            os.replace(self._temp_path, self.path)
        finally:
            self._finalizer()

    def abort(self) -> None:
        """Kill ffmpeg and delete what it wrote. Does nothing once closed or aborted."""
        self._process = None
        self._finalizer()

    @property
    def closed(self) -> bool:
        """Whether `close` or `abort` has run."""
        return self._process is None

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            if not self.closed:
                self.close()
        else:
            self.abort()

    def _require_open(self) -> FfmpegProcess:
        if self._process is None:
            raise ValueError(f"{self.path}: writer is closed")
        return self._process


def _input_args(width: int, height: int, fps: Fraction, tags_path: Path,
                more: list[str]) -> list[str]:
    return [
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
        "-framerate", f"{fps.numerator}/{fps.denominator}", "-i", "-",
        "-f", "ffmetadata", "-i", str(tags_path), *more,
        "-map", "0:v:0", "-map_metadata", "1", "-fps_mode", "passthrough",
    ]  # fmt: skip


def _h264_args(crf: int, preset: str) -> list[str]:
    return ["-vf", REC709_FILTER, *h264_codec_args(crf, preset)]


def h264_codec_args(crf: int, preset: str) -> list[str]:
    """The delivery H.264's encoder and container options (its picture goes through
    ``REC709_FILTER`` first)."""
    return [
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf),
        "-pix_fmt", "yuv420p", "-color_range", "tv", "-colorspace", "bt709",
        "-color_primaries", "bt709", "-color_trc", "bt709",
        "-movflags", "+faststart+use_metadata_tags", "-f", "mp4",
    ]  # fmt: skip


def check_rate(fps: Fraction | int) -> Fraction:
    """``fps`` as a positive Fraction; TypeError for a float, ValueError for zero or less."""
    if isinstance(fps, float) or not isinstance(fps, (Fraction, int)):
        raise TypeError(f"fps must be a Fraction or int, got {fps!r}")
    rate = Fraction(fps)
    if rate <= 0:
        raise ValueError(f"fps must be positive, got {rate}")
    return rate


def check_request(
    path: Path, *, width: int, height: int, codec: str, crf: int, preset: str
) -> None:
    """ValueError naming ``path`` unless the codec, name, size, crf and preset can be written."""
    if codec not in _SUFFIX:
        raise ValueError(f"codec must be one of {sorted(_SUFFIX)}, got {codec!r}")
    if path.suffix.lower() != _SUFFIX[codec]:
        raise ValueError(f"{path}: a {codec} video must be named *{_SUFFIX[codec]}")
    if width <= 0 or height <= 0:
        raise ValueError(f"{path}: frame size must be positive, got {width}x{height}")
    if codec == "h264" and (width % 2 or height % 2):
        raise ValueError(f"{path}: H.264 yuv420p needs an even width and height, "
                         f"got {width}x{height}")  # fmt: skip
    if not 0 <= crf <= 51:
        raise ValueError(f"crf must be in 0..51, got {crf}")
    if preset not in X264_PRESETS:
        raise ValueError(f"preset must be one of {X264_PRESETS}, got {preset!r}")


def write_tags_file(tags: Mapping[str, str]) -> Path:
    """A temporary ffmetadata file holding ``tags``; the caller removes it."""
    # A file, not -metadata arguments: a provenance tag may outgrow the command-line limits.
    handle, name = tempfile.mkstemp(prefix="previz-tags-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
        file.write(format_ffmetadata(tags))
    return Path(name)


def _discard(process: FfmpegProcess, temp_path: Path, tags_path: Path) -> None:
    process.kill()
    temp_path.unlink(missing_ok=True)
    tags_path.unlink(missing_ok=True)
