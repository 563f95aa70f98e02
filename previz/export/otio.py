"""The cut as an OpenTimelineIO timeline: one video track, one clip per entry, and bundles.

Each clip is named like ``010_0010`` and points at its shot movie through an
``ExternalReference`` (the XML adapters crash on image sequences and generator references);
notes and dialogue become markers, camera, lens and move data go under ``metadata["previz"]``.
Times are ``RationalTime`` at the editorial rate and the timeline starts at 01:00:00:00.

OpenTimelineIO takes rates as floats. ``float(Fraction(24000, 1001))`` is the float OTIO
itself uses for 23.976 and is a legal timecode rate; the literal 23.976 is not, and breaks
timecode, so rates only ever become floats here, from their exact fractions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from previz.export.cut import Cut, CutEntry
from previz.export.timecode import start_frame
from previz.export.writing import write_replacing

MARKER_NAME_CHARS = 120
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


def build_timeline(cut: Cut, movies: Mapping[str, Path]) -> otio.schema.Timeline:
    """The cut with each entry's movie (by entry id) as its media."""
    timeline = otio.schema.Timeline(name=cut.title,
                                    global_start_time=frames(start_frame(cut.rate), cut.rate))
    timeline.metadata["previz"] = {"rate": str(cut.rate), "width": cut.width,
                                   "height": cut.height, "notes": list(cut.notes)}
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for entry in cut.entries:
        track.append(_clip(entry, movies[entry.entry_id]))
    timeline.tracks.append(track)
    return timeline


def write_otio(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` as ``.otio`` JSON."""
    write_replacing(path, lambda temp: otio.adapters.write_to_file(timeline, str(temp),
                                                                   adapter_name=_OTIO))


def write_otioz(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` and its movies as an ``.otioz`` bundle (media copied in, relinked)."""
    write_replacing(path, lambda temp: otio.adapters.write_to_file(timeline, str(temp),
                                                                   adapter_name=_OTIOZ))


def _clip(entry: CutEntry, movie: Path) -> otio.schema.Clip:
    rate, count = entry.rate, entry.frame_count
    reference = otio.schema.ExternalReference(target_url=movie.resolve().as_uri(),
                                              available_range=frame_range(0, count, rate))
    clip = otio.schema.Clip(name=entry.name, media_reference=reference,
                            source_range=frame_range(0, count, rate))
    clip.metadata["previz"] = {
        **entry.info.to_metadata(), "entry": entry.entry_id, "node": entry.node_id,
        "clip_key": entry.clip.key, "source_rate": str(entry.clip.fps),
        "source_frames": [entry.source.start, entry.source.stop], "retimed": entry.retimed,
        "camera_path": entry.clip.camera,
    }
    for kind, text, color in (("notes", entry.info.notes, otio.schema.MarkerColor.YELLOW),
                              ("dialogue", entry.info.dialogue, otio.schema.MarkerColor.GREEN)):
        if text:
            clip.markers.append(_marker(kind, text, color, rate))
    return clip


def _marker(kind: str, text: str, color: str, rate: Fraction) -> otio.schema.Marker:
    """A marker on the entry's first frame; EDLs keep one line of it, so its name is the text
    on one line, and the whole text stays in its metadata."""
    line = re.sub(r"\s+", " ", text).strip()
    name = f"{kind.capitalize()}: {line}"
    if len(name) > MARKER_NAME_CHARS:
        name = name[:MARKER_NAME_CHARS - 3] + "..."
    return otio.schema.Marker(name=name, marked_range=frame_range(0, 0, rate), color=color,
                              metadata={"previz": {"kind": kind, "text": text}})
