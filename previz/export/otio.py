"""The cut as an OpenTimelineIO timeline: one video track, one clip per entry, and bundles.

Each clip is named like ``010_0010`` and points at its shot movie through an ``ExternalReference``
(the XML adapters crash on image sequences and generator references); notes and dialogue become
markers, camera, lens and move data go under ``metadata["previz"]``. Times are ``RationalTime`` at
the editorial rate and the timeline starts at the project's start timecode on the cut's clock
(01:00:00:00 unless set: 107,892 frames at 29.97 drop-frame, 108,000 non-drop). A movie's available
range starts at its own timecode, the same, and holds its handles; the clip's source range sits
inside it, after the head handles. What FCP 7 XML needs beyond OTIO's model (the timecode's display
format, the reel, the frame size) rides in ``metadata["fcp_xml"]``, which the XML adapter writes
out as elements.

OpenTimelineIO takes rates as floats. ``float(Fraction(24000, 1001))`` is the float OTIO
itself uses for 23.976 and is a legal timecode rate; the literal 23.976 is not, and breaks
timecode, so rates only ever become floats here, from their exact fractions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from previz.export.cut import Cut, CutEntry
from previz.export.timecode import timecode_base
from previz.export.writing import write_replacing

MARKER_NAME_CHARS = 120
# Premiere keeps a marker's colour in FCP 7 XML as ``<pproColor>``, an ARGB number.
PPRO_COLORS = {otio.schema.MarkerColor.YELLOW: "4294741314",
               otio.schema.MarkerColor.GREEN: "4281740498"}
_OTIO = "otio_json"
_OTIOZ = "otioz"


def otio_rate(rate: Fraction) -> float:
    """The float OTIO wants for an exact rate; a legal SMPTE timecode rate for every
    editorial rate."""
    value = float(rate)
    if not otio.opentime.RationalTime.is_smpte_timecode_rate(value):
        raise ValueError(f"{rate} frames a second cannot carry SMPTE timecode")
    return value


def frames(count: int, rate: Fraction) -> otio.opentime.RationalTime:
    """``count`` frames at ``rate`` as a ``RationalTime``."""
    return otio.opentime.RationalTime(count, otio_rate(rate))


def frame_range(start: int, count: int, rate: Fraction) -> otio.opentime.TimeRange:
    """Frames ``start`` up to ``start + count`` at ``rate``."""
    return otio.opentime.TimeRange(frames(start, rate), frames(count, rate))


def build_timeline(cut: Cut, movies: Mapping[str, Path],
                   relative_to: Path | None = None) -> otio.schema.Timeline:
    """The cut with each entry's movie (by entry id) as its media; with ``relative_to``, the
    movies are named by paths relative to that folder (the exports' own), so media and
    timelines can move together."""
    timeline = otio.schema.Timeline(name=cut.heading,
                                    global_start_time=frames(cut.clock.start, cut.rate))
    timeline.metadata["previz"] = {"rate": str(cut.rate), "width": cut.width,
                                   "height": cut.height, "notes": list(cut.notes),
                                   "timecode": "DF" if cut.clock.drop else "NDF"}
    timeline.metadata["fcp_xml"] = {
        "timecode": _fcp_timecode(cut),
        "media": {"video": {"format": {"samplecharacteristics": _fcp_picture(
            cut, cut.width, cut.height)}}}}
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for entry in cut.entries:
        track.append(_clip(cut, entry, _url(movies[entry.entry_id], relative_to)))
    timeline.tracks.append(track)
    return timeline


def _url(movie: Path, relative_to: Path | None) -> str:
    if relative_to is None:
        return movie.resolve().as_uri()
    return movie.resolve().relative_to(relative_to.resolve()).as_posix()


def _fcp_timecode(cut: Cut, reel: str = "") -> dict[str, Any]:
    # Only the display format: the adapter takes the rate from the times themselves.
    timecode: dict[str, Any] = {"displayformat": "DF" if cut.clock.drop else "NDF"}
    if reel:
        timecode["reel"] = {"name": reel}
    return timecode


def _fcp_picture(cut: Cut, width: int, height: int) -> dict[str, Any]:
    return {"width": str(width), "height": str(height), "pixelaspectratio": "square",
            "anamorphic": "FALSE", "fielddominance": "none",
            "rate": {"timebase": str(timecode_base(cut.rate)),
                     "ntsc": "TRUE" if cut.rate.denominator != 1 else "FALSE"}}


def write_otio(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` as ``.otio`` JSON."""
    write_replacing(path, lambda temp: otio.adapters.write_to_file(timeline, str(temp),
                                                                   adapter_name=_OTIO))


def write_otioz(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` and its movies as an ``.otioz`` bundle (media copied in, relinked)."""
    write_replacing(path, lambda temp: otio.adapters.write_to_file(timeline, str(temp),
                                                                   adapter_name=_OTIOZ))


def _clip(cut: Cut, entry: CutEntry, url: str) -> otio.schema.Clip:
    rate, count, start = entry.rate, entry.frame_count, cut.clock.start
    reference = otio.schema.ExternalReference(
        target_url=url, available_range=frame_range(start, entry.movie_frame_count, rate))
    width, height = (size - size % 2 for size in (entry.clip.width, entry.clip.height))
    reference.metadata["fcp_xml"] = {
        "timecode": _fcp_timecode(cut, entry.reel),
        "media": {"video": {"samplecharacteristics": _fcp_picture(cut, width, height)}}}
    reference.metadata["previz"] = {"reel": entry.reel, "handles": [entry.handles.head,
                                                                    entry.handles.tail],
                                    "held_handle_frames": entry.handles.held}
    clip = otio.schema.Clip(name=entry.name, media_reference=reference,
                            source_range=frame_range(start + entry.source_in, count, rate))
    clip.metadata["cmx_3600"] = {"reel": entry.reel}
    clip.metadata["previz"] = {
        **entry.info.to_metadata(), "entry": entry.entry_id, "node": entry.node_id,
        "clip_key": entry.clip.key, "source_rate": str(entry.clip.fps),
        "source_frames": [entry.source.start, entry.source.stop], "retimed": entry.retimed,
        "camera_path": entry.clip.camera,
    }
    for kind, text, color in (("notes", entry.info.notes, otio.schema.MarkerColor.YELLOW),
                              ("dialogue", entry.info.dialogue, otio.schema.MarkerColor.GREEN)):
        if text:
            clip.markers.append(_marker(kind, text, color,
                                        frames(start + entry.source_in, rate)))
    return clip


def _marker(kind: str, text: str, color: str,
            at: otio.opentime.RationalTime) -> otio.schema.Marker:
    """A marker on the entry's first frame; EDLs keep one line of it, so its name is the text
    on one line, and the whole text stays in its metadata."""
    line = re.sub(r"\s+", " ", text).strip()
    name = f"{kind.capitalize()}: {line}"
    if len(name) > MARKER_NAME_CHARS:
        name = name[:MARKER_NAME_CHARS - 3] + "..."
    zero = otio.opentime.RationalTime(0, at.rate)
    return otio.schema.Marker(name=name, marked_range=otio.opentime.TimeRange(at, zero),
                              color=color,
                              metadata={"previz": {"kind": kind, "text": text},
                                        "fcp_xml": {"comment": text,
                                                    "pproColor": PPRO_COLORS[color]}})
