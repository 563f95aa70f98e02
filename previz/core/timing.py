"""Frames in a duration, rounded one way everywhere (the node, the timeline, the export)."""

from __future__ import annotations

import math
from fractions import Fraction


def frames_in(seconds: float | Fraction, fps: Fraction | int) -> int:
    """Frames in ``seconds`` at ``fps``: exact decimal seconds, halves rounding up, at least
    one (2.5 s at 25 fps is 63 frames wherever it is counted)."""
    exact = seconds if isinstance(seconds, Fraction) else Fraction(str(seconds))
    return max(math.floor(exact * Fraction(fps) + Fraction(1, 2)), 1)
