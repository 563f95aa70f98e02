"""Images, clips and keyframes steering the models, through the real nodes and executor.

Random weights still respond to their inputs: changing an image, a mask (how many frames an
extension keeps) or a keyframe's index changes the frames.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from models.studio import RATE, SIZE, ModelStudio, solid

from previz.backends.diffusers import backend as diffusers_backend
from previz.backends.diffusers.calls import over, run_pipeline
from previz.backends.draft.backend import DraftBackend
from previz.core.camera import CameraPath
from previz.core.project import Node
from previz.core.subjects import Subject
from previz.core.values import Clip
from previz.engine.backend import CancelToken, RenderRequest

RED, BLUE, GREEN = solid(200, 30, 30), solid(30, 30, 200), solid(30, 200, 30)


def conditioned(studio: ModelStudio, model: str, *images: Node, **params: object) -> Node:
    """A shot on ``model`` with ``images`` stacked into its conditioning input."""
    shot = studio.shot(model, **params)
    previous = None
    for image in images:
        if previous is not None:
            studio.wire(previous, image, "previous")
        previous = image
    if previous is not None:
        studio.wire(previous, shot, "conditioning")
    return shot


def test_image_to_video_starts_on_its_image(studio: ModelStudio) -> None:
    red = studio.rendered(conditioned(studio, "wan-i2v-tiny", studio.image(RED)))
    blue = studio.rendered(conditioned(studio, "wan-i2v-tiny", studio.image(BLUE)))
    assert red.shape == (9, SIZE, SIZE, 3)
    assert not np.array_equal(red, blue)


def test_first_last_frame_follows_both_images(studio: ModelStudio) -> None:
    def render(last: np.ndarray) -> np.ndarray:
        images = (studio.image(RED), studio.image(last, "last_frame"))
        return studio.rendered(conditioned(studio, "wan-flf2v-tiny", *images))

    assert not np.array_equal(render(BLUE), render(GREEN))


def test_vace_keyframe_index_matters(studio: ModelStudio) -> None:
    def render(time: float) -> np.ndarray:
        key = studio.image(RED, "keyframe", time=time)
        return studio.rendered(conditioned(studio, "wan-vace-tiny", key))

    assert not np.array_equal(render(0.25), render(0.375))


def test_vace_holds_a_reference_image(studio: ModelStudio) -> None:
    def render(picture: np.ndarray) -> np.ndarray:
        ref = studio.image(picture, "reference", subject="Actor")
        return studio.rendered(conditioned(studio, "wan-vace-tiny", ref))

    red, blue = render(RED), render(BLUE)
    assert red.shape == (9, SIZE, SIZE, 3)  # the reference frames are not in the clip
    assert not np.array_equal(red, blue)


def test_vace_shoots_the_blocked_camera(studio: ModelStudio,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def spy(pipe: Any, arguments: dict[str, Any], *rest: Any) -> np.ndarray:
        calls.append(arguments)
        return run_pipeline(pipe, arguments, *rest)

    monkeypatch.setattr(diffusers_backend, "run_pipeline", spy)

    def render(move: str) -> Clip:
        shot = studio.shot("wan-vace-tiny", seed=2)
        move_node = studio.node("previz.camera_move", move=move, amount=30.0, unit="deg")
        studio.wire(move_node, shot, "camera")
        result = studio.render(shot)
        assert result.ok, result.failed
        return result.outputs[shot.id]

    panned, _ = render("pan"), render("orbit")
    assert panned.provenance["render"]["camera"] == "control video (depth+pose)"
    assert "camera_prompt" not in panned.provenance  # the move went as pictures, not words
    path = CameraPath.from_json(panned.camera)

    def draft(mode: str) -> list[np.ndarray]:
        asked = RenderRequest(prompt="", width=SIZE, height=SIZE, frame_count=9, fps=RATE,
                              seed=0, camera=path, subjects=(Subject("Actor", main=True),),
                              mode=mode)
        return list(DraftBackend().generate(asked, lambda index, total: None, CancelToken()))

    expected = [over(pose, depth) for depth, pose in zip(draft("depth"), draft("pose"),
                                                           strict=True)]
    given = [np.asarray(frame) for frame in calls[0]["video"]]
    assert all(np.array_equal(a, b) for a, b in zip(given, expected, strict=True))
    assert {np.asarray(mask).max() for mask in calls[0]["mask"]} == {255}  # all generated
    assert not np.array_equal(np.asarray(calls[1]["video"][-1]), given[-1])


def test_vace_extends_by_keeping_the_tail(studio: ModelStudio) -> None:
    shot = studio.shot("wan-vace-tiny")

    def extend(context: int) -> tuple[np.ndarray, np.ndarray]:
        node = studio.node("previz.extend", added_duration=0.5, context_frames=context)
        studio.wire(shot, node, "clip")
        result = studio.render(node)
        assert result.ok, result.failed
        return studio.frames(result.outputs[shot.id]), studio.frames(result.outputs[node.id])

    source, four = extend(4)
    _, five = extend(5)
    assert four.shape == (18, SIZE, SIZE, 3)
    assert np.array_equal(four[:9], source)  # the clip, then its continuation
    assert not np.array_equal(four[9:], five[9:])  # the mask kept a different tail


def test_vace_interpolates_between_two_shots(studio: ModelStudio) -> None:
    a = conditioned(studio, "wan-vace-tiny", studio.image(RED))
    b = conditioned(studio, "wan-vace-tiny", studio.image(BLUE))
    bridge = studio.node("previz.interpolate", bridge_duration=0.5)
    studio.wire(a, bridge, "clip_a")
    studio.wire(b, bridge, "clip_b")
    result = studio.render(bridge)
    assert result.ok, result.failed
    clip = result.outputs[bridge.id]
    assert clip.frame_count == 11  # 8 asked; 8 + both ends snaps to 13 = 4k+1
    assert clip.provenance["snapped"] == [
        "11 in-betweens, not 8: this model renders 4k+1 frames counting both ends"]
    assert clip.provenance["render"]["model"] == "wan-vace-tiny"


def test_first_last_frame_model_bridges(studio: ModelStudio) -> None:
    a = conditioned(studio, "wan-flf2v-tiny", studio.image(RED), studio.image(BLUE, "last_frame"))
    bridge = studio.node("previz.interpolate", bridge_duration=0.5)
    studio.wire(a, bridge, "clip_a")
    studio.wire(a, bridge, "clip_b")  # a loop: from A's end back to its start
    result = studio.render(bridge)
    assert result.ok, result.failed
    assert result.outputs[bridge.id].frame_count == 11


def test_image_to_video_extends_from_the_last_frame(studio: ModelStudio) -> None:
    shot = conditioned(studio, "wan-i2v-tiny", studio.image(RED))
    extend = studio.node("previz.extend", added_duration=0.5)
    studio.wire(shot, extend, "clip")
    result = studio.render(extend)
    assert result.ok, result.failed
    assert result.outputs[extend.id].frame_count == 18


def test_ltx_keyframe_index_matters(studio: ModelStudio) -> None:
    def render(time: float) -> np.ndarray:
        images = (studio.image(RED), studio.image(BLUE, "keyframe", time=time))
        return studio.rendered(conditioned(studio, "ltx-tiny", *images, seed=5))

    early, late = render(0.25), render(0.5)
    assert early.shape == (8, SIZE, SIZE, 3)  # 0.5 s rendered at LTX's 24 fps, retimed to 16
    assert not np.array_equal(early, late)


def test_ltx_extends_by_a_video_condition(studio: ModelStudio) -> None:
    shot = studio.shot("ltx-tiny")

    def extend(seed: int) -> np.ndarray:
        node = studio.node("previz.extend", added_duration=0.5, context_frames=9, seed=seed)
        studio.wire(shot, node, "clip")
        result = studio.render(node)
        assert result.ok, result.failed
        assert result.outputs[node.id].provenance["render"]["family"] == "ltx"
        return studio.frames(result.outputs[node.id])

    first, again, other = extend(1), extend(1), extend(2)
    assert first.shape == (17, SIZE, SIZE, 3)  # the shot's 8 (retimed from 24), then 9 (8k+1)
    assert np.array_equal(first, again)
    assert not np.array_equal(first[8:], other[8:])
