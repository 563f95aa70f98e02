"""The cut for Premiere (FCP 7 XML) through the OTIO adapter, and the checks editors need.

The adapter's verified failures are worked around here rather than met by the user: every
clip must reference a movie (``fcp_xml`` crashes on image sequences and generator
references), the rate must be a timecode rate given as the exact fraction's float (23.976
breaks timecode), and the adapter writes each clip item's ``<rate>`` twice, so the XML is
tidied after it is written: one rate per clip item. (The EDL is written by
``previz.export.edl``, since the ``cmx_3600`` writer cannot be told the frame code mode.)
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import opentimelineio as otio

from previz.export.writing import write_replacing


class EditorExportError(ValueError):
    """A timeline the editor adapters would write wrongly or crash on."""


def write_fcp7(timeline: otio.schema.Timeline, path: Path) -> None:
    """Write ``timeline`` as FCP 7 XML (``xmeml``), which Premiere imports."""
    check_for_editors(timeline)
    text = tidy_fcp7(otio.adapters.write_to_string(timeline, adapter_name="fcp_xml"))
    write_replacing(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def tidy_fcp7(text: str) -> str:
    """The adapter's XML with one ``<rate>`` per clip item (it writes two), and clip markers
    counted from the start of their file, as FCP 7 and Premiere read them (the adapter writes
    the media's timecode frame, past the end of a file whose timecode starts at the sequence
    start)."""
    root = ElementTree.fromstring(text)
    starts = {file.get("id"): int(file.findtext("timecode/frame") or 0)
              for file in root.iter("file") if file.find("timecode") is not None}
    for item in root.iter("clipitem"):
        for extra in item.findall("rate")[1:]:
            item.remove(extra)
        file = item.find("file")
        start = starts.get(file.get("id"), 0) if file is not None else 0
        for marker in item.findall("marker"):
            for edge in ("in", "out"):
                element = marker.find(edge)
                if element is not None and element.text and int(element.text) >= start:
                    element.text = str(int(element.text) - start)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n{body}\n'


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

