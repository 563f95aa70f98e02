"""A renderer kept while someone drags on the floor plan draws what a new one would."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from unit.draft.pictures import person, prop, shoot

from previz.backends.draft.backend import scene_for
from previz.backends.draft.geometry import View
from previz.backends.draft.renderer import DraftRenderer


def _kept_and_new(before, after) -> tuple[np.ndarray, np.ndarray]:
    """The frame of ``after`` drawn by a renderer made for ``before`` and then recast, and
    the backend's own frame of ``after``."""
    first = shoot(before, mode="preview")
    path = first.request.camera
    view = View(path.K[0], path.world_to_camera[0], first.request.width,
                first.request.height)
    scene = scene_for(first.request, view)
    renderer = DraftRenderer(scene, first.request.width, first.request.height)
    assert np.array_equal(renderer.render(view, 0.0, 0.0), first.frames[0])
    renderer.recast(replace(scene, subjects=tuple(after)))
    return renderer.render(view, 0.0, 0.0), first.again(subjects=tuple(after)).frames[0]


def test_a_recast_renderer_draws_a_moved_person_as_a_new_one_does() -> None:
    before = [person("Ann", 0.0, 0.0, main=True), person("Bob", 1.0, 3.0),
              prop("Crate", -1.0, 2.0)]
    after = [before[0], person("Bob", -0.5, 1.0), before[2]]
    kept, new = _kept_and_new(before, after)
    assert np.array_equal(kept, new)
    assert not np.array_equal(kept, shoot(before, mode="preview").frames[0])


def test_a_recast_renderer_orders_set_pieces_that_moved_afresh() -> None:
    # The second crate goes from behind the first to in front of it: the plane between them
    # found for the first cast would draw it behind.
    before = [person("Ann", -2.0, 0.0, main=True), prop("Crate", 0.0, 3.0),
              prop("Box", 0.3, 6.0)]
    after = [before[0], before[1], prop("Box", 0.3, 1.5)]
    kept, new = _kept_and_new(before, after)
    assert np.array_equal(kept, new)


def test_a_recast_renderer_labels_a_renamed_person() -> None:
    before = [person("Ann", 0.0, 0.0, main=True), person("Bob", 1.0, 3.0)]
    after = [before[0], person("Robert", 1.0, 3.0)]
    kept, new = _kept_and_new(before, after)
    assert np.array_equal(kept, new)


def test_the_kept_background_is_only_that_of_the_same_camera() -> None:
    take = shoot([person("Ann", 0.0, 0.0, main=True), prop("Crate", -1.0, 2.0)],
                 mode="preview")
    path, request = take.request.camera, take.request
    here = View(path.K[0], path.world_to_camera[0], request.width, request.height)
    moved = path.world_to_camera[0].copy()
    moved[:3, 3] += (0.4, 0.3, 0.0)  # the camera steps left and up
    there = View(path.K[0], moved, request.width, request.height)
    scene = scene_for(request, here)
    kept = DraftRenderer(scene, request.width, request.height)
    first = kept.render(here, 0.0, 0.0)
    assert np.array_equal(kept.render(here, 0.0, 0.0), first)
    fresh = DraftRenderer(scene, request.width, request.height).render(there, 0.0, 0.0)
    assert not np.array_equal(fresh, first)
    assert np.array_equal(kept.render(there, 0.0, 0.0), fresh)
    assert np.array_equal(kept.render(here, 0.0, 0.0), first)
