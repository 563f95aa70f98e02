"""A shot longer than its model's cap renders as a chain of continuations (the Extend path)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from models.conftest import TinyLibrary
from models.studio import solid

from previz.backends.diffusers.timing import CHAIN_OVERLAP
from previz.core.values import ConditioningImage
from previz.engine.backend import CancelToken, RenderRequest
from previz.engine.context import NodeError

SIZE = 32


def minute(model: str, fps: int, size: int = SIZE) -> RenderRequest:
    """A 60 s shot starting on an image, two steps a call without classifier-free guidance
    (guidance 1: half the work)."""
    image = solid(200, 80, 30, size)
    return RenderRequest(prompt="a keeper walks along the pier", width=size, height=size,
                         frame_count=60 * fps, fps=Fraction(fps), seed=3, steps=2,
                         guidance=1.0, model=model,
                         conditioning=(ConditioningImage("start", "first_frame"),),
                         images={"start": image})


@pytest.mark.parametrize(("model", "fps", "size", "calls"), [("wan-i2v-tiny", 16, 16, 20),
                                                             ("ltx-tiny", 24, 32, 7)])
def test_a_minute_renders_as_a_chain_without_a_jump(tiny: TinyLibrary, model: str, fps: int,
                                                    size: int, calls: int) -> None:
    """960 frames on Wan I2V (81, then 48 new a call after a 33-frame overlap) and 1440 on
    LTX-Video (257, then 224): every frame there, and no step across a seam (the cross-faded
    overlap) more than twice the median step inside the chunks on either side of it."""
    backend = tiny.backend()
    asked = minute(model, fps, size)
    timing = backend.timing(asked)
    seen: list[tuple[int, int]] = []
    frames = np.stack(list(backend.generate(asked, lambda index, total: seen.append(
        (index, total)), CancelToken()))).astype(np.float64)
    assert frames.shape == (60 * fps, size, size, 3)
    assert len(timing.chunks) == calls and sum(timing.chunks) == 60 * fps
    assert seen[-1] == (calls * 2, calls * 2)  # progress runs once over every call's steps
    steps = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2, 3))
    starts = [int(start) for start in np.cumsum(timing.chunks)[:-1]]
    windows = [(start - CHAIN_OVERLAP - 1, start + 1) for start in starts]  # the cross-fade
    bounds = [0, *(end for _, end in windows), len(steps)]
    for number, (begin, end) in enumerate(windows):  # each seam against its two chunks
        inside = [step for low, high in ((bounds[number], begin),
                                         (end, windows[number + 1][0] if number + 1 < len(
                                             windows) else len(steps)))
                  for step in steps[low:high]]
        assert steps[begin:end].max() <= 2 * float(np.median(inside)), (number, steps[
            begin:end].max(), float(np.median(inside)))
    record = backend.describe(asked)
    assert record["calls"] == calls and record["native_frames"] == 60 * fps
    assert record["chain"].startswith(f"{calls} calls of at most")


def test_text_to_video_alone_cannot_chain_and_names_a_model_that_can(tiny: TinyLibrary) -> None:
    backend = tiny.backend()
    asked = RenderRequest(prompt="a dog", width=SIZE, height=SIZE, frame_count=160,
                          fps=Fraction(16), seed=0, steps=2, model="wan-t2v-tiny")
    with pytest.raises(NodeError) as caught:
        list(backend.generate(asked, lambda index, total: None, CancelToken()))
    message = str(caught.value)
    assert message.startswith("wan-t2v-tiny (Wan text-to-video) renders at most 81 frames"
                              " (5.0625 s at 16 fps) a call and cannot continue a clip, so it"
                              " cannot make this 10 s shot: use ")
    able = message.split(": use ")[1].split(",", maxsplit=1)[0]
    assert "extend" in backend.capabilities(able)


def test_a_chain_cannot_carry_a_last_frame(tiny: TinyLibrary) -> None:
    backend = tiny.backend()
    asked = minute("ltx-tiny", 24)
    ending = replace(asked, conditioning=(*asked.conditioning,
                                          ConditioningImage("start", "last_frame")))
    with pytest.raises(NodeError, match="cannot carry a last-frame image past the first"):
        list(backend.generate(ending, lambda index, total: None, CancelToken()))
