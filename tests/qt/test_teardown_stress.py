"""Teardown without crashes: windows and viewers close while feeds decode, thumbnails are
made and a render runs; every worker is stopped before the Qt objects it reports to go."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rendered_example import SMALL, node_named, render_small

from previz._qt.qt_main_window import QtMainWindow
from previz.core.project import Settings

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "lighthouse.previz"
WINDOWS = 50


def busy_then_closed(window: QtMainWindow, loop: Any, run: Any, until: Any) -> None:
    """Open the example, play a shot, ask for thumbnails, start a render, close at once."""
    assert window.open_path(EXAMPLE)
    project = window.document.project
    project.set_settings(Settings(project.settings.rate, *SMALL))
    window.selection.set_nodes([node_named(window, "previz.shot", "Establishing")])
    window.viewer.player.play()
    clip = window.viewer.clip
    if clip is not None:
        for frame in range(0, clip.frame_count, 8):
            window.thumbnails.get(clip, frame)
    window.queue.render()
    run(until(lambda: window.queue.is_running, timeout=10))
    window.document.undo_stack.setClean()
    window.document.replace(window.document.project, window.document.path)
    window.close()
    if window.queue.is_running:
        loop.run_until_complete(window.queue.wait())


def test_fifty_windows_close_while_feeds_thumbnails_and_renders_run(
        make_window: Callable[[], QtMainWindow], loop: Any, run: Any, until: Any) -> None:
    first = make_window()
    assert first.open_path(EXAMPLE)
    render_small(first, run)
    threads_before = {thread.ident for thread in threading.enumerate()}
    for _ in range(WINDOWS):
        busy_then_closed(make_window(), loop, run, until)
    gc.collect()
    run(asyncio.sleep(0.5))
    left = [thread.name for thread in threading.enumerate()
            if thread.ident not in threads_before and thread.name.startswith(("feed-",
                                                                              "thumbnails"))]
    assert left == []


def test_a_thumbnail_owns_its_pixels_even_at_thumbnail_height() -> None:
    import numpy as np

    from previz._qt.viewer.qt_thumbnails import HEIGHT, _small

    frame = np.full((HEIGHT, 128, 3), 40, np.uint8)  # already thumbnail height: not scaled
    image = _small(frame)
    frame[:] = 250  # the decoded frame is freed or reused once the worker returns
    assert image.pixelColor(5, 5).red() == 40
