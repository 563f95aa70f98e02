"""Optical flow and the in-betweens made along it, measured on the picture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from previz.media.flow import (
    FlowError,
    FlowPair,
    FlowSettings,
    dissolve_along_flow,
    inbetween,
    optical_flow,
)

HEIGHT, WIDTH = 96, 160
SIDE, START, TOP, TRAVEL = 20, 60, 38, 16


def _background(kind: str, height: int = HEIGHT, width: int = WIDTH) -> np.ndarray:
    """Black, or a seeded blurred-noise texture kept below the square's white."""
    if kind == "plain":
        return np.zeros((height, width, 3), np.uint8)
    noise = np.random.default_rng(3).integers(0, 256, (height, width, 3)).astype(np.float32)
    blurred = cv2.GaussianBlur(noise, (0, 0), 1.5)
    return cv2.normalize(blurred, None, 0, 110, cv2.NORM_MINMAX).astype(np.uint8)


def _with_square(background: np.ndarray, left: int) -> np.ndarray:
    frame = background.copy()
    frame[TOP:TOP + SIDE, left:left + SIDE] = 255
    return frame


def _square_centre(frame: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The (x, y) centroid of the brightness the square adds over the still background."""
    excess = np.clip(frame.mean(axis=2) - background.mean(axis=2), 0, None)
    ys, xs = np.mgrid[0:frame.shape[0], 0:frame.shape[1]]
    return np.array([(excess * xs).sum(), (excess * ys).sum()]) / excess.sum()


def _interior(frame: np.ndarray, left: float) -> float:
    """Mean level inside the square at `left`, two pixels in from its edges."""
    x = round(left)
    return float(frame[TOP + 2:TOP + SIDE - 2, x + 2:x + SIDE - 2].mean())


@pytest.mark.parametrize("kind", ["textured", "plain"])
@pytest.mark.parametrize("t", [0.5, 1 / 3])
def test_inbetween_puts_a_translating_square_where_it_would_be(kind: str, t: float) -> None:
    background = _background(kind)
    a, b = _with_square(background, START), _with_square(background, START + TRAVEL)
    frame = inbetween(a, b, t)
    expected_left = START + TRAVEL * t
    centre = _square_centre(frame, background)
    half = (SIDE - 1) / 2
    assert abs(centre[0] - (expected_left + half)) <= 1
    assert abs(centre[1] - (TOP + half)) <= 1
    # A solid square, not two ghosts: a cross-dissolve gets the centroid right too, but not this.
    assert _interior(frame, expected_left) >= 240
    assert _interior(cv2.addWeighted(a, 1 - t, b, t, 0), expected_left) < 210


@pytest.mark.parametrize("t", [0.25, 0.5, 0.8])
def test_the_two_warps_mix_with_weights_one_minus_t_and_t(t: float) -> None:
    # Flat frames look the same however they are warped, so only the weights show.
    a = np.full((HEIGHT, WIDTH, 3), 40, np.uint8)
    b = np.full((HEIGHT, WIDTH, 3), 160, np.uint8)
    assert np.abs(inbetween(a, b, t).astype(float) - (40 * (1 - t) + 160 * t)).max() <= 0.5


def test_flow_points_from_a_to_b_and_scales_back_from_a_reduced_size() -> None:
    texture = _background("textured", 120, 320)
    shifted = np.roll(texture, (-4, 6), axis=(0, 1))
    for settings in (FlowSettings(), FlowSettings(max_width=160)):
        flow = optical_flow(texture, shifted, settings)
        assert flow.shape == (120, 320, 2)
        assert flow.dtype == np.float32
        inner = flow[20:-20, 20:-20].reshape(-1, 2)
        assert np.allclose(np.median(inner, axis=0), [6, -4], atol=0.5)


def test_pair_flows_run_both_ways() -> None:
    background = _background("textured")
    pair = FlowPair.between(_with_square(background, START), _with_square(background, START + 8))
    inside = (slice(TOP + 4, TOP + SIDE - 4), slice(START + 4, START + SIDE - 4))
    assert np.median(pair.forward[inside][..., 0]) == pytest.approx(8, abs=0.5)
    moved = (inside[0], slice(START + 12, START + SIDE + 4))
    assert np.median(pair.backward[moved][..., 0]) == pytest.approx(-8, abs=0.5)


def test_ends_are_the_frames_themselves_and_results_repeat() -> None:
    background = _background("textured")
    a, b = _with_square(background, START), _with_square(background, START + TRAVEL)
    assert np.array_equal(inbetween(a, b, 0), a)
    assert np.array_equal(inbetween(a, b, 1), b)
    assert np.array_equal(inbetween(a, b, 0.4), inbetween(a, b, 0.4))


def test_dissolve_along_flow_is_the_inbetween_with_flow_computed_once() -> None:
    background = _background("textured")
    a, b = _with_square(background, START), _with_square(background, START + TRAVEL)
    times = [0.0, 0.25, 0.5, 0.75, 1.0]
    frames = list(dissolve_along_flow(a, b, times))
    assert len(frames) == len(times)
    for t, frame in zip(times, frames, strict=True):
        assert np.array_equal(frame, inbetween(a, b, t))


def test_bad_input_is_refused_with_the_reason() -> None:
    frame = _background("plain")
    with pytest.raises(FlowError, match=r"got 1\.5"):
        inbetween(frame, frame, 1.5)
    with pytest.raises(FlowError, match="differ in size"):
        inbetween(frame, frame[:50], 0.5)
    with pytest.raises(FlowError, match="float32"):
        optical_flow(frame.astype(np.float32), frame)
    with pytest.raises(FlowError, match="got 8"):
        FlowSettings(max_width=8)
