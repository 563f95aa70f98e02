"""The cut for Premiere (FCP 7 XML) and Avid (CMX 3600 EDL), through the OTIO adapters.

The adapters' verified failures are worked around here rather than met by the user: every
clip must reference a movie (``fcp_xml`` crashes on image sequences and generator
references), the rate must be a timecode rate given as the exact fraction's float (23.976
breaks timecode), and ``cmx_3600`` ignores the timeline's start timecode, so the EDL is
written from a copy whose track opens with a gap as long as that start: gaps make no EDL
events, so the first event is recorded at 01:00:00:00.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import opentimelineio as otio

from previz.export.writing import write_replacing

REEL_CHARS = 8


class EditorExportError(ValueError):
    """A timeline the editor adapters would write wrongly or crash on."""


def write_fcp7(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` as FCP 7 XML (``xmeml``), which Premiere imports."""
    check_for_editors(timeline)
    write_replacing(path, lambda temp: otio.adapters.write_to_file(
        timeline, str(temp), adapter_name="fcp_xml"))


def write_edl(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` as a CMX 3600 EDL, record timecode from the timeline's start."""
    check_for_editors(timeline)
    rate = timeline.global_start_time.rate if timeline.global_start_time else None
    text = otio.adapters.write_to_string(edl_timeline(timeline), adapter_name="cmx_3600",
                                         rate=rate)
    title, _, events = text.partition("\n\n")
    text = f"{title}\nFCM: NON-DROP FRAME\n\n{events}"
    write_replacing(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def edl_timeline(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of ``timeline`` as the EDL adapter must see it: a leading gap as long as the
    start timecode, and a distinct reel name of at most eight characters on every clip."""
    copied = copy.deepcopy(timeline)
    track = copied.video_tracks()[0]
    start = copied.global_start_time
    if start is not None and start.value > 0:
        zero = otio.opentime.RationalTime(0, start.rate)
        track.insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(zero, start)))
    used: set[str] = set()
    for index, clip in enumerate(track.find_clips(), start=1):
        reel = _reel(clip.name, index, used)
        clip.metadata.setdefault("cmx_3600", {})["reel"] = reel
    return copied


def check_for_editors(timeline: otio.schema.Timeline) -> None:
    """Refuse what the adapters mishandle: more than one video track, a clip without a
    movie reference, or a rate that cannot carry timecode."""
    tracks = timeline.video_tracks()
    if len(tracks) != 1:
        raise EditorExportError(f"editors get one video track, not {len(tracks)}")
    for clip in tracks[0].find_clips():
        if not isinstance(clip.media_reference, otio.schema.ExternalReference):
            raise EditorExportError(f"clip {clip.name} has no movie to point at"
                                    f" ({type(clip.media_reference).__name__})")
        rate = clip.source_range.duration.rate if clip.source_range else 0.0
        if not otio.opentime.RationalTime.is_smpte_timecode_rate(rate):
            raise EditorExportError(f"clip {clip.name} runs at {rate}, not a timecode rate")


def _reel(name: str, index: int, used: set[str]) -> str:
    reel = re.sub(r"[^A-Za-z0-9]", "", name)[:REEL_CHARS] or f"R{index:03d}"
    if reel in used:
        reel = f"{index:03d}{reel}"[:REEL_CHARS]
    used.add(reel)
    return reel
