"""Frames in and out of video files through the ffmpeg bundled with imageio-ffmpeg."""

from __future__ import annotations

from previz.media.ffmpeg import MediaError, ffmpeg_exe
from previz.media.flow import (
    DEFAULT_FLOW,
    FlowError,
    FlowPair,
    FlowPreset,
    FlowSettings,
    dissolve_along_flow,
    inbetween,
    optical_flow,
)
from previz.media.images import ImageError, decode_image, encode_png, fit_frame
from previz.media.metadata import read_metadata
from previz.media.probe import ColorTags, StreamInfo, probe
from previz.media.reader import FrameReader, VideoInfo, open_reader, read_frame
from previz.media.retime import (
    RetimeError,
    RetimeMethod,
    RetimeTiming,
    blend_frames,
    retime,
    retime_by_speed,
    retime_to_rate,
    retimed_frame_count,
    round_half_up,
    speed_frame_count,
)
from previz.media.writer import Codec, FrameWriter, open_writer

__all__ = [
    "DEFAULT_FLOW",
    "Codec",
    "ColorTags",
    "FlowError",
    "FlowPair",
    "FlowPreset",
    "FlowSettings",
    "FrameReader",
    "FrameWriter",
    "ImageError",
    "MediaError",
    "RetimeError",
    "RetimeMethod",
    "RetimeTiming",
    "StreamInfo",
    "VideoInfo",
    "blend_frames",
    "decode_image",
    "dissolve_along_flow",
    "encode_png",
    "ffmpeg_exe",
    "fit_frame",
    "inbetween",
    "open_reader",
    "open_writer",
    "optical_flow",
    "probe",
    "read_frame",
    "read_metadata",
    "retime",
    "retime_by_speed",
    "retime_to_rate",
    "retimed_frame_count",
    "round_half_up",
    "speed_frame_count",
]
