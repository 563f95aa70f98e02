"""Encode runs of frames from lossless files into an H.264 movie in one ffmpeg, no pipe.

Where an export plays stored frames as they are (no burn-in, no retime, no resizing), one
ffmpeg decodes the store's files and encodes the movie: decoding runs on ffmpeg's own threads
beside the encoder, and no frame crosses a pipe twice through Python. Each run's frames are
cut by number (``trim``), so a run is exact whatever the file's timestamps; the joined frames
are renumbered at the movie's rate, as the writer's pipe numbers them.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from previz.media.ffmpeg import ENCODER_THREADS, FfmpegProcess, MediaError, kill_and_reap
from previz.media.metadata import check_metadata
from previz.media.probe import probe
from previz.media.writer import (
    FPS_TAG,
    REC709_FILTER,
    check_rate,
    check_request,
    extra_args,
    h264_codec_args,
    write_tags_file,
)

POLL_SECONDS = 0.1


MAX_RUNS = 48  # each input costs ffmpeg ~8 MB and ~70 ms of CPU time (1280x720)
# One thread a decoder: ffmpeg decodes on its own thread beside the encoder's anyway, and frame
# threads cost 5 % more CPU time (96 frames of 1280x720 into x264 medium, load 7).


@dataclass(frozen=True)
class FrameRun:
    """Frames ``start`` to ``stop`` (not included) of the video file at ``path``, which holds
    one frame every ``1 / fps`` seconds from time 0 (as ``open_writer`` writes them)."""

    path: Path
    start: int
    stop: int
    fps: Fraction

    def input_args(self) -> list[str]:
        """Read the file from frame ``start`` to frame ``stop``: seek and stop half a frame
        before each, so that rounded timestamps (Matroska's milliseconds) still fall right."""
        seek = ["-ss", _seconds(self.start, self.fps)] if self.start else []
        return [*seek, "-to", _seconds(self.stop, self.fps), "-i", str(self.path)]


def _seconds(frame: int, fps: Fraction) -> str:
    return f"{float((frame - Fraction(1, 2)) / fps):.6f}"


def encode_runs(
    path: Path,
    runs: Sequence[FrameRun],
    width: int,
    height: int,
    fps: Fraction,
    *,
    metadata: Mapping[str, str],
    crf: int = 18,
    preset: str = "medium",
    timecode: str | None = None,
    silent_audio: bool = False,
    poll: Callable[[], None] | None = None,
) -> int:
    """Write the frames of ``runs``, one after another, as an H.264 MP4 at ``path`` (as
    ``open_writer(..., "h264")`` would from the same frames); the frames written.

    Every run's file must hold ``width`` x ``height`` frames. ``poll`` is called while
    ffmpeg works; an exception from it stops ffmpeg and leaves no file, as any failure does.
    """
    rate = check_rate(fps)
    check_request(path, width=width, height=height, codec="h264", crf=crf, preset=preset)
    if not runs or any(run.stop <= run.start or run.start < 0 for run in runs):
        raise ValueError(f"{path}: every run of frames must hold at least one frame")
    if len(runs) > MAX_RUNS:
        raise ValueError(f"{path}: {len(runs)} runs of frames, more than one ffmpeg takes"
                         f" ({MAX_RUNS})")
    tags = {**metadata}
    check_metadata(tags)
    tags[FPS_TAG] = f"{rate.numerator}/{rate.denominator}"
    expected = sum(run.stop - run.start for run in runs)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.partial")
    tags_path = write_tags_file(tags)
    try:
        extras = extra_args("h264", timecode, silent_audio, audio_input=len(runs) + 1)
        args = [
            *[arg for run in runs for arg in ("-threads", "1", *run.input_args())],
            "-f", "ffmetadata", "-i", str(tags_path), *extras.inputs,
            "-filter_complex", _graph(runs, rate), "-map", "[out]",
            "-map_metadata", str(len(runs)),
            "-r", f"{rate.numerator}/{rate.denominator}",
            *h264_codec_args(crf, preset), *extras.output,
            "-threads", ENCODER_THREADS, "-y", str(temp),
        ]  # fmt: skip
        _run(FfmpegProcess(args, path=path, pipe_stdin=False), poll)
        written = probe(temp).frame_count
        if written != expected:
            raise MediaError(f"{path}: the files gave {written} frames, not {expected}")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
        tags_path.unlink(missing_ok=True)
    return expected


def _graph(runs: Sequence[FrameRun], rate: Fraction) -> str:
    cuts = [f"[{index}:v:0]trim=end_frame={run.stop - run.start},"
            f"setpts=PTS-STARTPTS[r{index}]"
            for index, run in enumerate(runs)]
    joined = "".join(f"[r{index}]" for index in range(len(runs)))
    step = f"{rate.denominator}/{rate.numerator}"
    return ";".join([*cuts, f"{joined}concat=n={len(runs)}:v=1:a=0,settb={step},setpts=N,"
                            f"{REC709_FILTER}[out]"])


def _run(process: FfmpegProcess, poll: Callable[[], None] | None) -> None:
    """Wait for ``process``, calling ``poll`` first and then as it works; kill it if ``poll``
    raises."""
    try:
        while True:
            if poll is not None:
                poll()
            try:
                process.popen.wait(POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                continue
    except BaseException:
        kill_and_reap(process.popen)
        process.kill()
        raise
    process.finish("encoding failed")
