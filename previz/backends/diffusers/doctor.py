"""``previz doctor``: Python, torch and its device, ffmpeg, the model library and what loads."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from previz.backends.diffusers.library import ModelLibrary
from previz.backends.diffusers.memory import doctor_lines
from previz.backends.diffusers.planner import GB
from previz.backends.diffusers.runtime import RuntimePolicy
from previz.media import MediaError, ffmpeg_exe
from previz.settings import Settings

PROBE_SECONDS = 300


@dataclass(frozen=True)
class Verdict:
    """Whether models can render here, and, if not, why."""

    renders: bool
    reason: str = ""


def probe_runtime(timeout: float = PROBE_SECONDS) -> dict[str, Any]:
    """The model stack as a child Python sees it (see ``probe.py``)."""
    command = [sys.executable, "-m", "previz.backends.diffusers.probe"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as error:
        return {"error": f"the torch probe failed: {error}"}


def gpu_expected(settings: Settings) -> str:
    """Why a GPU is expected here ("" if it is not): the settings, or nvidia-smi seeing one."""
    if settings.expect_gpu:
        return "the settings say so (expect_gpu)"
    if settings.device in ("cuda", "mps"):
        return f"the settings ask for device {settings.device}"
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return ""
    try:
        listed = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30,
                                check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return f"nvidia-smi lists {listed.splitlines()[0]}" if listed.startswith("GPU") else ""


def doctor(settings: Settings, out: TextIO, runtime: Mapping[str, Any] | None = None) -> int:
    """Print what can render here; 1 if a GPU was expected and nothing beyond the draft can."""
    runtime = probe_runtime() if runtime is None else runtime
    print(f"Python {sys.version.split()[0]} at {sys.executable}", file=out)
    print(_torch_line(runtime), file=out)
    print(_ffmpeg_line(), file=out)
    expected = gpu_expected(settings)
    print(f"GPU expected: {'yes, ' + expected if expected else 'no'}", file=out)
    library = ModelLibrary(settings.model_folders())
    models = library.models()
    print(f"model library: {', '.join(str(folder) for folder in library.folders)}", file=out)
    memory = float(runtime.get("memory_gb") or 0) * GB
    for model in models:
        state = "loads" if model.loads else f"does not load: {model.problem}"
        print(f"  {model.id}  {model.family.id if model.family else '?'}  {state}", file=out)
        if memory and settings.offload == "auto":  # what the planner picks on this GPU
            for line in doctor_lines(model, RuntimePolicy("cuda", "bfloat16"), int(memory)):
                print(line, file=out)
    verdict = judge(runtime, [model.id for model in models if model.loads], expected)
    renders = "draft, and diffusers" if verdict.renders else "draft only"
    print(f"renders with: {renders}{'' if verdict.renders else ' (' + verdict.reason + ')'}",
          file=out)
    if expected and not verdict.renders:
        print(f"previz doctor: a GPU was expected ({expected}), but nothing beyond the draft"
              f" backend can render: {verdict.reason}", file=out)
        return 1
    return 0


def judge(runtime: Mapping[str, Any], loadable: list[str], expected: str) -> Verdict:
    """Whether the model backend can render: a working stack, a model that loads and, where a
    GPU is expected, torch seeing it."""
    if runtime.get("error"):
        return Verdict(False, str(runtime["error"]))
    if runtime.get("pipelines"):
        return Verdict(False, f"diffusers {runtime.get('diffusers')} lacks"
                              f" {', '.join(runtime['pipelines'])}; upgrade it")
    if not loadable:
        return Verdict(False, "no model in the library loads")
    if expected and not (runtime.get("cuda") or runtime.get("mps")):
        return Verdict(False, f"torch {runtime.get('torch')} sees no GPU (a CPU-only build?)")
    return Verdict(True)


def _torch_line(runtime: Mapping[str, Any]) -> str:
    if "torch" not in runtime:
        return f"torch: {runtime.get('error', 'not found')}"
    if runtime.get("cuda"):
        device = (f"CUDA {runtime.get('cuda_version')} on {runtime.get('device')}"
                  f" ({runtime.get('memory_gb')} GiB)")
    elif runtime.get("mps"):
        device = "Apple MPS"
    else:
        device = "CPU only (no CUDA device, no Apple MPS)"
    stack = (f"; diffusers {runtime['diffusers']}, transformers {runtime['transformers']}"
             if "diffusers" in runtime else f"; {runtime.get('error', '')}")
    return f"torch {runtime['torch']}: {device}{stack}"


def _ffmpeg_line() -> str:
    try:
        exe = ffmpeg_exe()
        version = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=30,
                                 check=False).stdout.split("\n", 1)[0]
    except (MediaError, OSError, subprocess.TimeoutExpired) as error:
        return f"ffmpeg: missing ({error})"
    return f"ffmpeg: {exe} ({version})"
