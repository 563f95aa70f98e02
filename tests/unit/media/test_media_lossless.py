"""The lossless clip-store format gives back exactly the frames written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from previz.media import open_reader, open_writer, probe, read_frame
from previz.media.ffmpeg import run_ffmpeg

NoiseMaker = Callable[..., Iterator[np.ndarray]]


@pytest.mark.parametrize(("width", "height"), [(64, 48), (161, 91), (1, 1)])
def test_round_trip_is_bit_identical(
    tmp_path: Path, noise_frames: NoiseMaker, width: int, height: int
) -> None:
    path = tmp_path / "clip.mkv"
    frames = list(noise_frames(12, width, height))
    with open_writer(path, width, height, Fraction(24000, 1001)) as writer:
        for frame in frames:
            writer.write(frame)
        assert writer.frames_written == 12

    with open_reader(path) as reader:
        read = list(reader)
    assert len(read) == len(frames)
    for index, (written, back) in enumerate(zip(frames, read, strict=True)):
        assert back.shape == (height, width, 3) and back.dtype == np.uint8
        assert np.array_equal(written, back), f"frame {index} differs"


def rendered_frame(index: int) -> np.ndarray:
    """A 1280x720 frame like draft footage: gradients, shapes, anti-aliased text."""
    y, x = np.mgrid[0:720, 0:1280]
    frame = np.stack([(x * 200 // 1280 + index) % 256, 30 + y * 180 // 720,
                      (x + y) * 255 // 2000], axis=2).astype(np.uint8)  # fmt: skip
    cv2.circle(frame, (100 + 10 * index, 360), 120, (240, 80, 30), -1, cv2.LINE_AA)
    cv2.putText(frame, f"010_0010 {index}", (50, 680), cv2.FONT_HERSHEY_SIMPLEX, 2,
                (255, 255, 255), 3, cv2.LINE_AA)  # fmt: skip
    return frame


def test_round_trip_at_1280x720(tmp_path: Path) -> None:
    path = tmp_path / "hd.mkv"
    frames = [rendered_frame(index) for index in range(3)]
    with open_writer(path, 1280, 720, 24) as writer:
        for frame in frames:
            writer.write(frame)
    for index, frame in enumerate(frames):
        assert np.array_equal(read_frame(path, index), frame)


def test_store_format_is_lossless_rgb_h264_in_matroska(make_clip: Callable[..., Path]) -> None:
    info = probe(make_clip("clip.mkv", 5, width=161, height=91))
    assert info.codec == "h264"
    assert (info.width, info.height, info.frame_count) == (161, 91, 5)
    assert Path(info.path).read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # EBML magic


def test_clips_of_the_earlier_ffv1_store_format_still_read(tmp_path: Path) -> None:
    """Stores written before the switch to RGB H.264 hold FFV1 (Golomb-Rice and range coder);
    a reader finds the codec in the file and gives back the very frames written."""
    frames = [rendered_frame(index)[:91, :161] for index in range(4)]
    raw = tmp_path / "frames.rgb"
    raw.write_bytes(b"".join(np.ascontiguousarray(frame).tobytes() for frame in frames))
    for coder in ("0", "1"):
        path = tmp_path / f"ffv1_coder{coder}.mkv"
        run_ffmpeg(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "161x91", "-framerate", "24",
                    "-i", str(raw), "-c:v", "ffv1", "-level", "3", "-coder", coder,
                    "-context", "0", "-g", "1", "-slicecrc", "1", "-pix_fmt", "gbrp",
                    "-f", "matroska", str(path)], path=path, what="writing FFV1")
        assert probe(path).codec == "ffv1"
        with open_reader(path) as reader:
            back = list(reader)
        assert len(back) == len(frames)
        assert all(np.array_equal(a, b) for a, b in zip(frames, back, strict=True))
        assert np.array_equal(read_frame(path, 2), frames[2])


def test_exact_rate_comes_back_through_the_fps_tag(make_clip: Callable[..., Path]) -> None:
    path = make_clip("ntsc.mkv", 6, fps=Fraction(24000, 1001))
    # Matroska's millisecond clock cannot hold 24000/1001 ...
    assert probe(path).time_base == Fraction(1, 1000)
    assert probe(path).rate is None
    # ... so the reader takes it from the tag the writer stored.
    with open_reader(path) as reader:
        assert reader.info.fps == Fraction(24000, 1001)
        assert reader.info.fps_exact
        assert reader.info.frame_count == 6


def test_rates_that_fit_milliseconds_are_exact_in_the_container(
    make_clip: Callable[..., Path],
) -> None:
    info = probe(make_clip("pal.mkv", 4, fps=25))
    assert info.rate == 25
    assert info.durations == (40, 40, 40, 40)
