"""Playback time: which frame is due now, frame numbers as timecode, and a tally of lateness."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction


def timecode(frame: int, fps: Fraction) -> str:
    """``HH:MM:SS:FF`` of ``frame`` at ``fps`` (non-drop, counted at the rounded rate)."""
    base = max(round(fps), 1)
    seconds, frames = divmod(max(frame, 0), base)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}"


@dataclass
class PlayTally:
    """Frames shown on time, shown late (their picture not decoded yet) and skipped."""

    on_time: int = 0
    late: int = 0
    skipped: int = 0

    @property
    def share_on_time(self) -> float:
        """The share of due frames shown on time (1.0 when none were due)."""
        due = self.on_time + self.late + self.skipped
        return self.on_time / due if due else 1.0


@dataclass
class PlayClock:
    """Frames due at ``fps`` since ``start(frame)``: playback follows the wall clock, dropping
    frames rather than drifting."""

    fps: Fraction
    length: int
    loop: bool = False
    first: int = 0
    started_at: float = 0.0
    tally: PlayTally = field(default_factory=PlayTally)
    now: Callable[[], float] = time.perf_counter

    def start(self, frame: int) -> None:
        """Count from ``frame`` as of now."""
        self.first = frame
        self.started_at = self.now()

    def due(self) -> int | None:
        """The frame due now; None once the end is passed without loop."""
        elapsed = self.now() - self.started_at
        frame = self.first + math.floor(elapsed * self.fps)
        if frame < self.length:
            return frame
        return frame % self.length if self.loop and self.length else None
