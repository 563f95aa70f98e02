"""Seconds per denoising step and peak memory of full-size Wan 1.3B and LTX-Video on a CUDA GPU.

The transformers and VAEs are built from the family configs kept in the package
(``previz/backends/diffusers/configs``) with random weights: the same work per step as the
real weights, without downloading them. Random prompt embeddings stand in for the text
encoder (UMT5-XXL is 11 GB and runs once per render, not per step). One configuration per
call, so compilation and caches never leak between measurements:

    python tests/benchmarks/gpu_bench.py --model wan --config plain
    python tests/benchmarks/gpu_bench.py --model wan --config cache     # FirstBlockCache 0.1
    python tests/benchmarks/gpu_bench.py --model wan --config compile   # regional compile
    python tests/benchmarks/gpu_bench.py --model ltx --config plain

Native sizes: Wan 1.3B 81 frames at 832x480; LTX-Video 121 frames at 768x512. Each prints one
line of JSON (model, config, size, seconds per step after warm-up, the first step, the VAE
decode, peak memory). Step-cache figures with random weights are not representative of real
hit rates: a random transformer's residuals change differently from a trained one's.

It needs only torch with CUDA and diffusers; nothing of Previz is imported, so it runs on a
machine with its own Python and torch (carry diffusers over as wheels, see the README). It is
not a pytest module and imports nothing but the standard library until it runs; without CUDA
it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

CONFIGS = Path(__file__).resolve().parents[2] / "previz" / "backends" / "diffusers" / "configs"
NATIVE = {"wan": {"config": "wan2.1-t2v-1.3b", "frames": 81, "width": 832, "height": 480,
                  "text": (512, 4096)},
          "ltx": {"config": "ltx-video-0.9", "frames": 121, "width": 768, "height": 512,
                  "text": (128, 4096)}}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model", choices=sorted(NATIVE), default="wan")
    parser.add_argument("--config", choices=("plain", "cache", "compile"), default="plain")
    parser.add_argument("--steps", type=int, default=8, help="steps to time (after warm-up)")
    parser.add_argument("--frames", type=int, help="default: the model's native count")
    parser.add_argument("--width", type=int)
    parser.add_argument("--height", type=int)
    return parser.parse_args(argv)


def _config(name: str, component: str) -> dict[str, Any]:
    data = json.loads((CONFIGS / name / component / "config.json").read_text())
    return {key: value for key, value in data.items() if not key.startswith("_")}


def build(model: str) -> Any:
    """The full-size pipeline with random weights, on the GPU in bfloat16 (Wan's VAE in
    float32, as the backend runs it), with no text encoder."""
    import diffusers
    import torch

    name = NATIVE[model]["config"]
    torch.manual_seed(0)
    with torch.device("cuda"):
        if model == "wan":
            transformer = diffusers.WanTransformer3DModel.from_config(_config(name, "transformer"))
            vae = diffusers.AutoencoderKLWan.from_config(_config(name, "vae"))
            scheduler = diffusers.UniPCMultistepScheduler(
                prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
            pipe = diffusers.WanPipeline(tokenizer=None, text_encoder=None, vae=vae,
                                         transformer=transformer.to(torch.bfloat16),
                                         scheduler=scheduler)
        else:
            transformer = diffusers.LTXVideoTransformer3DModel.from_config(
                _config(name, "transformer"))
            vae = diffusers.AutoencoderKLLTXVideo.from_config(_config(name, "vae"))
            pipe = diffusers.LTXConditionPipeline(
                tokenizer=None, text_encoder=None, vae=vae.to(torch.bfloat16),
                transformer=transformer.to(torch.bfloat16),
                scheduler=diffusers.FlowMatchEulerDiscreteScheduler())
    pipe.set_progress_bar_config(disable=True)
    return pipe


def configure(pipe: Any, config: str) -> None:
    """Turn on the step cache or regional compilation."""
    if config == "cache":
        from diffusers import FirstBlockCacheConfig

        pipe.transformer.enable_cache(FirstBlockCacheConfig(threshold=0.1))
    elif config == "compile":
        pipe.transformer.compile_repeated_blocks(fullgraph=True)


def embeddings(model: str) -> dict[str, Any]:
    """Random prompt and negative prompt embeddings in place of the text encoder's."""
    import torch

    tokens, width = NATIVE[model]["text"]
    made = {name: torch.randn(1, tokens, width, device="cuda", dtype=torch.bfloat16)
            for name in ("prompt_embeds", "negative_prompt_embeds")}
    if model == "ltx":
        for name in ("prompt_attention_mask", "negative_prompt_attention_mask"):
            made[name] = torch.ones(1, tokens, device="cuda", dtype=torch.long)
    return made


def measure(pipe: Any, model: str, size: dict[str, int], steps: int) -> dict[str, Any]:
    """Run ``steps`` + 2 denoising steps, timing each; then the VAE decode."""
    import torch

    marks: list[float] = []

    def mark(pipeline: Any, index: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        torch.cuda.synchronize()
        marks.append(time.perf_counter())
        return tensors

    torch.cuda.reset_peak_memory_stats()
    torch.cuda.synchronize()
    start = time.perf_counter()
    pipe(**embeddings(model), height=size["height"], width=size["width"],
         num_frames=size["frames"], num_inference_steps=steps + 2, guidance_scale=5.0,
         generator=torch.Generator("cpu").manual_seed(0), output_type="np",
         callback_on_step_end=mark)
    torch.cuda.synchronize()
    end = time.perf_counter()
    gaps = [b - a for a, b in zip([start, *marks[:-1]], marks, strict=True)]
    return {"first_step_s": round(gaps[0], 3),
            "s_per_step": round(statistics.median(gaps[2:]), 3),
            "decode_s": round(end - marks[-1], 3),
            "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 1024**3, 2)}


def main(argv: list[str] | None = None) -> int:
    """Measure one model in one configuration; print the result as JSON."""
    options = arguments(argv)
    try:
        import torch
    except ImportError:
        print("torch is not installed: nothing measured")
        return 0
    if not torch.cuda.is_available():
        print("no CUDA device: nothing measured (this benchmark needs a GPU)")
        return 0
    native = NATIVE[options.model]
    size = {"frames": options.frames or native["frames"], "width": options.width or
            native["width"], "height": options.height or native["height"]}
    pipe = build(options.model)
    configure(pipe, options.config)
    result = measure(pipe, options.model, size, options.steps)
    import diffusers

    print(json.dumps({"model": native["config"], "config": options.config, **size,
                      "steps_timed": options.steps, **result,
                      "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
                      "diffusers": diffusers.__version__,
                      "weights": "random (same work per step as real weights)",
                      "text_encoder": "none (random prompt embeddings)"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
