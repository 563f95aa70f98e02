"""The frame writer: files appear whole or not at all, and bad frames are named clearly."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from previz.media import MediaError, open_writer, read_frame

ClipMaker = Callable[..., Path]
FrameMaker = Callable[[int, int, int], np.ndarray]


class Interrupted(Exception):
    pass


def wait_for_partial_file(folder: Path) -> None:
    """Wait until ffmpeg has created its temporary file, so that cleaning up is tested."""
    deadline = time.monotonic() + 10
    while not any(p.name.endswith(".partial") for p in folder.iterdir()):
        assert time.monotonic() < deadline, "ffmpeg never created its temporary file"
        time.sleep(0.01)


@pytest.mark.parametrize(("name", "codec"), [("clip.mkv", "lossless"), ("clip.mp4", "h264")])
def test_success_leaves_exactly_the_target(
    tmp_path: Path, index_frame: FrameMaker, name: str, codec: str
) -> None:
    with open_writer(tmp_path / name, 64, 48, 24, codec) as writer:  # type: ignore[arg-type]
        for index in range(4):
            writer.write(index_frame(index, 64, 48))
    assert writer.closed
    assert writer.frames_written == 4
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(("name", "codec"), [("clip.mkv", "lossless"), ("clip.mp4", "h264")])
def test_exception_in_block_leaves_nothing(
    tmp_path: Path, index_frame: FrameMaker, name: str, codec: str
) -> None:
    with pytest.raises(Interrupted), open_writer(tmp_path / name, 64, 48, 24, codec) as writer:  # type: ignore[arg-type]
        for index in range(4):
            writer.write(index_frame(index, 64, 48))
        wait_for_partial_file(tmp_path)
        raise Interrupted
    assert list(tmp_path.iterdir()) == []
    assert writer.closed


def test_abort_leaves_nothing(tmp_path: Path, index_frame: FrameMaker) -> None:
    writer = open_writer(tmp_path / "clip.mkv", 64, 48, 24)
    writer.write(index_frame(0, 64, 48))
    wait_for_partial_file(tmp_path)
    writer.abort()
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_forgotten_writer_leaves_nothing(tmp_path: Path, index_frame: FrameMaker) -> None:
    writer = open_writer(tmp_path / "clip.mkv", 64, 48, 24)
    writer.write(index_frame(0, 64, 48))
    wait_for_partial_file(tmp_path)
    del writer
    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_failed_rewrite_keeps_the_old_file(
    make_clip: ClipMaker, tmp_path: Path, index_frame: FrameMaker
) -> None:
    path = make_clip("clip.mkv", 3)
    before = path.read_bytes()
    with pytest.raises(Interrupted), open_writer(path, 64, 48, 24) as writer:
        writer.write(index_frame(9, 64, 48))
        wait_for_partial_file(tmp_path)
        raise Interrupted
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mkv"]


def test_wrong_shape_names_the_expected_one(tmp_path: Path) -> None:
    path = tmp_path / "clip.mkv"
    expected = r"expected a frame of shape \(48, 64, 3\), got \(64, 48, 3\)"
    with pytest.raises(ValueError, match=expected), open_writer(path, 64, 48, 24) as writer:
        writer.write(np.zeros((64, 48, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("frame", [np.zeros((48, 64), np.uint8), np.zeros((48, 64, 4), np.uint8)])
def test_frames_that_are_not_rgb_are_refused(tmp_path: Path, frame: np.ndarray) -> None:
    with open_writer(tmp_path / "clip.mkv", 64, 48, 24) as writer:
        with pytest.raises(ValueError, match=r"\(48, 64, 3\)"):
            writer.write(frame)
        writer.write(np.zeros((48, 64, 3), np.uint8))
    assert writer.frames_written == 1


def test_wrong_dtype_is_refused(tmp_path: Path) -> None:
    with open_writer(tmp_path / "clip.mkv", 64, 48, 24) as writer:
        with pytest.raises(ValueError, match="uint8"):
            writer.write(np.zeros((48, 64, 3), np.float32))
        writer.abort()


def test_non_contiguous_frames_are_written_as_seen(tmp_path: Path, index_frame: FrameMaker) -> None:
    frame = index_frame(5, 96, 48)[:, ::-1][:, :64]
    with open_writer(tmp_path / "clip.mkv", 64, 48, 24) as writer:
        writer.write(frame)
    assert np.array_equal(read_frame(tmp_path / "clip.mkv", 0), frame)


def test_closing_without_frames_is_an_error(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "empty.mkv", 64, 48, 24)
    with pytest.raises(MediaError, match="no frames"):
        writer.close()
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_failure_names_the_file(tmp_path: Path, index_frame: FrameMaker) -> None:
    target = tmp_path / "missing-folder" / "clip.mkv"
    with (
        pytest.raises(MediaError, match=r"missing-folder/clip\.mkv") as caught,
        open_writer(target, 64, 48, 24) as writer,
    ):
        for index in range(50):
            writer.write(index_frame(index, 64, 48))
    assert "ffmpeg said" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "codec"), [("clip.mp4", "lossless"), ("clip.mkv", "h264"), ("clip.mkv", "prores")]
)
def test_file_name_must_match_codec(tmp_path: Path, name: str, codec: str) -> None:
    with pytest.raises(ValueError, match="codec" if codec == "prores" else r"\*\.m"):
        open_writer(tmp_path / name, 64, 48, 24, codec)  # type: ignore[arg-type]


@pytest.mark.parametrize("fps", [0, Fraction(-24), 23.976])
def test_bad_rates_are_refused(tmp_path: Path, fps: object) -> None:
    with pytest.raises((ValueError, TypeError), match="fps"):
        open_writer(tmp_path / "clip.mkv", 64, 48, fps)  # type: ignore[arg-type]


def test_writing_after_close_is_refused(tmp_path: Path, index_frame: FrameMaker) -> None:
    with open_writer(tmp_path / "clip.mkv", 64, 48, 24) as writer:
        writer.write(index_frame(0, 64, 48))
    with pytest.raises(ValueError, match="closed"):
        writer.write(index_frame(1, 64, 48))
