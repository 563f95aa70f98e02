"""Scene headings and character cues: the parts a screenplay's conventions give them."""

from __future__ import annotations

import re

from previz.io.screenplay.model import Heading

# The prefixes Fountain recognises, longest first; ``I/E`` and ``INT./EXT.`` are one setting.
_SETTINGS = (
    (re.compile(r"^(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E)\.?\s+", re.I), "I/E"),
    (re.compile(r"^(?:INT|INTERIOR)\.?\s+", re.I), "INT"),
    (re.compile(r"^(?:EXT|EXTERIOR|EST)\.?\s+", re.I), "EXT"),
)
# Times of day as scripts write them, and the draft's sky for each.
TIMES = {
    "DAY": "day", "MORNING": "day", "AFTERNOON": "day", "NOON": "day", "MIDDAY": "day",
    "NIGHT": "night", "MIDNIGHT": "night", "LATE NIGHT": "night",
    "DAWN": "dawn", "SUNRISE": "dawn", "FIRST LIGHT": "dawn", "EARLY MORNING": "dawn",
    "DUSK": "dusk", "SUNSET": "dusk", "EVENING": "dusk", "TWILIGHT": "dusk",
    "MAGIC HOUR": "dusk",
}
# Times that carry on from the scene before.
CARRY_ON = ("CONTINUOUS", "LATER", "MOMENTS LATER", "SAME", "SAME TIME", "CONT'D",
            "CONTINUED", "A MOMENT LATER")
_EXTENSION = re.compile(r"\s*\([^)]*\)\s*")


def split_heading(text: str) -> Heading:
    """``INT. LIGHTHOUSE KITCHEN - NIGHT`` as its setting, place and time of day."""
    text = " ".join(text.split())
    setting, rest = "", text
    for pattern, name in _SETTINGS:
        match = pattern.match(text)
        if match:
            setting, rest = name, text[match.end():]
            break
    parts = [part.strip() for part in re.split(r"(?:^|\s+)[-–—]+(?:\s+|$)", rest.strip())]
    time = ""
    if len(parts) > 1 and _is_time(parts[-1]):
        time = parts.pop()
    place = " - ".join(part for part in parts if part) if parts[0] else ""
    return Heading(text, setting, place.strip(" .-"), time)


def _is_time(part: str) -> bool:
    word = part.upper().strip(" .")
    return word in TIMES or word in CARRY_ON or word.endswith(" LATER")


def time_of_day(heading: Heading, before: str) -> str:
    """The draft's time of day for ``heading``: its own, or the scene before's when it
    carries on (``CONTINUOUS``, ``LATER``) or names none."""
    return TIMES.get(heading.time.upper().strip(" ."), before)


def character_name(cue: str) -> str:
    """The character a cue names: ``MARA (CONT'D)``, ``MARA (V.O.)``, ``@McCoy`` and the dual
    dialogue caret all name ``MARA``/``McCoy``; spacing is made single."""
    cue = cue.strip()
    if cue.startswith("@"):
        cue = cue[1:]
    cue = cue.rstrip("^ ").strip()
    cue = _EXTENSION.sub(" ", cue)
    return " ".join(cue.split()).upper()


def display_name(name: str) -> str:
    """A cue's name as the cast list writes it: ``MARA`` becomes ``Mara``, ``DR. O'NEIL``
    becomes ``Dr. O'Neil``."""
    return re.sub(r"[A-Za-z]+('[A-Za-z]+)?", lambda m: _capitalised(m.group(0)), name)


def _capitalised(word: str) -> str:
    head, _, tail = word.partition("'")
    if not tail:
        return word[:1].upper() + word[1:].lower()
    if len(head) == 1:  # O'NEIL: both halves capitalised
        return f"{head.upper()}'{tail[:1].upper()}{tail[1:].lower()}"
    return f"{head[:1].upper()}{head[1:].lower()}'{tail.lower()}"
