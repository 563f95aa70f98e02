"""SMPTE timecode at the editorial rates, drop-frame or not, and the cut's start: the project's
start timecode, 01:00:00:00 unless its settings say otherwise.

At 30000/1001 (and 60000/1001) a timecode is drop-frame or non-drop. Drop-frame skips the labels
``;00`` and ``;01`` (``;00``-``;03`` at 60) at the start of every minute but each tenth, so an
hour of labels is 107,892 frames at 29.97 against 108,000 for non-drop, and writes ``;`` before
the frames; non-drop writes ``:``. The other rates have only non-drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from previz.core.errors import EditRefused
from previz.core.project import EDITORIAL_RATES
from previz.core.project_settings import checked_timecode

START_TIMECODE = "01:00:00:00"
TIMECODE_MODES = ("df", "ndf")
# What people type for the NTSC rates; exports keep them as the exact fractions.
_RATE_NAMES = {"23.976": Fraction(24000, 1001), "23.98": Fraction(24000, 1001),
               "29.97": Fraction(30000, 1001)}


def parse_rate(text: str) -> Fraction:
    """An editorial rate from ``24000/1001``, ``24``, ``25``, ``30000/1001``, ``30`` (or
    ``23.976`` and ``29.97``); a ValueError names the rates allowed."""
    value = text.strip()
    try:
        rate = _RATE_NAMES.get(value) or Fraction(value)
    except (ValueError, ZeroDivisionError):
        rate = None
    if rate not in EDITORIAL_RATES:
        allowed = ", ".join(str(rate) for rate in EDITORIAL_RATES)
        raise ValueError(f"{text!r} is not an editorial rate: one of {allowed}")
    return rate


def timecode_base(rate: Fraction) -> int:
    """Frames in one timecode second: 24 for 24000/1001, 30 for 30000/1001."""
    return round(rate)


def can_drop(rate: Fraction) -> bool:
    """Whether ``rate`` has a drop-frame timecode: 30000/1001 and 60000/1001."""
    return rate.denominator == 1001 and timecode_base(rate) % 30 == 0


@dataclass(frozen=True)
class TimecodeClock:
    """How a cut counts timecode: its rate, and whether it drops frame labels."""

    rate: Fraction
    drop: bool = False
    start_label: str = START_TIMECODE

    @classmethod
    def for_mode(cls, rate: Fraction, mode: str = "df",
                 start: str = START_TIMECODE) -> TimecodeClock:
        """The clock for ``mode`` (``df`` or ``ndf``): drop-frame only where the rate has it;
        the sequence starting at ``start``. A ValueError says why a start cannot be one: not
        ``HH:MM:SS:FF``, a frame the rate does not have, or a label drop-frame skips."""
        if mode not in TIMECODE_MODES:
            raise ValueError(f"timecode {mode!r} is not one of {', '.join(TIMECODE_MODES)}")
        clock = cls(Fraction(rate), mode == "df" and can_drop(Fraction(rate)))
        try:  # the form and range Project Settings checks
            label = checked_timecode(start, clock.rate)
        except EditRefused as error:
            raise ValueError(str(error)) from None
        first = clock.frame(label)
        written = clock.label(first)
        if written.replace(";", ":") != label.replace(";", ":"):
            kept = clock.label(first + timecode_base(clock.rate) // 15 - int(label[-2:]))
            raise ValueError(f"the start timecode {label!r} is a label drop-frame skips (the"
                             f" first of every minute but each tenth): start at {kept}, or"
                             " export non-drop")
        return cls(clock.rate, clock.drop, written)

    @property
    def fcm(self) -> str:
        """The EDL's frame code mode line."""
        return "FCM: DROP FRAME" if self.drop else "FCM: NON-DROP FRAME"

    @property
    def start(self) -> int:
        """The frame number of the sequence's start (01:00:00:00 unless set)."""
        return self.frame(self.start_label)

    def label(self, frame: int) -> str:
        """Frame ``frame`` (counted from 00:00:00:00) as ``HH:MM:SS:FF``, ``HH:MM:SS;FF`` when
        dropping."""
        base = timecode_base(self.rate)
        if self.drop:
            frame += _dropped_before(frame, base)
        seconds, frames = divmod(frame, base)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        separator = ";" if self.drop else ":"
        return f"{hours % 24:02d}:{minutes:02d}:{seconds:02d}{separator}{frames:02d}"

    def frame(self, label: str) -> int:
        """The frame number of ``label`` (either separator) on this clock."""
        parts = label.replace(";", ":").split(":")
        if len(parts) != 4 or not all(part.isdigit() for part in parts):
            raise ValueError(f"{label!r} is not a timecode HH:MM:SS:FF")
        hours, minutes, seconds, frames = (int(part) for part in parts)
        base = timecode_base(self.rate)
        total = ((hours * 60 + minutes) * 60 + seconds) * base + frames
        if self.drop:
            skip = base // 15
            all_minutes = hours * 60 + minutes
            total -= skip * (all_minutes - all_minutes // 10)
        return total


def _dropped_before(frame: int, base: int) -> int:
    """How many labels drop-frame has skipped by frame ``frame``."""
    skip = base // 15
    per_ten = base * 600 - skip * 9
    per_minute = base * 60 - skip
    tens, rest = divmod(frame, per_ten)
    extra = 0 if rest < skip else skip * ((rest - skip) // per_minute)
    return skip * 9 * tens + extra


def start_frame(rate: Fraction, drop: bool = False) -> int:
    """The frame number of 01:00:00:00 at ``rate``."""
    return TimecodeClock(Fraction(rate), drop).start


def timecode(frame: int, rate: Fraction, drop: bool = False) -> str:
    """Frame ``frame`` (counted from 00:00:00:00) as a timecode label."""
    return TimecodeClock(Fraction(rate), drop).label(frame)


def rate_label(rate: Fraction) -> str:
    """``23.976 fps``, ``24 fps``: a rate as editors say it."""
    if rate.denominator == 1:
        return f"{rate.numerator} fps"
    return f"{float(rate):.3f}".rstrip("0").rstrip(".") + " fps"
