"""What a node shows of renders and problems: its badges, from engine events and plans."""

from __future__ import annotations

from dataclasses import dataclass, field

from previz.engine.events import (
    Cached,
    CancelledEvent,
    Done,
    Failed,
    Queued,
    RenderEvent,
    Started,
    Step,
)
from previz.engine.plan import PlannedNode
from previz.engine.problems import Problem, ProblemKind

# Most telling first: the node's badge shows the state of its most telling take.
_ORDER = ("failed", "running", "queued", "cancelled", "done", "cached")
_STATUS = {Queued: "queued", Started: "running", Step: "running", Cached: "cached",
           Done: "done", Failed: "failed", CancelledEvent: "cancelled"}


@dataclass(frozen=True)
class Badge:
    """One pill over a node: its text, its role (picks the colour) and a tooltip."""

    text: str
    role: str
    tooltip: str = ""


@dataclass
class _Take:
    status: str
    fraction: float = 0.0
    message: str = ""


@dataclass
class NodeBadges:
    """A node's render state per take, plus the problems and notes of the last plan."""

    takes: dict[int, _Take] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    snapped: tuple[str, ...] = ()
    continuity: tuple[str, ...] = ()

    def apply(self, event: RenderEvent) -> None:
        """Take in one render event."""
        status = _STATUS.get(type(event))
        if status is None:
            return
        take = _Take(status)
        if isinstance(event, Step):
            take.fraction = event.index / event.total if event.total else 0.0
        elif isinstance(event, Failed):
            take.message = event.message
        self.takes[event.take] = take

    def apply_plan(self, planned: PlannedNode | None, problems: list[Problem]) -> None:
        """Take in what a compile found at this node."""
        self.problems = tuple(problems)
        self.notes = planned.notes if planned is not None else ()

    @property
    def status(self) -> str:
        """The most telling take state, or ``""`` before any render event."""
        found = {take.status for take in self.takes.values()}
        return next((status for status in _ORDER if status in found), "")

    @property
    def progress(self) -> float | None:
        """The running takes' mean progress from 0 to 1, or ``None`` when none runs."""
        running = [take.fraction for take in self.takes.values() if take.status == "running"]
        return sum(running) / len(running) if running else None

    def badges(self) -> list[Badge]:
        """The pills to draw, left to right."""
        pills = []
        status = self.status
        if status == "running":
            pills.append(Badge(f"{round(100 * (self.progress or 0.0))}%", "running", "rendering"))
        elif status == "failed":
            messages = sorted({take.message for take in self.takes.values() if take.message})
            pills.append(Badge("failed", "failed", "\n".join(messages)))
        elif status:
            pills.append(Badge(status, status))
        missing = [p.message for p in self.problems if p.kind is ProblemKind.MODEL_MISSING]
        if missing:
            pills.append(Badge("model missing", "warning", "\n".join(missing)))
        others = [str(p) for p in self.problems if p.kind is not ProblemKind.MODEL_MISSING]
        if others:
            pills.append(Badge("problem", "failed", "\n".join(others)))
        if self.notes:
            pills.append(Badge("stale", "warning", "\n".join(self.notes)))
        if self.snapped:
            pills.append(Badge("snapped", "snapped", "\n".join(self.snapped)))
        if self.continuity:
            pills.append(Badge("continuity", "warning", "\n".join(self.continuity)))
        return pills

    def tooltip(self) -> str:
        """Every badge's explanation, for hovering over the node."""
        return "\n".join(f"{b.text}: {b.tooltip}" for b in self.badges() if b.tooltip)
