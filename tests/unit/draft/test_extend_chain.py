"""An Extend carries the camera on at the speed it had: a chain of them has no held frames
at its seams (DESIGN §6, issue 13); but a push-in has landed, and an Extend without a move of
its own holds its framing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from extend_chain import render_chain, repeated_at_seams

from previz.core.camera import CameraPath


@pytest.mark.parametrize(("easing", "move", "shot_move"), [
    ("ease-in-out", True, "dolly"), ("linear", False, "truck")])
def test_a_chain_of_extends_never_holds_a_frame_at_a_seam(tmp_path: Path, easing: str,
                                                          move: bool, shot_move: str) -> None:
    chain = render_chain(tmp_path, pieces=4, seconds=1.0, width=128, height=72,
                         easing=easing, move=move, shot_move=shot_move)
    assert len(chain.frames) == 4 * 24
    assert repeated_at_seams(chain) == 0


def test_an_extend_after_a_push_in_holds_the_framing_it_landed_on(tmp_path: Path) -> None:
    chain = render_chain(tmp_path, pieces=2, seconds=1.0, width=128, height=72,
                         easing="linear", move=False, shot_move="dolly")
    [seam] = chain.seams
    assert not np.array_equal(chain.frames[seam - 2], chain.frames[seam - 1])  # pushing in
    landed = chain.frames[seam - 1]
    assert all(np.array_equal(frame, landed) for frame in chain.frames[seam:])
    path = CameraPath.from_json(chain.clip.camera)
    assert np.allclose(path.position[seam:], path.position[seam - 1], atol=1e-9)
    assert np.all(path.focal_mm[seam:] == path.focal_mm[seam - 1])
