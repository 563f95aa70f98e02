"""The frames, masks, indices and condition lists the backend builds, checked as data against
what each pipeline expects (no torch here)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from previz.backends.diffusers.families import (
    LTX_VIDEO,
    WAN_FLF2V,
    WAN_I2V,
    WAN_T2V,
    WAN_VACE,
    fit,
    needs,
)
from previz.backends.diffusers.families.ltx import ltx_conditions
from previz.backends.diffusers.families.vace import GENERATE, GRAY, KEEP, vace_inputs
from previz.backends.diffusers.families.wan import wan_images
from previz.backends.diffusers.inputs import cover, legal_count, plan_frames
from previz.core.values import Clip, ConditioningImage
from previz.engine.backend import RenderRequest

W, H = 64, 48
SOURCE = Clip("source", Fraction(16), W, H, 17)


def picture(value: int) -> np.ndarray:
    return np.full((H, W, 3), value, np.uint8)


def request(frames: int, *images: tuple[str, float], **fields: object) -> RenderRequest:
    """A request with an image per (role, time), image n filled with the value 10 n."""
    conditioning = tuple(ConditioningImage(f"a{n}", role, time)
                         for n, (role, time) in enumerate(images))
    pictures = {f"a{n}": picture(10 * n + 10) for n in range(len(images))}
    return RenderRequest(prompt="p", width=W, height=H, frame_count=frames, fps=Fraction(16),
                         seed=0, conditioning=conditioning, images=pictures, **fields)


def value(frame: np.ndarray) -> int:
    return int(frame[0, 0, 0])


def test_legal_counts() -> None:
    assert [legal_count(n, 4) for n in (1, 2, 5, 80, 81)] == [1, 5, 5, 81, 81]
    assert [legal_count(n, 8) for n in (9, 10, 80)] == [9, 17, 81]


def test_cover_fills_the_frame_without_bars() -> None:
    wide = np.zeros((10, 40, 3), np.uint8)
    wide[:, 15:25] = 255  # a white band in the middle
    covered = cover(wide, W, H)
    assert covered.shape == (H, W, 3)
    assert covered[:, W // 2].min() == 255 and covered[:, 0].max() == 0


def test_vace_shot_pins_keyframes_and_generates_the_rest() -> None:
    plan = plan_frames(request(9, ("first_frame", 0), ("keyframe", 0.25), ("last_frame", 0),
                               ("reference", 0)), WAN_VACE)
    assert plan.frames == 9 and plan.keep == tuple(range(9))
    assert [pin.index for pin in plan.pins] == [0, 4, 8]
    inputs = vace_inputs(plan, W, H)
    assert len(inputs.video) == len(inputs.mask) == 9  # one frame and one mask per frame
    assert all(frame.shape == (H, W, 3) and frame.dtype == np.uint8 for frame in inputs.video)
    assert all(mask.shape == (H, W) and mask.dtype == np.uint8 for mask in inputs.mask)
    assert [int(mask.max()) for mask in inputs.mask] == [
        KEEP, *[GENERATE] * 3, KEEP, *[GENERATE] * 3, KEEP]
    assert [value(frame) for frame in inputs.video] == [10, *[GRAY] * 3, 20, *[GRAY] * 3, 30]
    assert [value(ref) for ref in inputs.references] == [40]


def test_vace_control_fills_the_generated_frames() -> None:
    control = [picture(200 + i) for i in range(9)]
    plan = plan_frames(request(9, ("first_frame", 0)), WAN_VACE, control)
    inputs = vace_inputs(plan, W, H)
    assert [value(frame) for frame in inputs.video] == [10, *range(201, 209)]
    assert int(inputs.mask[0].max()) == KEEP and int(inputs.mask[1].min()) == GENERATE


def test_a_weak_pin_is_a_grey_mask() -> None:
    weak = RenderRequest(prompt="p", width=W, height=H, frame_count=9, fps=Fraction(16), seed=0,
                         conditioning=(ConditioningImage("a", "first_frame", strength=0.75),),
                         images={"a": picture(10)})
    mask = vace_inputs(plan_frames(weak, WAN_VACE), W, H).mask
    assert int(mask[0].max()) == round(GENERATE * 0.25)


def test_vace_extension_keeps_the_tail_then_follows_the_camera() -> None:
    tail = [picture(100 + i) for i in range(4)]
    control = [picture(200 + i) for i in range(9)]
    plan = plan_frames(request(9, source_clip=SOURCE, context_frames=tail), WAN_VACE, control)
    assert plan.frames == 13 and plan.keep == tuple(range(4, 13))  # 4 kept + 9 made = 4k+1
    inputs = vace_inputs(plan, W, H)
    assert [value(frame) for frame in inputs.video] == [*range(100, 104), *range(200, 209)]
    assert [int(mask.max()) for mask in inputs.mask] == [KEEP] * 4 + [GENERATE] * 9


def test_vace_extension_pads_to_a_legal_count() -> None:
    tail = [picture(100 + i) for i in range(6)]
    plan = plan_frames(request(9, source_clip=SOURCE, context_frames=tail), WAN_VACE)
    assert plan.frames == 17 and plan.keep == tuple(range(6, 15))  # two extra frames, dropped


def test_bridges_pin_both_ends_around_the_in_betweens() -> None:
    bridge = request(11, ("first_frame", 0), ("last_frame", 0), bridge=True, source_clip=SOURCE)
    vace = plan_frames(bridge, WAN_VACE)
    assert vace.frames == 13 and vace.keep == tuple(range(1, 12))
    assert [(pin.index, value(pin.image)) for pin in vace.pins] == [(0, 10), (12, 20)]
    images = wan_images(plan_frames(bridge, WAN_FLF2V))
    assert (value(images.first), value(images.last)) == (10, 20)


def test_an_end_pinned_bridge_of_an_awkward_length_spreads_its_frames() -> None:
    bridge = request(8, ("first_frame", 0), ("last_frame", 0), bridge=True, source_clip=SOURCE)
    plan = plan_frames(bridge, WAN_FLF2V)
    assert plan.frames == 13 and plan.pins[-1].index == 12  # FLF2V ends on its last frame
    assert len(plan.keep) == 8 and plan.keep[0] == 1 and plan.keep[-1] == 11
    open_ended = plan_frames(bridge, WAN_VACE)
    assert open_ended.pins[-1].index == 9 and open_ended.keep == tuple(range(1, 9))


def test_ltx_extends_by_an_8k_plus_1_video_at_frame_0() -> None:
    tail = [picture(100 + i) for i in range(12)]
    plan = plan_frames(request(16, source_clip=SOURCE, context_frames=tail), LTX_VIDEO)
    assert plan.frames == 25 and plan.keep == tuple(range(9, 25))
    conditions = ltx_conditions(plan)
    assert len(conditions) == 1 and conditions[0].index == 0
    assert [value(frame) for frame in conditions[0].frames] == list(range(103, 112))


def test_ltx_keyframes_are_image_conditions_at_their_frames() -> None:
    plan = plan_frames(request(17, ("first_frame", 0), ("keyframe", 0.5), ("last_frame", 0)),
                       LTX_VIDEO)
    conditions = ltx_conditions(plan)
    assert [(c.index, len(c.frames), value(c.frames[0])) for c in conditions] == [
        (0, 1, 10), (8, 1, 20), (16, 1, 30)]


def test_image_to_video_extends_from_the_last_frame_only() -> None:
    tail = [picture(100 + i) for i in range(8)]
    plan = plan_frames(request(9, source_clip=SOURCE, context_frames=tail), WAN_I2V)
    assert plan.frames == 13 and plan.keep == tuple(range(1, 10))
    images = wan_images(plan)
    assert value(images.first) == 107 and images.last is None


def test_without_an_image_image_to_video_has_nothing_to_start_from() -> None:
    with pytest.raises(ValueError, match="first-frame image"):
        wan_images(plan_frames(request(9), WAN_I2V))


def test_needs_and_fit() -> None:
    roles = frozenset({"keyframe", "reference"})
    assert needs(roles, extend=False, bridge=False, control=False) == {
        "keyframes", "reference_images"}
    assert needs(frozenset(), extend=False, bridge=False, control=False) == {"text_to_video"}
    extend = needs(frozenset({"first_frame"}), extend=True, bridge=False, control=False)
    assert extend == {"extend"}
    assert fit(WAN_I2V, extend).ok and not fit(WAN_T2V, extend).ok
    assert fit(WAN_FLF2V, frozenset({"first_frame"})).unmet == {"last_frame"}
    assert fit(WAN_I2V, frozenset({"text_to_video"})).unmet == {"first_frame"}
    assert fit(WAN_T2V, frozenset({"keyframes"})).lacking == {"keyframes"}
