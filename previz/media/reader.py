"""Stream RGB frames out of a video through an ffmpeg pipe, one frame in memory at a time."""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass
from fractions import Fraction
from types import TracebackType

import numpy as np

from previz.media.ffmpeg import FfmpegProcess, MediaError
from previz.media.metadata import read_metadata
from previz.media.probe import StreamInfo, probe
from previz.media.writer import FPS_TAG

_RATE_TAG = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class VideoInfo:
    """Size and rate of a video as `open_reader` streams it.

    `fps` comes from the container's timing where that is exact (MP4), else from the
    `previz_fps` tag the writer stores (Matroska, whose clock counts whole milliseconds);
    failing both it is the mean rate over the clip and `fps_exact` is False.
    """

    width: int
    height: int
    fps: Fraction
    fps_exact: bool
    frame_count: int
    stream: StreamInfo


def video_info(stream: StreamInfo, tags: dict[str, str]) -> VideoInfo:
    """Combine a probe with the file's metadata into the reader's view of the video."""
    if stream.frame_count == 0:
        raise MediaError(f"{stream.path}: the video stream has no frames")
    fps, exact = stream.rate, True
    tag = _RATE_TAG.fullmatch(tags.get(FPS_TAG, ""))
    if fps is None and tag is not None and int(tag[1]) > 0 and int(tag[2]) > 0:
        fps = Fraction(int(tag[1]), int(tag[2]))
    if fps is None:
        fps, exact = _mean_rate(stream), False
    return VideoInfo(stream.width, stream.height, fps, exact, stream.frame_count, stream)


def open_reader(path: str | os.PathLike[str], *, start: int = 0) -> FrameReader:
    """Open `path` for streaming its frames as HxWx3 uint8 RGB arrays.

    Decoding begins at frame `start`, reached by seeking. The file is probed first (one pass
    over its packets, no decoding) for its size, frame count and rate.
    """
    stream = probe(path)
    return FrameReader(path, video_info(stream, read_metadata(path)), start=start)


def read_frame(
    path: str | os.PathLike[str], index: int, *, stream: StreamInfo | None = None
) -> np.ndarray:
    """Decode frame `index` of `path` alone, seeking rather than decoding what precedes it.

    Pass `stream` (from `probe`) to skip probing when reading many frames of one file.
    """
    stream = stream if stream is not None else probe(path)
    with FrameReader(path, video_info(stream, {}), start=index, count=1) as frames:
        frame = next(frames, None)
    if frame is None:
        raise MediaError(f"{os.fspath(path)}: ffmpeg returned no frame {index}")
    return frame


class FrameReader:
    """Frames decoded by ffmpeg and read from its stdout; iterate, then close (or use `with`).

    Closing early kills ffmpeg and reaps it, so no process outlives the reader.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        info: VideoInfo,
        *,
        start: int = 0,
        count: int | None = None,
    ) -> None:
        if not 0 <= start < info.frame_count:
            raise IndexError(
                f"{os.fspath(path)}: frame {start} is outside 0..{info.frame_count - 1}"
            )
        self.path = os.fspath(path)
        self.info = info
        self.frames_read = 0
        self._frame_bytes = info.width * info.height * 3
        self._process: FfmpegProcess | None = FfmpegProcess(
            _decode_args(self.path, info.stream, start, count), path=path, pipe_stdin=False
        )
        self.pid = self._process.popen.pid
        self._finalizer = weakref.finalize(self, self._process.kill)

    def __iter__(self) -> FrameReader:
        return self

    def __next__(self) -> np.ndarray:
        if self._process is None:
            raise StopIteration
        buffer = bytearray(self._frame_bytes)
        filled = _read_into(self._process, buffer)
        if filled == 0:
            self._finish()
            raise StopIteration
        if filled < len(buffer):
            error = self._process.error(f"truncated frame {self.frames_read} from ffmpeg")
            self.close()
            raise error
        self.frames_read += 1
        return np.frombuffer(buffer, np.uint8).reshape(self.info.height, self.info.width, 3)

    def close(self) -> None:
        """Stop decoding: kill ffmpeg if it still runs and wait for it to exit."""
        self._process = None
        self._finalizer()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _finish(self) -> None:
        process, self._process = self._process, None
        assert process is not None
        try:
            process.finish("decoding failed")
        finally:
            self._finalizer()


def _decode_args(path: str, stream: StreamInfo, start: int, count: int | None) -> list[str]:
    seek = _seek_seconds(stream, start)
    return [
        *([] if seek is None else ["-ss", f"{float(seek):.6f}"]),
        # Frames come as stored: the probed size holds even where a display matrix says rotate.
        "-noautorotate", "-i", path, "-map", "0:v:0",
        *([] if count is None else ["-frames:v", str(count)]),
        "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]  # fmt: skip


def _seek_seconds(stream: StreamInfo, index: int) -> Fraction | None:
    """Halfway between frame `index` and the one before it, from the start of the stream.

    ffmpeg's -ss drops decoded frames that come before it, so the first frame out is `index`;
    the half-frame margin absorbs rounding of timestamps (Matroska's whole milliseconds).
    """
    if index == 0:
        return None
    times = stream.frame_times
    return (Fraction(times[index - 1] + times[index], 2) - times[0]) * stream.time_base


def _read_into(process: FfmpegProcess, buffer: bytearray) -> int:
    stdout = process.popen.stdout
    assert stdout is not None
    view, filled = memoryview(buffer), 0
    while filled < len(buffer):
        count = stdout.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


def _mean_rate(stream: StreamInfo) -> Fraction:
    times = stream.frame_times
    if len(times) > 1 and times[-1] > times[0]:
        return (len(times) - 1) / ((times[-1] - times[0]) * stream.time_base)
    if stream.durations and stream.durations[0] > 0:
        return 1 / (stream.durations[0] * stream.time_base)
    raise MediaError(f"{stream.path}: cannot tell the frame rate")
