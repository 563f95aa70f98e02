"""Progress events reach every listener, in order, for each take: queued, started, steps,
done; cached; failed with a message; cancelled."""

from __future__ import annotations

import io
import logging

import pytest
from engine_pack import FAIL, PROMPT, SLOW, SOURCE, TRANSFORM, Studio, add, cut, wire

from previz.core.project import Project
from previz.engine.backend import CancelToken
from previz.engine.events import RenderEvent, Step
from previz.engine.progress import ProgressBar


def story(events: list[RenderEvent], node_id: str, take: int = 0) -> list[str]:
    """What happened to one take, as event names (steps as ``Step i/n``)."""
    return [f"Step {e.index}/{e.total}" if isinstance(e, Step) else type(e).__name__
            for e in events if e.node_id == node_id and e.take == take]


def test_every_listener_hears_every_event_in_order(studio: Studio,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    project = Project()
    reg = studio.registry
    prompt = add(project, reg, PROMPT, text="snow")
    shot = add(project, reg, SOURCE, frames=3, takes=2)
    grade = add(project, reg, TRANSFORM)
    boom = add(project, reg, FAIL, frames=4, name="boom")
    wire(project, prompt, shot, "prompt")
    wire(project, shot, grade, "clip")
    cut(project, grade)
    cut(project, boom)
    second: list[RenderEvent] = []
    bar_text = io.StringIO()

    def broken(event: RenderEvent) -> None:
        raise RuntimeError("a listener with a bug")

    plan = studio.compile(project)
    bar = ProgressBar(plan, bar_text)
    with caplog.at_level(logging.ERROR, "previz.engine.executor"):
        run = studio.render(project, listeners=[broken, second.append, bar.update])

    assert second == run.events
    assert "a listener with a bug" in caplog.text
    rendered = ["Queued", "Started", "Step 1/3", "Step 2/3", "Step 3/3", "Done"]
    assert story(run.events, shot.id, 0) == rendered
    assert story(run.events, shot.id, 1) == rendered
    assert story(run.events, prompt.id) == ["Queued", "Started", "Done"]
    assert story(run.events, boom.id) == ["Queued", "Started", "Step 1/4", "Step 2/4", "Failed"]
    [failed] = [e for e in run.events if type(e).__name__ == "Failed"]
    assert failed.message == "the test asked this node to fail"
    lines = bar_text.getvalue().splitlines()
    assert len(lines) == 5 and lines[-1].startswith("[5/5]")
    assert "Fail 'boom' take 1: failed: the test asked this node to fail" in bar_text.getvalue()

    again = studio.render(project, listeners=[second.append])
    assert story(again.events, shot.id, 1) == ["Queued", "Cached"]
    assert story(again.events, grade.id) == ["Queued", "Cached"]
    assert story(again.events, prompt.id) == ["Queued", "Cached"]


def test_cancelled_takes_say_so_to_every_listener(studio: Studio) -> None:
    project = Project()
    slow = add(project, studio.registry, SLOW, frames=20, delay=0.02)
    grade = add(project, studio.registry, TRANSFORM)
    wire(project, slow, grade, "clip")
    cut(project, grade)
    token = CancelToken()
    second: list[RenderEvent] = []

    def cancel_at_two(event: RenderEvent) -> None:
        if isinstance(event, Step) and event.index == 2:
            token.cancel()

    run = studio.render(project, cancel=token, listeners=[cancel_at_two, second.append])
    assert second == run.events
    assert story(run.events, slow.id)[:4] == ["Queued", "Started", "Step 1/20", "Step 2/20"]
    assert story(run.events, slow.id)[-1] == "CancelledEvent"
    assert story(run.events, grade.id) == ["Queued", "CancelledEvent"]
