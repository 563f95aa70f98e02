"""An Extend carries the camera on at the speed it had: a chain of them has no held frames
at its seams (DESIGN §6, issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from extend_chain import render_chain, repeated_at_seams


@pytest.mark.parametrize(("easing", "move"), [("ease-in-out", True), ("linear", False)])
def test_a_chain_of_extends_never_holds_a_frame_at_a_seam(tmp_path: Path, easing: str,
                                                          move: bool) -> None:
    chain = render_chain(tmp_path, pieces=4, seconds=1.0, width=128, height=72,
                         easing=easing, move=move)
    assert len(chain.frames) == 4 * 24
    assert repeated_at_seams(chain) == 0
