"""The cut as a CMX 3600 EDL for Avid, written from the cut itself.

OTIO's ``cmx_3600`` writer cannot be told the frame code mode: at 29.97 it always writes drop-frame
labels under no FCM line, and it ignores the timeline's start. So this writer does the little CMX
3600 needs, the way Avid writes it: the FCM line matching the separators (``;`` for drop-frame,
``:`` for non-drop), one cut event per entry with its reel, source timecodes inside the shot
movie's handles (the movie's timecode starts at the sequence start: the project's start timecode,
01:00:00:00 unless set) and record timecodes from it, the clip and file names, and locators at
record timecode. A locator's label is always written non-drop (``HH:MM:SS:FF``, the label of the
same frame): a ``:`` label means non-drop by the SMPTE convention every reader follows, and
OpenTimelineIO's ``cmx_3600`` reader takes nothing else on a ``* LOC:`` line (its pattern has no
``;``), so in a drop-frame EDL a ``;`` locator is read by no one and a drop-frame label with ``:``
would be read 108 frames an hour late. EDLs are ASCII: names and notes are transliterated (``Łódź``
becomes ``Lodz``) while the OTIO and XML keep the original text."""

from __future__ import annotations

import re
from pathlib import Path

from anyascii import anyascii

from previz.export.cut import Cut, CutEntry
from previz.export.timecode import TimecodeClock
from previz.export.writing import write_replacing

COMMENT_CHARS = 100
NOTE_COLOR, DIALOGUE_COLOR = "YELLOW", "GREEN"


def edl_text(cut: Cut, movies: dict[str, Path]) -> str:
    """The EDL of ``cut``, each event naming its entry's movie from ``movies`` (by entry id)."""
    lines = [f"TITLE: {ascii_line(cut.heading)[:70]}", cut.clock.fcm, ""]
    for number, entry in enumerate(cut.entries, start=1):
        lines += event_lines(cut, number, entry, movies.get(entry.entry_id))
        lines.append("")
    return "\n".join(lines)


def event_lines(cut: Cut, number: int, entry: CutEntry, movie: Path | None) -> list[str]:
    """One cut event: its line, then its comments and locators."""
    clock = cut.clock
    locator_clock = TimecodeClock(clock.rate)  # non-drop: see the module's docstring
    source_in = clock.start + entry.source_in
    record_in = clock.start + entry.record_in
    count = entry.frame_count
    labels = (clock.label(source_in), clock.label(source_in + count), clock.label(record_in),
              clock.label(record_in + count))
    lines = [f"{number:03d}  {entry.reel:8} V     C        {' '.join(labels)}",
             f"* FROM CLIP NAME: {ascii_line(entry.name)}"]
    if movie is not None:
        lines.append(f"* SOURCE FILE: {ascii_line(movie.name)}")
    for kind, text, color in (("notes", entry.info.notes, NOTE_COLOR),
                              ("dialogue", entry.info.dialogue, DIALOGUE_COLOR)):
        if text:
            comment = ascii_line(f"{kind}: {text}").upper()[:COMMENT_CHARS]
            lines.append(f"* LOC: {locator_clock.label(record_in)} {color:7} {comment}")
    return lines


def write_edl(cut: Cut, movies: dict[str, Path], path: Path) -> None:
    """Write the EDL of ``cut`` to ``path``."""
    text = edl_text(cut, movies)
    write_replacing(path, lambda temp: temp.write_text(text, encoding="ascii"))


def ascii_line(text: str) -> str:
    """``text`` on one line, transliterated into printable ASCII."""
    line = re.sub(r"\s+", " ", anyascii(text)).strip()
    return "".join(char for char in line if " " <= char <= "~")
