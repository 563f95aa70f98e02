"""A text progress bar for the command line, fed by render events."""

from __future__ import annotations

from typing import TextIO

from previz.engine.events import Cached, CancelledEvent, Done, Failed, RenderEvent, Step
from previz.engine.plan import ExecutionPlan

WIDTH = 30


class ProgressBar:
    """Shows takes finished out of all takes, and the current step; one line per take when
    the stream is not a terminal."""

    def __init__(self, plan: ExecutionPlan, stream: TextIO) -> None:
        self.plan = plan
        self.stream = stream
        self.total = sum(max(len(node.keys), 1) for node in plan.nodes.values())
        self.finished = 0
        self.live = stream.isatty()

    def update(self, event: RenderEvent) -> None:
        """Take in one event and redraw."""
        label = self.plan.nodes[event.node_id].label
        if isinstance(event, Step):
            status = f"{label} take {event.take + 1}: {event.index}/{event.total}"
        elif isinstance(event, Done | Cached | Failed | CancelledEvent):
            self.finished += 1
            status = f"{label} take {event.take + 1}: {_word(event)}"
            if not self.live:
                print(f"[{self.finished}/{self.total}] {status}", file=self.stream)
                return
        else:
            return
        if self.live:
            filled = WIDTH * self.finished // max(self.total, 1)
            bar = "#" * filled + "." * (WIDTH - filled)
            self.stream.write(f"\r[{bar}] {self.finished}/{self.total} {status[:60]:<60}")
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.live:
            self.stream.write("\n")
            self.stream.flush()


def _word(event: RenderEvent) -> str:
    if isinstance(event, Failed):
        return f"failed: {event.message}"
    if isinstance(event, CancelledEvent):
        return "cancelled"
    return "cached" if isinstance(event, Cached) else "done"
