"""A shot renders at its model's native rate and is retimed to the shot's rate (DESIGN §6)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from models.studio import ModelStudio

from previz.backends.diffusers import backend as diffusers_backend
from previz.backends.diffusers.calls import run_pipeline
from previz.backends.diffusers.families import LTX_VIDEO, WAN_T2V
from previz.backends.diffusers.timing import at_native_rate, native_timing
from previz.media import probe


@pytest.fixture
def frames_asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The frame count of every pipeline call."""
    seen: list[int] = []

    def spy(pipe: Any, arguments: dict[str, Any], *rest: Any) -> np.ndarray:
        seen.append(arguments["num_frames"])
        return run_pipeline(pipe, arguments, *rest)

    monkeypatch.setattr(diffusers_backend, "run_pipeline", spy)
    return seen


def test_a_3_second_wan_shot_at_24_fps(studio: ModelStudio, frames_asked: list[int]) -> None:
    """Wan moves at 16 fps: it is asked 49 frames (3 s at 16), which become 72 at 24."""
    shot = studio.shot("wan-t2v-tiny", duration=3.0, fps="24")
    result = studio.render(shot)
    assert result.ok, result.failed
    clip = result.outputs[shot.id]
    assert frames_asked == [49]
    assert (clip.frame_count, clip.fps) == (72, Fraction(24))
    assert studio.frames(clip).shape == (72, 64, 64, 3)
    (video,) = (path for path in studio.store.path_of(clip.key).iterdir()
                if path.suffix in (".mkv", ".mp4", ".mov", ".avi"))
    stream = probe(video)  # what ffmpeg reads back from the stored clip
    assert stream.frame_count == 72  # each frame 1/24 s to the millisecond Matroska keeps
    assert all(abs(length * stream.time_base - Fraction(1, 24)) < Fraction(1, 1000)
               for length in stream.durations)
    render = clip.provenance["render"]
    assert render["native_fps"] == "16" and render["native_frames"] == 49
    assert render["retimed"] == "49 frames at 16 fps retimed to 72 at 24 fps"
    assert clip.provenance["snapped"] == ["rendered at the model's 16 fps and retimed to 24"]


def test_a_shot_at_the_native_rate_is_not_retimed(studio: ModelStudio,
                                                  frames_asked: list[int]) -> None:
    shot = studio.shot("wan-t2v-tiny")
    only = studio.render(shot).outputs[shot.id]
    assert frames_asked == [9] and only.frame_count == 9
    assert "retimed" not in only.provenance["render"]


@pytest.mark.parametrize(("fps", "frames", "native"), [
    (Fraction(24), 72, 49), (Fraction(24000, 1001), 72, 49), (Fraction(16), 48, 48),
    (Fraction(12), 36, 48), (Fraction(30), 150, 81),
])
def test_native_frame_counts(fps: Fraction, frames: int, native: int) -> None:
    """Enough native frames that retiming covers the shot, and no more than needed."""
    timing = native_timing(WAN_T2V, fps, frames)
    assert timing.frames == native
    assert round(Fraction(native) * fps / 16 + Fraction(1, 2) - Fraction(1, 10**9)) >= frames


def test_ltx_is_native_at_24() -> None:
    assert native_timing(LTX_VIDEO, Fraction(24), 100).retimed is False
    assert native_timing(LTX_VIDEO, Fraction(25), 100).frames == 97  # covers 99/25 s at 24


def test_context_resampled_to_the_native_rate_ends_on_the_last_frame() -> None:
    frames = [np.full((2, 2, 3), index, np.uint8) for index in range(25)]
    native = at_native_rate(frames, Fraction(24), Fraction(16))
    assert len(native) == 17 and native[-1][0, 0, 0] == 24 and native[0][0, 0, 0] == 0
