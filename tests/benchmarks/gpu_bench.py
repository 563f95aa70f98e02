"""Load, text-encode, per-step and decode times and peak memory of Wan 1.3B and LTX-Video at
480p, rendered through Previz's own diffusers backend and its memory planner.

    python tests/benchmarks/gpu_bench.py --library ~/models          # real checkpoints
    python tests/benchmarks/gpu_bench.py --random-weights /tmp/bench  # full-size, random
    python tests/benchmarks/gpu_bench.py --dry-run                    # tiny models, CPU

``--library`` names a model library holding ``Wan2.1-T2V-1.3B-Diffusers`` and
``LTX-Video`` (ids changeable with ``--wan`` and ``--ltx``). ``--random-weights`` builds
both at full size from the family configs packaged with Previz, with random weights and a
two-layer text encoder of the right width (per-step and decode work is the real models';
text encoding is not). Each model renders a 5 s shot at 480p in four configurations: final
(the model's full steps), preview (the step cache), compile, and compile with the step
cache; each prints one line per phase (load, text-encode, step, decode) with its seconds and
peak memory, and a JSON summary. ``--dry-run`` does the same with the tiny random models of
the test suite on the CPU, two steps, and exits 1 if any phase was not seen. Nothing reaches
the network: the backend loads offline from safetensors.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

PHASES = ("load", "text-encode", "step", "decode")
SHOTS = {"wan": {"width": 832, "height": 480, "seconds": 5, "fps": Fraction(16), "steps": 30},
         "ltx": {"width": 768, "height": 512, "seconds": 5, "fps": Fraction(24), "steps": 30}}
CONFIGS = {"final": {}, "preview": {"step_cache": 0.1}, "compile": {"compile": True},
           "compile+cache": {"compile": True, "step_cache": 0.1}}


@dataclass
class Clock:
    """Seconds and peak memory per phase of one render."""

    cuda: bool
    phases: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def peak(self) -> float:
        """GiB: the device's peak since the last reset, or the process's peak RSS on a CPU."""
        if self.cuda:
            import torch

            return torch.cuda.max_memory_allocated() / 1024**3
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    def reset(self) -> None:
        """Start a phase's memory count afresh (on CUDA)."""
        if self.cuda:
            import torch

            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()

    def add(self, phase: str, seconds: float) -> None:
        """Record one phase's time and the peak memory it reached."""
        if self.cuda:
            import torch

            torch.cuda.synchronize()
        self.phases.setdefault(phase, []).append((seconds, self.peak()))

    def timed(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, recording each call as ``phase``."""
        def run(*args: Any, **kwargs: Any) -> Any:
            self.reset()
            start = time.perf_counter()
            result = function(*args, **kwargs)
            self.add(phase, time.perf_counter() - start)
            return result

        return run


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--library", type=Path, help="a model library with the real models")
    where.add_argument("--random-weights", type=Path, help="build full-size random models here")
    where.add_argument("--dry-run", action="store_true", help="tiny models on the CPU")
    parser.add_argument("--wan", default="Wan2.1-T2V-1.3B-Diffusers")
    parser.add_argument("--ltx", default="LTX-Video")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    return parser.parse_args(argv)


def render(library: Path, model: str, family: str, config: dict[str, Any], clock: Clock, *,
           dry: bool) -> None:
    """Render one shot through the backend, timing every phase."""
    from previz.backends.diffusers import backend as diffusers_backend
    from previz.backends.diffusers.library import ModelLibrary
    from previz.engine.backend import CancelToken, RenderRequest
    from previz.settings import Settings

    shot = SHOTS[family]
    size = (64, 64, 1, 2) if dry else (shot["width"], shot["height"], shot["seconds"],
                                       shot["steps"])
    backend = diffusers_backend.DiffusersBackend(
        Settings(models_dir=library, device="cpu" if dry else "auto", **config),
        library=ModelLibrary([library]))
    load = backend._pipeline

    def instrumented(*args: Any, **kwargs: Any) -> Any:
        warm = clock.timed("load", load)(*args, **kwargs)
        pipe = warm.pipe
        if not getattr(pipe, "_bench_timed", False):
            pipe.encode_prompt = clock.timed("text-encode", pipe.encode_prompt)
            pipe.vae.decode = clock.timed("decode", pipe.vae.decode)
            pipe._bench_timed = True
        return warm

    backend._pipeline = instrumented  # type: ignore[method-assign]
    marks: list[float] = []

    def step(index: int, total: int) -> None:
        marks.append(time.perf_counter())
        clock.add("step", marks[-1] - marks[-2] if len(marks) > 1 else 0.0)
        clock.reset()

    frames = int(shot["seconds"] * shot["fps"]) + (0 if dry else 1)
    asked = RenderRequest(prompt="a lighthouse keeper walks along the pier at dusk, wide shot",
                          width=size[0], height=size[1], frame_count=frames if not dry else 9,
                          fps=shot["fps"], seed=0, steps=size[3], model=model)
    made = list(backend.generate(asked, step, CancelToken()))
    record = backend.describe(asked)
    print(f"  frames {len(made)} at {size[0]}x{size[1]}; memory plan:"
          f" {record.get('memory', 'none (CPU)')}")
    if len(clock.phases.get("step", [])) > 0:
        clock.phases["step"] = clock.phases["step"][1:] or clock.phases["step"]  # first: warm-up


def report(name: str, clock: Clock) -> dict[str, Any]:
    """One line per phase, and the summary."""
    summary: dict[str, Any] = {"run": name}
    unit = "GiB peak" if clock.cuda else "GiB peak RSS"
    for phase in PHASES:
        seen = clock.phases.get(phase, [])
        if not seen:
            print(f"  {phase:12} MISSING")
            continue
        seconds = statistics.median(item[0] for item in seen)
        memory = max(item[1] for item in seen)
        label = "median s/step" if phase == "step" else "s"
        print(f"  {phase:12} {seconds:8.3f} {label:14} {memory:6.2f} {unit}  ({len(seen)} seen)")
        summary[phase] = {"seconds": round(seconds, 4), "peak_gib": round(memory, 2),
                          "count": len(seen)}
    print(json.dumps(summary))
    return summary


def tiny_library(root: Path) -> dict[str, str]:
    """The test suite's tiny Wan and LTX models, saved under ``root``."""
    from models.tiny_pipelines import ltx, wan_t2v

    wan_t2v().save_pretrained(root / "wan-tiny", safe_serialization=True)
    ltx().save_pretrained(root / "ltx-tiny", safe_serialization=True)
    return {"wan": "wan-tiny", "ltx": "ltx-tiny"}


def random_library(root: Path) -> dict[str, str]:
    """Full-size Wan 1.3B and LTX-Video from the packaged configs, random weights, bfloat16,
    with a two-layer text encoder of the real width."""
    import diffusers
    import torch
    from models.tiny_pipelines import LTX_SCHEDULER, tokenizer
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    configs = ROOT / "previz" / "backends" / "diffusers" / "configs"

    def config(name: str, part: str) -> dict[str, Any]:
        data = json.loads((configs / name / part / "config.json").read_text())
        return {key: value for key, value in data.items() if not key.startswith("_")}

    tok = tokenizer()
    text = {"vocab_size": len(tok), "d_model": 4096, "d_kv": 64, "d_ff": 10240, "num_layers": 2,
            "num_heads": 64, "feed_forward_proj": "gated-gelu", "pad_token_id": 0,
            "eos_token_id": 1, "decoder_start_token_id": 0}
    wan = diffusers.WanPipeline(
        tokenizer=tok, text_encoder=UMT5EncoderModel(UMT5Config(**text)),
        vae=diffusers.AutoencoderKLWan.from_config(config("wan2.1-t2v-1.3b", "vae")),
        transformer=diffusers.WanTransformer3DModel.from_config(
            config("wan2.1-t2v-1.3b", "transformer")),
        scheduler=diffusers.UniPCMultistepScheduler(
            prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0))
    wan.to(torch.bfloat16).save_pretrained(root / "wan-1.3b-random", safe_serialization=True)
    ltx = diffusers.LTXConditionPipeline(
        tokenizer=tok, text_encoder=T5EncoderModel(T5Config(**text)),
        vae=diffusers.AutoencoderKLLTXVideo.from_config(config("ltx-video-0.9", "vae")),
        transformer=diffusers.LTXVideoTransformer3DModel.from_config(
            config("ltx-video-0.9", "transformer")),
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**LTX_SCHEDULER))
    ltx.to(torch.bfloat16).save_pretrained(root / "ltx-random", safe_serialization=True)
    return {"wan": "wan-1.3b-random", "ltx": "ltx-random"}


def main(argv: list[str] | None = None) -> int:
    """Render each model in each configuration; 1 if a phase was never seen."""
    options = arguments(argv)
    import torch

    cuda = torch.cuda.is_available() and not options.dry_run
    if not cuda and not options.dry_run:
        print("no CUDA device: nothing measured (run with --dry-run to check the phases)")
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="previz-bench-"))
    if options.dry_run:
        library, models = scratch, tiny_library(scratch)
        configs = ["final", "preview"]
    elif options.random_weights:
        library, models = options.random_weights, random_library(options.random_weights)
        configs = options.configs.split(",")
    else:
        library, models = options.library or scratch, {"wan": options.wan, "ltx": options.ltx}
        configs = options.configs.split(",")
    missing = False
    for family, model in models.items():
        for name in configs:
            print(f"{model} ({family}), {name}:")
            clock = Clock(cuda)
            render(library, model, family, CONFIGS[name], clock, dry=options.dry_run)
            summary = report(f"{model}/{name}", clock)
            missing |= any(phase not in summary for phase in PHASES)
    if missing:
        print("a phase was not measured")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
