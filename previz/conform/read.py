"""An editor's cut read back: the clips of its video track in order, through OpenTimelineIO.

``.otio`` through OTIO itself, FCP 7 ``.xml`` through ``otio-fcp-adapter`` and CMX 3600
``.edl`` through ``otio-cmx3600-adapter``. Each clip keeps what can name the shot it came from
(the Previz ids the export wrote into the OTIO's metadata, the clip name, the reel and the
movie's file name) and the frames of its movie it plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from previz.export.timecode import START_TIMECODE, TimecodeClock

ADAPTERS = {".otio": "otio_json", ".xml": "fcp_xml", ".edl": "cmx_3600"}


class ConformError(ValueError):
    """An edited cut that cannot be read, or matches nothing in the project."""


@dataclass(frozen=True)
class EditedClip:
    """One clip of the edited cut: its names and ids, and ``movie_in`` (the first frame it
    plays, counted from the first frame of its shot movie, handles included) for
    ``frames`` frames at the editorial rate."""

    index: int
    name: str
    reel: str
    file: str
    movie_in: int
    frames: int
    entry: str = ""
    node: str = ""
    exported_in: int | None = None  # the clip frame the export's cut began on (OTIO only)
    handles: int | None = None  # the movie's head handles (OTIO only)


@dataclass(frozen=True)
class EditedCut:
    """The clips of an edited cut in order, and the handles its movies were written with."""

    path: Path
    clips: tuple[EditedClip, ...]
    handles: int


def read_cut(path: Path, rate: Fraction, handles: int,
             start: str = START_TIMECODE) -> EditedCut:
    """The edited cut at ``path`` (``.otio``, ``.xml`` or ``.edl``) at editorial ``rate``;
    ``handles`` are those the export wrote into each movie (the OTIO says so itself), and
    ``start`` the timecode the movies start at (the project's start timecode: an EDL does not
    say; the OTIO and the XML do)."""
    adapter = ADAPTERS.get(path.suffix.lower())
    if adapter is None:
        raise ConformError(f"{path}: conform reads .otio, .xml (FCP 7) and .edl, not"
                           f" {path.suffix or 'a file without a suffix'}")
    options: dict[str, Any] = {"rate": float(rate)} if adapter == "cmx_3600" else {}
    try:
        timeline = otio.adapters.read_from_file(str(path), adapter_name=adapter, **options)
    except (otio.exceptions.OTIOError, ValueError, KeyError, IndexError) as error:
        raise ConformError(f"{path}: not a readable {path.suffix[1:].upper()} cut:"
                           f" {error}") from None
    if isinstance(timeline, otio.schema.SerializableCollection):
        timeline = next(iter(timeline.find_children(descended_from_type=otio.schema.Timeline)),
                        None)
    if not isinstance(timeline, otio.schema.Timeline) or not timeline.video_tracks():
        raise ConformError(f"{path}: holds no video track")
    try:
        first = (_movie_start(path, rate, start) if adapter == "cmx_3600"
                 else TimecodeClock.for_mode(rate, "ndf", start).start)
    except ValueError as error:
        raise ConformError(f"{path}: {error}") from None
    track = timeline.video_tracks()[0]
    clips = tuple(_clip(index, clip, rate, first)
                  for index, clip in enumerate(track.find_clips(), start=1))
    return EditedCut(path, clips, handles)


def _clip(index: int, clip: otio.schema.Clip, rate: Fraction, start: int) -> EditedClip:
    previz = dict(clip.metadata.get("previz") or {})
    reference = clip.media_reference
    source = clip.source_range or clip.trimmed_range()
    first = round(source.start_time.rescaled_to(float(rate)).value)
    frames = round(source.duration.rescaled_to(float(rate)).value)
    available = getattr(reference, "available_range", None)
    movie_start = (round(available.start_time.rescaled_to(float(rate)).value)
                   if available is not None else start)
    ref_meta = dict(reference.metadata.get("previz") or {}) if reference is not None else {}
    exported = previz.get("source_frames")
    handles = ref_meta.get("handles")
    return EditedClip(
        index=index, name=clip.name or "", reel=_reel(clip), file=_file(reference),
        movie_in=first - movie_start, frames=frames,
        entry=str(previz.get("entry", "")), node=str(previz.get("node", "")),
        exported_in=int(exported[0]) if isinstance(exported, list) and exported else None,
        handles=int(handles[0]) if isinstance(handles, list) and handles else None)


def _movie_start(path: Path, rate: Fraction, start: str) -> int:
    """The movies' start timecode as the EDL counts it (an EDL names no movie's start):
    drop-frame when its FCM line says so, as the export writes it at 29.97."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as error:
        raise ConformError(f"{path}: cannot be read: {error.strerror or error}") from None
    mode = "df" if "FCM: DROP FRAME" in text.upper() else "ndf"
    return TimecodeClock.for_mode(rate, mode, start).start


def _reel(clip: otio.schema.Clip) -> str:
    cmx = clip.metadata.get("cmx_3600") or {}
    return str(cmx.get("reel", "")) if hasattr(cmx, "get") else ""


def _file(reference: Any) -> str:
    url = getattr(reference, "target_url", "") or ""
    return Path(unquote(urlparse(url).path or url)).name if url else ""
