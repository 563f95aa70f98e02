"""SMPTE non-drop-frame timecode at the editorial rates, and the cut's start at 01:00:00:00."""

from __future__ import annotations

from fractions import Fraction

from previz.core.project import EDITORIAL_RATES

START_TIMECODE = "01:00:00:00"
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


def start_frame(rate: Fraction) -> int:
    """The frame number of 01:00:00:00 at ``rate`` (non-drop-frame)."""
    return 3600 * timecode_base(rate)


def timecode(frame: int, rate: Fraction) -> str:
    """Frame ``frame`` (counted from 00:00:00:00) as non-drop-frame ``HH:MM:SS:FF``."""
    base = timecode_base(rate)
    seconds, frames = divmod(frame, base)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours % 24:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}"


def rate_label(rate: Fraction) -> str:
    """``23.976 fps``, ``24 fps``: a rate as editors say it."""
    if rate.denominator == 1:
        return f"{rate.numerator} fps"
    return f"{float(rate):.3f}".rstrip("0").rstrip(".") + " fps"
