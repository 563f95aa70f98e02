"""Frames in and out of video files through the ffmpeg bundled with imageio-ffmpeg."""

from __future__ import annotations

from previz.media.ffmpeg import MediaError, ffmpeg_exe
from previz.media.metadata import read_metadata
from previz.media.probe import ColorTags, StreamInfo, probe
from previz.media.reader import FrameReader, VideoInfo, open_reader, read_frame
from previz.media.writer import Codec, FrameWriter, open_writer

__all__ = [
    "Codec",
    "ColorTags",
    "FrameReader",
    "FrameWriter",
    "MediaError",
    "StreamInfo",
    "VideoInfo",
    "ffmpeg_exe",
    "open_reader",
    "open_writer",
    "probe",
    "read_frame",
    "read_metadata",
]
