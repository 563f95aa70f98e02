"""The frame reader streams, seeks to single frames and leaves no ffmpeg behind."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.media import MediaError, open_reader, probe, read_frame, read_metadata

ClipMaker = Callable[..., Path]
IndexReader = Callable[[np.ndarray], int]


def assert_reaped(pid: int) -> None:
    """The process is neither running nor a zombie: it is no longer our child at all."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from previz.media import open_writer

    path = tmp_path_factory.mktemp("long") / "long.mkv"
    with open_writer(path, 64, 48, 24) as writer:
        for index in range(200):
            frame = np.zeros((48, 64, 3), np.uint8)
            frame[..., 0], frame[..., 1] = index, 255 - index
            writer.write(frame)
    return path


def test_closing_early_kills_ffmpeg(long_clip: Path) -> None:
    reader = open_reader(long_clip)
    frames = [next(reader) for _ in range(3)]
    reader.close()
    assert [int(frame[0, 0, 0]) for frame in frames] == [0, 1, 2]
    assert reader.frames_read == 3
    assert_reaped(reader.pid)
    assert list(reader) == []


def test_breaking_out_of_a_with_block_kills_ffmpeg(long_clip: Path) -> None:
    with open_reader(long_clip) as reader:
        for frame in reader:
            if frame[0, 0, 0] == 10:
                break
    assert_reaped(reader.pid)


def test_dropped_reader_kills_ffmpeg(long_clip: Path) -> None:
    reader = open_reader(long_clip)
    next(reader)
    pid = reader.pid
    del reader
    gc.collect()
    assert_reaped(pid)


def test_reading_to_the_end_gives_every_frame(long_clip: Path) -> None:
    with open_reader(long_clip) as reader:
        values = [int(frame[0, 0, 0]) for frame in reader]
        assert reader.info.frame_count == 200
        assert (reader.info.width, reader.info.height) == (64, 48)
        assert reader.info.fps == 24
    assert values == list(range(200))
    assert_reaped(reader.pid)


def test_reading_from_a_start_frame(long_clip: Path) -> None:
    with open_reader(long_clip, start=150) as reader:
        assert [int(frame[0, 0, 0]) for frame in reader] == list(range(150, 200))


@pytest.mark.parametrize("index", [0, 1, 99, 198, 199])
def test_read_frame_returns_that_frame(long_clip: Path, index: int) -> None:
    frame = read_frame(long_clip, index)
    assert frame.shape == (48, 64, 3)
    assert (int(frame[0, 0, 0]), int(frame[0, 0, 1])) == (index, 255 - index)


@pytest.mark.parametrize(
    ("name", "codec", "fps"),
    [("a.mkv", "lossless", Fraction(24000, 1001)), ("b.mp4", "h264", Fraction(24000, 1001)),
     ("c.mp4", "h264", Fraction(25))],
)  # fmt: skip
def test_read_frame_seeks_exactly(
    make_clip: ClipMaker, decode_index: IndexReader, name: str, codec: str, fps: Fraction
) -> None:
    path = make_clip(name, 60, fps=fps, codec=codec)
    stream = probe(path)
    for index in (0, 1, 2, 23, 24, 25, 47, 58, 59):
        assert decode_index(read_frame(path, index, stream=stream)) == index


def test_h264_frames_stream_in_order(make_clip: ClipMaker, decode_index: IndexReader) -> None:
    path = make_clip("order.mp4", 30, codec="h264")
    with open_reader(path) as reader:
        assert [decode_index(frame) for frame in reader] == list(range(30))
        assert reader.info.fps == Fraction(24000, 1001) and reader.info.fps_exact


@pytest.mark.parametrize("index", [-1, 200])
def test_frames_outside_the_clip_are_refused(long_clip: Path, index: int) -> None:
    with pytest.raises(IndexError, match=r"outside 0\.\.199"):
        read_frame(long_clip, index)


@pytest.mark.parametrize("read", [probe, open_reader, read_metadata, lambda p: read_frame(p, 0)])
def test_non_video_file_is_a_media_error_naming_it(
    tmp_path: Path, read: Callable[[Path], object]
) -> None:
    path = tmp_path / "notes.mkv"
    path.write_text("not a video at all\n" * 20)
    with pytest.raises(MediaError, match=r"notes\.mkv"):
        read(path)


def test_missing_file_is_a_media_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"nowhere\.mp4") as caught:
        probe(tmp_path / "nowhere.mp4")
    assert "No such file" in str(caught.value)


def test_truncated_file_is_a_media_error(long_clip: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(long_clip.read_bytes()[:400])
    with pytest.raises(MediaError, match=r"cut\.mkv"), open_reader(cut) as reader:
        list(reader)
