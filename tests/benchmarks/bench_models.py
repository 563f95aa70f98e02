"""Model backend overhead (DESIGN §13): the backend against a direct diffusers call on the same
tiny Wan, 33 frames at 128x128, 10 steps, store writes aside. Prints the ratio (target: at most
1.05x); asserts no time.

Three figures, since a shared 2-core machine makes wall-clock pairs noisy: the wall-clock
ratio of interleaved pairs, their CPU-time ratio, and the time the backend spends outside the
pipeline's own call (planning, checks, the step callback's share aside, uint8 conversion),
measured inside the same render and so free of the noise between renders.

Run with ``python -m pytest -m benchmark -s tests/benchmarks/bench_models.py``.
"""

from __future__ import annotations

import os

os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                   "DIFFUSERS_VERBOSITY": "error", "TRANSFORMERS_VERBOSITY": "error"})

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
import torch
from diffusers import WanPipeline

from previz.backends.diffusers.backend import DiffusersBackend
from previz.engine.backend import CancelToken, RenderRequest
from previz.settings import Settings

pytestmark = pytest.mark.benchmark

FRAMES, SIZE, STEPS, ROUNDS = 33, 128, 10, 7
PROMPT = "slow dolly in on a lighthouse keeper at night, rain"


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds, and the CPU seconds of every thread of this process (steadier when
    other work shares the machine)."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Pair:
    """One direct call and one backend render, and the backend's time outside the pipeline."""

    direct: Timing
    backend: Timing
    outside: float


def timed(action: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def test_backend_overhead_on_tiny_wan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.tiny_pipelines import wan_t2v

    wan_t2v().save_pretrained(tmp_path / "wan", safe_serialization=True)
    pipe = WanPipeline.from_pretrained(tmp_path / "wan", local_files_only=True,
                                       use_safetensors=True, dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    backend = DiffusersBackend(Settings(models_dir=tmp_path, device="cpu"))
    request = RenderRequest(prompt=PROMPT, width=SIZE, height=SIZE, frame_count=FRAMES,
                            fps=Fraction(16), seed=0, steps=STEPS, guidance=5.0, model="wan")

    def direct() -> object:
        return pipe(prompt=PROMPT, height=SIZE, width=SIZE, num_frames=FRAMES,
                    num_inference_steps=STEPS, guidance_scale=5.0, max_sequence_length=512,
                    generator=torch.Generator("cpu").manual_seed(0), output_type="np").frames

    def through_backend() -> object:
        return list(backend.generate(request, lambda index, total: None, CancelToken()))

    direct()
    through_backend()  # loads the backend's pipeline and warms both up
    inside: list[float] = []
    call = WanPipeline.__call__

    def clocked(self: WanPipeline, *args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return call(self, *args, **kwargs)
        finally:
            inside.append(time.perf_counter() - start)

    monkeypatch.setattr(WanPipeline, "__call__", clocked)
    pairs = []
    for _ in range(ROUNDS):
        plain = timed(direct)
        ours = timed(through_backend)
        pairs.append(Pair(plain, ours, ours.wall - inside[-1]))
    wall = [statistics.median(p.direct.wall for p in pairs),
            statistics.median(p.backend.wall for p in pairs)]
    cpu = [statistics.median(p.direct.cpu for p in pairs),
           statistics.median(p.backend.cpu for p in pairs)]
    outside = statistics.median(p.outside for p in pairs)
    print(f"\nmodel backend overhead, tiny Wan {FRAMES}x{SIZE}x{SIZE}, {STEPS} steps, CFG, CPU"
          f" ({torch.get_num_threads()} threads), medians of {ROUNDS} interleaved pairs:"
          f" direct diffusers {wall[0]:.3f} s, backend {wall[1]:.3f} s, ratio"
          f" {wall[1] / wall[0]:.3f}x; CPU time {cpu[0]:.3f} s against {cpu[1]:.3f} s, ratio"
          f" {cpu[1] / cpu[0]:.3f}x; outside the pipeline call {outside * 1000:.1f} ms, ratio"
          f" {(wall[0] + outside) / wall[0]:.3f}x (target at most 1.05x)")
