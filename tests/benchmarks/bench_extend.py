"""A 60 s Extend chain against one 60 s Shot (issue 13: no more than a few times its cost),
and the held frames at the chain's seams (target 0). Both rendered by the draft through the
real nodes, executor and clip store, at a small size so the figure is the chain's overhead."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from extend_chain import render_chain, repeated_at_seams

SECONDS, PIECES = 60.0, 12
WIDTH, HEIGHT = 320, 180
TARGET = 3.0  # the chain's time over the single shot's


@pytest.mark.benchmark
def test_a_60_s_extend_chain_costs_a_few_single_shots(tmp_path: Path) -> None:
    started = time.perf_counter()
    single = render_chain(tmp_path / "single", pieces=1, seconds=SECONDS, width=WIDTH,
                          height=HEIGHT)
    single_s = time.perf_counter() - started
    started = time.perf_counter()
    chain = render_chain(tmp_path / "chain", pieces=PIECES, seconds=SECONDS / PIECES,
                         width=WIDTH, height=HEIGHT)
    chain_s = time.perf_counter() - started
    held = repeated_at_seams(chain)
    assert len(chain.frames) == len(single.frames)
    print(f"\n60 s at {WIDTH}x{HEIGHT}: one Shot {single_s:.1f} s, a chain of {PIECES}"
          f" {chain_s:.1f} s: {chain_s / single_s:.2f}x (target <= {TARGET:g}x);"
          f" held frames at the seams: {held} (target 0)")
