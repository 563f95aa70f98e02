"""A renderer draws a frame into one it drew before once no one holds that one any more (its
pages mapped and warm, not fresh from the kernel), and never into a frame someone holds."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from unit.draft.pictures import Take, linear, person, prop, shoot

from previz.backends.draft.backend import scene_for
from previz.backends.draft.geometry import View
from previz.backends.draft.renderer import DraftRenderer

SCENE = [person("Ann", 0.0, 0.0, main=True, facing=30.0), person("Bob", 1.2, 2.0),
         prop("Crate", -1.5, 2.5)]
# An orbit that tilts up into the sky and rolls: frames of every kind of background (the
# ground under a level horizon, a tilted one, sky to the bottom of the frame).
MOVES = [linear("orbit", 120.0), linear("tilt", 50.0, 0.3, 0.7), linear("roll", 40.0, 0.6)]


def _take(mode: str) -> tuple[Take, DraftRenderer, list[View]]:
    """The backend's frames of a moving shot, and a renderer of the shot's own with its
    cameras."""
    take = shoot(SCENE, size="medium_wide", mode=mode, moves=MOVES, frames=8,
                 prompt="EXT. QUAY - NIGHT.")
    request, path = take.request, take.request.camera
    views = [View(path.K[i], path.world_to_camera[i], request.width, request.height)
             for i in range(request.frame_count)]
    return take, DraftRenderer(scene_for(request, views[0]), request.width,
                               request.height), views


def test_a_frame_let_go_is_drawn_into_again() -> None:
    _, renderer, views = _take("preview")
    frame = renderer.render(views[0], 0.0, 1.0)
    first = weakref.ref(frame)
    del frame
    gc.collect()
    again = renderer.render(views[1], 1 / 24, 1.0)
    assert again is first()


@pytest.mark.parametrize("mode", ["preview", "layout"])
def test_a_frame_scribbled_on_and_let_go_is_drawn_over_to_the_last_pixel(mode: str) -> None:
    take, renderer, views = _take(mode)
    for index, view in enumerate(views):
        frame = renderer.render(view, index / 24, 1.0)
        assert np.array_equal(frame, take.frames[index]), index
        frame[:] = (255, 0, 255)  # what its taker did with it, before letting it go
        del frame


def test_a_frame_anyone_holds_is_never_drawn_into() -> None:
    take, renderer, views = _take("preview")
    frame = renderer.render(views[0], 0.0, 1.0)
    part = renderer.render(views[1], 1 / 24, 1.0)[::2, 1::3]  # only a view of it is kept
    buffer = memoryview(renderer.render(views[2], 2 / 24, 1.0))  # only its buffer
    later = [renderer.render(view, index / 24, 1.0)
             for index, view in enumerate(views[3:], start=3)]
    assert np.array_equal(frame, take.frames[0])
    assert np.array_equal(part, take.frames[1][::2, 1::3])
    assert np.array_equal(np.asarray(buffer), take.frames[2])
    for index, shown in enumerate(later, start=3):
        assert np.array_equal(shown, take.frames[index]), index
    held = [frame, part, np.asarray(buffer), *later]
    assert not any(np.shares_memory(a, b) for i, a in enumerate(held) for b in held[i + 1:])
